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
`ValidationError` naming its line. Batches are appended whole or not at all,
except a batch the store refuses by one of its rules (a source published after
the record's `recorded_at`): it is then appended in parts around the events
the store refuses, and those are bad rows (with `strict=True`: the error names the batch's
lines, and nothing of it is written).

For contributors: every dataset goes through one skeleton (`Format` and
`import_dataset`); a format is one adapter, a `Format` subclass that says how
its file is read (`rows`) and how one row becomes an event (`convert`). See
docs/architecture.md, "Importers".
"""

from __future__ import annotations

import abc
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from bilatlog.events import Event, Source
from bilatlog.exceptions import ValidationError
from bilatlog.io._common import (
    PLOVER_RENAMED,
    PLOVER_TYPES,
    ImportReport,
    PloverType,
    coded_type,
    country,
    dyad_sides,
    in_window,
    normalise_dyad,
    parse_day,
    run_import,
    window,
)
from bilatlog.io._readers import columns, json_records, tsv_rows

if TYPE_CHECKING:
    from bilatlog.time import When
    from bilatlog.timeline import Timeline

__all__ = [
    "FORMATS",
    "Format",
    "import_dataset",
    "import_gdelt",
    "import_icews",
    "import_plover",
    "import_polecat",
]

_ID_CLEAN: Final = re.compile(r"[^A-Za-z0-9._:-]+")

# -- the skeleton ----------------------------------------------------------------------------


class Format(abc.ABC):
    """One import of one dataset file: what every format shares, and the two steps it adds.

    `import_dataset` makes one per import, reads `rows()` and hands each row to
    `convert(line, row)` through `run_import` (batches, bad rows with their
    line, strict mode, progress). A format sets `name` (the report's), `title`
    (the provenance's) and `prefix` (the ids'), and writes `rows` and `convert`,
    using the rules every format shares: `keep` (the dyad and date filters),
    `event_id` and `provenance`.
    """

    name: ClassVar[str]  # the dataset as the report names it: "GDELT"
    title: ClassVar[str]  # ... as each event's provenance names it: "GDELT 2.0"
    prefix: ClassVar[str]  # the ids' first part: "gdelt-..."

    def __init__(
        self, path: str | Path, between: Sequence[str] | str | None, dates: tuple[str, str] | None
    ) -> None:
        self.dyad, self.window = normalise_dyad(between), window(dates)
        self.path, self.file = path, Path(path).name
        self.report = ImportReport(self.name, str(path))

    @abc.abstractmethod
    def rows(self) -> Iterable[tuple[int, Any]]:
        """The file's rows with their line numbers, streamed (see `bilatlog.io._readers`)."""

    @abc.abstractmethod
    def convert(self, line: int, row: Any) -> Event | None:  # noqa: ANN401 - a format's row
        """The row's event; None for a row filtered out or skipped (counted in the report).

        Raises:
            ValidationError: a bad row, naming the field (reported with its line).
        """

    def keep(
        self, on: When, source: tuple[str, str | None], target: tuple[str, str | None]
    ) -> tuple[str | None, ...] | None:
        """The countries of a row's two sides if the row is in the date window and the dyad.

        `source`, `target`: `(column, value)` each (see `dyad_sides`). None, counted in
        the report as filtered, for a row outside the window or the dyad.
        """
        found = dyad_sides(self.dyad, source, target) if in_window(self.window, on) else None
        if not found:
            self.report.filtered += 1
            return None
        return found

    def event_id(self, *key: str) -> str:
        """The event's id, from the dataset and the row's original key: a re-import adds nothing."""
        return _ID_CLEAN.sub("-", f"{self.prefix}-{'-'.join(key)}")[:128]

    def provenance(self, line: int, original_id: object, **more: object) -> dict[str, Any]:
        """Where the event came from: dataset, file, line, original id, and the format's own."""
        return {
            "dataset": self.title,
            "file": self.file,
            "line": line,
            "original_id": original_id,
            **more,
        }


def import_dataset(
    fmt: type[Format],
    tl: Timeline,
    path: str | Path,
    *,
    between: Sequence[str] | str | None = None,
    dates: tuple[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import a file of a dataset format: the one skeleton behind `import_icews` and the rest."""
    f = fmt(path, between, dates)
    return run_import(tl, f.rows(), f.convert, f.report, strict=strict, progress=progress)


# -- what the formats' fields need -------------------------------------------------------------


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


# -- ICEWS -----------------------------------------------------------------------------------

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


class _Icews(Format):
    """ICEWS (Dataverse columns, tab-separated, `NA` for missing)."""

    name = title = "ICEWS"
    prefix = "icews"
    header_checked = False

    def rows(self) -> Iterable[tuple[int, Any]]:
        return tsv_rows(self.path, self.report, None)

    def convert(self, line: int, row: dict[str, str]) -> Event | None:
        row = columns(row)
        if not self.header_checked:  # on the first row that fits the header: its names
            missing = [c for c in ICEWS_COLUMNS if c not in row]
            if missing:
                raise ValidationError(
                    "columns", missing, "missing from the header: not an ICEWS event file?",
                    "import the file as published on Dataverse (with its header row).",
                )  # fmt: skip
            self.header_checked = True
        on = parse_day("Event Date", row["Event Date"])
        pair = self.keep(
            on,
            ("Source Country", _na(row["Source Country"])),
            ("Target Country", _na(row["Target Country"])),
        )
        if not pair:
            return None
        src, tgt = pair
        type_name, p = coded_type(row["CAMEO Code"])
        publisher = _na(row["Publisher"]) or "ICEWS (publisher not given)"
        return Event(
            id=self.event_id(row["Event ID"], row["Event Date"]),
            type=type_name,
            on=on,
            actors=_actors(src, tgt),
            summary=f"{row['Source Name']} - {row['Event Text']} - {row['Target Name']}",
            data=_plover_data(
                p,
                cameo=row["CAMEO Code"],
                intensity=_number("Intensity", row["Intensity"]),
                source=_icews_side(row, "Source"),
                target=_icews_side(row, "Target"),
                provenance=self.provenance(
                    line,
                    row["Event ID"],
                    story_id=_na(row["Story ID"]),
                    sentence=_na(row["Sentence Number"]),
                ),
            ),
            sources=[
                Source(
                    outlet=publisher,
                    title=f"ICEWS story {row['Story ID']}, sentence {row['Sentence Number']}",
                )
            ],
        )


def _icews_side(row: dict[str, str], side: str) -> dict[str, Any]:
    sectors = _na(row[f"{side} Sectors"])
    return {
        "name": row[f"{side} Name"],
        "country": _na(row[f"{side} Country"]),
        "sectors": sectors.split(",") if sectors else [],
    }


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
    return import_dataset(
        _Icews, tl, path, between=between, dates=dates, strict=strict, progress=progress
    )


# -- POLECAT ---------------------------------------------------------------------------------


class _Polecat(Format):
    """POLECAT (PLOVER-coded, tab-separated, with a header row)."""

    name = title = "POLECAT"
    prefix = "polecat"

    def rows(self) -> Iterable[tuple[int, Any]]:
        return tsv_rows(self.path, self.report, None, ("Event ID", "Event Date", "Event Type"))

    def convert(self, line: int, row: dict[str, str]) -> Event | None:
        row = columns(row)
        on = parse_day("Event Date", row["Event Date"])
        pair = self.keep(
            on,
            ("Actor Country", _na(row.get("Actor Country"))),
            ("Recipient Country", _na(row.get("Recipient Country"))),
        )
        if not pair:
            return None
        src, tgt = pair
        event = (row.get("Event Type") or "").strip().upper()
        if event not in PLOVER_TYPES:
            raise ValidationError(
                "Event Type", event, "not a PLOVER event type.", f"one of {sorted(PLOVER_TYPES)}"
            )
        p = PloverType(event, _na(row.get("Event Mode")), _na(row.get("Contexts")))
        return Event(
            id=self.event_id(row["Event ID"]),
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
                source=_polecat_side(row, "Actor"),
                target=_polecat_side(row, "Recipient"),
                provenance=self.provenance(line, row["Event ID"]),
            ),
            sources=[
                Source(
                    outlet=_na(row.get("Source")) or "POLECAT (source not given)",
                    published=_publication(row.get("Publication Date")),
                )
            ],
        )


def _polecat_side(row: dict[str, str], side: str) -> dict[str, Any]:
    return {
        "name": row.get(f"{side} Name"),
        "country": _na(row.get(f"{side} Country")),
        "cow": _na(row.get(f"{side} COW")),
    }


def _publication(value: str | None) -> str | None:
    text = _na(value)
    if text is None:
        return None
    return parse_day("Publication Date", text[:10]).edtf


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
    return import_dataset(
        _Polecat, tl, path, between=between, dates=dates, strict=strict, progress=progress
    )


# -- GDELT 2.0 -------------------------------------------------------------------------------

_G_ID, _G_DATE, _A1_CODE, _A1_NAME, _A1_COUNTRY = 0, 1, 5, 6, 7
_A2_CODE, _A2_NAME, _A2_COUNTRY = 15, 16, 17
_G_ROOT, _G_CODE, _G_QUAD, _G_GOLDSTEIN = 25, 26, 29, 30
_G_MENTIONS, _G_SOURCES, _G_ARTICLES, _G_TONE, _G_ADDED, _G_URL = 31, 32, 33, 34, 59, 60
GDELT_COLUMNS: Final = 61


class _Gdelt(Format):
    """GDELT 2.0 events (61 tab-separated columns, no header)."""

    name, title = "GDELT", "GDELT 2.0"
    prefix = "gdelt"

    def rows(self) -> Iterable[tuple[int, Any]]:
        return tsv_rows(self.path, self.report, ())

    def convert(self, line: int, f: list[str]) -> Event | None:
        if len(f) != GDELT_COLUMNS:
            raise ValidationError(
                "columns",
                len(f),
                f"GDELT 2.0 rows have {GDELT_COLUMNS} columns.",
                "check that this is a GDELT 2.0 events file (not 1.0, not mentions).",
            )
        on = parse_day("SQLDATE", f[_G_DATE])
        pair = self.keep(
            on,
            ("Actor1CountryCode", f[_A1_COUNTRY] or None),
            ("Actor2CountryCode", f[_A2_COUNTRY] or None),
        )
        if not pair:
            return None
        src, tgt = pair
        type_name, p = coded_type(f[_G_CODE])
        url = f[_G_URL] if f[_G_URL].startswith(("http://", "https://")) else ""
        return Event(
            id=self.event_id(f[_G_ID]),
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
                provenance=self.provenance(line, f[_G_ID], date_added=f[_G_ADDED]),
            ),
            sources=[Source(outlet=_host(url) or "GDELT (no source URL)", url=url)],
        )


def _host(url: str) -> str:
    m = re.match(r"https?://([^/]+)", url)
    return m.group(1) if m else ""


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
    return import_dataset(
        _Gdelt, tl, path, between=between, dates=dates, strict=strict, progress=progress
    )


# -- PLOVER ----------------------------------------------------------------------------------


class _Plover(Format):
    """PLOVER records: JSONL (one per line) or a JSON array; current or 2016 schema."""

    name = title = "PLOVER"
    prefix = "plover"

    def rows(self) -> Iterable[tuple[int, Any]]:
        return json_records(self.path)

    def convert(self, line: int, rec: Any) -> Event | None:  # noqa: ANN401 - JSON
        if not isinstance(rec, dict):
            raise ValidationError(
                "record", rec, "not a JSON object.", "one PLOVER record per line, as {...}."
            )
        event = rec.get("event")
        if isinstance(event, list):
            event = event[0] if event else None
        if event == "DOCUMENT":
            self.report.skipped += 1
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
        if not self.keep(on, ("actor", src), ("recipient", tgt)):
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
            id=self.event_id(str(rec.get("id") or f"{self.file}-{line}")),
            type=p.type_name,
            on=on,
            actors=_actors(src, tgt, *(_country_of(a) for a in [*actors, *recipients])),
            summary=(text[:300] or str(rec.get("eventText") or rec.get("event_text") or "")),
            data=_plover_data(
                p,
                source=actors,
                target=recipients,
                event_text=rec.get("eventText", rec.get("event_text")),
                provenance=self.provenance(
                    line,
                    rec.get("id"),
                    coder=rec.get("coder"),
                    coded=rec.get("dateCoded", rec.get("coded_date")),
                    version=rec.get("version"),
                ),
            ),
            sources=[Source(outlet=outlet, url=url if url.startswith("http") else "")],
        )


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
    return import_dataset(
        _Plover, tl, path, between=between, dates=dates, strict=strict, progress=progress
    )


#: The dataset formats by the name the CLI gives them (`bilatlog import icews FILE`).
FORMATS: Final[dict[str, type[Format]]] = {
    "icews": _Icews,
    "polecat": _Polecat,
    "gdelt": _Gdelt,
    "plover": _Plover,
}
