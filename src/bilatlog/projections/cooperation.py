"""The cooperation projection: the status of every track, with its certainty, at any date.

Results are plain immutable records: `State` (a mapping of track to
`TrackState`, plus `planned` and `metrics`), `Period` (from `history`),
`Change` (from `diff`), `Explanation` (from `explain`) and `Figure`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from bilatlog.events import Event, RecordedEvent, Source
from bilatlog.projections._index import KnowledgeIndex, SortedVersions
from bilatlog.projections._segments import MAX, Segment, StatusVersion, truth_of
from bilatlog.projections.plans import PlanFate, fate_of, plan_fates
from bilatlog.time import Truth, When

__all__ = [
    "Change",
    "ExplainedEvent",
    "Explanation",
    "Figure",
    "Period",
    "State",
    "TrackState",
    "compute_state",
    "explain_of",
    "figure_of",
    "history_of",
]


@attrs.frozen(kw_only=True, repr=False)
class TrackState:
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
    events: tuple[Event, ...]

    def __repr__(self) -> str:
        """Say it in one line: track, status, truth, since."""
        also = [p for p in self.possible if p != self.status]
        more = f", or {'/'.join(also)}" if also else ""
        return (
            f"<TrackState {self.track}: {self.status} ({self.truth.value}{more}) "
            f"since {self.since.edtf}>"
        )

    def _repr_html_(self) -> str:
        from bilatlog.notebook import track_states_html  # noqa: PLC0415 - display only

        return track_states_html([self])


@attrs.frozen(kw_only=True)
class Figure:
    """A reported figure: `data={"metric": ..., "value": ..., "unit": ...}` on an event."""

    metric: str
    value: Any
    unit: str | None
    on: When
    truth: Truth
    event: Event


class State(Mapping[str, TrackState]):
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
        from bilatlog._tables import render, state_rows  # noqa: PLC0415 - display only

        return render(state_rows(self))

    def _repr_html_(self) -> str:
        from bilatlog.notebook import state_html  # noqa: PLC0415 - display only

        return state_html(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per track: status, truth, since, possible (needs the `pandas` extra)."""
        from bilatlog.io.frames import state_frame  # noqa: PLC0415 - optional extra

        return state_frame(self)


@attrs.frozen(kw_only=True, repr=False)
class Period:
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

    def _repr_html_(self) -> str:
        from bilatlog.notebook import history_html  # noqa: PLC0415 - display only

        return history_html([self])


