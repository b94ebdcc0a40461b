"""Exporters: a timeline's events as CSV, JSONL, TimelineJS3 JSON or PLOVER JSONL.

Every exporter writes the events as known at `known_at` (default: now), with
corrections applied and retractions left out, in valid-time order; dates keep
their honesty: EDTF text plus earliest/latest days.

Every export records the head it was made at: beside the file, `<file>.head.json`
holds the checkpoint of the log position it reflects (see `bilatlog.checkpoint`),
so anyone can later check the store still holds that record:
`bilatlog verify --expect POSITION:HASH`. An exporter refuses to write over
the store it reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilatlog._json import thaw
from bilatlog.backends import is_store_file
from bilatlog.checkpoint import Checkpoint, checkpoint_at
from bilatlog.events import Event
from bilatlog.exceptions import ValidationError
from bilatlog.io._common import PLOVER_TYPES
from bilatlog.time import Precision, When

if TYPE_CHECKING:
    from bilatlog.timeline import KnownAt, Timeline

__all__ = [
    "CSV_COLUMNS",
    "RECORD_COLUMNS",
    "event_record",
    "export_csv",
    "export_head",
    "export_jsonl",
    "export_plover",
    "export_timelinejs",
    "head_path",
    "record_head",
    "refuse_store",
]

#: the keys of `event_record`, in order
RECORD_COLUMNS = (
    "id", "type", "edtf", "earliest", "latest", "precision", "uncertain", "approximate",
    "track", "status", "planned", "announced", "fulfils", "actors", "summary", "sources", "data",
)  # fmt: skip
CSV_COLUMNS = (*RECORD_COLUMNS[:-1], "outlets", "source_urls", "data")


def event_record(e: Event) -> dict[str, Any]:
    """One event as a flat, JSON-ready dict with truth-aware date columns."""
    on = e.on
    return {
        "id": e.id,
        "type": e.type,
        "edtf": on.edtf,
        "earliest": on.earliest.isoformat() if on.earliest else None,
        "latest": on.latest.isoformat() if on.latest else None,
        "precision": on.precision.value,
        "uncertain": on.uncertain,
        "approximate": on.approximate,
        "track": e.track,
        "status": e.status,
        "planned": e.planned,
        "announced": e.announced.edtf if e.announced else None,
        "fulfils": e.fulfils,
        "actors": list(e.actors),
        "summary": e.summary,
        "sources": [
            {
                k: v
                for k, v in (
                    ("outlet", s.outlet),
                    ("title", s.title),
                    ("url", s.url),
                    ("published", s.published.edtf if s.published else None),
                    ("quote", s.quote),
                )
                if v
            }
            for s in e.sources
        ],
        "data": thaw(e.data),
    }


def _events(tl: Timeline, known_at: KnownAt) -> Iterator[Event]:
    return (k.event for k in tl.events(known_at=known_at))


def refuse_store(tl: Timeline, path: str | Path, field: str = "path") -> Path:
    """Refuse a file that is the timeline's own store (after resolving `..` and links).

    For an export target (writing there would destroy the store), and for an
    import or copy source (the store would read itself).
    """
    target = Path(path)
    if is_store_file(tl.backend, target):
        if field in ("file", "source"):
            problem, fix = "is the store itself; it cannot import itself.", "name another file."
        else:
            problem = "is the store being exported; writing there would destroy it."
            fix = "write the export to another file, e.g. --to export.csv."
        raise ValidationError(field, str(path), f"{problem} ({tl.backend.url})", fix)
    return target


def head_path(path: str | Path) -> Path:
    """Where an export's head is recorded: `<file>.head.json`."""
    p = Path(path)
    return p.with_name(p.name + ".head.json")


def export_head(tl: Timeline, known_at: KnownAt = None) -> Checkpoint:
    """The checkpoint of the log position an export as known at `known_at` reflects."""
    return checkpoint_at(tl.backend, tl.resolve_known_at(known_at))


