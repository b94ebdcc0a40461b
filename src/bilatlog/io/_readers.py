"""Dataset files as numbered rows: tab-separated (ICEWS, POLECAT, GDELT) and JSON (PLOVER).

A reader streams its file and yields `(line, row)`; it raises a ValidationError
only for what makes the whole file unreadable (no header, a field csv refuses,
a broken JSON array). A malformed row is yielded as it is, for the format's
adapter to refuse as a bad row with its line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bilatlog.exceptions import ValidationError
from bilatlog.io._common import BadRow, ImportReport, open_text

__all__ = ["columns", "json_records", "tsv_rows"]


def _csv_fields(path: str | Path) -> Iterator[tuple[int, list[str]]]:
    """`(line, fields)` of a tab-separated file; a field csv refuses is a ValidationError."""
    source = open_text(path)
    reader = csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE)
    line = 0
    try:
        while True:
            line += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise ValidationError(
                    f"line {reader.line_num or line}",
                    str(path),
                    f"the file cannot be read as tab-separated text ({e}).",
                    f"check the file; no field may be longer than {csv.field_size_limit():,} "
                    "characters.",
                ) from None
            yield line, fields
    finally:
        source.close()  # the file, at once, however reading ends


def tsv_rows(
    path: str | Path,
    report: ImportReport,
    header: Sequence[str] | None,
    required: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str] | list[str]]]:
    """Rows of a tab-separated file, as dicts by header (or lists, with no header).

    `header`: None for a file that starts with its header row (`Event ID`, ...);
    `()` for a file without one (GDELT), whose rows come as lists. Tolerated and
    reported in `report.repaired`: a repeated header row, and stray empty fields
    at the end of a row (stray tabs). A header without a `required` column is a
    ValidationError before any row is read. A row whose column count does not fit
    the header comes as a `_Short` dict, which `columns` refuses.
    """
    names: list[str] | None = list(header) if header is not None else None  # () = no header
    for line, fields in _csv_fields(path):
        if not fields or fields == [""]:
            continue
        if names is None:
            if fields[0] != "Event ID":
                raise ValidationError(
                    "line 1",
                    "\t".join(fields)[:200],
                    "expected the header row (Event ID, ...).",
                    "import the file as published, with its header.",
                )
            missing = [c for c in required if c not in fields]
            if missing:
                raise ValidationError(
                    "line 1",
                    "\t".join(fields)[:200],
                    f"the header has no {', '.join(repr(c) for c in missing)} column.",
                    "import the file as published, with its full header.",
                )
            names = fields
            continue
        if fields == names:  # (names is set: the header was read above)
            if line > 1:
                report.repaired.append(_repaired(line, "a repeated header row, skipped", fields))
            continue
        if not names:  # no header (GDELT): the columns as a list
            yield line, fields
            continue
        fitted = _fit(fields, names, line, report)
        if len(fitted) == len(names):
            yield line, dict(zip(names, fitted, strict=True))
        else:
            yield line, _Short(fitted, len(names))


def _fit(fields: list[str], names: list[str], line: int, report: ImportReport) -> list[str]:
    if len(fields) > len(names) and not any(f.strip() for f in fields[len(names) :]):
        report.repaired.append(_repaired(line, "stray tabs at the end of the row, ignored", fields))
        return fields[: len(names)]
    return fields


def _repaired(line: int, reason: str, fields: list[str]) -> BadRow:
    return BadRow(line, reason, "\t".join(fields)[:200])


def columns(row: dict[str, str]) -> dict[str, str]:
    """Raise (a bad row) unless the row has as many columns as the header."""
    if isinstance(row, _Short):
        raise ValidationError(
            "columns",
            "\t".join(row.fields)[:200],
            f"expected {row.want} tab-separated columns, found {len(row.fields)}.",
            "check the row for missing or extra tabs.",
        )
    return row


class _Short(dict[str, str]):
    """A row whose column count does not fit the header (reported as a bad row)."""

    def __init__(self, fields: list[str], want: int) -> None:
        super().__init__()
        self.fields, self.want = fields, want

    def __repr__(self) -> str:
        """The row as the file has it (a bad row's excerpt), not an empty dict."""
        return "\t".join(self.fields)


def json_records(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Records of a JSON array file or a JSONL file, with their line numbers.

    A JSONL line that is not JSON comes as text, the parser's problem: not a record.
    """
    p = Path(path)
    with p.open(encoding="utf-8", errors="replace") as f:
        head = f.read(1)
        while head and head.isspace():
            head = f.read(1)
    if head == "[":
        # a JSON array must be read whole (the gold-standard files are small)
        text = p.read_text(encoding="utf-8", errors="replace")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as e:
            # a truncated array ("[") or one nested past the parser's depth is not a file
            # of records at all: nothing can be imported from it, so no row is "bad"
            problem = "nested too deeply" if isinstance(e, RecursionError) else str(e)
            raise ValidationError(
                "file",
                str(path),
                f"starts a JSON array but is not valid JSON ({problem}).",
                "give a complete JSON array of PLOVER records, or one record per line (JSONL).",
            ) from None
        yield from enumerate(data, start=1)
        return
    for line, text in enumerate(open_text(p), start=1):
        if text.strip():
            try:
                yield line, json.loads(text)
            except (ValueError, RecursionError) as e:
                problem = "nested too deeply" if isinstance(e, RecursionError) else str(e)
                yield line, _Unparsable(problem)


class _Unparsable(str):
    """A line that is not JSON (its text is the parser's problem); the adapter refuses it."""

    __slots__ = ()
