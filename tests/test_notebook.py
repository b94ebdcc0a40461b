"""The notebook experience: HTML views, DataFrames both ways, plots, progress."""

from __future__ import annotations

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

import bilatlog as bl
from bilatlog.notebook import (
    MAX_ROWS,
    MIN_SPAN,
    STATUS_COLOURS,
    progress,
    state_html,
    status_colour,
    status_group,
)


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
    assert "?&nbsp;possible" in imprecise


def _views(tl):
    return {
        "state": tl.state_at("2021-10-20")._repr_html_(),
        "history": tl.history("merida-initiative")._repr_html_(),
        "diff": tl.diff("2018-01-01", "2021-12-31")._repr_html_(),
        "explain": tl.explain("dea-operations", at="2021-06-01")._repr_html_(),
        "track": tl.state_at("2021-06-01")["dea-operations"]._repr_html_(),
        "period": tl.history("merida-initiative")[0]._repr_html_(),
        "change": tl.diff("2018-01-01", "2021-12-31")[0]._repr_html_(),
    }


def test_every_view_renders_with_a_caption_per_table(tl):
    """History, diff, explanation, a track state: each table has a caption saying what it is."""
    views = _views(tl)
    for name, page in views.items():
        assert page.startswith('<div class="bl-view"><style>'), name
        assert page.count("<table") == page.count("<caption>") > 0, name
    assert "repudiated-by-mexico" in views["history"]
    assert "History of <b>merida-initiative</b>" in views["history"]
    assert "resuming" in views["diff"]
    assert "Reuters" in views["explain"]
    assert "State on 20 October 2021" in views["state"]
    assert "Figures reported by then" in views["state"]
    assert "Status of <b>dea-operations</b>" in views["track"]


def test_an_empty_diff_says_nothing_changed_instead_of_an_empty_table(tl):
    """Two days with the same state: a sentence, as an empty state has, not headers alone."""
    page = tl.diff("2021-06-01", "2021-06-02")._repr_html_()
    assert "<table" not in page
    assert "What changed</b>: nothing" in page
    assert "<table" in tl.diff("2019-01-01", "2022-01-01")._repr_html_()


def test_a_caption_gives_a_date_once_when_words_and_edtf_agree(tl):
    """`State on 2021`, not `State on 2021 2021`; a day keeps both forms."""
    assert "State on 2021 <span" in tl.state_at("2021")._repr_html_()
    assert "<code>2021</code>" not in tl.explain("dea-operations", at="2021")._repr_html_()
    assert "20 October 2021 <code>2021-10-20</code>" in tl.state_at("2021-10-20")._repr_html_()


def test_truth_and_dates_are_kept_on_one_line_and_prose_left_aligned(tl):
    """Truth and date cells are marked to stay on one line; the style sheet outranks the host's.

    The rendering itself is checked in Chromium (tests/test_notebook_browser.py).
    """
    page = tl.state_at("2021-01-15")._repr_html_()
    nowrap = ' style="white-space:nowrap"'
    assert f'<span class="bl-possible bl-nw"{nowrap} title="possible, not certain">' in page
    assert f"<div><code{nowrap}>2021-01~</code>" in page
    assert '<td class="bl-date" style="text-align:left;vertical-align:top">' in page
    style = page[page.index("<style>") : page.index("</style>")]
    # JupyterLab's `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td` is (0,2,1):
    # `div.bl-view table.bl-table td` is (0,2,3) and wins
    assert "div.bl-view table.bl-table th,div.bl-view table.bl-table td{text-align:left" in style
    assert "font-family:system-ui" in style


def test_dates_inside_words_never_break_at_a_hyphen():
    """'some day 2020-01-01 to 2021-04-30': each ISO date in the words stays whole."""
    t = bl.open()
    t.record("unit.disbanded", on="[2020..2021-04]", track="dea-operations-siu",
             status="disbanded")  # fmt: skip
    page = t.state_at("2022")._repr_html_()
    nowrap = 'class="bl-nw" style="white-space:nowrap"'
    assert "[2020..2021-04]</code>" in page
    assert f"some day <span {nowrap}>2020-01-01</span> to <span {nowrap}>2021-04-30" in page


