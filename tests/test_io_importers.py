"""The importer skeleton: every dataset format keeps the same promises; a new one is one adapter.

The rows below are made up for the tests (no dataset's text is copied).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog.cli import build_parser
from bilatlog.events import Event
from bilatlog.io import import_gdelt, import_icews, import_plover, import_polecat
from bilatlog.io.importers import FORMATS, ICEWS_COLUMNS, Format, import_dataset
from bilatlog.testing import FakeClock

POLECAT_COLUMNS = ("Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Actor Name",
                   "Actor Country", "Recipient Name", "Recipient Country", "Source")  # fmt: skip


def _icews(rid: str, kind: str) -> str:
    a, b = {"good": ("United States", "Mexico"), "out": ("India", "China")}.get(kind, ("Mexico",
            "United States"))  # fmt: skip
    row = dict.fromkeys(ICEWS_COLUMNS, "NA")
    row.update({"Event ID": rid, "Event Date": "2018-06-01", "Source Name": a, "Source Country": a,
                "Event Text": "Consult", "CAMEO Code": "XYZ" if kind == "bad" else "061",
                "Intensity": "1", "Target Name": b, "Target Country": b, "Story ID": "7",
                "Sentence Number": "1"})  # fmt: skip
    return "\t".join(row[c] for c in ICEWS_COLUMNS)


def _polecat(rid: str, kind: str) -> str:
    a, b = ("IND", "CHN") if kind == "out" else ("USA", "MEX")
    event = "PARTY" if kind == "bad" else "AGREE"
    row = (rid, "2022-01-31", event, "", "3", a, a, b, b, "Reuters")
    return "\t".join(row)


def _gdelt(rid: str, kind: str) -> str:
    f = [""] * 61
    f[0], f[1], f[26], f[60] = rid, "20211008", "9" if kind == "bad" else "057", "https://e.org/1"
    f[7], f[17] = ("IND", "CHN") if kind == "out" else ("MEX", "USA")
    return "\t".join(f)


def _plover(rid: str, kind: str) -> str:
    a, b = ("IND", "CHN") if kind == "out" else ("USA", "MEX")
    return json.dumps({"id": rid, "date": "2021-10-08", "event": "PARTY" if kind == "bad" else
                       "AGREE", "actor": [{"code": a}], "recipient": [{"code": b}]})  # fmt: skip


#: format -> (its importer, its header line or None, a row of a kind: "good" (in the US-MX
#: dyad), "out" (outside it) or "bad" (an unknown code))
MAKERS: dict[str, tuple[Any, str | None, Callable[[str, str], str]]] = {
    "icews": (import_icews, "\t".join(ICEWS_COLUMNS), _icews),
    "polecat": (import_polecat, "\t".join(POLECAT_COLUMNS), _polecat),
    "gdelt": (import_gdelt, None, _gdelt),
    "plover": (import_plover, None, _plover),
}


def _file(path: Path, name: str, kinds: Sequence[str]) -> dict[str, list[int]]:
    """Write a file of rows of these kinds; the lines of each kind."""
    _, header, row = MAKERS[name]
    lines = [header] if header is not None else []
    at: dict[str, list[int]] = {"good": [], "out": [], "bad": []}
    for i, kind in enumerate(kinds):
        lines.append(row(str(i + 1), kind))
        at[kind].append(len(lines))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at


def test_every_format_has_its_rows_here_and_a_cli_name():
    """A format in FORMATS without its CLI `import FORMAT` choice (or its rows here) fails."""
    assert set(MAKERS) == set(FORMATS)
    parser = build_parser()
    for name in FORMATS:
        args = parser.parse_args(["import", name, "file"])
        assert args.kind == name


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_every_format_keeps_the_skeletons_promises(tmp_path, name):
    """A good, a filtered and a bad row: counted, the bad one by line; strict writes nothing."""
    importer = MAKERS[name][0]
    path = tmp_path / f"rows.{name}"
    at = _file(path, name, ["good", "out", "bad"])
    tl = bl.open(clock=FakeClock())
    report = importer(tl, path, between=("US", "MX"), progress=False)
    assert report.dataset == FORMATS[name].name
    assert (report.read, report.imported, report.filtered) == (3, 1, 1)
    assert [b.line for b in report.bad] == at["bad"]
    [event] = tl.events()
    assert set(event.actors) == {"US", "MX"}
    assert [event.data["provenance"]["line"]] == at["good"]
    assert event.data["provenance"]["file"] == path.name
    assert event.data["provenance"]["dataset"] == FORMATS[name].title
    assert event.id.startswith(f"{FORMATS[name].prefix}-")
    again = importer(tl, path, between=("US", "MX"), progress=False)
    assert (again.imported, again.already_present) == (0, 1)
    strict = bl.open(clock=FakeClock())
    with pytest.raises(bl.ValidationError, match=f"line {at['bad'][0]}"):
        importer(strict, path, between=("US", "MX"), strict=True, progress=False)
    assert strict.position == 0  # the batch holding the bad row was not written


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_the_public_importer_is_the_skeleton_with_its_format(tmp_path, name):
    """import_icews and the rest give what import_dataset gives with their format."""
    path = tmp_path / f"rows.{name}"
    _file(path, name, ["good", "out", "bad"])
    a, b = bl.open(clock=FakeClock()), bl.open(clock=FakeClock())
    mine = MAKERS[name][0](a, path, progress=False)
    skeleton = import_dataset(FORMATS[name], b, path, progress=False)
    assert mine == skeleton
    assert [r.hash for r in a.log()] == [r.hash for r in b.log()]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(MAKERS)), st.lists(st.sampled_from(["good", "out", "bad"]),
       max_size=12), st.sampled_from([("US", "MX"), None]))  # fmt: skip
def test_every_row_is_counted_once_whatever_the_mix(name, kinds, between):
    """Each row is imported, filtered out or bad (by its line), in every format; strict stops
    at the first bad row and writes nothing of its batch."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"rows.{name}"
        at = _file(path, name, kinds)
        tl = bl.open(clock=FakeClock())
        report = MAKERS[name][0](tl, path, between=between, progress=False)
        kept = at["good"] + (at["out"] if between is None else [])
        assert report.read == len(kinds)
        assert report.imported == len(kept) == tl.position
        assert report.filtered == (len(at["out"]) if between else 0)
        assert [b.line for b in report.bad] == at["bad"]
        assert sorted(e.data["provenance"]["line"] for e in tl.events()) == sorted(kept)
        strict = bl.open(clock=FakeClock())
        if at["bad"]:
            with pytest.raises(bl.ValidationError, match=f"^line {at['bad'][0]}="):
                MAKERS[name][0](strict, path, between=between, strict=True, progress=False)
            assert strict.position == 0
        else:
            MAKERS[name][0](strict, path, between=between, strict=True, progress=False)
            assert strict.position == len(kept)


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


