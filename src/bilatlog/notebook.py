"""The notebook experience: HTML views, plots and progress bars.

HTML views (`_repr_html_` of `Timeline`, `State`, `TrackState`, history, diff
and explanations) use only the standard library, and escape every piece of
text that came from data. Plots need the `plot` extra (matplotlib); progress
bars use tqdm when it is installed (terminal or Jupyter) and are silent when
nobody is watching.
"""

from __future__ import annotations

import datetime as dt
import html
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from bilatlog.time import Truth, When

if TYPE_CHECKING:
    from bilatlog.events import Event, Source
    from bilatlog.projections import Change, Explanation, Period, State, TrackState
    from bilatlog.timeline import KnownAt, Timeline

__all__ = [
    "diff_html",
    "explanation_html",
    "history_html",
    "plot_figures",
    "plot_timeline",
    "progress",
    "state_html",
    "timeline_html",
    "track_states_html",
]

T = TypeVar("T")
_e = html.escape

_STYLE = (
    "<style>.bl-table{border-collapse:collapse;font-size:0.9em}"
    ".bl-table th,.bl-table td{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd;"
    "vertical-align:top}.bl-certain{color:#1a7f37;font-weight:600}"
    ".bl-possible{color:#9a6700;font-style:italic}.bl-planned{color:#555}"
    ".bl-muted{color:#777;font-size:0.85em}</style>"
)


def _truth(t: Truth | str) -> str:
    value = t.value if isinstance(t, Truth) else t
    if value == "certain":
        return '<span class="bl-certain" title="certain">&#10004; certain</span>'
    if value == "possible":
        return '<span class="bl-possible" title="possible, not certain">? possible</span>'
    return f"<span>{_e(value)}</span>"


def _when(w: When) -> str:
    return f'<code>{_e(w.edtf)}</code> <span class="bl-muted">{_e(w.describe())}</span>'


def _sources(sources: Iterable[Source]) -> str:
    out = []
    for s in sources:
        label = _e(s.outlet or s.title or s.url)
        if s.published is not None:
            label += f' <span class="bl-muted">{_e(s.published.edtf)}</span>'
        if s.url:
            out.append(
                f'<a href="{_e(s.url, quote=True)}" target="_blank" rel="noopener">{label}</a>'
            )
        else:
            out.append(label)
    return "; ".join(out)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'{_STYLE}<table class="bl-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def track_states_html(states: Iterable[TrackState], caption: str = "") -> str:
    """A table: track, status, truth, since, other possible statuses, sources."""
    rows = [
        (
            f"<b>{_e(s.track)}</b>",
            _e(s.status),
            _truth(s.truth),
            _when(s.since),
            _e(", ".join(p for p in s.possible if p != s.status)) or "",
            _sources(src for e in s.events for src in e.sources[:1]),
        )
        for s in states
    ]
    return _table(("track", "status", "truth", "since", "also possible", "sources"), rows, caption)


def _planned(events: Iterable[Event]) -> str:
    rows = [
        (
            f"<b>{_e(e.track or '')}</b>",
            _e(e.status or e.type),
            _when(e.on),
            _e(e.summary),
            _sources(e.sources),
        )
        for e in events
    ]
    if not rows:
        return ""
    return _table(
        ("track", "expected status", "due", "plan", "sources"),
        rows,
        '<span class="bl-planned">Planned, still expected</span>',
    )


def state_html(state: State) -> str:
    """The state of every track, with certainty; plans set apart; figures."""
    caption = (
        f"State at {_when(state.at)} <span class='bl-muted'>as known at position "
        f"{state.known_at}</span>"
    )
    parts = [track_states_html(state.values(), caption), _planned(state.planned)]
    if state.overdue:
        from bilatlog._html import overdue_html  # noqa: PLC0415 - plans and audits live there

        parts.append(overdue_html(state.overdue))
    if state.metrics:
        rows = [
            (
                f"<b>{_e(f.metric)}</b>",
                _e(f"{f.value} {f.unit or ''}".strip()),
                _when(f.on),
                _truth(f.truth),
                _sources(f.event.sources[:1]),
            )
            for f in state.metrics.values()
        ]
        parts.append(_table(("figure", "value", "for", "reached by then", "source"), rows))
    return "".join(parts)


