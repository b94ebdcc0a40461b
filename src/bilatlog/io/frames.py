"""pandas: timelines, states, histories and figures as DataFrames, and back (the `pandas` extra)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bilatlog.events import Event
from bilatlog.exceptions import BilatlogError, ValidationError
from bilatlog.io.exporters import event_record
from bilatlog.time import When

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from bilatlog.backends import Clock
    from bilatlog.projections import Figure, Period, State
    from bilatlog.projections.known import KnownEvent
    from bilatlog.timeline import KnownAt, Timeline

__all__ = [
    "events_frame",
    "from_frame",
    "history_frame",
    "series_frame",
    "state_frame",
    "status_matrix",
    "timeline_frame",
]


def _pd() -> Any:  # noqa: ANN401 - pandas is optional
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError as e:  # pragma: no cover - depends on the install
        msg = "DataFrames need pandas. Fix: pip install 'bilatlog[pandas]'"
        raise BilatlogError(msg) from e
    return pd


def timeline_frame(tl: Timeline, *, known_at: KnownAt = None) -> pd.DataFrame:
    """One row per event (as known): EDTF, earliest/latest as dates, lists kept as lists."""
    pd = _pd()
    rows = [event_record(k.event) for k in tl.events(known_at=known_at)]
    frame = pd.DataFrame(rows)
    if rows:
        for col in ("earliest", "latest"):
            frame[col] = pd.to_datetime(frame[col], errors="coerce").dt.date
        frame["outlets"] = [
            " | ".join(s.get("outlet", "") for s in src) for src in frame["sources"]
        ]
    return frame


def events_frame(events: Iterable[KnownEvent]) -> pd.DataFrame:
    """One row per event as known, with its position, recorded_at and how often corrected."""
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
    return pd.DataFrame(rows)


def state_frame(state: State) -> pd.DataFrame:
    """One row per track: status, truth, since (EDTF and bounds), other possible statuses."""
    pd = _pd()
    return pd.DataFrame(
        [
            {
                "track": s.track,
                "status": s.status,
                "truth": s.truth.value,
                "since": s.since.edtf,
                "since_earliest": s.since.earliest,
                "since_latest": s.since.latest,
                "possible": list(s.possible),
                "events": [e.id for e in s.events],
            }
            for s in state.values()
        ]
    )


def history_frame(periods: Iterable[Period]) -> pd.DataFrame:
    """One row per status period, with the bounds of its start and end."""
    pd = _pd()
    return pd.DataFrame(
        [
            {
                "track": p.track,
                "status": p.status,
                "truth": p.truth.value,
                "start": p.start.edtf,
                "start_earliest": p.start_bounds[0],
                "start_latest": p.start_bounds[1],
                "end": p.end.edtf if p.end else None,
                "end_earliest": p.end_bounds[0] if p.end_bounds else None,
                "end_latest": p.end_bounds[1] if p.end_bounds else None,
                "events": [e.id for e in p.events],
            }
            for p in periods
        ]
    )


def series_frame(figures: Iterable[Figure]) -> pd.DataFrame:
    """One row per reported figure: metric, value, unit, date (EDTF and bounds), event."""
    pd = _pd()
    return pd.DataFrame(
        [
            {
                "metric": f.metric,
                "value": f.value,
                "unit": f.unit,
                "on": f.on.edtf,
                "earliest": f.on.earliest,
                "latest": f.on.latest,
                "event": f.event.id,
            }
            for f in figures
        ]
    )


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
    chosen = list(tracks) if tracks is not None else tl.tracks(known_at=known_at)
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
    list of dicts), `data` (a dict or JSON text), `planned`, `announced`,
    `fulfils` are used when present. A bad row raises `ValidationError` naming
    its index, and nothing is written. Returns the timeline (a new in-memory one
    unless `into` is given).
    """
    from bilatlog.timeline import Timeline  # noqa: PLC0415 - io sits above the timeline

    date_column = "edtf" if "edtf" in frame.columns else "on"
    missing = [c for c in ("type", date_column) if c not in frame.columns]
    if missing:
        raise ValidationError(
            "columns", list(frame.columns), f"missing {missing}.", "a frame needs type and edtf."
        )
    events = []
    for index, row in frame.iterrows():
        try:
            events.append(_event_of(row))
        except ValidationError as e:
            raise ValidationError(
                f"row {index}", e.value, f"{e.field}: {e.problem}", e.fix
            ) from None
    tl = into if into is not None else Timeline(None, clock=clock)
    tl.append(events)
    return tl


def _cell(row: Mapping[str, Any], name: str, default: Any = None) -> Any:  # noqa: ANN401
    value = row.get(name, default)
    try:
        import pandas as pd  # noqa: PLC0415

        if not isinstance(value, (list, dict, tuple)) and pd.isna(value):
            return default
    except (TypeError, ValueError):
        pass
    return value


def _event_of(row: Mapping[str, Any]) -> Event:
    actors = _cell(row, "actors", ())
    if isinstance(actors, str):
        actors = [a for a in actors.split(";") if a]
    data = _cell(row, "data")
    if isinstance(data, str):
        try:
            data = json.loads(data) if data else None
        except ValueError:
            raise ValidationError("data", data, "not JSON text.", "use a dict or JSON.") from None
    sources = _cell(row, "sources", ())
    fields: dict[str, Any] = {
        "type": _cell(row, "type"),
        "on": When.parse(_cell(row, "edtf", _cell(row, "on"))),
        "track": _cell(row, "track"),
        "status": _cell(row, "status"),
        "actors": list(actors),
        "summary": _cell(row, "summary", "") or "",
        "data": data,
        "sources": list(sources),
        "planned": bool(_cell(row, "planned", default=False)),
        "announced": _cell(row, "announced"),
        "fulfils": _cell(row, "fulfils"),
    }
    event_id = _cell(row, "id")
    if event_id is not None:
        fields["id"] = event_id
    return Event(**fields)
