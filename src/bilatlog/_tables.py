r"""Plain-text tables: what `bilatlog` prints and what `str(state)` and `str(history)` give.

This module registers the tables with `bilatlog._seam.text` (the domain's
`__str__`) when it is imported.

Every cell is escaped: a field holding a newline, a tab or a terminal control
code (ESC, CSI, ...) prints as its escape (`\n`, `\x1b`) and cannot fake a
table row or move the cursor. Tables fit a width when given one: the widest
columns are cut, ending with `…`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from bilatlog._seam import text
from bilatlog.audit import Audit
from bilatlog.projections import Diff, Explanation, History, State
from bilatlog.projections.known import Events
from bilatlog.time import Truth

if TYPE_CHECKING:
    from bilatlog.events import RecordedEvent
    from bilatlog.projections import Change, Period, TrackState
    from bilatlog.projections.known import KnownEvent

__all__ = [
    "cell",
    "diff_rows",
    "escape",
    "event_rows",
    "events_text",
    "explain_rows",
    "history_rows",
    "log_rows",
    "plural",
    "render",
    "state_rows",
    "truth_text",
]

Row = dict[str, Any]

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MIN_WIDTH: Final = 6


def _escape_one(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """Show control characters as escapes, so the text stays on its line and does nothing."""
    return _CONTROL.sub(_escape_one, text)


def plural(n: int, word: str) -> str:
    """`1 event`, `2 events`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def truth_text(truth: object) -> str:
    """The one style of the truth column: `certain`, `possible`, `no`."""
    return str(truth.value) if isinstance(truth, Truth) else str(truth)


def cell(value: object) -> str:
    """One value as table text: None is `-`, lists are joined with `, `."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return escape(str(value))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


#: free-text columns: cut first, before names and dates
_FREE: Final = frozenset({"summary", "sources", "revised", "detail", "why", "ids", "events"})


def _fit(widths: list[int], headers: Sequence[str], width: int) -> list[int]:
    """Shrink the widest columns, one character at a time, until the row fits.

    Free-text columns (summary, sources, ...) give way first, down to 12
    characters; then every column, down to its header (at least 6); then,
    on a very narrow terminal, headers too, down to 3.
    """
    widths = list(widths)
    total = sum(widths) + 2 * (len(widths) - 1)
    floor = [min(w, max(len(h), _MIN_WIDTH)) for w, h in zip(widths, headers, strict=True)]
    free = [min(w, max(f, 12)) if h.lower() in _FREE else w for w, f, h in
            zip(widths, floor, headers, strict=True)]  # fmt: skip
    last = [min(w, 3) for w in widths]
    for limit in (free, floor, last):
        while total > width:
            i = max(range(len(widths)), key=lambda k: (widths[k] - limit[k], widths[k]))
            if widths[i] <= limit[i]:
                break
            widths[i] -= 1
            total -= 1
    return widths


def render(rows: Sequence[Row], *, width: int | None = None) -> str:
    """Rows (dicts with the same keys) as an aligned table; `(nothing)` when empty.

    With `width`, the widest columns are cut (`…`) so that each line fits.
    """
    if not rows:
        return "(nothing)\n"
    columns = list(rows[0])
    cells = [[cell(r[c]) for c in columns] for r in rows]
    headers = [c.upper() for c in columns]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    if width is not None:
        widths = _fit(widths, headers, width)

    def line(values: Iterable[str]) -> str:
        return (
            "  ".join(_cut(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()
            + "\n"
        )

    return line(headers) + "".join(line(row) for row in cells)


# -- the rows of each table ---------------------------------------------------------------


def state_rows(state: State, *, metrics: bool = False) -> list[Row]:
    """The rows of `bilatlog state`: tracks, then plans (expected, overdue), then figures."""
    rows: list[Row] = [
        {
            "track": s.track,
            "status": s.status,
            "truth": truth_text(s.truth),
            "since": s.since.edtf,
            "possible": list(s.possible) if len(s.possible) > 1 else None,
        }
        for s in state.values()
    ]
    rows += [
        {
            "track": e.track,
            "status": f"(planned) {e.status or e.type}",
            "truth": "expected",
            "since": e.on.edtf,
            "possible": None,
        }
        for e in state.planned
    ]
    rows += [
        {
            "track": e.track,
            "status": f"(planned) {e.status or e.type}",
            "truth": "overdue",
            "since": e.on.edtf,
            "possible": None,
        }
        for e in state.overdue
    ]
    if metrics:
        rows += [
            {
                "track": f"[figure] {f.metric}",
                "status": f"{f.value} {f.unit or ''}".strip(),
                "truth": truth_text(f.truth),
                "since": f.on.edtf,
                "possible": None,
            }
            for f in state.metrics.values()
        ]
    return rows


def history_rows(periods: Iterable[Period], plans: Iterable[Any] = ()) -> list[Row]:
    """The rows of `bilatlog history`: status periods, then the track's plans with their fate."""
    rows: list[Row] = [
        {
            "status": p.status,
            "truth": truth_text(p.truth),
            "start": p.start.edtf,
            "end": p.end.edtf if p.end else "(still)",
            "events": [e.id for e in p.events],
        }
        for p in periods
    ]
    rows += [
        {
            "status": f"(planned) {f.plan.status or f.plan.type}",
            "truth": f.fate,
            "start": f.plan.on.edtf,
            "end": None,
            "events": f"{f.plan.id}: {f.describe()}",
        }
        for f in plans
    ]
    return rows