def history_html(periods: Sequence[Period]) -> str:
    """Status periods, one row each, with their truth and the events behind them."""
    rows = [
        (
            f"<b>{_e(p.track)}</b>",
            _e(p.status),
            _truth(p.truth),
            _when(p.start),
            _when(p.end) if p.end else '<span class="bl-muted">still holds</span>',
            _e("; ".join(e.summary or e.type for e in p.events)),
        )
        for p in periods
    ]
    table = _table(("track", "status", "truth", "from", "until", "events"), rows)
    plans = getattr(periods, "plans", ())
    if plans:
        from bilatlog._html import plans_html  # noqa: PLC0415 - plans and audits live there

        table += plans_html(plans, caption="Plans and their fate")
    return table


def diff_html(changes: Sequence[Change]) -> str:
    """What changed per track: before, after, and the events in between."""

    def side(s: TrackState | None) -> str:
        return "&ndash;" if s is None else f"{_e(s.status)} {_truth(s.truth)}"

    rows = [
        (
            f"<b>{_e(c.track)}</b>",
            side(c.before),
            side(c.after),
            _e("; ".join(e.summary or e.type for e in c.events)),
        )
        for c in changes
    ]
    return _table(("track", "before", "after", "events"), rows)


def explanation_html(ex: Explanation) -> str:
    """The state, then every event behind it with its corrections, reasons and sources."""
    head = (
        track_states_html([ex.state], f"Why, at {_when(ex.at)}")
        if ex.state is not None
        else f"<p>No status may hold for <b>{_e(ex.track)}</b> at {_when(ex.at)}.</p>"
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
    table = head + _table(("on", "status", "happened", "summary", "revised", "sources"), rows)
    if ex.plans:
        from bilatlog._html import plans_html  # noqa: PLC0415 - plans and audits live there

        table += plans_html(ex.plans, caption="Plans and their fate")
    return table


def timeline_html(tl: Timeline) -> str:
    """A short card: where the log lives, how long it is, its tracks."""
    tracks = tl.tracks()
    return (
        f"{_STYLE}<div><b>bilatlog timeline</b> <code>{_e(tl.backend.url)}</code>: "
        f"{tl.position} records, {len(tracks)} tracks "
        f'<span class="bl-muted">{_e(", ".join(tracks[:12]))}'
        f"{' ...' if len(tracks) > 12 else ''}</span></div>"
    )


# -- progress ------------------------------------------------------------------------------


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Iterate with a progress bar (tqdm: terminal or Jupyter) when someone is watching.

    `enabled=None` shows it only when standard error is a terminal or in Jupyter;
    False never shows it.
    """
    if enabled is None:
        enabled = sys.stderr.isatty() or "ipykernel" in sys.modules
    if not enabled:
        yield from items
        return
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
    except ImportError:
        count = 0
        for count, item in enumerate(items, start=1):
            if count % 1000 == 0:
                sys.stderr.write(f"\r{desc} {count:,}" + (f"/{total:,}" if total else ""))
            yield item
        sys.stderr.write(f"\r{desc} {count:,} done\n")
        return
    yield from tqdm(items, total=total, desc=desc)


# -- plots ---------------------------------------------------------------------------------


def _pyplot() -> Any:  # noqa: ANN401 - matplotlib is optional
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError as e:  # pragma: no cover - depends on the install
        from bilatlog.exceptions import BilatlogError  # noqa: PLC0415

        msg = "plots need matplotlib. Fix: pip install 'bilatlog[plot]'"
        raise BilatlogError(msg) from e
    return plt


_PALETTE = (
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
    "#ccb974", "#64b5cd", "#2f4b7c", "#a05195",
)  # fmt: skip


def plot_timeline(
    tl: Timeline,
    *,
    tracks: Sequence[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    known_at: KnownAt = None,
    ax: Any = None,  # noqa: ANN401 - a matplotlib Axes
) -> Any:  # noqa: ANN401 - a matplotlib Axes
    """Draw status periods per track, Gantt style; return the Axes.

    Certain spans are solid; the spans where a period may or may not hold yet
    (imprecise starts and ends) are hatched and faded. Events are ticks;
    planned events are hollow diamonds. Colours name statuses (see the legend).
    """
    plt = _pyplot()
    import matplotlib.dates as mdates  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    chosen = list(tracks) if tracks is not None else tl.tracks(known_at=known_at)
    lo = When.parse(start).lo if start is not None else None
    hi = When.parse(end).hi if end is not None else None
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.55 * len(chosen) + 1.6))
    statuses: dict[str, Any] = {}
    palette = [*plt.get_cmap("tab20").colors, *plt.get_cmap("tab20b").colors]  # 40 colours
    events = tl.events(known_at=known_at)
    last_day = max((e.on.hi for e in events if e.on.hi != dt.date.max), default=dt.date.min)
    right = hi or last_day
    for y, track in enumerate(chosen):
        for p in tl.history(track, known_at=known_at):
            color = statuses.setdefault(p.status, palette[len(statuses) % len(palette)])
            s_lo, s_hi = p.start_bounds
            e_lo, e_hi = p.end_bounds or (right, right)
            e_lo, e_hi = min(e_lo, right), min(e_hi, right)
            if s_hi < e_lo:  # the certain core
                ax.broken_barh([(s_hi, e_lo - s_hi)], (y - 0.35, 0.7), facecolors=color,
                               edgecolor=color, label=f"_{track}")  # fmt: skip
            for a, b in ((s_lo, min(s_hi, e_hi)), (max(e_lo, s_lo), e_hi)):
                if a < b:  # possible spans: hatched and faded
                    ax.broken_barh(
                        [(a, b - a)], (y - 0.35, 0.7), facecolors=color, alpha=0.35,
                        hatch="///", edgecolor=color, label=f"_possible {track}",
                    )  # fmt: skip
        for e in events:
            if e.track != track or e.on.lo == dt.date.min:
                continue
            if e.planned:
                ax.plot([e.on.lo], [y], marker="D", markersize=8, markerfacecolor="none",
                        markeredgecolor="black", linestyle="none")  # fmt: skip
            else:
                ax.plot([e.on.lo], [y + 0.42], marker="|", markersize=8, color="black")
    ax.set_yticks(range(len(chosen)), labels=chosen)
    ax.invert_yaxis()
    if lo is not None or hi is not None:
        ax.set_xlim(lo, hi)
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    handles = [Patch(facecolor=c, label=s) for s, c in statuses.items()]
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///", label="possible"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small",
              title="status")  # fmt: skip
    ax.set_title("Status of cooperation" + (" (as known then)" if known_at is not None else ""))
    ax.figure.tight_layout()
    return ax


def plot_figures(
    tl: Timeline,
    metrics: Sequence[str],
    *,
    known_at: KnownAt = None,
    ax: Any = None,  # noqa: ANN401 - a matplotlib Axes
) -> Any:  # noqa: ANN401 - a matplotlib Axes
    """Draw a line chart of reported figures, and return the Axes.

    With `known_at`, the values known then are drawn as hollow markers on
    dashed lines beside today's, so corrected values stand out.
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    for i, metric in enumerate(metrics):
        color = _PALETTE[i % len(_PALETTE)]
        now = tl.series(metric)
        ax.plot([f.on.lo for f in now], [f.value for f in now], marker="o", color=color,
                label=f"{metric} (now)")  # fmt: skip
        if known_at is not None:
            then = tl.series(metric, known_at=known_at)
            ax.plot([f.on.lo for f in then], [f.value for f in then], marker="o",
                    markerfacecolor="none", linestyle="--", color=color,
                    label=f"{metric} (as known at {known_at})")  # fmt: skip
    ax.legend(fontsize="small")
    ax.set_title("Reported figures")
    ax.figure.tight_layout()
    return ax
