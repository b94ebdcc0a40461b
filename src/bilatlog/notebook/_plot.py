"""Plots for print: the Gantt chart of status periods and the chart of reported figures.

Both need the `plot` extra (matplotlib) and return the matplotlib Axes; save
with `ax.figure.savefig("timeline.pdf")` (or `.png`, `.svg`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bilatlog import _seam
from bilatlog._optional import require
from bilatlog.exceptions import ValidationError
from bilatlog.notebook._colours import GROUPS, status_colour, status_group
from bilatlog.time import Precision, When
from bilatlog.timeline import Timeline

if TYPE_CHECKING:
    from bilatlog.events import Event
    from bilatlog.projections import Figure, History, Period
    from bilatlog.timeline import KnownAt

__all__ = [
    "MIN_SPAN",
    "drawn",
    "plot_figures",
    "plot_timeline",
    "years",
]

MIN_SPAN = 0.008
"""The narrowest an uncertain span is drawn, as a share of the time axis: a few
weeks of doubt stay visible on an 18-year chart (a marker's width, not a claim)."""


def _pyplot() -> Any:  # noqa: ANN401 - matplotlib is optional
    return require("matplotlib.pyplot", extra="plot", needed_for="plots need")


def names(field: str, value: Sequence[str] | None) -> list[str] | None:
    """A list of names as given; one name as a string would be read letter by letter: refused."""
    if isinstance(value, str):
        raise ValidationError(
            field,
            value,
            "expected a list of names, not one string.",
            f"pass {field}=[{value!r}].",
        )
    return list(value) if value is not None else None


def drawn(
    tl: Timeline,
    tracks: Sequence[str] | None,
    start: str | dt.date | None,
    end: str | dt.date | None,
    known_at: KnownAt,
) -> tuple[list[str], list[Event], dict[str, History], tuple[dt.date, dt.date] | None]:
    """What a timeline chart draws: its tracks, their dated events and periods, its days."""
    asked = names("tracks", tracks)
    chosen = asked if asked is not None else tl.tracks(known_at=known_at)
    events = [k.event for k in tl.events(known_at=known_at) if k.on.lo != dt.date.min]
    histories = {t: tl.history(t, known_at=known_at) for t in chosen}
    return chosen, events, histories, axis_days(events, histories.values(), start, end)


def axis_days(
    events: Sequence[Event],
    histories: Iterable[Sequence[Period]],
    start: str | dt.date | None,
    end: str | dt.date | None,
) -> tuple[dt.date, dt.date] | None:
    """The first and last day a chart shows: its events' days, at least a year; None if none.

    A timeline whose only events have an open start (`../2020`) is dated by
    its periods' known days; one whose events fall on one day spans that year.
    """
    dated = [d for e in events for d in (e.on.lo, e.on.hi) if d != dt.date.max]
    if not dated:  # only open starts (`../2020`): the periods' known days date the chart
        bounds = (d for ps in histories for p in ps
                  for d in (*p.start_bounds, *(p.end_bounds or ())))  # fmt: skip
        dated = [d for d in bounds if d not in (dt.date.min, dt.date.max)]
    if not dated and (start is None or end is None):
        return None
    left = When.parse(start).lo if start is not None else min(dated)
    right = When.parse(end).hi if end is not None else max(dated)
    if left >= right:  # one day: its year, not a singular axis
        left, right = dt.date(left.year, 1, 1), dt.date(right.year, 12, 31)
    return left, right


def years(left: dt.date, right: dt.date) -> str:
    """`2006\u20132023`, or `2021` for one year."""
    return f"{left.year}\u2013{right.year}" if left.year != right.year else str(left.year)


def _date_axis(ax: Any) -> None:  # noqa: ANN401 - a matplotlib Axes
    import matplotlib.dates as mdates  # noqa: PLC0415

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _known(known_at: KnownAt) -> str:
    return (
        f"as known at {known_at}"
        if not isinstance(known_at, int)
        else f"as known at position {known_at}"
    )


def _say_empty(ax: Any, why: str, title: str) -> Any:  # noqa: ANN401 - a matplotlib Axes
    """Draw the reason instead of a blank chart."""
    ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center", va="center", wrap=True,
            fontsize="medium", color="#555555")  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, loc="left")
    return ax


def _why_empty(tl: Timeline, known_at: KnownAt, what: str) -> str:
    if known_at is not None and tl.resolve_known_at(known_at) == 0:
        first = next(iter(tl.log()), None)
        since = f"; its first was recorded on {first.recorded_at.date()}" if first else ""
        return f"Nothing to draw: at {known_at} the store held no record yet{since}."
    return f"Nothing to draw: {what}."


