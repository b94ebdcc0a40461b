"""Importers for the event datasets researchers use: ICEWS, POLECAT, GDELT 2.0, PLOVER.

Each streams its file (a multi-gigabyte file never sits in memory), keeps only
the dyad (`between=("US", "MX")`, either direction) and dates asked for, and
turns every row into an `Event`:

- `type`: `plover.<event>` (CAMEO codes mapped through the public
  CAMEO->PLOVER table, shipped with bilatlog under CC BY-SA 4.0);
- `actors`: ISO 3166 alpha-2 country codes; the original names, codes and
  sectors are kept in `data["source"]`/`data["target"]`;
- `data`: the PLOVER event, mode, context and quad class, the intensity
  (Goldstein value), the CAMEO code, and the provenance (dataset, file, line,
  original id);
- `sources`: the publisher (and URL, story or mention where the dataset has one);
- `id`: derived from the dataset and its original key, so importing the same
  file twice adds nothing.

Reports of one event by several publishers stay separate records; see
`bilatlog.io.CooperationIndex` for the optional dedup rule.

Bad rows: by default they are collected in the `ImportReport` (line, reason)
and the rest is imported; with `strict=True` the first one raises a
`ValidationError` naming its line. Batches are appended whole or not at all.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from bilatlog.events import Event, Source
from bilatlog.exceptions import ValidationError
from bilatlog.io._common import (
    PLOVER_RENAMED,
    PLOVER_TYPES,
    BadRow,
    ImportReport,
    PloverType,
    coded_type,
    country,
    dyad_sides,
    in_dyad,
    in_window,
    normalise_dyad,
    open_text,
    parse_day,
    run_import,
    window,
)

if TYPE_CHECKING:
    from bilatlog.timeline import Timeline

__all__ = ["import_gdelt", "import_icews", "import_plover", "import_polecat"]

_ID_CLEAN: Final = re.compile(r"[^A-Za-z0-9._:-]+")
ICEWS_COLUMNS: Final = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)


def _na(value: str | None) -> str | None:
    return None if value is None or value in ("", "NA") else value


def _number(field: str, value: str | None) -> float | None:
    if value is None or _na(value) is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(field, value, "not a number.", "use e.g. 3.5 or NA.") from None
    if not math.isfinite(number):
        raise ValidationError(field, value, "not a finite number.", "use NA for unknown.")
    return int(number) if number.is_integer() else number


def _event_id(dataset: str, *key: str) -> str:
    return _ID_CLEAN.sub("-", f"{dataset}-{'-'.join(key)}")[:128]


def _actors(*codes: str | None) -> list[str]:
    return list(dict.fromkeys(c for c in codes if c is not None))


def _plover_data(p: PloverType | None, **more: Any) -> dict[str, Any]:  # noqa: ANN401
    data: dict[str, Any] = {}
    if p is not None:
        data["plover"] = {"event": p.event, "quad": p.quad}
        if p.mode:
            data["plover"]["mode"] = p.mode
        if p.context:
            data["plover"]["context"] = p.context
    data.update({k: v for k, v in more.items() if v is not None})
    return data


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


def _tsv_rows(
    path: str | Path,
    report: ImportReport,
    header: Sequence[str] | None,
    required: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str] | list[str]]]:
    """Rows of a tab-separated file, as dicts by header (or lists, with no header).

    Tolerated and reported in `report.repaired`: a repeated header row, and
    stray empty fields at the end of a row (stray tabs). A header without a
    `required` column is a ValidationError before any row is read.
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
        if names is not None and fields == names:
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


def _columns(row: dict[str, str]) -> dict[str, str]:
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


# -- ICEWS -----------------------------------------------------------------------------------