def test_a_large_state_folds_after_the_first_tracks():
    """60 tracks: the first MAX_ROWS show, the other 40 fold under 'and 40 more tracks'."""
    t = bl.open()
    t.append([bl.Event(type="talks.held", on="2021", track=f"track-{i:02}", status="active")
              for i in range(60)])  # fmt: skip
    page = t.state_at("2022")._repr_html_()
    shown, folded = page.split("<details", 1)
    assert shown.count("<tr><td") == MAX_ROWS == 20
    assert "<summary>and 40 more tracks</summary>" in folded
    assert folded.count("<tr><td") == 40
    assert "track-19" in shown
    assert "track-20" not in shown
    assert "track-59" in folded
    assert state_html(t.state_at("2022"), max_rows=None).count("<tr><td") == 60


def test_the_timeline_card_names_the_store(tl, tmp_path):
    """The card shows the store's name (file, database, or memory), records and tracks."""
    card = tl._repr_html_()
    tracks = tl.tracks()
    assert "in-memory copy of us_mexico_security.jsonl" in card
    assert f"{tl.position} records" in card
    assert f"{len(tracks)} tracks" in card
    assert f"and {len(tracks) - 12} more" in card
    assert f"{tracks[11]} and" in card
    assert "memory:</code>" not in card
    with bl.open(tmp_path / "relations.jsonl") as f:
        f.record("talks.held", on="2021", track="security-dialogue", status="active")
        card = f._repr_html_()
    assert ">relations.jsonl</span> &middot; 1 record &middot; 1 track" in card
    assert str(tmp_path) in card  # the full path, as the name's tooltip
    assert "in memory" in bl.open()._repr_html_()


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


TRACKS = ["merida-initiative", "dea-operations", "dea-visas", "national-guard"]


def _bars(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_draws_a_bar_group_per_track_with_hatched_possible_spans(tl, tmp_path):
    """The Gantt plot: one row of bars per track, hatching for possible spans; PNG and SVG."""
    ax = tl.plot(tracks=TRACKS, start="2006", end="2023")
    bars = _bars(ax)
    rows = {round(b.get_paths()[0].vertices[:, 1].mean()) for b in bars}
    assert rows == set(range(len(TRACKS)))
    assert any(b.get_hatch() == "////" for b in bars)  # the imprecise DEA dates
    assert [t.get_text() for t in ax.get_yticklabels()] == TRACKS
    ax.figure.savefig(tmp_path / "t.png")
    ax.figure.savefig(tmp_path / "t.svg")
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "t.svg").read_bytes()[:500]
    plt.close(ax.figure)


def test_plot_labels_say_what_and_when_and_the_legend_explains_every_mark(tl):
    """Axis labels, a title with the years (and known_at), statuses grouped by meaning, plans."""
    ax = tl.plot(tracks=TRACKS, start="2006", end="2023")
    assert ax.get_title(loc="left") == "Status of cooperation by track, 2006\u20132023"
    assert ax.get_xlabel() == "date (when it happened)"
    assert ax.get_ylabel() == "track"
    legend = _legend(ax)
    for mark in ("may or may not hold", "still holds", "event", "planned (expected)"):
        assert mark in legend
    groups = [t for t in legend if t.startswith("$")]
    assert groups == ["$\\bf{cooperation}$", "$\\bf{strain}$", "$\\bf{ended}$",
                      "$\\bf{other}$", "$\\bf{marks}$"]  # fmt: skip
    assert legend.index("active") < legend.index("suspended") < legend.index("ended")
    plt.close(ax.figure)
    then = tl.plot(known_at="2021-10-15")
    assert then.get_title(loc="left").endswith("(as known at 2021-10-15)")
    plt.close(then.figure)


def _colour_of(ax, status):
    handles = ax.get_legend().legend_handles
    return next(to_hex(h.get_facecolor()) for h, t in zip(handles, _legend(ax), strict=True)
                if t == status)  # fmt: skip