class History(list[Period]):
    """The status periods of a track (a list), with a table in notebooks and `to_frame()`.

    Attributes:
        plans: the track's plans, each with its fate (`PlanFate`) as of now.
    """

    plans: tuple[PlanFate, ...] = ()

    def __str__(self) -> str:
        """The table `bilatlog history` prints."""
        from bilatlog._tables import history_rows, render  # noqa: PLC0415 - display only

        return render(history_rows(self, self.plans))

    def _repr_html_(self) -> str:
        from bilatlog.notebook import history_html  # noqa: PLC0415 - display only

        return history_html(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per period (needs the `pandas` extra)."""
        from bilatlog.io.frames import history_frame  # noqa: PLC0415 - optional extra

        return history_frame(self)


class Diff(list["Change"]):
    """What changed between two dates (a list of `Change`), with a table in notebooks."""

    def __str__(self) -> str:
        """The table `bilatlog diff` prints."""
        from bilatlog._tables import diff_rows, render  # noqa: PLC0415 - display only

        return render(diff_rows(self))

    def _repr_html_(self) -> str:
        from bilatlog.notebook import diff_html  # noqa: PLC0415 - display only

        return diff_html(self)


def _side(s: TrackState | None) -> str:
    return f"{s.status} ({s.truth.value})" if s is not None else "-"


@attrs.frozen(kw_only=True, repr=False)
class Change:
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

    def _repr_html_(self) -> str:
        from bilatlog.notebook import diff_html  # noqa: PLC0415 - display only

        return diff_html([self])


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
class Explanation:
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
        from bilatlog._tables import explain_rows, render  # noqa: PLC0415 - display only

        return render(explain_rows(self))

    def __repr__(self) -> str:
        """Say it in one line: track, date, state, how many events."""
        state = f"{self.state.status} ({self.state.truth.value})" if self.state else "no status"
        n = len(self.entries)
        events = f"{n} event{'' if n == 1 else 's'}"
        return f"<Explanation {self.track} at {self.at.edtf}: {state}, {events}>"

    def _repr_html_(self) -> str:
        from bilatlog.notebook import explanation_html  # noqa: PLC0415 - display only

        return explanation_html(self)


# -- computations --------------------------------------------------------------------


def _since_run(versions: SortedVersions, v: StatusVersion, known: int) -> When:
    if v.end is not None:
        return v.event.on.start or v.event.on
    on = versions.run_start(v, known).event.on
    return on.start or on


def _since(seg: Segment) -> When:
    on = seg.version.event.on
    if seg.revert:
        return on.end or on
    return on.start or on


def track_state(  # noqa: PLR0917 - internal and hot: positional
    track: str,
    segs: Sequence[Segment],
    dlo: dt.date,
    dhi: dt.date,
    versions: SortedVersions,
    known: int,
) -> TrackState | None:
    """Summarise the segments that may hold during [dlo, dhi] into a `TrackState`.

    (Hot: runs for every uncertain track of every answer, hence the plain loops.)
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
    if len(held) == 1:
        statuses: tuple[str, ...] = (chosen.status,)
        events: tuple[Event, ...] = (chosen.version.event,)
    else:
        statuses = tuple(dict.fromkeys([seg.status for seg in held]))
        # the events behind them, unique and in order (versions hash by identity: cheap)
        events = tuple([v.event for v in dict.fromkeys([seg.version for seg in held])])
    if truth is Truth.POSSIBLE and len(statuses) == 1:
        first, last = held[0], held[-1]
        # one status in every possible world where something holds: is something certain to?
        if first.start_hi <= dlo and dhi < last.end_lo and all(x.contiguous for x in held[:-1]):
            truth = Truth.CERTAIN
    return TrackState(
        track=track,
        status=chosen.status,
        since=_since(chosen) if chosen.revert else _since_run(versions, chosen.version, known),
        truth=truth,
        possible=statuses,
        events=events,
    )


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


def compute_state(index: KnowledgeIndex, at: When, known: int) -> State:
    """The cooperation state at `at` (a day, or an imprecise date) as known at position `known`."""
    dlo, dhi = at.lo, at.hi
    tracks: dict[str, TrackState] = {}
    for track, versions in index.tracks.items():
        los = versions.los
        if not los or los[0] > dhi:
            continue
        # The common case, answered without building segments: the last version that may
        # have started by dhi is a point event that certainly started by dlo. Everything
        # after it starts after dhi, everything before it ended by its start: it holds,
        # certainly, alone (the general path below gives the same answer, only slower).
        items = versions.items
        idx = bisect.bisect_right(los, dhi)
        j = idx - 1
        if j >= 0 and not (items[j].pos_from <= known < items[j].pos_to):
            j = versions.prev_visible(j, known)
        if j >= 0:
            v = items[j]
            if v.end is None and v.s_hi <= dlo and dhi < MAX:
                e = v.event
                status = e.status
                assert status is not None  # noqa: S101 - tracks hold status events only
                first = versions.run_start(v, known, j).event.on
                tracks[track] = TrackState(
                    track=track,
                    status=status,
                    since=first.start or first,
                    truth=Truth.CERTAIN,
                    possible=(status,),
                    events=(e,),
                )
                continue
        ts = track_state(
            track,
            index.track_segments(track, dlo, dhi, known, idx),
            dlo,
            dhi,
            versions,
            known,
        )
        if ts is not None:
            tracks[track] = ts
    metrics: dict[str, Figure] = {}
    for name, versions in index.metrics.items():
        latest = _latest_visible(versions, dhi, known)
        if latest is not None:
            metrics[name] = figure_of(latest, dhi)
    planned: list[Event] = []
    overdue: list[Event] = []
    for v in sorted(index.plans, key=lambda v: v.key):
        if not v.visible(known):
            continue
        e = v.event
        if e.announced is not None and e.announced.lo > dhi:
            continue
        if e.on.hi >= dlo:
            if not _fulfilled(index, v, dhi, known):
                planned.append(e)
        elif fate_of(index, v, at, known).overdue:
            overdue.append(e)
    return State(
        at=at,
        known_at=known,
        tracks=tracks,
        planned=tuple(planned),
        metrics=metrics,
        overdue=tuple(overdue),
    )


def _latest_visible(versions: SortedVersions, dhi: dt.date, known: int) -> StatusVersion | None:
    j = versions.prev_visible(bisect.bisect_right(versions.los, dhi) - 1, known)
    return versions.items[j] if j >= 0 else None


def _fulfilled(index: KnowledgeIndex, plan: StatusVersion, dhi: dt.date, known: int) -> bool:
    return any(
        f.visible(known) and f.event.on.hi <= dhi for f in index.fulfilments.get(plan.event.id, ())
    )


def history_of(index: KnowledgeIndex, track: str, known: int) -> History:
    """Every status period of `track`, as known at `known`."""
    segs = index.track_history(track, known)
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
            end = s.version.event.on.end
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


def explain_of(index: KnowledgeIndex, track: str, when: When, known: int) -> Explanation:
    """Why `track` is in its state at `when`, as known at `known` (see `Timeline.explain`)."""
    state = compute_state(index, when, known).get(track)
    entries = []
    ids = [
        i
        for i, vs in index.versions.items()
        if any(v.event.track == track for v in vs if v.pos_from <= known)
        and vs[0].position <= known
    ]
    # plans never change a status: they are told with their fate in `plans`, not as events
    planned = {v.event.id for v in index.plans if v.visible(known)}
    for event_id in ids:
        original = index.original(event_id)
        corrections = tuple(c for c in index.corrections.get(event_id, ()) if c.position <= known)
        retraction = index.retractions.get(event_id)
        if retraction is not None and retraction.position > known:
            retraction = None
        if event_id in planned:
            continue
        versions = [v for v in index.versions[event_id] if v.pos_from <= known]
        event = versions[-1].event
        truth = event.on.happened_by(when.hi)
        if truth is Truth.NO:
            continue
        entries.append(
            ExplainedEvent(
                event=event,
                original=original,
                corrections=corrections,
                retraction=retraction,
                truth=truth,
            )
        )
    entries.sort(key=lambda x: (x.event.on.sort_key, x.original.position))
    plans = tuple(
        f
        for f in plan_fates(index, when, known, track=track)
        if f.plan.announced is None or f.plan.announced.lo <= when.hi
    )
    return Explanation(
        track=track, at=when, known_at=known, state=state, entries=tuple(entries), plans=plans
    )
