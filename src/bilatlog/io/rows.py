"""Events from flat rows: DataFrame rows and CSV records, the inverse of `event_record`.

One reading serves `from_frame` (pandas) and `import_csv` (the standard
library's csv module), so a CSV written by `export_csv` and read back either
way gives the same events. Cells arrive as Python values, as pandas gives them
(NaN and NaT for missing, Timestamps, numbers where a column looked numeric),
or as CSV text (empty for missing).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import numbers
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from bilatlog.events import Event, Source
from bilatlog.exceptions import ValidationError
from bilatlog.io._common import ImportReport, open_text, run_import
from bilatlog.time import When

if TYPE_CHECKING:
    from bilatlog.timeline import Timeline

__all__ = [
    "event_of_row",
    "import_csv",
    "missing",
]

_FLAT_SOURCE: Final = re.compile(r"^(?P<outlet>.*?)(?: \((?P<url>https?://[^ )]*)\))?$")


def missing(value: object) -> bool:
    """Whether a cell is empty: None, "", NaN, NaT or pandas' NA."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def _cell(row: Mapping[str, Any], name: str) -> Any:  # noqa: ANN401 - a table cell
    value = row.get(name)
    return None if missing(value) else value


def _text(field: str, value: object) -> str | None:
    """Text, as pandas may have read it: an id column of digits comes back as numbers."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise ValidationError(field, value, "expected text.", "give the value as text.")


def day_text(field: str, value: object) -> str | When | None:
    """An EDTF text, a `When`, or a day given as a date or a Timestamp at midnight.

    pandas reads a column of years (`2008`) as numbers: they are years again
    (`"2008"`). A Timestamp with a time of day, or with a time zone, is not a
    day and is refused rather than cut.
    """
    if value is None or isinstance(value, (str, When)):
        return value
    if isinstance(value, dt.datetime):  # pandas.Timestamp is a datetime
        if value.tzinfo is not None:
            raise ValidationError(
                field, str(value), "has a time zone; bilatlog dates are days.",
                "drop the zone first (Series.dt.tz_localize(None)) or give EDTF text.",
            )  # fmt: skip
        if value.time() != dt.time(0):
            raise ValidationError(
                field, str(value), "has a time of day; bilatlog dates are days.",
                "use Series.dt.normalize() if the day is meant, or give EDTF text.",
            )  # fmt: skip
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):04d}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):04d}"
    raise ValidationError(field, value, "not a date.", "give EDTF text, e.g. '2021-10-08'.")


def _flag(field: str, value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    text = str(value).strip().casefold()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValidationError(field, value, "not true or false.", "use True or False.")


def _actors(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split(";") if a.strip()]
    if isinstance(value, Iterable) and not isinstance(value, (dict, bytes)):
        return [str(a) for a in value]
    raise ValidationError("actors", value, "not a list of actors.", "use a list or 'US;MX'.")


def _json(field: str, text: str) -> Any:  # noqa: ANN401 - JSON
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationError(
            field, text[:200], "not JSON text.", f"give {field} as JSON."
        ) from None


def _sources(value: object) -> list[Any]:
    """Sources as a list of dicts (a frame), JSON text (a CSV), or the older flat text.

    The flat text `outlet (url) | outlet (url)` of CSV files written before
    sources were JSON is read back as outlets and URLs (all it kept).
    """
    if value is None:
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            value = _json("sources", value)
        else:
            found = []
            for part in value.split(" | "):
                m = _FLAT_SOURCE.match(part.strip())
                if m is not None and (m["outlet"] or m["url"]):
                    found.append(Source(outlet=m["outlet"], url=m["url"] or ""))
            return found
    if isinstance(value, Iterable) and not isinstance(value, (dict, bytes)):
        return list(value)
    raise ValidationError(
        "sources", value, "not a list of sources.", "use a list of dicts or JSON text."
    )


def event_of_row(row: Mapping[str, Any]) -> Event:
    """One event from a row with `event_record`'s columns (`type` and `edtf` or `on` required).

    Raises:
        ValidationError: a cell that does not make a valid event, naming its column.
    """
    data = _cell(row, "data")
    if isinstance(data, str):
        data = _json("data", data)
    on = _cell(row, "edtf") if "edtf" in row else _cell(row, "on")
    fields: dict[str, Any] = {
        "type": _text("type", _cell(row, "type")),
        "on": When.parse(day_text("edtf", on)),  # type: ignore[arg-type]
        "track": _text("track", _cell(row, "track")),
        "status": _text("status", _cell(row, "status")),
        "actors": _actors(_cell(row, "actors")),
        "summary": _text("summary", _cell(row, "summary")) or "",
        "data": data,
        "sources": _sources(_cell(row, "sources")),
        "planned": _flag("planned", _cell(row, "planned")),
        "announced": day_text("announced", _cell(row, "announced")),
        "fulfils": _text("fulfils", _cell(row, "fulfils")),
    }
    event_id = _text("id", _cell(row, "id"))
    if event_id is not None:
        fields["id"] = event_id
    return Event(**fields)


def import_csv(
    tl: Timeline,
    path: str | Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import a CSV of events with `export_csv`'s columns (`type` and `edtf` required).

    Ids are kept, so importing an export into the store it came from adds
    nothing, and into a new store rebuilds the same events. Bad rows are
    reported (or, with `strict=True`, the first one raises), as for every importer.
    """
    report = ImportReport("CSV", str(path))
    reader = csv.DictReader(open_text(path))
    header = reader.fieldnames or []
    missing_columns = [c for c in ("type", "edtf") if c not in header]
    if missing_columns:
        raise ValidationError(
            "columns", list(header)[:30], f"missing {missing_columns}.",
            "a bilatlog CSV has the columns export_csv writes (type, edtf, ...).",
        )  # fmt: skip

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for row in reader:
            yield reader.line_num, row

    return run_import(
        tl, rows(), lambda _line, row: event_of_row(row), report, strict=strict, progress=progress
    )