def record_head(tl: Timeline, path: str | Path, head: Checkpoint) -> None:
    """Write `head` beside an export, as `<file>.head.json`."""
    target = refuse_store(tl, head_path(path))
    target.write_text(head.text() + "\n", encoding="utf-8")


def export_csv(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> int:
    """Write one row per event: `event_record`'s columns, lists and dicts as text.

    `actors` are joined by `;` (Namibia alone as `NA;`, which pandas does not
    read as missing); `sources` and `data` are JSON text (nothing of
    a source is lost), with `outlets` (`outlet (url) | ...`) and `source_urls`
    for reading by eye. `import_csv`, or `pandas.read_csv` then `from_frame`,
    reads it back into the same events.
    """
    head = export_head(tl, known_at)
    known_at = head.position
    n = 0
    with refuse_store(tl, path).open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for e in _events(tl, known_at):
            rec = event_record(e)
            # a lone "NA" (Namibia) would read as missing in pandas.read_csv: "NA;" does not
            rec["actors"] = ";".join(rec["actors"]) + (";" if rec["actors"] == ["NA"] else "")
            rec["outlets"] = " | ".join(
                s.get("outlet", "") + (f" ({s['url']})" if s.get("url") else "")
                for s in rec["sources"]
            )
            rec["sources"] = (
                json.dumps(rec["sources"], ensure_ascii=False) if rec["sources"] else ""
            )
            rec["source_urls"] = " ".join(s.url for s in e.sources if s.url)
            rec["data"] = (
                json.dumps(rec["data"], ensure_ascii=False, sort_keys=True) if e.data else ""
            )
            w.writerow(rec)
            n += 1
    record_head(tl, path, head)
    return n


def export_jsonl(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> int:
    """Write one JSON object per line per event (see `event_record`)."""
    head = export_head(tl, known_at)
    known_at = head.position
    n = 0
    with refuse_store(tl, path).open("w", encoding="utf-8") as f:
        for e in _events(tl, known_at):
            f.write(json.dumps(event_record(e), ensure_ascii=False) + "\n")
            n += 1
    record_head(tl, path, head)
    return n


# -- TimelineJS3 ------------------------------------------------------------------------------

#: The longest headline a TimelineJS slide gets: longer summaries are cut at a word.
HEADLINE_CHARS = 64


# a full stop that ends a sentence: not after an abbreviation such as "Gen." or "U.S."
_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<![A-Z][a-z]{2})(?<!\b[A-Z])\.\s+(?=[A-Z0-9])")


def _headline(summary: str, limit: int = HEADLINE_CHARS) -> str:
    """A short headline for a summary: its first sentence if that fits, else cut at a word.

    Never cuts inside a word: a long summary ends at the last clause boundary
    (a comma, a semicolon, an opening parenthesis) in the second half of the
    limit, or else at the last whole word that fits, followed by an ellipsis.
    """
    text = " ".join(summary.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(".")
    if len(first) <= limit:
        return first
    room = text[: limit + 1]
    clause = max(room.rfind(mark) for mark in (" (", ", ", "; ", " \u2013 ", " \u2014 "))
    cut = room[:clause] if clause >= limit // 2 else room[: room.rfind(" ")]
    if cut.count("(") > cut.count(")") and cut.rfind("(") >= limit // 3:
        cut = cut[: cut.rfind("(")]  # never end inside an aside
    return cut.rstrip(" ,;:.-(\u2013\u2014") + "\u2026"


def _tl_date(w: When, *, end: bool = False) -> dict[str, Any]:
    """A TimelineJS date with exactly the precision the `When` has."""
    point = (w.end if end else w.start) or w
    day = point.hi if end else point.lo
    out: dict[str, Any] = {"year": day.year}
    if point.precision in (Precision.DAY, Precision.MONTH):
        out["month"] = day.month
    if point.precision is Precision.DAY:
        out["day"] = day.day
    out["display_date"] = point.describe()
    return out


def _sources_html(e: Event) -> str:
    items = []
    for s in e.sources:
        label = html.escape(s.outlet or s.title or s.url)
        if s.published:
            label += f", {html.escape(s.published.describe())}"
        items.append(f'<a href="{html.escape(s.url, quote=True)}">{label}</a>' if s.url else label)
    return "<p>Sources: " + "; ".join(items) + "</p>" if items else ""


def _slide(e: Event) -> dict[str, Any]:
    on = e.on
    head = _headline(e.summary) if e.summary else e.type
    # the summary is the headline (spacing aside): not again as text
    whole = head == " ".join(e.summary.split()).rstrip(".")
    text = f"<p>{html.escape(e.summary)}</p>" if e.summary and not whole else ""
    if e.status:
        text += f"<p>{html.escape(e.track or '')}: <b>{html.escape(e.status)}</b></p>"
    if on.lo == dt.date.min:  # an open start (`../2020`, `[..2019]`): at its known end
        start = _tl_date(on, end=True) if on.is_interval else _tl_day(on.hi, on.describe())
    else:
        start = _tl_date(on)
    slide: dict[str, Any] = {
        "unique_id": e.id,
        "start_date": start,
        "display_date": ("Planned: " if e.planned else "") + on.describe(),
        "text": {"headline": html.escape(head), "text": text + _sources_html(e)},
        "group": e.track or e.type.split(".")[0],
    }
    if on.lo == dt.date.min or on.hi == dt.date.max:
        pass  # an open end has no end date: TimelineJS would stretch its scale to year 9999
    elif on.is_interval and on.end is not None:
        slide["end_date"] = _tl_date(on, end=True)
    elif on.precision is Precision.RANGE:
        slide["end_date"] = _tl_day(on.hi)
    return slide


def _tl_day(day: dt.date, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"year": day.year, "month": day.month, "day": day.day}
    if display is not None:
        out["display_date"] = display
    return out


def _check_tracks(tl: Timeline, names: Sequence[str], known_at: KnownAt) -> None:
    """Refuse a track the store never held (UnknownNameError, with "did you mean")."""
    for name in names:
        tl.history(name, known_at=known_at)


def _eras(tl: Timeline, track: str, known_at: KnownAt) -> list[dict[str, Any]]:
    """One track's status periods as eras; an open period runs to the last dated event."""
    ons = [e.on for e in _events(tl, known_at)]
    last = max((w.hi for w in ons if w.hi != dt.date.max), default=dt.date.min)
    first = min((w.lo for w in ons if w.lo != dt.date.min), default=last)
    still = {"year": last.year, "month": last.month, "day": last.day, "display_date": "still holds"}
    eras = []
    for p in tl.history(track, known_at=known_at):
        ended = p.end if p.end is not None and p.end.hi != dt.date.max else None
        end = _tl_date(ended, end=True) if ended is not None else still
        if p.start.lo == dt.date.min:  # an open start (`../2020`): from the first event shown
            until = last if ended is None else ended.lo if ended.lo != dt.date.min else ended.hi
            start = _tl_day(min(first, until), p.start.describe())
        else:
            start = _tl_date(p.start)
        text = {"headline": html.escape(f"{track}: {p.status}")}
        eras.append({"start_date": start, "end_date": end, "text": text})
    return eras


def export_timelinejs(
    tl: Timeline,
    path: str | Path,
    *,
    title: str = "bilatlog timeline",
    known_at: KnownAt = None,
    tracks: Sequence[str] | None = None,
    eras: str | None = None,
) -> dict[str, Any]:
    """Write TimelineJS3 JSON: a slide per event, grouped by track; return the document.

    Dates carry the precision of their `When` (a month is `{year, month}`);
    imprecise dates show their EDTF meaning as `display_date`; planned events
    are marked; sources are links in each slide's text. The headline is the
    summary's first sentence, or its first words cut at a word (at most
    64 characters); the full summary is the slide's text, once. The
    document's `bilatlog` key records the head it was made at.

    Args:
        tl: the timeline to export.
        path: the JSON file to write.
        title: the title slide's headline.
        known_at: export the events as known then (default: now).
        tracks: only these tracks, one TimelineJS group each (default: every
            event; events without a track are grouped by their type's first
            part). Each group takes a row of TimelineJS's time navigator, so a
            handful reads best.
        eras: a track whose status periods become TimelineJS eras (default:
            none). One track only: eras share one strip, and overlapping
            periods of several tracks would jumble there.

    Raises:
        ValidationError: `tracks` is a string or empty; a malformed track name;
            no event to export (TimelineJS shows only an error then); nothing is written.
        UnknownNameError: a track the store has never held.
    """
    if isinstance(tracks, str) or (tracks is not None and not tracks):
        raise ValidationError(
            "tracks", tracks, "expected a list of one or more tracks.",
            "pass e.g. tracks=['merida-initiative', 'dea-operations'].",
        )  # fmt: skip
    target = refuse_store(tl, path)
    head = export_head(tl, known_at)
    known_at = head.position
    _check_tracks(tl, [*(tracks or ()), *([eras] if eras is not None else [])], known_at)
    chosen = set(tracks) if tracks is not None else None
    events = [_slide(e) for e in _events(tl, known_at) if chosen is None or e.track in chosen]
    if not events:  # TimelineJS shows only an error ("configuration has no events")
        field, value = ("tracks", list(tracks)) if tracks is not None else ("known_at", known_at)
        raise ValidationError(
            field, value, "leaves no event to export; TimelineJS shows no timeline without one.",
            "export a store with events, at a later known_at, or tracks that have events.",
        )  # fmt: skip
    doc: dict[str, Any] = {
        "title": {"text": {"headline": html.escape(title),
                           "text": f"<p>{len(events)} events, exported by bilatlog</p>"}},
        "events": events,
    }  # fmt: skip
    if eras is not None:
        doc["eras"] = _eras(tl, eras, known_at)
    doc["bilatlog"] = json.loads(head.text())
    target.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    record_head(tl, path, head)
    return doc


# -- PLOVER ------------------------------------------------------------------------------------


def export_plover(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> tuple[int, int]:
    """Write PLOVER JSONL (current schema) for events with a PLOVER type.

    Returns `(written, skipped)`: events whose type is not `plover.<event>` (or
    carry no `data["plover"]`) have no PLOVER equivalent and are skipped.
    """
    from bilatlog.io._common import country_info  # noqa: PLC0415 - shared table

    def alpha3(actor: str) -> str:
        info = country_info(actor.split(".", maxsplit=1)[0])
        return info.iso3 if info is not None and info.iso3 else actor

    head = export_head(tl, known_at)
    known_at = head.position
    written = skipped = 0
    with refuse_store(tl, path).open("w", encoding="utf-8") as f:
        for e in _events(tl, known_at):
            plover = e.data.get("plover")
            event = (
                plover.get("event") if hasattr(plover, "get") else e.type.split(".", 1)[-1].upper()  # type: ignore[union-attr]
            )
            if not e.type.startswith("plover.") or event not in PLOVER_TYPES:
                skipped += 1
                continue
            actors = [{"code": alpha3(a)} for a in e.actors]
            record = {
                "id": e.id,
                "date": e.on.lo.isoformat(),
                "actor": actors[:1],
                "recipient": actors[1:],
                "event": event,
                "mode": plover.get("mode") if hasattr(plover, "get") else None,  # type: ignore[union-attr]
                "context": plover.get("context") if hasattr(plover, "get") else None,  # type: ignore[union-attr]
                "text": e.summary,
                "cite_info": {
                    "publication": e.sources[0].outlet if e.sources else None,
                    "url": e.sources[0].url if e.sources else None,
                },
                "coder": "bilatlog",
            }
            f.write(json.dumps({k: v for k, v in record.items() if v is not None},
                               ensure_ascii=False) + "\n")  # fmt: skip
            written += 1
    record_head(tl, path, head)
    return written, skipped
