"""The TimelineJS3 export: short headlines cut at a word, the summary once, chosen groups, eras."""

from __future__ import annotations

import html
import itertools
import json
import re

import pytest

import bilatlog as bl
from bilatlog.cli import main
from bilatlog.io import export_timelinejs
from bilatlog.io.exporters import HEADLINE_CHARS


@pytest.fixture(scope="module")
def us_mx():
    return bl.examples.us_mexico()


@pytest.fixture(scope="module")
def doc(us_mx, tmp_path_factory):
    return export_timelinejs(us_mx, tmp_path_factory.mktemp("tljs") / "t.json")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_headlines_are_short_and_end_at_a_whole_word(us_mx, doc):
    """Every headline fits the limit and is made of whole words of its summary."""
    summaries = {e.id: e.summary for e in us_mx.events()}
    cut = 0
    for slide in doc["events"]:
        head = html.unescape(slide["text"]["headline"])
        summary = summaries[slide["unique_id"]]
        assert len(head) <= HEADLINE_CHARS + 1, head
        stem = head.removesuffix("…")
        assert summary.startswith(stem), (head, summary)
        words, whole = _words(stem), _words(summary)
        assert words == whole[: len(words)], head  # the last word is a whole word, not a stump
        cut += head.endswith("…")
    assert cut > 10  # the bundled summaries are long: most are cut


def test_a_cut_is_never_mid_word_nor_inside_an_aside():
    """The examples the issue names: no '…AIMED S', no dangling '(later US accounts…'."""
    t = bl.open()
    t.record(
        "law.passed", on="2020-12-15", track="foreign-agents-rules", status="in-force",
        summary="Mexico's National Security Law reform requires foreign agents to share what "
                "they learn and restricts their work, aimed squarely at the DEA.",
    )  # fmt: skip
    t.record(
        "visas.halted", on="2021", track="dea-visas", status="halted",
        summary="Mexico stops approving visas for DEA agents (later US accounts say none in 2021).",
    )  # fmt: skip
    t.record(
        "arrest.made", on="2020-10-15", track="cienfuegos-case", status="arrested",
        summary="US agents arrest former defense secretary Gen. Salvador Cienfuegos in Los "
                "Angeles on DEA-built drug charges.",
    )  # fmt: skip
    t.record("talks.held", on="2021-10-08", track="dialogue", status="active",
             summary="A short summary. With a second sentence")  # fmt: skip
    heads = {
        s["group"]: html.unescape(s["text"]["headline"])
        for s in export_timelinejs(t, "/dev/null")["events"]
    }
    assert heads == {
        "foreign-agents-rules": "Mexico's National Security Law reform requires foreign agents to…",
        "dea-visas": "Mexico stops approving visas for DEA agents…",
        "cienfuegos-case": "US agents arrest former defense secretary Gen. Salvador…",
        "dialogue": "A short summary",
    }


def test_the_summary_appears_once(us_mx, doc):
    """The full summary is the slide's text exactly once; a summary that fits is the headline."""
    summaries = {e.id: e.summary for e in us_mx.events()}
    for slide in doc["events"]:
        summary = html.escape(summaries[slide["unique_id"]])
        head, text = slide["text"]["headline"], slide["text"]["text"]
        if head == summary.rstrip("."):
            assert summary not in text
        else:
            assert text.count(summary) == 1
    whole = next(s for s in doc["events"] if s["unique_id"] == "dea-visas-unblocked")
    assert whole["text"]["headline"] == summaries["dea-visas-unblocked"].rstrip(".")
    assert "agreed to issue visas" not in whole["text"]["text"]


def test_a_summary_that_is_its_headline_but_for_spacing_appears_once(tmp_path):
    """A double space or a trailing one (as pasted from news text) does not repeat the summary."""
    t = bl.open()
    t.record("talks.held", on="2021", summary="Talks  held in Mexico City")
    t.record("talks.held", on="2022", summary="Talks held in Washington. ")
    doc = export_timelinejs(t, tmp_path / "t.json")
    assert [s["text"]["headline"] for s in doc["events"]] == [
        "Talks held in Mexico City", "Talks held in Washington",
    ]  # fmt: skip
    assert [s["text"]["text"] for s in doc["events"]] == ["", ""]


def test_open_ends_never_stretch_the_timeline_to_year_1_or_9999(tmp_path):
    """`../2020` and `[..2019]` sit at their known end; `2021/..` and `[2022..]` get no end date."""
    t = bl.open()
    for on in ("../2020", "[..2019]", "2021/..", "[2022..]", "2018-05"):
        t.record("talks.held", on=on, summary=f"talks {on}")
    doc = export_timelinejs(t, tmp_path / "t.json")
    slides = {s["text"]["headline"]: s for s in doc["events"]}
    years = [d["year"] for s in doc["events"] for d in (s["start_date"], s.get("end_date")) if d]
    assert min(years) == 2018
    assert max(years) == 2022
    assert slides["talks ../2020"]["start_date"]["year"] == 2020
    assert slides["talks [..2019]"]["start_date"]["year"] == 2019
    assert "end_date" not in slides["talks [2022..]"]
    assert "end_date" not in slides["talks ../2020"]
    assert all(s["display_date"] for s in doc["events"])


