"""HTML views: what notebooks show for timelines, states, histories, diffs, explanations, audits.

This module registers them with `bilatlog._seam.html` (the domain's `_repr_html_`)
when it is imported. Standard library only. Every piece of text that came from data is escaped.
The style sheet is scoped to `div.bl-view` and outranks the host's own table
rules (JupyterLab, classic Notebook and VS Code all right-align cells and let
them wrap anywhere): prose is left-aligned, truth marks and dates stay on one
line, numbers are right-aligned, and the font is the platform's UI font.
Every table has a caption; a table longer than `MAX_ROWS` shows its first rows
and folds the rest under "and N more".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilatlog._seam import html as html_view
from bilatlog._tables import plural as _plural
from bilatlog.audit import Audit
from bilatlog.projections import Change, Diff, Explanation, History, Period, State, TrackState
from bilatlog.projections.known import Events
from bilatlog.time import Truth, When
from bilatlog.timeline import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable

    from bilatlog.events import Event, Source
    from bilatlog.projections.known import KnownEvent
    from bilatlog.projections.plans import PlanFate

__all__ = [
    "MAX_ROWS",
    "STYLE",
    "audit_html",
    "diff_html",
    "events_html",
    "explanation_html",
    "history_html",
    "overdue_html",
    "plans_html",
    "state_html",
    "store_name",
    "timeline_html",
    "track_states_html",
]

_e = html.escape

MAX_ROWS = 20
"""How many rows a table shows before it folds the rest under "and N more"."""

_FONT = (
    'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",'
    '"Liberation Sans",sans-serif'
)
_MONO = 'ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace'
_V = "div.bl-view"
_T = f"{_V} table.bl-table"
STYLE = (
    "<style>"
    f"{_V}{{font-family:{_FONT};font-size:13px;line-height:1.4;margin:0 0 .5em;"
    "text-align:left;max-width:100%;overflow-x:auto}"
    f"{_T}{{border-collapse:collapse;border:none;table-layout:auto;width:auto;"
    "margin:0 0 .75em;font-size:inherit;color:inherit}"
    f"{_T} caption{{caption-side:top;text-align:left;font-weight:600;padding:0 0 .3em;"
    "white-space:normal}"
    f"{_T} th,{_T} td{{text-align:left;vertical-align:top;padding:.25em .8em .25em 0;"
    "border:none;border-bottom:1px solid rgba(128,128,128,.25);white-space:normal;"
    "max-width:none;line-height:1.4}"
    f"{_T} th{{font-weight:600;border-bottom:1px solid rgba(128,128,128,.6)}}"
    f"{_T} tbody tr,{_T} tbody tr:nth-child(odd),{_T} tbody tr:nth-child(even)"
    "{background:transparent}"
    f"{_T} tbody tr:hover{{background:rgba(128,128,128,.08)}}"
    f"{_T} td.bl-nw,{_V} .bl-nw{{white-space:nowrap}}"
    f"{_T} td.bl-slug>div{{min-width:8em}}{_T} td.bl-src>div{{min-width:9em}}"
    f"{_T} td.bl-prose>div{{min-width:15em}}{_T} td.bl-date>div{{min-width:8.5em}}"
    f"{_T} td.bl-num{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}"
    f"{_V} code{{font-family:{_MONO};font-size:.95em;background:none;padding:0;"
    "white-space:nowrap;color:inherit}"
    f"{_V} .bl-certain{{color:#1a7f37;font-weight:600}}"
    f"{_V} .bl-possible{{color:#9a6700;font-style:italic}}"
    f"{_V} .bl-muted{{color:#6e7781;font-size:.9em}}{_V} .bl-planned{{color:#555555}}"
    f"{_V} details.bl-more>summary{{cursor:pointer;color:#6e7781;margin:-.4em 0 .75em}}"
    f"{_V} a{{color:#0969da}}"
    "</style>"
)
"""The style sheet every view carries. Selectors start with `div.bl-view table.bl-table`
so that they outrank JupyterLab's `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`
and the classic Notebook's `.rendered_html td`."""


# Inline styles repeat what matters most, for hosts that strip <style> but keep (sanitized)
# style attributes: JupyterLab showing an untrusted notebook, for one.
_LEFT = ' style="text-align:left;vertical-align:top"'
_NOWRAP = ' style="text-align:left;vertical-align:top;white-space:nowrap"'
_RIGHT = ' style="text-align:right;vertical-align:top;white-space:nowrap"'
_NW = ' style="white-space:nowrap"'


def _view(body: str) -> str:
    return f'<div class="bl-view">{STYLE}{body}</div>'