def _draw_period(
    ax: Any,  # noqa: ANN401 - a matplotlib Axes
    y: int,
    p: Period,
    *,
    colour: str,
    right: dt.date,
    floor: dt.timedelta,
) -> None:
    """One period: a solid certain core, hatched doubtful ends, an arrow if it still holds."""
    s_lo, s_hi = p.start_bounds
    e_lo, e_hi = p.end_bounds or (right, right)
    e_lo, e_hi = min(e_lo, right), min(e_hi, right)
    if s_hi < e_lo:  # the certain core
        ax.broken_barh([(s_hi, e_lo - s_hi)], (y - 0.36, 0.72), facecolors=colour,
                       edgecolor="none")  # fmt: skip
    for a, b in ((s_lo, min(s_hi, e_hi)), (max(e_lo, s_lo), e_hi)):
        if a < b:  # the days it may or may not hold: hatched on white, never too thin
            middle, half = a + (b - a) / 2, max(b - a, floor) / 2
            ax.broken_barh([(middle - half, 2 * half)], (y - 0.36, 0.72), facecolors="white",
                           edgecolor=colour, hatch="////", linewidth=0.8)  # fmt: skip
    if p.end is None and e_lo >= right:  # still holds: an arrow at the edge
        ax.plot([right], [y], marker=">", markersize=7, color=colour, clip_on=False,
                linestyle="none")  # fmt: skip


def _legend(ax: Any, seen: Mapping[str, str]) -> int:  # noqa: ANN401 - a matplotlib Axes
    """Statuses grouped by meaning, then what the marks mean; return the legend's rows."""
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Any] = []
    for group in GROUPS:
        members = [s for s in seen if status_group(s) == group]
        if members:
            handles.append(Line2D([], [], linestyle="none", label=f"$\\bf{{{group}}}$"))
            handles.extend(Patch(facecolor=seen[s], label=s) for s in members)
    handles += [
        Line2D([], [], linestyle="none", label="$\\bf{marks}$"),
        Patch(facecolor="white", edgecolor="#555555", hatch="////", label="may or may not hold"),
        Line2D([], [], marker=">", color="#555555", linestyle="none", label="still holds"),
        Line2D([], [], marker="|", color="#333333", linestyle="none", label="event"),
        Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor="black",
               linestyle="none", label="planned (expected)"),
    ]  # fmt: skip
    ncols = 1 if len(handles) <= 22 else 2
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small",
              frameon=False, title="status", alignment="left", ncols=ncols)  # fmt: skip
    return -(-len(handles) // ncols)


def plot_timeline(
    tl: Timeline,
    *,
    tracks: Sequence[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    known_at: KnownAt = None,
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
    ax: Any = None,  # noqa: ANN401 - a matplotlib Axes
) -> Any:  # noqa: ANN401 - a matplotlib Axes
    """Draw status periods per track, Gantt style; return the Axes.

    Each status has one colour, grouped by meaning (blues and greens for
    cooperation, oranges and reds for strain, greys for ended), the same in
    every plot: see `bilatlog.notebook.STATUS_COLOURS` and override any of them
    with `colours={"active": "#1f5f99"}`. The certain part of a period is solid;
    the days it may or may not hold yet (imprecise starts and ends) are hatched
    on white, never narrower than `MIN_SPAN` of the axis, so they stay visible on
    a long chart. A period that still holds ends in an arrow. Events are ticks,
    plans hollow diamonds. An empty chart says why.
    """
    plt = _pyplot()
    chosen, events, histories, days = drawn(tl, tracks, start, end, known_at)
    own = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.42 * max(len(chosen), 3) + 2.2), layout="constrained")
    head = title or "Status of cooperation by track"
    if not any(histories.values()) or days is None:
        what = "none of these tracks has a status" if chosen else "no track has a status"
        return _say_empty(ax, _why_empty(tl, known_at, what), head)
    left, right = days
    floor = dt.timedelta(days=max(2, 2 * math.ceil(MIN_SPAN * (right - left).days / 2)))
    seen: dict[str, str] = {}
    for y, track in enumerate(chosen):
        for p in histories[track]:
            colour = seen.setdefault(p.status, status_colour(p.status, colours))
            _draw_period(ax, y, p, colour=colour, right=right, floor=floor)
        for e in events:
            if e.track != track or not (left <= e.on.lo <= right):
                continue
            if e.planned:
                ax.plot([e.on.lo], [y], marker="D", markersize=7, markerfacecolor="white",
                        markeredgecolor="black", linestyle="none", zorder=3)  # fmt: skip
            else:
                ax.plot([e.on.lo], [y - 0.5], marker="|", markersize=6, color="#333333",
                        linestyle="none")  # fmt: skip
    ax.set_yticks(range(len(chosen)), labels=chosen)
    ax.set_ylim(len(chosen) - 0.4, -0.7)
    ax.set_xlim(left, right)
    _date_axis(ax)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("date (when it happened)")
    ax.set_ylabel("track")
    known = f" ({_known(known_at)})" if known_at is not None else ""
    ax.set_title(f"{head}, {years(left, right)}{known}", loc="left")
    rows = _legend(ax, seen)
    if own:  # tall enough for the legend too
        width, height = ax.figure.get_size_inches()
        ax.figure.set_size_inches(width, max(height, 0.205 * rows + 0.9))
    return ax