def test_an_export_without_events_is_an_error_and_writes_nothing(us_mx, tmp_path):
    """An empty store, or known_at before the first record: TimelineJS would show only an error."""
    target = tmp_path / "t.json"
    for t, known_at in ((bl.open(), None), (us_mx, "2000-01-01")):
        with pytest.raises(bl.ValidationError) as caught:
            export_timelinejs(t, target, known_at=known_at)
        assert caught.value.field == "known_at"
        assert "no event" in caught.value.problem
        assert not target.exists()
        assert not target.with_name("t.json.head.json").exists()


def test_an_era_with_an_open_start_begins_with_the_events_shown(tmp_path):
    """A period from `../2018` is an era from the first event's day, not from year 1."""
    t = bl.open()
    t.record("pact.held", on="../2018", track="pact", status="active")
    t.record("pact.suspended", on="2016-03", track="other", status="suspended")
    t.record("pact.ended", on="2020-05", track="pact", status="ended")
    t.record("pact.resumed", on="[..2021]", track="pact", status="active")
    t.record("pact.ended", on="../2022", track="pact", status="ended")
    doc = export_timelinejs(t, tmp_path / "t.json", eras="pact")
    years = [d["year"] for era in doc["eras"] for d in (era["start_date"], era["end_date"])]
    assert min(years) == 2016
    assert max(years) == 2022
    assert doc["eras"][0]["start_date"]["display_date"] == bl.When.parse("../2018").describe()


def test_tracks_choose_the_groups(us_mx, tmp_path):
    """`tracks=` keeps only those tracks' events, one group each."""
    chosen = ["merida-initiative", "dea-operations", "dea-visas"]
    doc = export_timelinejs(us_mx, tmp_path / "t.json", tracks=chosen)
    assert {s["group"] for s in doc["events"]} == set(chosen)
    expected = [e.id for e in us_mx.events() if e.track in chosen]
    assert [s["unique_id"] for s in doc["events"]] == expected
    assert "eras" not in doc


def test_eras_only_on_request_and_from_one_track(us_mx, doc, tmp_path):
    """No eras by default; `eras=TRACK` gives that track's periods, which never overlap."""
    assert "eras" not in doc
    with_eras = export_timelinejs(us_mx, tmp_path / "t.json", eras="merida-initiative")
    eras = with_eras["eras"]
    statuses = [p.status for p in us_mx.history("merida-initiative")]
    assert [e["text"]["headline"] for e in eras] == [f"merida-initiative: {s}" for s in statuses]

    def day(d):
        return (d["year"], d.get("month", 1), d.get("day", 1))

    for a, b in itertools.pairwise(eras):
        assert day(a["end_date"]) <= day(b["start_date"])
    assert eras[-1]["end_date"]["display_date"] == "still holds"  # "ended" has no end


def test_an_unknown_track_is_an_error_and_writes_nothing(us_mx, tmp_path):
    """A misspelt or malformed track is an error naming it; no file is written."""
    target = tmp_path / "t.json"
    with pytest.raises(bl.UnknownNameError, match="no track 'merida-initiativ'") as info:
        export_timelinejs(us_mx, target, tracks=["merida-initiativ"])
    assert info.value.suggestions == ("merida-initiative",)
    with pytest.raises(bl.UnknownNameError, match="no track 'nope'"):
        export_timelinejs(us_mx, target, eras="nope")
    with pytest.raises(bl.ValidationError, match="track"):
        export_timelinejs(us_mx, target, tracks=["DEA Ops"])
    for wrong in ("merida-initiative", []):
        with pytest.raises(bl.ValidationError, match="a list of one or more tracks"):
            export_timelinejs(us_mx, target, tracks=wrong)
    assert not target.exists()


def test_cli_tracks_and_eras(tmp_path, capsys):
    """`bilatlog export timelinejs --tracks a,b --eras a` writes just those groups and eras."""
    target = tmp_path / "t.json"
    tracks = "merida-initiative, dea-operations"
    code = main(["export", "timelinejs", "--to", str(target),
                 "--tracks", tracks, "--eras", "merida-initiative"])  # fmt: skip
    assert code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert {s["group"] for s in doc["events"]} == {"merida-initiative", "dea-operations"}
    assert len(doc["eras"]) == 5
    capsys.readouterr()
    assert main(["export", "timelinejs", "--to", str(target), "--tracks", "merida"]) == 2
    assert "no track 'merida'" in capsys.readouterr().err
