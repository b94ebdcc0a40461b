"""`tl.audit()`: what a careful reader would question before citing a dataset.

Each `Finding` names the record (id and position) and says why, in words. The
checks, by name:

- `unsourced-event`: an event (as known) that cites no source;
- `figure-without-unit`: an event reporting a figure (`data["metric"]` and
  `data["value"]`) with no `unit`;
- `unsourced-revision`: a correction or retraction that cites no source;
- `conflicting-status`: a track put in two different statuses for the same
  date by different events;
- `overdue-plan`: a plan whose latest date has passed with nothing fulfilling it;
- `source-after-record`: a record citing a source published after the record
  was stored (stores written before bilatlog refused these).

`bilatlog audit` prints the same report and exits non-zero when it finds anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from bilatlog import _seam
from bilatlog.events import Event, Source, cited_sources, published_after

if TYPE_CHECKING:
    from bilatlog.events import RecordedEvent
    from bilatlog.projections import KnownEvent, PlanFate

__all__ = ["CHECKS", "Audit", "Audited", "Finding", "audit", "sources_after"]

#: Every check `audit()` runs, with what it looks for.
CHECKS: dict[str, str] = {
    "unsourced-event": "events without sources",
    "figure-without-unit": "figures without units",
    "unsourced-revision": "corrections and retractions without sources",
    "conflicting-status": "a track given two statuses for the same date by different events",
    "overdue-plan": "plans whose date passed with nothing fulfilling them",
    "source-after-record": "sources published after the record citing them was stored",
}


@attrs.frozen(kw_only=True)
class Finding:
    """One thing the audit found.

    Attributes:
        check: which check found it (a key of `CHECKS`).
        record_id: the record it is about.
        position: that record's position in the log.
        message: why, in words.
    """

    check: str
    record_id: str
    position: int | None
    message: str


class Audit(list[Finding], _seam.Shown):
    """The findings of `tl.audit()` (a list; empty and falsy when nothing was found)."""

    known_at: int = 0

    def by_check(self) -> dict[str, list[Finding]]:
        """The findings grouped by check, in the order of `CHECKS`."""
        out: dict[str, list[Finding]] = {}
        for check in CHECKS:
            found = [f for f in self if f.check == check]
            if found:
                out[check] = found
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One dict per finding: check, position, record, why."""
        return [
            {"check": f.check, "position": f.position, "record": f.record_id, "why": f.message}
            for f in self
        ]

    def __str__(self) -> str:
        """The table `bilatlog audit` prints."""
        return _seam.text(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per finding (needs the `pandas` extra)."""
        return _seam.frame(self)


def sources_after(sources: Iterable[Source], recorded_at: dt.datetime) -> Iterator[Source]:
    """The sources certainly published after `recorded_at` (its UTC day): `published_after`."""
    return (s for s in sources if published_after(s, recorded_at))


def _source_name(s: Source) -> str:
    return s.outlet or s.title or s.url


class Audited(Protocol):
    """What the audit reads: a `Timeline`'s answers (the audit sits below the timeline)."""

    def resolve_known_at(self, known_at: Any) -> int:  # noqa: ANN401 - the timeline's KnownAt
        """The knowledge position `known_at` means."""

    def events(self, *, known_at: int) -> Iterable[KnownEvent]:
        """The events as known at `known_at`."""

    def plans(self, *, known_at: int) -> Iterable[PlanFate]:
        """The plans as known at `known_at`, with their fate today."""

    def log(self, *, known_at: int) -> Iterable[RecordedEvent]:
        """Every record up to `known_at`."""


def audit(tl: Audited, *, known_at: object = None) -> Audit:
    """Run every check of `CHECKS` on `tl` as known at `known_at` (default: now)."""
    known = tl.resolve_known_at(known_at)
    report = Audit()
    report.known_at = known

    def found(check: str, record_id: str, position: int | None, message: str) -> None:
        report.append(Finding(check=check, record_id=record_id, position=position, message=message))

    # keyed by the days a date allows: `2020-10-15`, `2020-10-15~` and
    # `2020-10-15T09:30:00Z` are one date, written three ways
    statuses: dict[tuple[str, dt.date, dt.date], list[tuple[int, Event]]] = {}
    for k in tl.events(known_at=known):
        e = k.event
        if not e.sources:
            found("unsourced-event", e.id, k.position, f"{e.type} on {e.on.edtf} cites no source.")
        data = e.data
        if "metric" in data and "value" in data and not data.get("unit"):
            found(
                "figure-without-unit", e.id, k.position,
                f"figure {data['metric']!r} = {data['value']!r} has no unit.",
            )  # fmt: skip
        if e.status is not None and e.track is not None and not e.planned:
            statuses.setdefault((e.track, e.on.lo, e.on.hi), []).append((k.position, e))
    for (track, _, _), placed in statuses.items():
        distinct = sorted({e.status for _, e in placed if e.status})
        if len(distinct) > 1:
            position, first = placed[0]
            on = first.on.edtf
            others = ", ".join(
                f"{e.id} ({e.status}{'' if e.on.edtf == on else ', ' + e.on.edtf})"
                for _, e in placed
            )
            found(
                "conflicting-status", first.id, position,
                f"track {track!r} is put in {' and '.join(distinct)} for {on} "
                f"by different events: {others}.",
            )  # fmt: skip
    for fate in tl.plans(known_at=known):
        if fate.overdue:
            p = fate.plan
            assert fate.overdue_since is not None  # noqa: S101 - overdue plans have the date
            found(
                "overdue-plan", p.id, fate.position,
                f"planned {p.status or p.type} ({p.on.edtf}) was due by "
                f"{fate.overdue_since.isoformat()}; nothing recorded fulfils it.",
            )  # fmt: skip
    for rec in tl.log(known_at=known):
        if not rec.is_event and not rec.sources:
            found(
                "unsourced-revision", rec.id, rec.position,
                f"{rec.kind} of {rec.target} ({rec.reason!r}) cites no source.",
            )  # fmt: skip
        for s in sources_after(cited_sources(rec.record), rec.recorded_at):
            assert s.published is not None  # noqa: S101 - sources_after checked it
            found(
                "source-after-record", rec.id, rec.position,
                f"cites {_source_name(s)!r}, published {s.published.edtf}, but was stored "
                f"{rec.recorded_at.date().isoformat()}: it could not have known it yet.",
            )  # fmt: skip
    report.sort(key=lambda f: (list(CHECKS).index(f.check), f.position or 0))
    return report