class _Cited(_Lines):
    """`_Lines` whose rows cite a source published on the row's fifth field."""

    def convert(self, line: int, row: str) -> Event | None:
        published = row.rsplit(";", 1)[1]
        event = super().convert(line, row.rsplit(";", 1)[0])
        if event is None:
            return None
        source = bl.Source(outlet="Wire", published=published)
        return Event(**{**_fields(event), "sources": [source]})


def _fields(event: Event) -> dict[str, Any]:
    return {f: getattr(event, f) for f in ("id", "type", "on", "actors", "data")}


def test_an_event_the_store_refuses_is_a_bad_row_and_the_rest_is_imported(tmp_path):
    """A source published after recording (a store rule) is that row's fault, not the import's."""
    path = tmp_path / "x.lines"
    path.write_text("1;2020-01-01;US;MX;2020-01-02\n2;2020-02-01;US;MX;2030-01-01\n"
                    "3;2020-03-01;US;MX;2021\n", encoding="utf-8")  # fmt: skip
    tl = bl.open(clock=FakeClock())  # records at 2021-10-15: a 2030 source is from the future
    report = import_dataset(_Cited, tl, path)
    assert (report.read, report.imported, report.already_present) == (3, 2, 0)
    assert [(b.line, b.reason.split(":")[0]) for b in report.bad] == [(2, "sources")]
    assert "after this record's recorded_at" in report.bad[0].reason
    assert [e.id for e in tl.events()] == ["lines-1", "lines-3"]
    again = import_dataset(_Cited, tl, path)  # importing again adds nothing, same bad row
    assert (again.imported, again.already_present, len(again.bad)) == (0, 2, 1)

    strict = bl.open(clock=FakeClock())
    with pytest.raises(bl.ValidationError, match="lines 1-3") as raised:
        import_dataset(_Cited, strict, path, strict=True)
    assert raised.value.field == "lines 1-3, sources"  # the batch, and what the store refused
    assert "recorded_at" in raised.value.problem
    assert strict.position == 0  # nothing of the batch was written