def _truth(t: Truth | str) -> str:
    value = t.value if isinstance(t, Truth) else t
    if value == "certain":
        return f'<span class="bl-certain bl-nw"{_NW} title="certain">&#10004;&nbsp;certain</span>'
    if value == "possible":
        return (
            f'<span class="bl-possible bl-nw"{_NW} title="possible, not certain">'
            "?&nbsp;possible</span>"
        )
    return f'<span class="bl-nw">{_e(value)}</span>'


# an ISO date inside words ("some day 2020-01-01 to 2021-04-30"): never broken at a hyphen
_ISO_DAY = re.compile(r"-?\d{4}-\d{2}(?:-\d{2})?")


def _when(w: When) -> str:
    """The EDTF text on one line, its meaning in words below it (when the words add any).

    The EDTF text never wraps; the words may, between words, in a narrow table.
    """
    words = w.describe()
    if words == w.edtf:
        return f"<code{_NW}>{_e(w.edtf)}</code>"
    words = _ISO_DAY.sub(rf'<span class="bl-nw"{_NW}>\g<0></span>', _e(words))
    return f'<code{_NW}>{_e(w.edtf)}</code><br><span class="bl-muted">{words}</span>'


def _sources(sources: Iterable[Source]) -> str:
    out = []
    for s in sources:
        label = _e(s.outlet or s.title or s.url)
        if s.published is not None:
            label += f' <span class="bl-muted bl-nw">{_e(s.published.edtf)}</span>'
        if s.url:
            out.append(
                f'<a href="{_e(s.url, quote=True)}" target="_blank" rel="noopener">{label}</a>'
            )
        else:
            out.append(label)
    return "; ".join(out)


#: Column kinds: "nw" keeps the cell on one line (truth), "date" keeps the EDTF text on
#: one line and lets its words wrap below it, "num" right-aligns;
#: "slug" (tracks, which may break only after a hyphen), "prose" and "src" (sources) keep
#: a readable width when the table is squeezed.
_Kind = str


#: Kinds whose content sits in a div of a minimum width: a cell's own min-width is
#: ignored when the table is squeezed, a child's is not.
_WIDE = {"slug", "prose", "src", "date"}


def _cell(kind: _Kind, value: str) -> str:
    if not kind:
        return f"<td{_LEFT}>{value}</td>"
    style = {"nw": _NOWRAP, "num": _RIGHT}.get(kind, _LEFT)
    if kind in _WIDE:
        return f'<td class="bl-{kind}"{style}><div>{value}</div></td>'
    return f'<td class="bl-{kind}"{style}>{value}</td>'


def _rows_html(rows: Iterable[Sequence[str]], kinds: Sequence[_Kind]) -> str:
    return "".join(
        "<tr>" + "".join(_cell(k, v) for k, v in zip(kinds, row, strict=True)) + "</tr>"
        for row in rows
    )


#: The kind a column gets from its header, for tables built from plain header names.
_KINDS: dict[str, _Kind] = {
    "track": "slug", "figure": "slug", "truth": "nw", "happened": "nw", "on": "date",
    "since": "date", "from": "date", "until": "date", "for": "date", "due": "date",
    "was due": "date",
    "position": "num", "value": "num", "summary": "prose", "plan": "prose", "events": "prose",
    "why": "prose", "sources": "src", "source": "src",
}  # fmt: skip


def _grid(
    columns: Sequence[tuple[str, _Kind] | str],
    rows: Sequence[Sequence[str]],
    caption: str,
    *,
    noun: str = "rows",
    max_rows: int | None = MAX_ROWS,
) -> str:
    """A captioned table; past `max_rows`, the rest folds under "and N more {noun}".

    A column is `(header, kind)` or a plain header, whose kind then follows `_KINDS`.
    """
    pairs = [c if isinstance(c, tuple) else (c, _KINDS.get(c, "")) for c in columns]
    head = "<thead><tr>" + "".join(f"<th{_LEFT}>{_e(h)}</th>" for h, _ in pairs) + "</tr></thead>"
    kinds = [k for _, k in pairs]
    shown = rows if max_rows is None else rows[:max_rows]
    out = (
        f'<table class="bl-table"><caption>{caption}</caption>{head}'
        f"<tbody>{_rows_html(shown, kinds)}</tbody></table>"
    )
    rest = rows[len(shown) :]
    if rest:
        out += (
            f'<details class="bl-more"><summary>and {len(rest)} more {_e(noun)}</summary>'
            f'<table class="bl-table"><caption>{caption} (continued)</caption>{head}'
            f"<tbody>{_rows_html(rest, kinds)}</tbody></table></details>"
        )
    return out