def test_a_status_has_one_colour_in_every_plot_and_timeline(tl):
    """'active' is the same colour alone or among others, in any timeline; colours= overrides."""
    many = tl.plot(tracks=TRACKS)
    one = tl.plot(tracks=["security-dialogue"])
    other = bl.open()
    other.record("talks.held", on="2021", track="x", status="suspended")
    other.record("talks.held", on="2022", track="x", status="active")
    third = other.plot()
    assert _colour_of(many, "active") == _colour_of(one, "active") == _colour_of(third, "active")
    assert _colour_of(many, "suspended") == _colour_of(third, "suspended")
    assert _colour_of(many, "active") == STATUS_COLOURS["active"]
    assert status_group("talks-suspended") == "strain"
    assert status_group("extended-to-2024") == "cooperation"
    assert status_colour("brand-new-status") == status_colour("brand-new-status")
    mine = other.plot(colours={"active": "#000000"})
    assert _colour_of(mine, "active") == "#000000"
    for ax in (many, one, third, mine):
        plt.close(ax.figure)


def test_uncertainty_stays_visible_on_a_long_axis(tl):
    """A few weeks of doubt on an 18-year axis are drawn at least MIN_SPAN of its width."""
    ax = tl.plot(tracks=["dea-operations"], start="2006", end="2023")
    left, right = ax.get_xlim()
    hatched = [b for b in _bars(ax) if b.get_hatch()]
    assert hatched
    for b in hatched:
        xs = b.get_paths()[0].vertices[:, 0]
        assert xs.max() - xs.min() >= MIN_SPAN * (right - left) * 0.999
    plt.close(ax.figure)


def test_open_periods_end_in_an_arrow(tl):
    """A period that still holds is marked as continuing at the right edge."""
    ax = tl.plot(tracks=["merida-initiative", "federal-police"], end="2023")
    arrows = [ln for ln in ax.get_lines() if ln.get_marker() == ">"]
    assert len(arrows) == 2  # "ended" and "dissolved" still hold
    assert {float(mdates.date2num(ln.get_xdata()[0])) for ln in arrows} == {ax.get_xlim()[1]}
    plt.close(ax.figure)


def test_an_empty_plot_says_why(tl):
    """known_at before the first record: the chart says so instead of drawing a blank."""
    ax = tl.plot(known_at="2021-01-01")
    texts = [t.get_text() for t in ax.texts]
    why = (
        "Nothing to draw: at 2021-01-01 the store held no record yet; "
        "its first was recorded on 2021-10-15."
    )
    assert texts == [why]
    assert not _bars(ax)
    plt.close(ax.figure)
    ax = tl.plot_figures(["no.such-metric"])
    assert "no figure is reported for no.such-metric" in ax.texts[0].get_text()
    plt.close(ax.figure)


def test_a_plot_of_one_day_spans_its_year_and_of_open_starts_their_known_days():
    """One event on one day: its year's axis, no warning; only `../2020`: no crash, no year 1."""
    one = bl.open()
    one.record("pact.signed", on="2021-06-01", track="pact", status="in-force")
    ax = one.plot()
    low, high = (mdates.num2date(x).date().isoformat() for x in ax.get_xlim())
    assert (low, high) == ("2021-01-01", "2021-12-31")
    assert ax.get_title(loc="left").endswith(", 2021")
    plt.close(ax.figure)
    before = bl.open()
    before.record("pact.ended", on="../2020", track="pact", status="ended")
    ax = before.plot()
    low, high = (mdates.num2date(x).date() for x in ax.get_xlim())
    period = before.history("pact")[0]
    assert (low, high) == period.end_bounds  # the days its end may fall on
    assert _bars(ax)
    plt.close(ax.figure)


def test_one_name_as_a_string_is_refused_not_read_letter_by_letter(tl):
    """tracks="dea-operations" or metrics="us.overdose-deaths": a ValidationError naming the fix."""
    calls = (
        ("tracks", lambda: tl.plot(tracks="dea-operations")),
        ("metrics", lambda: tl.plot_figures("us.overdose-deaths")),
        ("tracks", lambda: tl.plot_interactive(tracks="dea-operations")),
    )
    for field, call in calls:
        with pytest.raises(bl.ValidationError) as caught:
            call()
        assert caught.value.field == field
        assert f"{field}=[{caught.value.value!r}]" in caught.value.fix
    plt.close("all")


