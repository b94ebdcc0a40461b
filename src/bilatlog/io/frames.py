"""pandas: timelines, states, histories and figures as DataFrames, and back (the `pandas` extra).

This module registers the frames with `bilatlog._seam` (the domain's `to_frame`,
`Timeline.status_matrix`, `states_frame`, `series_frame`) when it is imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bilatlog import _seam
from bilatlog._optional import require
from bilatlog.audit import Audit
from bilatlog.exceptions import ValidationError
from bilatlog.io.exporters import RECORD_COLUMNS, event_record
from bilatlog.io.rows import event_of_row
from bilatlog.io.rows import missing as _missing
from bilatlog.projections import History, State
from bilatlog.projections.known import Events
from bilatlog.time import Precision, When
from bilatlog.timeline import Timeline

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from bilatlog.backends import Clock
    from bilatlog.projections import Figure, Period, TrackState
    from bilatlog.projections.known import KnownEvent
    from bilatlog.timeline import KnownAt

__all__ = [
    "audit_frame",
    "events_frame",
    "from_frame",
    "history_frame",
    "series_frame",
    "state_frame",
    "states_frame",
    "status_matrix",
    "timeline_frame",
]


def _pd() -> Any:  # noqa: ANN401 - pandas is optional
    return require("pandas", extra="pandas", needed_for="DataFrames need")


#: the order of truth: a categorical that sorts and compares as the answers do
TRUTHS = ("no", "possible", "certain")


def _truth(pd: Any, values: list[str]) -> Any:  # noqa: ANN401 - pandas
    return pd.Categorical(values, categories=TRUTHS, ordered=True)


def _held(pd: Any, items: Sequence[TrackState | Period]) -> dict[str, Any]:  # noqa: ANN401
    """The columns of what held: track, status, truth (the ordered categorical)."""
    return {
        "track": [x.track for x in items],
        "status": [x.status for x in items],
        "truth": _truth(pd, [x.truth.value for x in items]),
    }


def _precision(pd: Any, values: list[str]) -> Any:  # noqa: ANN401 - pandas
    return pd.Categorical(values, categories=[p.value for p in Precision])


def _days(pd: Any, values: Iterable[dt.date | str | None]) -> Any:  # noqa: ANN401 - pandas
    """datetime64[s] (years 1 to 9999 fit, unlike nanoseconds), NaT for an open end."""
    import numpy as np  # noqa: PLC0415 - comes with pandas

    days = [None if _missing(v) else str(v) for v in values]  # pandas turns None into NaN
    return pd.array(np.array(days, dtype="datetime64[D]").astype("datetime64[s]"))


def _tracks(tracks: Sequence[str] | None) -> list[str] | None:
    """The tracks asked for; one track as a string would be read letter by letter: refused."""
    if isinstance(tracks, str):
        raise ValidationError(
            "tracks", tracks, "expected a list of tracks, not one string.",
            f"pass tracks=[{tracks!r}].",
        )  # fmt: skip
    return list(tracks) if tracks is not None else None


def _empty_typed(frame: Any, dtypes: dict[str, Any]) -> Any:  # noqa: ANN401 - pandas
    """An empty frame's columns as a filled one's: text as object (`.str` works), flags bool.

    pandas types a column built from no values as float64, on which `.str`
    fails: a filter on an empty state or series would raise where a full one works.
    """
    return frame.astype(dtypes) if frame.empty else frame


_FLAGS = {"uncertain": bool, "approximate": bool, "planned": bool}


def timeline_frame(tl: Timeline, *, known_at: KnownAt = None) -> pd.DataFrame:
    """One row per event (as known): EDTF text, earliest/latest as datetime64, lists kept.

    `precision` is a categorical; `sources` a list of dicts, `outlets` their
    outlets joined by ` | `, `data` a dict.
    """
    pd = _pd()
    rows = [event_record(k.event) for k in tl.events(known_at=known_at)]
    frame = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
    frame["earliest"] = _days(pd, frame["earliest"])
    frame["latest"] = _days(pd, frame["latest"])
    frame["precision"] = _precision(pd, list(frame["precision"]))
    outlets = [" | ".join(s.get("outlet", "") for s in src) for src in frame["sources"]]
    frame["outlets"] = outlets or pd.Series([], dtype=object)
    return _empty_typed(frame, _FLAGS)


def events_frame(events: Iterable[KnownEvent]) -> pd.DataFrame:
    """One row per event as known, with its position, recorded_at and how often corrected.

    The event columns are typed as in `timeline_frame` (datetime64 dates,
    categorical precision).
    """
    pd = _pd()
    rows = [
        {
            "position": k.position,
            "recorded_at": k.recorded_at,
            "corrections": len(k.corrections),
            **event_record(k.event),
        }
        for k in events
    ]
    frame = pd.DataFrame(rows, columns=["position", "recorded_at", "corrections", *RECORD_COLUMNS])
    frame["earliest"] = _days(pd, frame["earliest"])
    frame["latest"] = _days(pd, frame["latest"])
    frame["precision"] = _precision(pd, list(frame["precision"]))
    return _empty_typed(frame, {**_FLAGS, "position": "int64", "corrections": "int64"})


def state_frame(state: State) -> pd.DataFrame:
    """One row per track: status, truth (categorical), since (EDTF and datetime64 bounds)."""
    pd = _pd()
    states = list(state.values())
    frame = pd.DataFrame(
        {
            **_held(pd, states),
            "since": [s.since.edtf for s in states],
            "since_earliest": _days(pd, [s.since.earliest for s in states]),
            "since_latest": _days(pd, [s.since.latest for s in states]),
            "possible": [list(s.possible) for s in states],
            "events": [[e.id for e in s.events] for s in states],
        }
    )
    return _empty_typed(
        frame, dict.fromkeys(("track", "status", "since", "possible", "events"), object)
    )


def history_frame(periods: Iterable[Period]) -> pd.DataFrame:
    """One row per status period: bounds of its start and end as datetime64, NaT while open."""
    pd = _pd()
    ps = list(periods)
    frame = pd.DataFrame(
        {
            **_held(pd, ps),
            "start": [p.start.edtf for p in ps],
            "start_earliest": _days(pd, [p.start_bounds[0] for p in ps]),
            "start_latest": _days(pd, [p.start_bounds[1] for p in ps]),
            "end": [p.end.edtf if p.end else None for p in ps],
            "end_earliest": _days(pd, [p.end_bounds[0] if p.end_bounds else None for p in ps]),
            "end_latest": _days(pd, [p.end_bounds[1] if p.end_bounds else None for p in ps]),
            "events": [[e.id for e in p.events] for p in ps],
        }
    )
    return _empty_typed(frame, dict.fromkeys(("track", "status", "start", "end", "events"), object))


def audit_frame(report: Audit) -> pd.DataFrame:
    """One row per finding: check, position, record, why."""
    return _pd().DataFrame(report.rows(), columns=["check", "position", "record", "why"])


def series_frame(figures: Iterable[Figure]) -> pd.DataFrame:
    """One row per reported figure: metric, value, unit, date (EDTF, datetime64 bounds), event."""
    pd = _pd()
    fs = list(figures)
    frame = pd.DataFrame(
        {
            "metric": [f.metric for f in fs],
            "value": [f.value for f in fs],
            "unit": [f.unit for f in fs],
            "on": [f.on.edtf for f in fs],
            "earliest": _days(pd, [f.on.earliest for f in fs]),
            "latest": _days(pd, [f.on.latest for f in fs]),
            "event": [f.event.id for f in fs],
        }
    )
    return _empty_typed(frame, dict.fromkeys(("metric", "unit", "on", "event"), object))


def states_frame(
    tl: Timeline,
    start: str | dt.date | When,
    end: str | dt.date | When,
    *,
    every: str = "year",
    tracks: Sequence[str] | None = None,
    known_at: KnownAt = None,
) -> pd.DataFrame:
    """Tidy states: one row per date and track, ready for seaborn or plotly.

    Columns: `date` (datetime64), `track`, `status`, `truth` (an ordered
    categorical: no < possible < certain) and `possible` (every status that
    may hold then, `|`-joined). Dates step from `start` to `end` as in
    `Timeline.replay`; a track has rows from the first date it has a status.
    """
    pd = _pd()
    asked = _tracks(tracks)
    chosen = set(asked) if asked is not None else None
    days: list[dt.date] = []
    rows: dict[str, list[Any]] = {"track": [], "status": [], "truth": [], "possible": []}
    for day, state in tl.replay(start, end, every=every, known_at=known_at):
        for s in state.values():
            if chosen is not None and s.track not in chosen:
                continue
            days.append(day)
            rows["track"].append(s.track)
            rows["status"].append(s.status)
            rows["truth"].append(s.truth.value)
            rows["possible"].append("|".join(s.possible))
    frame = pd.DataFrame(
        {
            "date": _days(pd, days),
            "track": rows["track"],
            "status": rows["status"],
            "truth": _truth(pd, rows["truth"]),
            "possible": rows["possible"],
        }
    )
    return _empty_typed(frame, dict.fromkeys(("track", "status", "possible"), object))


def status_matrix(
    tl: Timeline,
    *,
    start: str,
    end: str,
    every: str = "year",
    tracks: Sequence[str] | None = None,
    known_at: KnownAt = None,
) -> pd.DataFrame:
    """Dates x tracks: the status on each date, with `?` after a possible one, empty if none."""
    pd = _pd()
    asked = _tracks(tracks)
    chosen = asked if asked is not None else tl.tracks(known_at=known_at)
    rows = {}
    for day, state in tl.replay(start, end, every=every, known_at=known_at):
        rows[day] = {
            t: (s.status if s.truth.value == "certain" else f"{s.status}?")
            if (s := state.get(t)) is not None
            else ""
            for t in chosen
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=chosen)


def from_frame(
    frame: pd.DataFrame,
    into: Timeline | None = None,
    *,
    clock: Clock | None = None,
) -> Timeline:
    """Append one event per row of `frame`; every row is validated before anything is written.

    Columns: `type` and `edtf` (or `on`) are required; `id`, `track`,
    `status`, `actors` (a list or `;`-separated text), `summary`, `sources` (a
    list of dicts, or JSON text as `export_csv` writes it), `data` (a dict or
    JSON text), `planned`, `announced`, `fulfils` are used when present. Dates
    are EDTF text, dates, or Timestamps at midnight (days); a column of years
    that pandas read as numbers is read as years. A frame from
    `pandas.read_csv` of an `export_csv` file gives back the same events. A
    bad row raises `ValidationError` naming its index, and nothing is
    written. Returns the timeline (a new in-memory one unless `into` is given).
    """
    date_column = "edtf" if "edtf" in frame.columns else "on"
    missing = [c for c in ("type", date_column) if c not in frame.columns]
    if missing:
        named = ["edtf (or on)" if c == "on" else c for c in missing]
        spaced = [c for c in frame.columns if isinstance(c, str) and c != c.strip()]
        hint = f" (columns {spaced} have spaces around their names)" if spaced else ""
        raise ValidationError(
            "columns", list(frame.columns), f"missing {', '.join(named)}{hint}.",
            "a frame needs type and edtf; e.g. frame.rename(columns=str.strip).",
        )  # fmt: skip
    events = []
    for index, row in frame.iterrows():
        try:
            events.append(event_of_row(row))
        except ValidationError as e:
            raise ValidationError(
                f"row {index}", e.value, f"{e.field}: {e.problem}", e.fix
            ) from None
    tl = into if into is not None else Timeline(None, clock=clock)
    tl.append(events)
    return tl


# -- the seam: what the domain's `to_frame` and the timeline's frames give ---------------


@_seam.series_frame.register(Timeline)
def _timeline_series(tl: Timeline, metric: str, *, known_at: KnownAt = None) -> pd.DataFrame:
    return series_frame(tl.series(metric, known_at=known_at))


for _cls, _frame in (
    (Timeline, timeline_frame),
    (State, state_frame),
    (History, history_frame),
    (Events, events_frame),
    (Audit, audit_frame),
):
    _seam.frame.register(_cls)(_frame)
_seam.status_matrix.register(Timeline)(status_matrix)
_seam.states_frame.register(Timeline)(states_frame)