def _table(
    columns: Sequence[tuple[str, _Kind] | str],
    rows: Sequence[Sequence[str]],
    caption: str = "",
    *,
    noun: str = "rows",
    max_rows: int | None = MAX_ROWS,
) -> str:
    """A whole view of one captioned table, with the style sheet (for other modules' views)."""
    return _view(_grid(columns, rows, caption or _plural(len(rows), "row"), noun=noun,
                       max_rows=max_rows))  # fmt: skip


def _day(w: When) -> str:
    """A caption's date: in words, then its EDTF text when that says it differently."""
    words = w.describe()
    return _e(words) + (f" <code>{_e(w.edtf)}</code>" if w.edtf != words else "")


_TRACK_COLUMNS = (
    ("track", "slug"), ("status", ""), ("truth", "nw"), ("since", "date"), ("also possible", ""),
    ("sources", "src"),
)  # fmt: skip


def _track_rows(states: Iterable[TrackState]) -> list[tuple[str, ...]]:
    return [
        (
            f"<b>{_e(s.track)}</b>",
            _e(s.status),
            _truth(s.truth),
            _when(s.since),
            _e(", ".join(p for p in s.possible if p != s.status)),
            _sources(src for e in s.events for src in e.sources[:1]),
        )
        for s in states
    ]


def track_states_html(
    states: Iterable[TrackState], caption: str = "", *, max_rows: int | None = MAX_ROWS
) -> str:
    """A table: track, status, truth, since, other possible statuses, sources."""
    states = list(states)
    rows = _track_rows(states)
    if not caption:
        one = len(states) == 1
        caption = f"Status of <b>{_e(states[0].track)}</b>" if one else _plural(len(rows), "track")
    return _view(_grid(_TRACK_COLUMNS, rows, caption, noun="tracks", max_rows=max_rows))


def _plan_rows(events: Iterable[Event]) -> list[tuple[str, ...]]:
    """One row per plan: track, promised status, due date, summary, sources (escaped)."""
    return [
        (
            f"<b>{_e(e.track or '')}</b>",
            _e(e.status or e.type),
            _when(e.on),
            _e(e.summary),
            _sources(e.sources),
        )
        for e in events
    ]


def _planned(events: Sequence[Event]) -> str:
    rows = _plan_rows(events)
    columns = (("track", "slug"), ("expected status", ""), ("due", "date"), ("plan", "prose"),
               ("sources", "src"))  # fmt: skip
    return _grid(columns, rows, "Planned, still expected", noun="plans") if rows else ""


def state_html(state: State, *, max_rows: int | None = MAX_ROWS) -> str:
    """The state of every track, with certainty; plans set apart; figures."""
    caption = (
        f"State on {_day(state.at)} "
        f'<span class="bl-muted">&middot; {_plural(len(state), "track")} &middot; as known '
        f"at position {state.known_at}</span>"
    )
    parts = [
        _grid(_TRACK_COLUMNS, _track_rows(state.values()), caption, noun="tracks",
              max_rows=max_rows)
        if len(state) else f"<p><b>{caption}</b>: no track has a status yet.</p>",
        _planned(state.planned),
    ]  # fmt: skip
    if state.overdue:
        parts.append(overdue_html(state.overdue))
    if state.metrics:
        rows = [
            (
                f"<b>{_e(f.metric)}</b>",
                _e(f"{f.value:,}" if isinstance(f.value, int | float) else str(f.value)),
                _e(f.unit or ""),
                _when(f.on),
                _truth(f.truth),
                _sources(f.event.sources[:1]),
            )
            for f in state.metrics.values()
        ]
        columns = (("figure", "slug"), ("value", "num"), ("unit", ""), ("for", "date"),
                   ("reached by then", "nw"), ("source", "src"))  # fmt: skip
        parts.append(_grid(columns, rows, "Figures reported by then", noun="figures",
                            max_rows=max_rows))  # fmt: skip
    return _view("".join(parts))


def history_html(periods: Sequence[Period], *, max_rows: int | None = MAX_ROWS) -> str:
    """Status periods, one row each, with their truth and the events behind them.

    The periods of one track (`tl.history(track)`) name it in the caption, not
    in a column of their own.
    """
    tracks = sorted({p.track for p in periods})
    one = len(tracks) == 1
    rows = [
        (
            *(() if one else (f"<b>{_e(p.track)}</b>",)),
            _e(p.status),
            _truth(p.truth),
            _when(p.start),
            _when(p.end) if p.end else '<span class="bl-muted">still holds</span>',
            _e("; ".join(e.summary or e.type for e in p.events)),
        )
        for p in periods
    ]
    what = f"<b>{_e(tracks[0])}</b>" if one else _plural(len(tracks), "track")
    caption = (
        f"History of {what} <span class='bl-muted'>&middot; {_plural(len(rows), 'period')}</span>"
    )
    columns = (*(() if one else (("track", "slug"),)), ("status", ""), ("truth", "nw"),
               ("from", "date"), ("until", "date"), ("events", "prose"))  # fmt: skip
    table = _grid(columns, rows, caption, noun="periods", max_rows=max_rows)
    plans = getattr(periods, "plans", ())
    if plans:
        table += plans_html(plans, caption="Plans and their fate")
    return _view(table)


