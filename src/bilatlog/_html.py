"""HTML views of the events as known, plans with their fate, and audits (for notebooks).

Built on the helpers of `bilatlog.notebook._html` (its style sheet, captions, folding);
every piece of text from data is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bilatlog._tables import plural
from bilatlog.notebook._html import _e, _plan_rows, _sources, _table, _when

if TYPE_CHECKING:
    from bilatlog.audit import Audit
    from bilatlog.events import Event
    from bilatlog.projections.known import KnownEvent
    from bilatlog.projections.plans import PlanFate

__all__ = ["audit_html", "events_html", "overdue_html", "plans_html"]

_FATE_CLASS = {"fulfilled": "bl-certain", "overdue": "bl-possible", "expected": "bl-planned"}


def events_html(events: Sequence[KnownEvent], *, limit: int = 200) -> str:
    """The events as known, one row each, with what revised them."""
    rows = [
        (
            str(k.position),
            _when(k.event.on),
            _e(k.event.type),
            _e(k.event.track or ""),
            _e(k.event.status or ""),
            _e(k.event.summary),
            _e(plural(len(k.corrections), "correction")) if k.corrections else "",
            _sources(k.event.sources),
        )
        for k in events[:limit]
    ]
    more = f" (first {limit} of {len(events)})" if len(events) > limit else ""
    return _table(
        ("position", "on", "type", "track", "status", "summary", "revised", "sources"),
        rows,
        f"{len(events)} events as known{more}",
    )


def plans_html(fates: Iterable[PlanFate], caption: str = "Plans") -> str:
    """Plans, each with its fate: fulfilled (by what, when), overdue (since when) or expected."""
    rows = [
        (
            f"<b>{_e(f.plan.track or '')}</b>",
            _e(f.plan.status or f.plan.type),
            _when(f.plan.on),
            _e(f.plan.summary),
            f'<span class="{_FATE_CLASS[f.fate]}">{_e(f.describe())}</span>',
        )
        for f in fates
    ]
    return _table(("track", "plan", "due", "summary", "fate"), rows, _e(caption))


def overdue_html(events: Iterable[Event]) -> str:
    """Plans whose date passed with nothing fulfilling them."""
    rows = _plan_rows(events)
    return _table(
        ("track", "promised status", "was due", "plan", "sources"),
        rows,
        '<span class="bl-possible">Overdue: the date passed, nothing fulfilled them</span>',
    )


def audit_html(report: Audit) -> str:
    """An audit's findings, one row each: what, which record, why."""
    if not report:
        return "<p><b>Audit</b>: nothing found.</p>"
    rows = [
        (
            _e(f.check),
            str(f.position) if f.position is not None else "",
            f"<code>{_e(f.record_id)}</code>",
            _e(f.message),
        )
        for f in report
    ]
    return _table(("check", "position", "record", "why"), rows, f"Audit: {len(report)} findings")