def _series(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def test_plot_figures_shows_corrections_under_known_at(tl):
    """Figures: today's values, and with known_at the older values on a dashed line."""
    ax = tl.plot_figures(["us.overdose-deaths"], known_at="2021-10-15")
    now, then = _series(ax)
    assert then.get_linestyle() == "--"
    assert [v for v in now.get_ydata() if v == v] == [36450, 91799]  # noqa: PLR0124 - NaN
    assert [v for v in then.get_ydata() if v == v] == [36450, 93331]  # noqa: PLR0124
    assert now.get_label() == "us.overdose-deaths (now)"
    assert then.get_label() == "us.overdose-deaths (as known at 2021-10-15)"
    plt.close(ax.figure)
    alone = tl.plot_figures(["us.overdose-deaths"])
    assert [ln.get_label() for ln in _series(alone)] == ["us.overdose-deaths"]  # no "(now)"
    plt.close(alone.figure)


def test_plot_figures_has_units_spans_gaps_and_concise_dates(tl):
    """The unit on the axis; a year-dated figure is a span; no line across 2009-2019."""
    ax = tl.plot_figures(["us.overdose-deaths"])
    assert ax.get_ylabel() == "deaths"
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    (line,) = _series(ax)
    ys = list(line.get_ydata())
    assert ys[0] == 36450
    assert ys[1] != ys[1]
    spans = [ln for ln in ax.get_lines() if ln.get_label() == "_span"]
    widths = sorted(mdates.date2num(ln.get_xdata()[1]) - mdates.date2num(ln.get_xdata()[0])
                    for ln in spans)  # fmt: skip
    assert widths == [366.0, 366.0]  # the whole of 2008 and of 2020 (leap years both)
    plt.close(ax.figure)


def test_interactive_timeline_hover_gives_summary_date_and_sources(tl):
    """The plotly figure: a bar per period, and hover text with summary, EDTF and sources."""
    fig = tl.plot_interactive(tracks=["dea-operations"])
    events = next(t for t in fig.data if t.name == "event")
    halted = next(h for h in events.hovertext if "2021-01~" in h)
    assert "Joint work against the cartels" in halted
    assert "January 2021 (approximate)" in halted
    assert "Reuters" in halted
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} == {p.status for p in tl.history("dea-operations")}
    assert all(t.marker.color == status_colour(t.name) for t in bars)
    assert "2006\u20132024" in fig.layout.title.text


def test_interactive_timeline_of_one_day_or_open_starts_draws_its_periods():
    """As the Gantt plot: one day spans its year (bar drawn, title `2021`); `../2020` is drawn."""
    one = bl.open()
    one.record("pact.signed", on="2021-06-01", track="pact", status="in-force")
    fig = one.plot_interactive()
    assert fig.layout.xaxis.range == ("2021-01-01", "2021-12-31")
    assert [t.name for t in fig.data if t.type == "bar"] == ["in-force"]
    assert fig.layout.title.text.endswith(", 2021")
    before = bl.open()
    before.record("pact.ended", on="../2020", track="pact", status="ended")
    fig = before.plot_interactive()
    assert not fig.layout.annotations
    assert [t.name for t in fig.data if t.type == "bar"] == ["ended"]


def test_a_huge_summary_keeps_its_hover_inside_the_figure():
    """A 2,000-word summary: the hover shows its first lines and an ellipsis, not 200 lines."""
    t = bl.open()
    t.record("talks.held", on="2021-05", track="talks", status="open", summary="word " * 2000)
    fig = t.plot_interactive()
    hover = next(tr for tr in fig.data if tr.name == "event").hovertext[0]
    summary = hover.split("</b>")[0]
    assert summary.count("<br>") == 7  # eight lines
    assert summary.endswith("\u2026")


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