def diff_html(changes: Sequence[Change], *, max_rows: int | None = MAX_ROWS) -> str:
    """What changed per track: before, after, and the events in between."""

    def side(s: TrackState | None) -> str:
        return "&ndash;" if s is None else f"{_e(s.status)}<br>{_truth(s.truth)}"

    rows = [
        (
            f"<b>{_e(c.track)}</b>",
            side(c.before),
            side(c.after),
            _e("; ".join(e.summary or e.type for e in c.events)),
        )
        for c in changes
    ]
    if not rows:  # as an empty state: a sentence, not a table of headers only
        return _view("<p><b>What changed</b>: nothing; every track is as it was.</p>")
    caption = f"What changed <span class='bl-muted'>&middot; {_plural(len(rows), 'track')}</span>"
    columns = (("track", "slug"), ("before", ""), ("after", ""), ("events", "prose"))
    return _view(_grid(columns, rows, caption, noun="tracks", max_rows=max_rows))


def explanation_html(ex: Explanation, *, max_rows: int | None = MAX_ROWS) -> str:
    """The state, then every event behind it with its corrections, reasons and sources."""
    at = _day(ex.at)
    head = (
        _grid(
            _TRACK_COLUMNS,
            _track_rows([ex.state]),
            f"Why <b>{_e(ex.track)}</b> on {at}",
            max_rows=None,
        )
        if ex.state is not None
        else f"<p>No status may hold for <b>{_e(ex.track)}</b> on {at}.</p>"
    )
    rows = []
    for entry in ex.entries:
        revisions = [
            f"{_e(str(c.recorded_at.date()))}: {_e(getattr(c.record, 'reason', ''))}"
            for c in entry.corrections
        ]
        if entry.retraction is not None:
            revisions.append(f"<b>retracted</b> {_e(str(entry.retraction.recorded_at.date()))}")
        rows.append(
            (
                _when(entry.event.on),
                _e(entry.event.status or entry.event.type),
                _truth(entry.truth),
                _e(entry.event.summary),
                "<br>".join(revisions),
                _sources(entry.sources),
            )
        )
    columns = (("on", "date"), ("status", ""), ("happened", "nw"), ("summary", "prose"),
               ("revised", ""), ("sources", "src"))  # fmt: skip
    caption = f"The {_plural(len(rows), 'event')} behind it, with their revisions"
    table = head + _grid(columns, rows, caption, noun="events", max_rows=max_rows)
    if ex.plans:
        table += plans_html(ex.plans, caption="Plans and their fate")
    return _view(table)


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
            _e(_plural(len(k.corrections), "correction")) if k.corrections else "",
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


def store_name(tl: Timeline) -> str:
    """A short name for where the timeline's log lives: its file, its database, or memory."""
    backend = tl.backend
    url = backend.url
    if url == "memory:":
        source = backend.copied_from
        return f"in-memory copy of {Path(source).name}" if source else "in memory"
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).name
    if "://" in url:
        return url
    return Path(url).name


def timeline_html(tl: Timeline, *, max_tracks: int = 12) -> str:
    """A short card: the store's name, how many records, its tracks."""
    tracks = tl.tracks()
    shown = ", ".join(_e(t) for t in tracks[:max_tracks])
    more = f" and {len(tracks) - max_tracks} more" if len(tracks) > max_tracks else ""
    return _view(
        f'<div><b>bilatlog timeline</b> &middot; <span title="{_e(tl.backend.url, quote=True)}">'
        f"{_e(store_name(tl))}</span> &middot; {_plural(tl.position, 'record')} &middot; "
        f"{_plural(len(tracks), 'track')}"
        + (f'<br><span class="bl-muted">{shown}{more}</span>' if tracks else "")
        + "</div>"
    )


# -- the seam: what the domain's `_repr_html_` draws -----------------------------------


def _alone(draw: Callable[[list[Any]], str]) -> Callable[[Any], str]:
    """The view of one item: the table of a list of one."""
    return lambda item: draw([item])


for _cls, _draw in (
    (State, state_html),
    (History, history_html),
    (Diff, diff_html),
    (Explanation, explanation_html),
    (Events, events_html),
    (Audit, audit_html),
    (Timeline, timeline_html),
    (TrackState, _alone(track_states_html)),
    (Period, _alone(history_html)),
    (Change, _alone(diff_html)),
):
    html_view.register(_cls)(_draw)
