"""The notebook experience: HTML views, DataFrames both ways, plots, progress."""

from __future__ import annotations

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

import bilatlog as bl
from bilatlog.notebook import progress


@pytest.fixture(scope="module")
def tl():
    return bl.examples.us_mexico()


def test_state_html_shows_tracks_statuses_truth_plans_and_links(tl):
    """A state renders as a table: tracks, statuses, visible truth, plans apart, linked sources."""
    page = tl.state_at("2021-10-20")._repr_html_()
    for text in ("merida-initiative", "ended", "dea-operations", "suspended"):
        assert text in page
    assert "bl-certain" in page
    assert "Planned, still expected" in page
    assert '<a href="https://foreignpolicy.com/' in page
    imprecise = tl.state_at("2021-01-15")._repr_html_()
    assert "? possible" in imprecise


def test_every_view_renders(tl):
    """History, diff, explanation, a track state and the timeline itself all render."""
    views = [
        tl.history("merida-initiative")._repr_html_(),
        tl.diff("2018-01-01", "2021-12-31")._repr_html_(),
        tl.explain("dea-operations", at="2021-06-01")._repr_html_(),
        tl.state_at("2021-06-01")["dea-operations"]._repr_html_(),
        tl._repr_html_(),
    ]
    assert all(v.startswith("<") for v in views)
    assert "repudiated-by-mexico" in views[0]
    assert "resuming" in views[1]
    assert "Reuters" in views[2]
    assert "65 records" in views[4]


def test_html_is_escaped():
    """Event text can never inject markup or script."""
    t = bl.open()
    t.record("talks.held", on="2021", track="x-track", status="active",
             summary="<script>alert('x')</script>", id="evil",
             sources=[bl.Source(outlet="<b>bold</b>", url='https://e.org/?a=1&b="2"')])  # fmt: skip
    pages = [t.state_at("2022")._repr_html_(), t.history("x-track")._repr_html_(),
             t.explain("x-track", at="2022")._repr_html_()]  # fmt: skip
    for page in pages:
        assert "<script>" not in page
        assert "<b>bold</b>" not in page
    assert "&lt;script&gt;" in pages[1]
    assert "&quot;2&quot;" in pages[0]


def test_frames_round_trip_with_nothing_lost(tl):
    """to_frame then from_frame rebuilds exactly the same events."""
    frame = tl.to_frame()
    assert len(frame) == len(tl.events())
    assert {"edtf", "earliest", "latest", "outlets"} <= set(frame.columns)
    back = bl.from_frame(frame)
    assert [k.event for k in back.events()] == [k.event for k in tl.events()]
    assert [s.status for s in back.state_at("2021-12-31").values()] == [
        s.status for s in tl.state_at("2021-12-31").values()
    ]


def test_from_frame_reports_the_bad_row_and_writes_nothing():
    """A bad row is reported with its index; nothing of the frame is written."""
    frame = pd.DataFrame(
        {"type": ["talks.held", "talks.held", "talks.held"],
         "edtf": ["2021-10-08", "2021-02-30", "2021"]},
        index=["a", "b", "c"],
    )  # fmt: skip
    target = bl.open()
    with pytest.raises(bl.ValidationError, match="row b") as info:
        bl.from_frame(frame, target)
    assert "no day 30" in str(info.value)
    assert target.position == 0
    with pytest.raises(bl.ValidationError, match="missing"):
        bl.from_frame(pd.DataFrame({"type": ["a.b"]}))


def test_state_history_series_and_matrix_frames(tl):
    """State, history, figures and a status matrix as DataFrames."""
    s = tl.state_at("2021-06-01").to_frame()
    assert s.set_index("track").loc["merida-initiative", "status"] == "active"
    h = tl.history("merida-initiative").to_frame()
    assert list(h["status"]) == ["announced", "funded", "active", "repudiated-by-mexico", "ended"]
    f = tl.series_frame("us.overdose-deaths")
    assert list(f["value"]) == [36450, 91799]
    m = tl.status_matrix(start="2019", end="2022", tracks=["merida-initiative", "dea-operations"])
    assert list(m["merida-initiative"]) == ["active", "active", "active", "ended"]
    jan = tl.status_matrix(start="2021-01-15", end="2021-01-15", tracks=["dea-operations"],
                           every="day")  # fmt: skip
    assert list(jan["dea-operations"]) == ["suspended?"]


def test_plot_draws_a_bar_group_per_track_with_hatched_possible_spans(tl, tmp_path):
    """The Gantt plot: one row of bars per track, hatching for possible spans; PNG and SVG."""
    tracks = ["merida-initiative", "dea-operations", "dea-visas", "national-guard"]
    ax = tl.plot(tracks=tracks, start="2006", end="2023")
    bars = [c for c in ax.collections if isinstance(c, PolyCollection)]
    rows = {round(b.get_paths()[0].vertices[:, 1].mean()) for b in bars}
    assert rows == set(range(len(tracks)))
    assert any(b.get_hatch() == "///" for b in bars)  # the imprecise DEA dates
    assert [t.get_text() for t in ax.get_yticklabels()] == tracks
    assert ax.get_legend() is not None
    ax.figure.savefig(tmp_path / "t.png")
    ax.figure.savefig(tmp_path / "t.svg")
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "t.svg").read_bytes()[:500]
    plt.close(ax.figure)


def test_plot_figures_shows_corrections_under_known_at(tl):
    """Figures: today's line, and with known_at the older values on a dashed line."""
    ax = tl.plot_figures(["us.overdose-deaths"], known_at="2021-10-15")
    lines = ax.get_lines()
    assert len(lines) == 2
    assert lines[1].get_linestyle() == "--"
    assert list(lines[0].get_ydata()) == [36450, 91799]
    assert list(lines[1].get_ydata()) == [36450, 93331]
    plt.close(ax.figure)


def test_plain_reprs_are_one_line(tl):
    """Outside notebooks, answers print as one readable line each."""
    assert repr(tl.state_at("2021-01-15")["dea-operations"]) == (
        "<TrackState dea-operations: suspended (possible, or restricted) since 2021-01~>"
    )
    assert repr(tl.history("merida-initiative")[-1]) == (
        "<Period merida-initiative: ended 2021-10-08/.. (certain)>"
    )
    assert repr(tl.explain("dea-operations", at="2021-06-01")).startswith(
        "<Explanation dea-operations at 2021-06-01: suspended (certain)"
    )


def test_replay_progress(tl, capsys):
    """replay(progress=True) shows a bar; the answers are the same."""
    quiet = [d for d, _ in tl.replay("2019", "2021")]
    loud = [d for d, _ in tl.replay("2019", "2021", progress=True)]
    assert quiet == loud
    assert "replay" in capsys.readouterr().err


def test_progress_is_silent_unless_asked(capsys):
    """Progress bars stay out of logs and pipes, and show when asked."""
    assert list(progress(range(5), total=5)) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""
    assert list(progress(range(3), total=3, desc="rows", enabled=True)) == [0, 1, 2]
    assert "rows" in capsys.readouterr().err