def import_icews(
    tl: Timeline,
    path: str | Path,
    *,
    between: Sequence[str] | str | None = None,
    dates: tuple[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import an ICEWS event file (Dataverse columns, tab-separated, `NA` for missing).

    Ids are `icews-<Event ID>-<Event Date>` (ICEWS reuses some Event IDs across files).
    """
    dyad, w = normalise_dyad(between), window(dates)
    report = ImportReport("ICEWS", str(path))
    name = Path(path).name

    def convert(line: int, row: dict[str, str]) -> Event | None:
        on = parse_day("Event Date", row["Event Date"])
        pair = (
            dyad_sides(
                dyad,
                ("Source Country", _na(row["Source Country"])),
                ("Target Country", _na(row["Target Country"])),
            )
            if in_window(w, on)
            else None
        )
        if not pair:
            report.filtered += 1
            return None
        src, tgt = pair
        type_name, p = coded_type(row["CAMEO Code"])
        publisher = _na(row["Publisher"]) or "ICEWS (publisher not given)"
        return Event(
            id=_event_id("icews", row["Event ID"], row["Event Date"]),
            type=type_name,
            on=on,
            actors=_actors(src, tgt),
            summary=f"{row['Source Name']} - {row['Event Text']} - {row['Target Name']}",
            data=_plover_data(
                p,
                cameo=row["CAMEO Code"],
                intensity=_number("Intensity", row["Intensity"]),
                source=_side(row, "Source"),
                target=_side(row, "Target"),
                provenance={
                    "dataset": "ICEWS",
                    "file": name,
                    "line": line,
                    "original_id": row["Event ID"],
                    "story_id": _na(row["Story ID"]),
                    "sentence": _na(row["Sentence Number"]),
                },
            ),
            sources=[
                Source(
                    outlet=publisher,
                    title=f"ICEWS story {row['Story ID']}, sentence {row['Sentence Number']}",
                )
            ],
        )

    header_checked = False

    def checked(line: int, row: dict[str, str]) -> Event | None:
        nonlocal header_checked
        if not header_checked and not isinstance(row, _Short):
            missing = [c for c in ICEWS_COLUMNS if c not in row]
            if missing:
                raise ValidationError(
                    "columns", missing, "missing from the header: not an ICEWS event file?",
                    "import the file as published on Dataverse (with its header row).",
                )  # fmt: skip
            header_checked = True
        return convert(line, _columns(row))

    return run_import(
        tl, _tsv_rows(path, report, None), checked, report, strict=strict, progress=progress
    )


def _side(row: dict[str, str], side: str) -> dict[str, Any]:
    sectors = _na(row[f"{side} Sectors"])
    return {
        "name": row[f"{side} Name"],
        "country": _na(row[f"{side} Country"]),
        "sectors": sectors.split(",") if sectors else [],
    }


# -- POLECAT ---------------------------------------------------------------------------------


def import_polecat(
    tl: Timeline,
    path: str | Path,
    *,
    between: Sequence[str] | str | None = None,
    dates: tuple[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import a POLECAT file (PLOVER-coded, tab-separated, with a header row).

    Tolerates a repeated header row and stray trailing tabs, and reports them.
    """
    dyad, w = normalise_dyad(between), window(dates)
    report = ImportReport("POLECAT", str(path))
    name = Path(path).name

    def convert(line: int, row: dict[str, str]) -> Event | None:
        on = parse_day("Event Date", row["Event Date"])
        pair = (
            dyad_sides(
                dyad,
                ("Actor Country", _na(row.get("Actor Country"))),
                ("Recipient Country", _na(row.get("Recipient Country"))),
            )
            if in_window(w, on)
            else None
        )
        if not pair:
            report.filtered += 1
            return None
        src, tgt = pair
        event = (row.get("Event Type") or "").strip().upper()
        if event not in PLOVER_TYPES:
            raise ValidationError(
                "Event Type", event, "not a PLOVER event type.", f"one of {sorted(PLOVER_TYPES)}"
            )
        p = PloverType(event, _na(row.get("Event Mode")), _na(row.get("Contexts")))
        return Event(
            id=_event_id("polecat", row["Event ID"]),
            type=p.type_name,
            on=on,
            actors=_actors(src, tgt),
            summary=" - ".join(
                (row.get("Actor Name", ""), event.lower(), row.get("Recipient Name", ""))
            ),
            data=_plover_data(
                p,
                intensity=_number("Intensity", row.get("Intensity")),
                quad_code=_na(row.get("Quad Code")),
                source={
                    "name": row.get("Actor Name"),
                    "country": _na(row.get("Actor Country")),
                    "cow": _na(row.get("Actor COW")),
                },
                target={
                    "name": row.get("Recipient Name"),
                    "country": _na(row.get("Recipient Country")),
                    "cow": _na(row.get("Recipient COW")),
                },
                provenance={
                    "dataset": "POLECAT",
                    "file": name,
                    "line": line,
                    "original_id": row["Event ID"],
                },
            ),
            sources=[
                Source(
                    outlet=_na(row.get("Source")) or "POLECAT (source not given)",
                    published=_publication(row.get("Publication Date")),
                )
            ],
        )

    return run_import(
        tl,
        _tsv_rows(path, report, None, ("Event ID", "Event Date", "Event Type")),
        lambda line, row: convert(line, _columns(row)),
        report,
        strict=strict,
        progress=progress,
    )


def _publication(value: str | None) -> str | None:
    text = _na(value)
    if text is None:
        return None
    return parse_day("Publication Date", text[:10]).edtf


# -- GDELT 2.0 -------------------------------------------------------------------------------

_G_ID, _G_DATE, _A1_CODE, _A1_NAME, _A1_COUNTRY = 0, 1, 5, 6, 7
_A2_CODE, _A2_NAME, _A2_COUNTRY = 15, 16, 17
_G_ROOT, _G_CODE, _G_QUAD, _G_GOLDSTEIN = 25, 26, 29, 30
_G_MENTIONS, _G_SOURCES, _G_ARTICLES, _G_TONE, _G_ADDED, _G_URL = 31, 32, 33, 34, 59, 60
GDELT_COLUMNS: Final = 61


def import_gdelt(
    tl: Timeline,
    path: str | Path,
    *,
    between: Sequence[str] | str | None = None,
    dates: tuple[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import a GDELT 2.0 events file (61 tab-separated columns, no header).

    The dyad is read from the actors' CAMEO country codes (USA, MEX), not from
    the FIPS geography codes.
    """
    dyad, w = normalise_dyad(between), window(dates)
    report = ImportReport("GDELT", str(path))
    name = Path(path).name

    def convert(line: int, f: list[str]) -> Event | None:
        if len(f) != GDELT_COLUMNS:
            raise ValidationError(
                "columns",
                len(f),
                f"GDELT 2.0 rows have {GDELT_COLUMNS} columns.",
                "check that this is a GDELT 2.0 events file (not 1.0, not mentions).",
            )
        on = parse_day("SQLDATE", f[_G_DATE])
        pair = (
            dyad_sides(
                dyad,
                ("Actor1CountryCode", f[_A1_COUNTRY] or None),
                ("Actor2CountryCode", f[_A2_COUNTRY] or None),
            )
            if in_window(w, on)
            else None
        )
        if not pair:
            report.filtered += 1
            return None
        src, tgt = pair
        type_name, p = coded_type(f[_G_CODE])
        url = f[_G_URL] if f[_G_URL].startswith(("http://", "https://")) else ""
        return Event(
            id=_event_id("gdelt", f[_G_ID]),
            type=type_name,
            on=on,
            actors=_actors(src, tgt),
            summary=f"{f[_A1_NAME]} - CAMEO {f[_G_CODE]} - {f[_A2_NAME]}",
            data=_plover_data(
                p,
                cameo=f[_G_CODE],
                intensity=_number("GoldsteinScale", f[_G_GOLDSTEIN]),
                quad_class=_number("QuadClass", f[_G_QUAD]),
                mentions=_number("NumMentions", f[_G_MENTIONS]),
                articles=_number("NumArticles", f[_G_ARTICLES]),
                tone=_number("AvgTone", f[_G_TONE]),
                root_event=f[_G_ROOT] == "1",
                source={"code": f[_A1_CODE], "name": f[_A1_NAME], "country": _na(f[_A1_COUNTRY])},
                target={"code": f[_A2_CODE], "name": f[_A2_NAME], "country": _na(f[_A2_COUNTRY])},
                provenance={
                    "dataset": "GDELT 2.0",
                    "file": name,
                    "line": line,
                    "original_id": f[_G_ID],
                    "date_added": f[_G_ADDED],
                },
            ),
            sources=[Source(outlet=_host(url) or "GDELT (no source URL)", url=url)],
        )

    rows = ((line, fields) for line, fields in _tsv_rows(path, report, ()))
    return run_import(tl, rows, convert, report, strict=strict, progress=progress)


def _host(url: str) -> str:
    m = re.match(r"https?://([^/]+)", url)
    return m.group(1) if m else ""


# -- PLOVER ----------------------------------------------------------------------------------


def import_plover(
    tl: Timeline,
    path: str | Path,
    *,
    between: Sequence[str] | str | None = None,
    dates: tuple[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import PLOVER records: JSONL (one per line) or a JSON array; current or 2016 schema.

    The 2016 gold-standard schema (`source[]`, `target[]`, `eventText`,
    `dateCoded`; types DEMAND, DISAPPROVE, FIGHT, INVESTIGATE) is read as the
    current one (`actor[]`, `recipient[]`; REQUEST, ACCUSE, ASSAULT, ACCUSE),
    keeping the old name as the mode. DOCUMENT records are skipped.
    """
    dyad, w = normalise_dyad(between), window(dates)
    report = ImportReport("PLOVER", str(path))
    name = Path(path).name

    def convert(line: int, rec: Any) -> Event | None:  # noqa: ANN401 - JSON
        if not isinstance(rec, dict):
            raise ValidationError(
                "record", rec, "not a JSON object.", "one PLOVER record per line, as {...}."
            )
        event = rec.get("event")
        if isinstance(event, list):
            event = event[0] if event else None
        if event == "DOCUMENT":
            report.skipped += 1
            return None
        if not isinstance(event, str):
            raise ValidationError("event", event, "missing or not text.", "PLOVER needs event.")
        mode = rec.get("mode")
        if event in PLOVER_RENAMED:
            event, mode = PLOVER_RENAMED[event]
        if event not in PLOVER_TYPES:
            raise ValidationError(
                "event", event, "not a PLOVER event type.", f"use one of {sorted(PLOVER_TYPES)}."
            )
        actors = _list(rec.get("actor", rec.get("source", [])))
        recipients = _list(rec.get("recipient", rec.get("target", [])))
        src = _first_country(actors)
        tgt = _first_country(recipients)
        on = parse_day("date", str(rec.get("date", "")))
        if not in_dyad(dyad, src, tgt) or not in_window(w, on):
            report.filtered += 1
            return None
        context = rec.get("context")
        p = PloverType(event, _join(mode), _join(context))
        cite = rec.get("cite_info") or {}
        if not isinstance(cite, dict):
            raise ValidationError(
                "cite_info",
                cite,
                f"expected an object, got {type(cite).__name__}.",
                'write "cite_info": {"publication": "...", "url": "https://..."}.',
            )
        url = str(cite.get("url") or rec.get("link") or "")
        outlet = str(cite.get("publication") or rec.get("publication") or "PLOVER record")
        text = str(rec.get("text") or "")
        return Event(
            id=_event_id("plover", str(rec.get("id") or f"{name}-{line}")),
            type=p.type_name,
            on=on,
            actors=_actors(src, tgt, *(_country_of(a) for a in [*actors, *recipients])),
            summary=(text[:300] or str(rec.get("eventText") or rec.get("event_text") or "")),
            data=_plover_data(
                p,
                source=actors,
                target=recipients,
                event_text=rec.get("eventText", rec.get("event_text")),
                provenance={
                    "dataset": "PLOVER",
                    "file": name,
                    "line": line,
                    "original_id": rec.get("id"),
                    "coder": rec.get("coder"),
                    "coded": rec.get("dateCoded", rec.get("coded_date")),
                    "version": rec.get("version"),
                },
            ),
            sources=[Source(outlet=outlet, url=url if url.startswith("http") else "")],
        )

    return run_import(tl, _json_records(path), convert, report, strict=strict, progress=progress)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def _join(value: object) -> str | None:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or None
    return str(value) if value else None


def _country_of(actor: object) -> str | None:
    if not isinstance(actor, dict):
        return None
    code = str(actor.get("code") or "")[:3]
    try:
        return country(code) if len(code) == 3 else None
    except ValidationError:
        return None  # an IGO, NGO or group code: kept in data, not a country


def _first_country(actors: object) -> str | None:
    for a in actors if isinstance(actors, list) else []:
        found = _country_of(a)
        if found is not None:
            return found
    return None


def _json_records(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Records of a JSON array file or a JSONL file, with their line numbers."""
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
    """A line that is not JSON; convert() turns it into a bad row."""

    __slots__ = ()
