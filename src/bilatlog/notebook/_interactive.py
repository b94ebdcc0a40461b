"""An interactive timeline (plotly, the `interactive` extra): hover for summary, date, sources."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bilatlog import _seam
from bilatlog._optional import require
from bilatlog.notebook._colours import status_colour
from bilatlog.notebook._plot import drawn, years
from bilatlog.timeline import Timeline

if TYPE_CHECKING:
    from bilatlog.events import Event
    from bilatlog.timeline import KnownAt

__all__ = ["plot_interactive"]


def _plotly() -> Any:  # noqa: ANN401 - plotly is optional
    return require(
        "plotly.graph_objects", extra="interactive", needed_for="the interactive timeline needs"
    )


#: The most lines of summary a hover shows: a longer one ends in an ellipsis, so the
#: hover box stays inside the figure.
HOVER_LINES = 8


def _wrap(text: str, width: int = 70, most: int = HOVER_LINES) -> str:
    """Break long hover text into at most `most` lines (plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1] + " \u2026"]
    return "<br>".join(html.escape(x) for x in lines)


def _event_hover(e: Event) -> str:
    sources = "<br>".join(
        "&nbsp;&nbsp;" + html.escape(s.outlet or s.title or s.url)
        + (f" ({html.escape(s.published.edtf)})" if s.published else "")
        for s in e.sources
    ) or "&nbsp;&nbsp;none recorded"  # fmt: skip
    plan = " (planned)" if e.planned else ""
    return (
        f"<b>{_wrap(e.summary or e.type)}</b><br>"
        f"{html.escape(e.on.edtf)}: {html.escape(e.on.describe())}{plan}<br>"
        f"{html.escape(e.track or '')}: {html.escape(e.status or e.type)}<br>"
        f"sources:<br>{sources}"
    )


def plot_interactive(
    tl: Timeline,
    *,
    tracks: Sequence[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    known_at: KnownAt = None,
    colours: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - a plotly Figure
    """A plotly Figure of status periods per track, with every event on it.

    Periods are bars in their status's colour (the same colours as
    `plot_timeline`); the days a period may or may not hold are pale. Hovering
    a bar gives the track, status, truth and EDTF bounds; hovering an event
    (a tick, or a hollow diamond for a plan) gives its summary, its EDTF date
    in words and its sources. Show it with `fig.show()` or save it with
    `fig.write_html("timeline.html")`.
    """
    go = _plotly()
    chosen, events, histories, days = drawn(tl, tracks, start, end, known_at)
    fig = go.Figure()
    if days is None or not chosen:
        fig.add_annotation(text="Nothing to draw: no dated event on these tracks"
                           + (f" as known at {known_at}" if known_at is not None else ""),
                           showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)  # fmt: skip
        return fig
    left, right = days
    shown: set[str] = set()
    ms = 86_400_000  # plotly measures date bars in milliseconds
    for track in chosen:
        for p in histories[track]:
            colour = status_colour(p.status, colours)
            s_lo, s_hi = p.start_bounds
            e_lo, e_hi = p.end_bounds or (right, right)
            until = p.end.edtf if p.end else "still holds"
            hover = (
                f"<b>{html.escape(track)}</b>: {html.escape(p.status)} ({p.truth.value})<br>"
                f"from {html.escape(p.start.edtf)} ({html.escape(p.start.describe())})<br>"
                f"until {html.escape(until)}"
            )
            parts = [(s_hi, e_lo, 1.0), (s_lo, s_hi, 0.35), (e_lo, e_hi, 0.35)]
            for lo, hi, opacity in parts:
                a, b = max(lo, left), min(hi, right)
                if a >= b:
                    continue
                fig.add_trace(go.Bar(
                    base=[a.isoformat()], x=[(b - a).days * ms], y=[track], orientation="h",
                    marker={"color": colour, "opacity": opacity}, name=p.status,
                    legendgroup=p.status, showlegend=p.status not in shown and opacity == 1.0,
                    hovertext=[hover], hoverinfo="text",
                ))  # fmt: skip
                if opacity == 1.0:
                    shown.add(p.status)
    for planned in (False, True):
        subset = [e for e in events if e.track in chosen and e.planned is planned]
        if not subset:
            continue
        fig.add_trace(go.Scatter(
            x=[e.on.lo.isoformat() for e in subset], y=[e.track for e in subset], mode="markers",
            marker={"symbol": "diamond-open" if planned else "line-ns-open", "size": 12,
                    "color": "black", "line": {"width": 2}},
            name="planned (expected)" if planned else "event",
            hovertext=[_event_hover(e) for e in subset], hoverinfo="text",
        ))  # fmt: skip
    known = f" (as known at {known_at})" if known_at is not None else ""
    fig.update_layout(
        title={"text": f"Status of cooperation by track, {years(left, right)}{known}"},
        barmode="overlay", xaxis={"type": "date", "range": [left.isoformat(), right.isoformat()],
                                  "title": "date (when it happened)"},
        yaxis={"autorange": "reversed", "title": "track"}, legend={"title": "status"},
        height=max(380, 140 + 40 * len(chosen)), template="plotly_white",
        hoverlabel={"align": "left", "bgcolor": "white", "bordercolor": "#888888",
                    "font": {"color": "#222222", "size": 12}},
    )  # fmt: skip
    return fig


_seam.plot_interactive.register(Timeline)(plot_interactive)  # Timeline.plot_interactive
