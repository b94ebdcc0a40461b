"""The cooperation projection: the status of every track, with its certainty, at any date.

Results are plain immutable records: `State` (a mapping of track to
`TrackState`, plus `planned` and `metrics`), `Period` (from `history`),
`Change` (from `diff`), `Explanation` (from `explain`) and `Figure`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from bilatlog import _seam
from bilatlog.events import Event, RecordedEvent, Source
from bilatlog.projections._segments import MAX, Segment, StatusVersion, truth_of
from bilatlog.projections.plans import PlanFate
from bilatlog.time import Truth, When

__all__ = [
    "Change",
    "Diff",
    "ExplainedEvent",
    "Explanation",
    "Figure",
    "History",
    "Period",
    "State",
    "TrackState",
    "figure_of",
    "periods_of",
    "summarise",
]


@attrs.frozen(kw_only=True, repr=False, eq=False)
class TrackState(_seam.Shown):
    """The state of one track at a date.

    Attributes:
        track: the track's slug.
        status: the status that most plausibly holds: the certain one if any,
            else the latest that may hold.
        since: when that status began (the `When` of the event behind it).
        truth: `CERTAIN` if `status` surely holds, `POSSIBLE` if it may.
        possible: every status that may hold, in valid-time order.
        events: the events behind those statuses (as known, corrections applied).
    """

    track: str
    status: str
    since: When
    truth: Truth
    possible: tuple[str, ...]
    # the events, or what decodes them on first use (a state's answer needs only the
    # status, since and truth: its events are decoded when asked for, all at once)
    _events: tuple[Event, ...] | Callable[[], tuple[Event, ...]] = attrs.field(alias="events")

    @property
    def events(self) -> tuple[Event, ...]:
        """The events behind those statuses (as known, corrections applied)."""
        e = self._events
        if not isinstance(e, tuple):
            e = e()
            object.__setattr__(self, "_events", e)
        return e

    def _key(self) -> tuple[Any, ...]:
        return (self.track, self.status, self.since, self.truth, self.possible, self.events)

    def __eq__(self, other: object) -> bool:
        """Compare track, status, since, truth, possible statuses and events."""
        if not isinstance(other, TrackState):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        """Hash what `==` compares."""
        return hash(self._key())

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the events themselves, decoded."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(TrackState)} | {
            "_events": self.events
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled state."""
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        """Say it in one line: track, status, truth, since."""
        also = [p for p in self.possible if p != self.status]
        more = f", or {'/'.join(also)}" if also else ""
        return (
            f"<TrackState {self.track}: {self.status} ({self.truth.value}{more}) "
            f"since {self.since.edtf}>"
        )


@attrs.frozen(kw_only=True)
class Figure:
    """A reported figure: `data={"metric": ..., "value": ..., "unit": ...}` on an event."""

    metric: str
    value: Any
    unit: str | None
    on: When
    truth: Truth
    event: Event