_DAY = dt.timedelta(days=1)


def _mid(w: When) -> dt.date:
    return w.lo + (w.hi + _DAY - w.lo) / 2


def _adjacent(a: When, b: When) -> bool:
    """Whether b follows a with no stretch without data (consecutive years, months, days)."""
    step = {Precision.YEAR: 366, Precision.MONTH: 31}.get(a.precision, 1)
    return (b.lo - a.hi).days <= step


def _draw_series(ax: Any, figures: Sequence[Figure], **style: Any) -> None:  # noqa: ANN401
    """A marker at each figure's middle day, its span as a bar; lines only join neighbours."""
    xs: list[Any] = []
    ys: list[float] = []
    for i, f in enumerate(figures):
        if i and not _adjacent(figures[i - 1].on, f.on):
            xs.append(None)
            ys.append(float("nan"))  # a gap: no line across years without data
        xs.append(_mid(f.on))
        ys.append(float(f.value))
    xs = [x if x is not None else xs[i - 1] for i, x in enumerate(xs)]
    line = ax.plot(xs, ys, **style)[0]
    for f in figures:
        if f.on.lo != f.on.hi:  # an approximate date is a span, not a point
            ax.plot([f.on.lo, f.on.hi + _DAY], [f.value, f.value], color=line.get_color(),
                    linewidth=5, alpha=0.35, solid_capstyle="butt", label="_span")  # fmt: skip


def plot_figures(
    tl: Timeline,
    metrics: Sequence[str],
    *,
    known_at: KnownAt = None,
    title: str | None = None,
    ax: Any = None,  # noqa: ANN401 - a matplotlib Axes
) -> Any:  # noqa: ANN401 - a matplotlib Axes
    """Draw reported figures over time, and return the Axes.

    Each figure is a marker at the middle of its date; a figure dated to a
    year or a month (or approximately) also shows that whole span as a pale
    bar. Lines join only neighbouring periods: no line crosses years without
    data. The axis carries the unit. With `known_at`, the values known then
    are hollow markers on dashed lines beside today's, labelled "(now)" and
    "(as known at ...)", so corrected values stand out.
    """
    metrics = names("metrics", metrics) or []
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    head = title or "Reported figures"
    series = {m: tl.series(m) for m in metrics}
    if not any(series.values()):
        listed = ", ".join(metrics) or "no metric was asked for"
        return _say_empty(ax, _why_empty(tl, known_at, f"no figure is reported for {listed}"), head)
    units: list[str] = []
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, metric in enumerate(metrics):
        colour = colours[i % len(colours)]
        now = series[metric]
        for f in now:
            if f.unit and f.unit not in units:
                units.append(f.unit)
        _draw_series(ax, now, marker="o", color=colour,
                     label=f"{metric} (now)" if known_at is not None else metric)  # fmt: skip
        if known_at is not None:
            then = tl.series(metric, known_at=known_at)
            _draw_series(ax, then, marker="o", markerfacecolor="white", linestyle="--",
                         color=colour, label=f"{metric} ({_known(known_at)})")  # fmt: skip
    _date_axis(ax)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_ylabel(" / ".join(units) if units else "value")
    ax.set_xlabel("date the figure is for")
    if all(f.value >= 0 for fs in series.values() for f in fs):
        ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, _ = ax.get_legend_handles_labels()
    if any(ln.get_label() == "_span" for ln in ax.get_lines()):
        from matplotlib.lines import Line2D  # noqa: PLC0415

        span = "the year, month or approximate span a figure is for"
        handles.append(Line2D([], [], color="#888888", linewidth=5, alpha=0.35, label=span))
    ax.legend(handles=handles, fontsize="small", edgecolor="none", framealpha=0.9)
    days = [d for fs in series.values() for f in fs for d in (f.on.lo, f.on.hi)]
    first, last = min(days).year, max(days).year
    span = f"{first}\u2013{last}" if first != last else str(first)
    known = f" ({_known(known_at)}, beside today's)" if known_at is not None else ""
    ax.set_title(f"{head}, {span}{known}", loc="left")
    return ax


_seam.plot.register(Timeline)(plot_timeline)  # Timeline.plot
_seam.plot_figures.register(Timeline)(plot_figures)  # Timeline.plot_figures
