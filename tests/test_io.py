"""Interop: importers keep provenance and refuse bad rows clearly; exporters keep dates honest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.io import (
    CooperationIndex,
    cameo_to_plover,
    country,
    export_csv,
    export_jsonl,
    export_plover,
    export_timelinejs,
    import_gdelt,
    import_icews,
    import_plover,
    import_polecat,
)
from bilatlog.io._common import PLOVER_TYPES, coded_type

DATA = Path(__file__).parent / "data"
ICEWS = DATA / "icews_sample.tab"


def test_icews_dyad_rows_become_one_event_each_with_provenance():
    """The US-MX dyad of the ICEWS sample: 6 rows, 6 events; intensities, publishers kept."""
    tl = bl.open()
    report = import_icews(tl, ICEWS, between=("US", "MX"))
    assert report.read == 20
    assert report.imported == 6
    assert report.filtered == 14
    assert report.bad == []
    events = tl.events()
    assert all(set(e.actors) == {"US", "MX"} for e in events)
    by_code = sorted(e.data["cameo"] for e in events)
    assert by_code == ["010", "010", "010", "010", "061", "111"]
    coop = next(e for e in events if e.data["cameo"] == "061")
    assert coop.type == "plover.cooperate"
    assert coop.data["plover"]["quad"] == "material-cooperation"
    assert coop.data["intensity"] == 6.4
    assert coop.sources[0].outlet == "Associated Press Newswires"
    assert coop.data["provenance"]["dataset"] == "ICEWS"
    assert coop.data["provenance"]["file"] == "icews_sample.tab"
    assert coop.data["source"]["country"] == "United States"
    assert coop.id.startswith("icews-")
    again = import_icews(tl, ICEWS, between="United States,Mexico")
    assert (again.imported, again.already_present) == (0, 6)


def test_icews_bad_rows_reported_or_strict(tmp_path):
    """By default bad rows are reported (line, reason) and the rest imported; strict raises."""
    lines = ICEWS.read_text(encoding="utf-8").splitlines()
    broken = list(lines)
    broken[9] = broken[9].replace("\t010\t", "\tXYZ\t")  # a bad CAMEO code
    broken[10] = "\t".join(broken[10].split("\t")[:5])  # too few columns
    fields = broken[11].split("\t")
    fields[1] = "2018-02-30"  # no such day
    broken[11] = "\t".join(fields)
    path = tmp_path / "broken.tab"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    tl = bl.open()
    report = import_icews(tl, path, between=("US", "MX"))
    assert [b.line for b in report.bad] == [10, 11, 12]
    assert "CAMEO" in report.bad[0].reason
    assert "columns" in report.bad[1].reason
    assert "no day 30" in report.bad[2].reason
    assert report.imported == 3
    assert "3 bad" in report.summary()
    strict = bl.open()
    with pytest.raises(bl.ValidationError, match="line 10"):
        import_icews(strict, path, between=("US", "MX"), strict=True)
    assert strict.position == 0  # the batch with the bad row was not written


def test_plover_gold_standard_imports_and_maps_every_record():
    """The 2016 gold-standard file (older schema) imports; every record gets a PLOVER type."""
    tl = bl.open()
    report = import_plover(tl, DATA / "plover_gsr.json")
    records = json.loads((DATA / "plover_gsr.json").read_text(encoding="utf-8"))
    documents = sum(1 for r in records if r.get("event") == "DOCUMENT")
    ids = [r["id"] for r in records if r.get("event") != "DOCUMENT"]
    repeated = len(ids) - len(set(ids))  # the file repeats some ids, with other content
    assert repeated > 0
    assert len(report.bad) == repeated
    assert all("repeats" in b.reason for b in report.bad)
    assert report.skipped == documents
    assert report.imported == len(records) - documents - repeated
    assert {e.type.split(".")[1].upper() for e in tl.events()} <= PLOVER_TYPES
    old = next(e for e in tl.events() if e.data["provenance"]["original_id"].endswith(
        "ASSAULT-0004"))  # fmt: skip
    assert "MX" in old.actors
    renamed = [e for e in tl.events() if e.data["plover"].get("mode") == "fight"]
    assert renamed
    assert all(e.type == "plover.assault" for e in renamed)
    mx = bl.open()
    assert import_plover(mx, DATA / "plover_gsr.json", between=("US", "MX")).imported == 1


def test_plover_jsonl_current_schema(tmp_path):
    """Current-schema JSONL: actor/recipient lists, cite_info; bad lines reported."""
    path = tmp_path / "p.jsonl"
    rows = [
        {"id": "a1", "date": "2021-10-08", "event": "AGREE", "mode": "sign",
         "context": ["diplomatic"], "actor": [{"code": "USA", "entity_text": "Blinken"}],
         "recipient": [{"code": "MEX"}], "text": "US and Mexico sign a framework",
         "cite_info": {"publication": "Reuters", "url": "https://www.reuters.com/x"}},
        {"id": "a2", "date": "2021-13-01", "event": "AGREE", "actor": [], "recipient": []},
        {"id": "a3", "date": "2021-10-09", "event": "PARTY", "actor": [], "recipient": []},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    tl = bl.open()
    report = import_plover(tl, path)
    assert report.imported == 1
    assert [b.line for b in report.bad] == [2, 3, 4]
    [e] = tl.events()
    assert (e.type, e.actors, e.sources[0].outlet) == ("plover.agree", ("US", "MX"), "Reuters")


def test_polecat_tolerates_repeated_header_and_stray_tabs(tmp_path):
    """POLECAT: a repeated header and stray trailing tabs are repaired and reported."""
    header = ["Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code",
              "Contexts", "Actor Name", "Actor Country", "Actor COW", "Recipient Name",
              "Recipient Country", "Recipient COW", "Source", "Publication Date"]  # fmt: skip
    row1 = ["p1", "2022-01-31", "AGREE", "sign", "6", "1", "diplomatic", "United States", "USA",
            "2", "Mexico", "MEX", "70", "Reuters", "2022-02-01"]  # fmt: skip
    row2 = ["p2", "2022-02-01", "SUPPORT", "", "3", "1", "", "Mexico", "MEX", "70",
            "United States", "USA", "2", "AFP", "2022-02-01"]  # fmt: skip
    row3 = ["p3", "2022-02-02", "BOGUS", "", "3", "1", "", "Mexico", "MEX", "70",
            "United States", "USA", "2", "AFP", "2022-02-01"]  # fmt: skip
    text = "\n".join(["\t".join(header), "\t".join(row1), "\t".join(header),
                      "\t".join(row2) + "\t\t", "\t".join(row3)]) + "\n"  # fmt: skip
    path = tmp_path / "polecat.tsv"
    path.write_text(text, encoding="utf-8")
    tl = bl.open()
    report = import_polecat(tl, path, between=("US", "MX"))
    assert report.imported == 2
    assert [r.line for r in report.repaired] == [3, 4]
    assert [b.line for b in report.bad] == [5]
    assert {e.type for e in tl.events()} == {"plover.agree", "plover.support"}


def gdelt_row(**kw: str) -> str:
    f = [""] * 61
    f[0], f[1] = kw.get("id", "1001"), kw.get("date", "20211008")
    f[5], f[6], f[7] = "USAGOV", "UNITED STATES", kw.get("a1", "USA")
    f[15], f[16], f[17] = "MEXGOV", "MEXICO", kw.get("a2", "MEX")
    f[25], f[26], f[29], f[30] = "1", kw.get("code", "057"), "1", "8.0"
    f[31], f[32], f[33], f[34] = "10", "2", "10", "1.5"
    f[53] = "MX"  # FIPS geography: not the actor country
    f[59], f[60] = "20211008120000", "https://www.example.org/news/1"
    return "\t".join(f)


def test_gdelt_actor_codes_not_fips(tmp_path):
    """GDELT: the dyad comes from CAMEO actor codes (USA, MEX); 61 columns or a bad row."""
    path = tmp_path / "gdelt.export.CSV"
    path.write_text(
        "\n".join(
            [
                gdelt_row(),
                gdelt_row(id="1002", a1="CAN"),
                gdelt_row(id="1003")[:-40],
                gdelt_row(id="1004", code="0000"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    tl = bl.open()
    report = import_gdelt(tl, path, between=("MX", "US"))
    assert report.imported == 1
    assert report.filtered == 1
    assert len(report.bad) == 2
    [e] = tl.events()
    assert e.type == "plover.support"  # CAMEO 057, sign formal agreement
    assert e.sources[0].url == "https://www.example.org/news/1"
    assert e.data["intensity"] == 8


def test_cameo_and_countries_are_strict():
    """Codes stay strings ('010' is not '10'); unknown countries and codes are errors."""
    assert coded_type("010") == ("cameo.statement", None)
    assert coded_type("061")[0] == "plover.cooperate"
    assert cameo_to_plover("0314").context == "intelligence"
    with pytest.raises(bl.ValidationError):
        cameo_to_plover(10)  # type: ignore[arg-type]
    assert country("Mexico") == country("MEX") == country("MX") == "MX"
    assert country("NA") == "NA"  # Namibia (see test_countries.py)
    with pytest.raises(bl.ValidationError):
        country("Atlantis")
    with pytest.raises(bl.ValidationError):
        cameo_to_plover("9")


def test_cooperation_index_with_dedup():
    """Monthly counts and intensity per dyad; the dedup rule counts a statement once."""
    tl = bl.open()
    import_icews(tl, ICEWS, between=("US", "MX"))
    raw = tl.project(CooperationIndex(between=("US", "MX")))["cells"]
    dedup = tl.project(CooperationIndex(between=("US", "MX"), dedup="report", by="quad"))["cells"]
    (month, _), cell = next(iter(raw.items()))
    assert month.isoformat() == "2018-06-01"
    assert cell.count == 6
    assert sum(c.count for c in dedup.values()) < 6  # repeated reports of one statement
    assert cell.intensity_mean == pytest.approx(cell.intensity_sum / 6)


def test_exports_keep_dates_honest(tmp_path):
    """CSV and JSONL carry EDTF plus earliest/latest; PLOVER export skips non-PLOVER events."""
    tl = bl.examples.us_mexico()
    n = export_csv(tl, tmp_path / "e.csv")
    rows = (tmp_path / "e.csv").read_text(encoding="utf-8").splitlines()
    assert n == len(rows) - 1 == len(tl.events())
    assert rows[0].startswith("id,type,edtf,earliest,latest")
    export_jsonl(tl, tmp_path / "e.jsonl")
    recs = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    halted = next(r for r in recs if r["id"] == "dea-operations-halted")
    assert (halted["edtf"], halted["earliest"], halted["latest"]) == (
        "2021-01~", "2021-01-01", "2021-01-31")  # fmt: skip
    assert halted["approximate"] is True
    assert export_plover(tl, tmp_path / "p.jsonl") == (0, n)
    coded = bl.open()
    import_icews(coded, ICEWS, between=("US", "MX"))
    written, skipped = export_plover(coded, tmp_path / "p2.jsonl")
    assert (written, skipped) == (2, 4)  # CAMEO 010 statements have no PLOVER type
    back = bl.open()
    assert import_plover(back, tmp_path / "p2.jsonl").imported == 2


def _valid_date(d: dict) -> bool:
    return isinstance(d.get("year"), int) and all(
        isinstance(d[k], int) for k in ("month", "day") if k in d
    )


def test_timelinejs_export_is_valid(tmp_path):
    """TimelineJS3 JSON: title, a slide per event with dates of the When's precision, eras."""
    tl = bl.examples.us_mexico()
    doc = export_timelinejs(tl, tmp_path / "t.json", title="US-Mexico security cooperation")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == doc
    assert doc["title"]["text"]["headline"]
    assert len(doc["events"]) == len(tl.events())
    for slide in doc["events"]:
        assert _valid_date(slide["start_date"])
        assert "end_date" not in slide or _valid_date(slide["end_date"])
        assert slide["text"]["headline"]
        assert slide["group"]
    halted = next(s for s in doc["events"] if s["unique_id"] == "dea-operations-halted")
    assert halted["start_date"] == {
        "year": 2021,
        "month": 1,
        "display_date": "January 2021 (approximate)",
    }
    kingpin = next(s for s in doc["events"] if s["unique_id"] == "kingpin-strategy")
    assert kingpin["end_date"]["year"] == 2012
    assert "eras" not in doc  # only on request: see tests/test_timelinejs.py
    eras = export_timelinejs(tl, tmp_path / "t.json", eras="merida-initiative")["eras"]
    assert all(_valid_date(e["start_date"]) and _valid_date(e["end_date"]) for e in eras)
    assert any(e["text"]["headline"] == "merida-initiative: active" for e in eras)
    assert "<script" not in json.dumps(doc)


def test_a_file_that_is_not_icews_is_refused(tmp_path):
    """A tab-separated file without the ICEWS columns is refused, naming what is missing."""
    path = tmp_path / "other.tab"
    path.write_text("Event ID\tDate\tWho\n1\t2020-01-01\tX\n", encoding="utf-8")
    report = import_icews(bl.open(), path)
    assert report.imported == 0
    assert report.bad[0].reason.startswith("columns: missing from the header")