class State(Mapping[str, TrackState], _seam.Shown):
    """The state of cooperation at a date, as known at a position: track -> `TrackState`.

    Attributes:
        at: the query date (a `When`).
        known_at: the log position the answer uses.
        planned: planned events still expected: their latest date is on or
            after the query date, they may have been announced by then (if
            they say when), and nothing has certainly fulfilled them.
        metrics: metric name -> the latest `Figure` possibly reported by then.
        overdue: plans whose latest date passed before the query date with
            nothing fulfilling them that may have happened by then (see
            `Timeline.plans` for each plan's fate).
    """

    def __init__(
        self,
        *,
        at: When,
        known_at: int,
        tracks: dict[str, TrackState],
        planned: tuple[Event, ...],
        metrics: dict[str, Figure],
        overdue: tuple[Event, ...] = (),
    ) -> None:
        """Build a state (bilatlog does this for you)."""
        self.overdue = overdue
        self.at = at
        self.known_at = known_at
        self._tracks = tracks
        self.planned = planned
        self.metrics: Mapping[str, Figure] = metrics

    def __getitem__(self, track: str) -> TrackState:
        """Return the state of `track` (KeyError if no status may hold by then)."""
        return self._tracks[track]

    def __iter__(self) -> Iterator[str]:
        """Iterate over tracks, sorted."""
        return iter(sorted(self._tracks))

    def __len__(self) -> int:
        """Return how many tracks have a status that may hold."""
        return len(self._tracks)

    def __eq__(self, other: object) -> bool:
        """Compare date, knowledge, tracks, plans and figures."""
        if not isinstance(other, State):
            return NotImplemented
        mine = (self.at, self.known_at, self._tracks, self.planned, self.overdue)
        theirs = (other.at, other.known_at, other._tracks, other.planned, other.overdue)
        return mine == theirs and dict(self.metrics) == dict(other.metrics)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """Show the date, the knowledge position and each track's status."""
        rows = ", ".join(f"{t}: {s.status} ({s.truth.value})" for t, s in self.items())
        return f"<State at {self.at.edtf} known_at={self.known_at}: {rows}>"

    def __str__(self) -> str:
        """The table `bilatlog state` prints."""
        return _seam.text(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per track: status, truth, since, possible (needs the `pandas` extra)."""
        return _seam.frame(self)


@attrs.frozen(kw_only=True, repr=False)
class Period(_seam.Shown):
    """A period in which a track had one status (from `Timeline.history`).

    Attributes:
        track, status: what held.
        start: when it began (a `When`).
        end: when it stopped (the next period's start), or None if it still holds.
        truth: `CERTAIN` if it surely held for some time, `POSSIBLE` if it may
            never have held (its bounds overlap its neighbours' entirely).
        events: the events behind it.
        start_bounds: the earliest and latest day it may have begun.
        end_bounds: the earliest and latest first day it may no longer hold,
            or None while it still holds.
    """

    track: str
    status: str
    start: When
    end: When | None
    truth: Truth
    events: tuple[Event, ...]
    start_bounds: tuple[dt.date, dt.date]
    end_bounds: tuple[dt.date, dt.date] | None

    def __repr__(self) -> str:
        """Say it in one line: track, status, from, until, truth."""
        until = self.end.edtf if self.end else ".."
        return (
            f"<Period {self.track}: {self.status} {self.start.edtf}/{until} ({self.truth.value})>"
        )


class History(list[Period], _seam.Shown):
    """The status periods of a track (a list), with a table in notebooks and `to_frame()`.

    Attributes:
        plans: the track's plans, each with its fate (`PlanFate`) as of now.
    """

    plans: tuple[PlanFate, ...] = ()

    def __str__(self) -> str:
        """The table `bilatlog history` prints."""
        return _seam.text(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per period (needs the `pandas` extra)."""
        return _seam.frame(self)


class Diff(list["Change"], _seam.Shown):
    """What changed between two dates (a list of `Change`), with a table in notebooks."""

    def __str__(self) -> str:
        """The table `bilatlog diff` prints."""
        return _seam.text(self)


def _side(s: TrackState | None) -> str:
    return f"{s.status} ({s.truth.value})" if s is not None else "-"


@attrs.frozen(kw_only=True, repr=False)
class Change(_seam.Shown):
    """How one track differs between two dates (from `Timeline.diff`)."""

    track: str
    before: TrackState | None
    after: TrackState | None
    events: tuple[Event, ...]

    def __repr__(self) -> str:
        """Say it in one line: track, before, after (with truth), how many events."""
        n = len(self.events)
        return (
            f"<Change {self.track}: {_side(self.before)} -> {_side(self.after)} "
            f"({n} event{'' if n == 1 else 's'})>"
        )


@attrs.frozen(kw_only=True)
class ExplainedEvent:
    """One event behind a track's state, with its whole record of revision.

    Attributes:
        event: the event as known (corrections applied), or as last known if retracted.
        original: the event as first recorded, with position and recorded_at.
        corrections: the corrections applied, as recorded (each with its reason).
        retraction: the retraction, if the event was withdrawn by then.
        truth: has it happened by the query date?
    """

    event: Event
    original: RecordedEvent
    corrections: tuple[RecordedEvent, ...]
    retraction: RecordedEvent | None
    truth: Truth

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source cited: the event's, then each correction's and the retraction's."""
        out = list(self.event.sources)
        for rec in (*self.corrections, *((self.retraction,) if self.retraction else ())):
            r = rec.record
            out.extend(s for s in getattr(r, "sources", ()) if s not in out)
        return tuple(out)


@attrs.frozen(kw_only=True, repr=False)
class Explanation(_seam.Shown):
    """Why a track is in its state at a date (from `Timeline.explain`).

    Attributes:
        track, at, known_at: the question.
        state: the track's state then, or None if no status may hold.
        entries: the events behind it (`ExplainedEvent`), plans excluded.
        plans: the track's plans announced by then, each with its fate then.
    """

    track: str
    at: When
    known_at: int
    state: TrackState | None
    entries: tuple[ExplainedEvent, ...]
    plans: tuple[PlanFate, ...] = ()

    def __str__(self) -> str:
        """The table `bilatlog explain` prints."""
        return _seam.text(self)

    def __repr__(self) -> str:
        """Say it in one line: track, date, state, how many events."""
        state = f"{self.state.status} ({self.state.truth.value})" if self.state else "no status"
        n = len(self.entries)
        events = f"{n} event{'' if n == 1 else 's'}"
        return f"<Explanation {self.track} at {self.at.edtf}: {state}, {events}>"


# -- computations --------------------------------------------------------------------


def _since(seg: Segment) -> When:
    on = seg.version.on
    if seg.revert:
        return on.end or on
    return on.start or on


def summarise(
    segs: Sequence[Segment], dlo: dt.date, dhi: dt.date
) -> tuple[Segment, Truth, tuple[str, ...], list[StatusVersion]] | None:
    """Which segment holds during [dlo, dhi], with what truth, among which statuses.

    Returns `(chosen, truth, possible statuses, the versions behind them)`, or
    None when no status may hold. The chosen one is the first certain segment,
    else the latest that may hold.
    """
    held: list[Segment] = []
    chosen: Segment | None = None
    for seg in segs:
        t = truth_of(seg, dlo, dhi)
        if t is Truth.NO:
            continue
        held.append(seg)
        if chosen is None and t is Truth.CERTAIN:
            chosen = seg
    if not held:
        return None
    truth = Truth.CERTAIN
    if chosen is None:  # nothing certain: the latest that may hold
        chosen, truth = held[-1], Truth.POSSIBLE
    statuses = tuple(dict.fromkeys([seg.status for seg in held]))
    # the events behind them, unique and in order (versions hash by identity: cheap)
    versions = list(dict.fromkeys([seg.version for seg in held]))
    if truth is Truth.POSSIBLE and len(statuses) == 1:
        first, last = held[0], held[-1]
        # one status in every possible world where something holds: is something certain to?
        if first.start_hi <= dlo and dhi < last.end_lo and all(x.contiguous for x in held[:-1]):
            truth = Truth.CERTAIN
    return chosen, truth, statuses, versions


def figure_of(v: StatusVersion, dhi: dt.date) -> Figure:
    """The `Figure` an event reports, with the truth that it was reported by `dhi`."""
    e = v.event
    unit = e.data.get("unit")
    return Figure(
        metric=str(e.data["metric"]),
        value=e.data.get("value"),
        unit=unit if isinstance(unit, str) else None,
        on=e.on,
        truth=Truth.of(certain=e.on.hi <= dhi, possible=e.on.lo <= dhi),
        event=e,
    )


def periods_of(track: str, segs: Sequence[Segment]) -> History:
    """The status periods of `track` from its segments (all of them, in valid-time order)."""
    out = History()
    for i, s in enumerate(segs):
        prev = segs[i - 1] if i else None
        if (
            prev is not None
            and out
            and prev.status == s.status
            and prev.contiguous
            and prev.version.end is None
            and not s.revert
            and s.version.end is None
        ):
            # the same status re-stated: one period, with both events behind it
            last = out.pop()
            s_end = _since(segs[i + 1]) if i + 1 < len(segs) and s.contiguous else None
            truth = Truth.CERTAIN if s.start_hi < s.end_lo else Truth.POSSIBLE
            out.append(
                attrs.evolve(
                    last,
                    end=s_end,
                    truth=last.truth | truth,
                    events=(*last.events, s.version.event),
                    end_bounds=_end_bounds(s),
                )
            )
            continue
        if i + 1 < len(segs) and s.contiguous:
            end: When | None = _since(segs[i + 1])
        elif s.version.end is not None and not s.revert:
            end = s.version.on.end
        else:
            end = None
        events = (s.version.event,)
        out.append(
            Period(
                track=track,
                status=s.status,
                start=_since(s),
                end=end,
                truth=Truth.CERTAIN if s.start_hi < s.end_lo else Truth.POSSIBLE,
                events=events,
                start_bounds=(s.start_lo, s.start_hi),
                end_bounds=_end_bounds(s),
            )
        )
    return out


def _end_bounds(s: Segment) -> tuple[dt.date, dt.date] | None:
    return None if s.end_lo == MAX else (s.end_lo, s.end_hi)
