"""Exporters: a timeline's events as CSV, JSONL, TimelineJS3 JSON or PLOVER JSONL.

Every exporter writes the events as known at `known_at` (default: now), with
corrections applied and retractions left out, in valid-time order; dates keep
their honesty: EDTF text plus earliest/latest days.
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilatlog.events import Event, thaw
from bilatlog.io._common import PLOVER_TYPES
from bilatlog.time import Precision, When

if TYPE_CHECKING:
    from bilatlog.timeline import KnownAt, Timeline

__all__ = ["event_record", "export_csv", "export_jsonl", "export_plover", "export_timelinejs"]

CSV_COLUMNS = (
    "id", "type", "edtf", "earliest", "latest", "precision", "uncertain", "approximate",
    "track", "status", "planned", "announced", "fulfils", "actors", "summary", "sources",
    "source_urls", "data",
)  # fmt: skip


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


def export_csv(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> int:
    """Write one row per event; sources flattened as `outlet (url)` joined by ` | `."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for e in _events(tl, known_at):
            rec = event_record(e)
            rec["actors"] = ";".join(rec["actors"])
            rec["sources"] = " | ".join(
                s.get("outlet", "") + (f" ({s['url']})" if s.get("url") else "")
                for s in rec["sources"]
            )
            rec["source_urls"] = " ".join(s.url for s in e.sources if s.url)
            rec["data"] = (
                json.dumps(rec["data"], ensure_ascii=False, sort_keys=True) if e.data else ""
            )
            w.writerow(rec)
            n += 1
    return n


def export_jsonl(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> int:
    """Write one JSON object per line per event (see `event_record`)."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for e in _events(tl, known_at):
            f.write(json.dumps(event_record(e), ensure_ascii=False) + "\n")
            n += 1
    return n


# -- TimelineJS3 ------------------------------------------------------------------------------


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


def export_timelinejs(
    tl: Timeline,
    path: str | Path,
    *,
    title: str = "bilatlog timeline",
    known_at: KnownAt = None,
) -> dict[str, Any]:
    """Write TimelineJS3 JSON: a slide per event (grouped by track), an era per status period.

    Dates carry the precision of their `When` (a month is `{year, month}`);
    imprecise dates show their EDTF meaning as `display_date`; planned events
    are marked; sources are links in each slide's text. Returns the document.
    """
    events = []
    for e in _events(tl, known_at):
        on = e.on
        slide: dict[str, Any] = {
            "unique_id": e.id,
            "start_date": _tl_date(on),
            "display_date": ("Planned: " if e.planned else "") + on.describe(),
            "text": {
                "headline": html.escape(e.summary[:120] or e.type),
                "text": (
                    f"<p>{html.escape(e.summary)}</p>"
                    + (
                        f"<p>{html.escape(e.track or '')}: <b>{html.escape(e.status)}</b></p>"
                        if e.status
                        else ""
                    )
                    + _sources_html(e)
                ),
            },
            "group": e.track or e.type.split(".")[0],
        }
        if on.is_interval and on.end is not None:
            slide["end_date"] = _tl_date(on, end=True)
        elif on.precision is Precision.RANGE:
            slide["end_date"] = {"year": on.hi.year, "month": on.hi.month, "day": on.hi.day}
        events.append(slide)
    eras = []
    for track in tl.tracks(known_at=known_at):
        for p in tl.history(track, known_at=known_at):
            if p.end is None:
                continue
            eras.append(
                {
                    "start_date": _tl_date(p.start),
                    "end_date": _tl_date(p.end),
                    "text": {"headline": html.escape(f"{track}: {p.status}")},
                }
            )
    doc = {
        "title": {"text": {"headline": html.escape(title),
                           "text": f"<p>{len(events)} events, exported by bilatlog</p>"}},
        "events": events,
        "eras": eras,
    }  # fmt: skip
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return doc


# -- PLOVER ------------------------------------------------------------------------------------


def export_plover(tl: Timeline, path: str | Path, *, known_at: KnownAt = None) -> tuple[int, int]:
    """Write PLOVER JSONL (current schema) for events with a PLOVER type.

    Returns `(written, skipped)`: events whose type is not `plover.<event>` (or
    carry no `data["plover"]`) have no PLOVER equivalent and are skipped.
    """
    from bilatlog.io._common import _countries  # noqa: PLC0415 - shared table

    alpha3 = {v: k for k, v in _countries().items() if len(k) == 3 and k.isupper()}
    written = skipped = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for e in _events(tl, known_at):
            plover = e.data.get("plover")
            event = (
                plover.get("event") if hasattr(plover, "get") else e.type.split(".", 1)[-1].upper()  # type: ignore[union-attr]
            )
            if not e.type.startswith("plover.") or event not in PLOVER_TYPES:
                skipped += 1
                continue
            actors = [{"code": alpha3.get(a.split(".")[0], a)} for a in e.actors]
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
    return written, skipped