def _side(s: TrackState | None) -> str | None:
    return f"{s.status} ({truth_text(s.truth)})" if s is not None else None


def diff_rows(changes: Iterable[Change]) -> list[Row]:
    """The rows of `bilatlog diff`: before and after with their truth, what changed, events."""
    return [
        {
            "track": c.track,
            "before": _side(c.before),
            "after": _side(c.after),
            "change": "truth"
            if c.before and c.after and c.before.status == c.after.status
            else "status",
            "events": plural(len(c.events), "event"),
            "ids": [e.id for e in c.events],
        }
        for c in changes
    ]


def explain_rows(ex: Explanation) -> list[Row]:
    """The rows of `bilatlog explain`: each event with its revisions, then plans and fate."""
    rows: list[Row] = [
        {
            "on": entry.event.on.edtf,
            "id": entry.event.id,
            "status": entry.event.status or entry.event.type,
            "truth": truth_text(entry.truth),
            "summary": entry.event.summary,
            "revised": [f"{c.recorded_at.date()}: {c.reason}" for c in entry.corrections]
            + ([f"RETRACTED {entry.retraction.recorded_at.date()}"] if entry.retraction else [])
            + _moved(entry.event.track, ex.track),
            "sources": _sources(entry.sources),
        }
        for entry in ex.entries
    ]
    rows += [
        {
            "on": f.plan.on.edtf,
            "id": f.plan.id,
            "status": f"(planned) {f.plan.status or f.plan.type}",
            "truth": f.fate,
            "summary": f.plan.summary,
            "revised": [f.describe()],
            "sources": _sources(f.plan.sources),
        }
        for f in ex.plans
    ]
    return rows


def _moved(now: str | None, track: str) -> list[str]:
    """`moved to X` when a correction took the event off the track explained."""
    return [] if now == track else [f"moved to {now or '(no track)'}"]


def _sources(sources: Iterable[Any]) -> list[str]:
    return [s.url or s.outlet or s.title for s in sources]


def event_rows(events: Iterable[KnownEvent], *, brief: bool = False) -> list[Row]:
    """The rows of `bilatlog events`: the events as known."""
    rows: list[Row] = []
    for k in events:
        e = k.event
        row: Row = {
            "position": k.position,
            "id": e.id,
            "kind": k.kind,
            "on": e.on.edtf,
            "type": e.type,
            "track": e.track,
            "status": e.status,
            "summary": e.summary,
        }
        if brief:
            del row["id"], row["kind"]
        else:
            row["revised"] = len(k.corrections) or None
            row["sources"] = _sources(e.sources)
        rows.append(row)
    return rows


def log_rows(records: Iterable[RecordedEvent]) -> list[Row]:
    """The rows of `bilatlog log`: every record as stored."""
    rows: list[Row] = []
    for rec in records:
        r = rec.record
        if rec.is_event:
            e = rec.event
            rows.append(
                {
                    "position": rec.position,
                    "id": r.id,
                    "kind": "planned" if e.planned else "event",
                    "on": e.on.edtf,
                    "type": e.type,
                    "track": e.track,
                    "status": e.status,
                    "summary": e.summary,
                    "sources": _sources(e.sources),
                }
            )
        else:
            rows.append(
                {
                    "position": rec.position,
                    "id": r.id,
                    "kind": rec.kind,
                    "on": None,
                    "type": None,
                    "track": None,
                    "status": None,
                    "summary": f"{rec.target}: {rec.reason}",
                    "sources": _sources(rec.sources),
                }
            )
    return rows


# -- the seam: what the domain's `__str__` prints --------------------------------------


@text.register(Events)
def events_text(events: Events, *, head: int | None = None) -> str:
    """The table `bilatlog events` prints; with `head`, its first rows, brief, and how many more."""
    if head is None:
        return render(event_rows(events))
    shown = events[:head]
    more = f"\n... and {len(events) - len(shown)} more" if len(events) > len(shown) else ""
    return render(event_rows(shown, brief=True), width=100).rstrip() + more


@text.register(Audit)
def _audit_text(report: Audit) -> str:
    return render(report.rows()) if report else "nothing found\n"


def _table(rows_of: Callable[[Any], list[Row]]) -> Callable[[Any], str]:
    """The text of a result: its rows, rendered."""
    return lambda result: render(rows_of(result))


for _cls, _rows in (
    (State, state_rows),
    (History, lambda h: history_rows(h, h.plans)),
    (Diff, diff_rows),
    (Explanation, explain_rows),
):
    text.register(_cls)(_table(_rows))
