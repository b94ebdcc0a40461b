"""The importer skeleton: every dataset format keeps the same promises; a new one is one adapter.

The rows below are made up for the tests (no dataset's text is copied).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import bilatlog as bl
from bilatlog.cli import build_parser
from bilatlog.events import Event
from bilatlog.io import import_gdelt, import_icews, import_plover, import_polecat
from bilatlog.io.importers import FORMATS, ICEWS_COLUMNS, Format, import_dataset
from bilatlog.testing import FakeClock

POLECAT_COLUMNS = ("Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Actor Name",
                   "Actor Country", "Recipient Name", "Recipient Country", "Source")  # fmt: skip


def _icews(rid: str, a: str, b: str, cameo: str) -> str:
    row = dict.fromkeys(ICEWS_COLUMNS, "NA")
    row.update({"Event ID": rid, "Event Date": "2018-06-01", "Source Name": a, "Source Country": a,
                "Event Text": "Consult", "CAMEO Code": cameo, "Intensity": "1", "Target Name": b,
                "Target Country": b, "Story ID": "7", "Sentence Number": "1"})  # fmt: skip
    return "\t".join(row[c] for c in ICEWS_COLUMNS)


def _polecat(rid: str, a: str, b: str, event: str) -> str:
    row = (rid, "2022-01-31", event, "", "3", a, a, b, b, "Reuters")
    return "\t".join(row)


def _gdelt(rid: str, a: str, b: str, cameo: str) -> str:
    f = [""] * 61
    f[0], f[1], f[7], f[17], f[26], f[60] = rid, "20211008", a, b, cameo, "https://example.org/1"
    return "\t".join(f)


def _plover(rid: str, a: str, b: str, event: str) -> str:
    return json.dumps({"id": rid, "date": "2021-10-08", "event": event,
                       "actor": [{"code": a}], "recipient": [{"code": b}]})  # fmt: skip


#: format -> (importer, file text: line 1 a header where the format has one; then a good
#: US-MX row, a row outside the dyad, and a bad row (an unknown code), with their lines)
CASES: dict[str, tuple[Any, str, tuple[int, int, int]]] = {
    "icews": (import_icews, "\n".join(["\t".join(ICEWS_COLUMNS), _icews("1", "United States",
              "Mexico", "061"), _icews("2", "India", "China", "061"), _icews("3", "Mexico",
              "United States", "XYZ")]), (2, 3, 4)),
    "polecat": (import_polecat, "\n".join(["\t".join(POLECAT_COLUMNS), _polecat("1", "USA", "MEX",
                "AGREE"), _polecat("2", "IND", "CHN", "AGREE"), _polecat("3", "MEX", "USA",
                "PARTY")]), (2, 3, 4)),
    "gdelt": (import_gdelt, "\n".join([_gdelt("1", "USA", "MEX", "057"), _gdelt("2", "IND", "CHN",
              "057"), _gdelt("3", "MEX", "USA", "9")]), (1, 2, 3)),
    "plover": (import_plover, "\n".join([_plover("1", "USA", "MEX", "AGREE"), _plover("2", "IND",
               "CHN", "AGREE"), _plover("3", "MEX", "USA", "PARTY")]), (1, 2, 3)),
}  # fmt: skip


def test_every_format_has_a_case_and_a_cli_name():
    """A format in FORMATS without its CLI `import FORMAT` choice (or a case here) fails."""
    assert set(CASES) == set(FORMATS)
    parser = build_parser()
    for name in FORMATS:
        args = parser.parse_args(["import", name, "file"])
        assert args.kind == name


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_format_keeps_the_skeletons_promises(tmp_path, name):
    """A good, a filtered and a bad row: counted, the bad one by line; strict writes nothing."""
    importer, text, (good, _filtered, bad) = CASES[name]
    path = tmp_path / f"rows.{name}"
    path.write_text(text + "\n", encoding="utf-8")
    tl = bl.open(clock=FakeClock())
    report = importer(tl, path, between=("US", "MX"), progress=False)
    assert report.dataset == FORMATS[name].name
    assert (report.read, report.imported, report.filtered) == (3, 1, 1)
    assert [b.line for b in report.bad] == [bad]
    [event] = tl.events()
    assert set(event.actors) == {"US", "MX"}
    assert event.data["provenance"]["line"] == good
    assert event.data["provenance"]["file"] == path.name
    assert event.data["provenance"]["dataset"] == FORMATS[name].title
    assert event.id.startswith(f"{FORMATS[name].prefix}-")
    again = importer(tl, path, between=("US", "MX"), progress=False)
    assert (again.imported, again.already_present) == (0, 1)
    strict = bl.open(clock=FakeClock())
    with pytest.raises(bl.ValidationError, match=f"line {bad}"):
        importer(strict, path, between=("US", "MX"), strict=True, progress=False)
    assert strict.position == 0  # the batch holding the bad row was not written


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_public_importer_is_the_skeleton_with_its_format(tmp_path, name):
    """import_icews and the rest give what import_dataset gives with their format."""
    importer, text, _lines = CASES[name]
    path = tmp_path / f"rows.{name}"
    path.write_text(text + "\n", encoding="utf-8")
    a, b = bl.open(clock=FakeClock()), bl.open(clock=FakeClock())
    mine = importer(a, path, progress=False)
    skeleton = import_dataset(FORMATS[name], b, path, progress=False)
    assert mine == skeleton
    assert [r.hash for r in a.log()] == [r.hash for r in b.log()]


class _Lines(Format):
    """A made-up format: `id;date;a;b` per line, `#` lines are not events."""

    name, title, prefix = "LINES", "Lines 1.0", "lines"

    def rows(self) -> Iterable[tuple[int, Any]]:
        text = Path(self.path).read_text(encoding="utf-8")
        return enumerate(text.splitlines(), start=1)

    def convert(self, line: int, row: str) -> Event | None:
        if row.startswith("#"):
            self.report.skipped += 1
            return None
        rid, day, a, b = row.split(";")
        on = bl.When.parse(day)
        pair = self.keep(on, ("a", a), ("b", b))
        if not pair:
            return None
        return Event(
            id=self.event_id(rid),
            type="lines.event",
            on=on,
            actors=[c for c in pair if c is not None],
            data={"provenance": self.provenance(line, rid, note="made up")},
        )


def test_a_new_format_is_one_adapter(tmp_path):
    """A Format subclass gets filters, bad rows by line, skips and provenance from the skeleton."""
    path = tmp_path / "x.lines"
    path.write_text("1;2020-01-01;US;MX\n# a comment\n2;2021-05;IN;CN\n3;2021-13;US;MX\n"
                    "4;2019;US;MX\n5;2022-02-02;US;Atlantis\n", encoding="utf-8")  # fmt: skip
    tl = bl.open(clock=FakeClock())
    report = import_dataset(_Lines, tl, path, between="US,MX", dates=("2020", "2022"))
    assert (report.dataset, report.read, report.imported) == ("LINES", 6, 1)
    assert (report.skipped, report.filtered) == (1, 2)  # IN-CN outside the dyad, 2019 the window
    assert [(b.line, b.reason.split(":")[0]) for b in report.bad] == [(4, "on"), (6, "b")]
    [event] = tl.events()
    assert event.id == "lines-1"
    assert event.data["provenance"] == {"dataset": "Lines 1.0", "file": "x.lines", "line": 1,
                                        "original_id": "1", "note": "made up"}  # fmt: skip
    with pytest.raises(bl.ValidationError, match="line 4"):
        import_dataset(_Lines, bl.open(clock=FakeClock()), path, strict=True)


def test_a_plover_line_that_is_a_json_list_is_a_bad_row(tmp_path):
    """A JSONL line holding a list of numbers is reported (its items shown), not a TypeError."""
    path = tmp_path / "p.jsonl"
    good = json.dumps({"id": "a", "date": "2021-10-08", "event": "AGREE"})
    path.write_text(f"{good}\n[1, 2]\n", encoding="utf-8")
    tl = bl.open(clock=FakeClock())
    report = import_plover(tl, path, progress=False)
    assert [(b.line, b.text) for b in report.bad] == [(2, "1\t2")]
    assert report.imported == 1