def test_a_repeated_id_and_a_refused_event_in_one_batch_are_both_bad_rows(tmp_path):
    """An id stored with other content, then a row the store refuses: two bad rows, no raise."""
    first, second = tmp_path / "a.lines", tmp_path / "b.lines"
    first.write_text("1;2020-01-01;US;MX;2020-01-02\n", encoding="utf-8")
    second.write_text("1;2020-01-05;US;MX;2020-01-06\n2;2020-02-01;US;MX;2030-01-01\n"
                      "3;2020-03-01;US;MX;2021\n", encoding="utf-8")  # fmt: skip
    tl = bl.open(clock=FakeClock())  # records at 2021-10-15: a 2030 source is from the future
    assert import_dataset(_Cited, tl, first).imported == 1
    report = import_dataset(_Cited, tl, second)
    assert [(b.line, b.reason.split(":")[0]) for b in report.bad] == [
        (1, "id 'lines-1' repeats an imported record with other content"),
        (2, "sources"),
    ]
    assert (report.read, report.imported, report.already_present) == (3, 1, 0)
    assert [e.id for e in tl.events()] == ["lines-1", "lines-3"]


@pytest.mark.parametrize("name", ["icews", "polecat"])
def test_a_row_that_does_not_fit_the_header_is_shown_as_it_is(tmp_path, name):
    """A bad row with too few columns shows its text (it showed '{}', an empty dict)."""
    importer, header, _ = MAKERS[name]
    path = tmp_path / "short.tab"
    path.write_text(f"{header}\n7\t2018-06-01\tshort\n", encoding="utf-8")
    report = importer(bl.open(clock=FakeClock()), path, progress=False)
    assert [(b.line, b.text) for b in report.bad] == [(2, "7\t2018-06-01\tshort")]


def test_a_batch_the_store_refuses_is_written_around_its_bad_rows_in_few_appends(tmp_path):
    """1,000 rows, two refused: the other 998 go in a few appends (it was one per row)."""
    path = tmp_path / "x.lines"
    refused = {250, 777}
    path.write_text("".join(f"{i};2020-01-01;US;MX;{'2030' if i in refused else '2020'}\n"
                            for i in range(1, 1001)), encoding="utf-8")  # fmt: skip
    tl = bl.open(clock=FakeClock())
    report = import_dataset(_Cited, tl, path)
    assert sorted(b.line for b in report.bad) == sorted(refused)
    assert report.imported == tl.position == 998
    stored = [r.record.id for r in tl.log()]
    assert stored == [f"lines-{i}" for i in range(1, 1001) if i not in refused]  # in file order
    batches = {r.batch for r in tl.log()}
    assert len(batches) <= 2 * 2 * 10  # about 2 log2(1000) appends per refused row


def test_a_clock_the_store_refuses_stops_the_import_rather_than_fail_every_row(tmp_path):
    """A naive clock is the store's fault: its ValidationError, not every row reported bad."""
    path = tmp_path / "x.lines"
    path.write_text("1;2020-01-01;US;MX;2020-01-02\n2;2020-02-01;US;MX;2020-02-02\n",
                    encoding="utf-8")  # fmt: skip
    tl = bl.open(clock=lambda: dt.datetime(2021, 10, 15))  # naive on purpose
    with pytest.raises(bl.ValidationError) as refused:
        import_dataset(_Cited, tl, path)
    assert refused.value.field == "clock"
    assert tl.position == 0
