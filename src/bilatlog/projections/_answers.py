"""The answers the engine composes: why a track is in its state, and what became of the plans.

Both ask the engine (`bilatlog.projections._query`), which itself builds the
records that `cooperation` and `plans` define: here, above all three, those
modules need not name the engine, and the imports make no circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bilatlog.events import Correction, Event
from bilatlog.projections.cooperation import ExplainedEvent, Explanation
from bilatlog.projections.plans import PlanFate, fate_of
from bilatlog.time import Truth, When

if TYPE_CHECKING:
    from bilatlog.projections._query import Engine

__all__ = ["explain_of", "plan_fates"]


def plan_fates(engine: Engine, at: When, known: int, *, track: str | None = None) -> list[PlanFate]:
    """Every plan current at `known` (of `track`, if given), in valid-time order, with its fate."""
    plans = [v for v in engine.plans(known) if track is None or v.event.track == track]
    fulfilments = engine.fulfilments([v.position for v in plans], known)
    return [fate_of(v, fulfilments.get(v.position, ()), at) for v in plans]


def explain_of(engine: Engine, track: str, when: When, known: int) -> Explanation:
    """Why `track` is in its state at `when`, as known at `known` (see `Timeline.explain`)."""
    state = engine.track_states(when, known, [track]).get(track)  # that track's alone
    entries = []
    # plans never change a status: they are told with their fate in `plans`, not as events
    planned = {v.position for v in engine.plans(known)}
    for original, corrections, retraction in engine.revisions(
        engine.track_events(track, known), known
    ):
        if original.position in planned:
            continue
        event = original.record
        assert isinstance(event, Event)  # noqa: S101 - versions are of events
        for c in corrections:
            assert isinstance(c.record, Correction)  # noqa: S101 - selected by kind
            event = c.record.apply(event)
        truth = event.on.happened_by(when.hi)
        if truth is Truth.NO:
            continue
        entries.append(
            ExplainedEvent(
                event=event,
                original=original,
                corrections=tuple(corrections),
                retraction=retraction,
                truth=truth,
            )
        )
    entries.sort(key=lambda x: (x.event.on.sort_key, x.original.position))
    plans = tuple(
        f
        for f in plan_fates(engine, when, known, track=track)
        if f.plan.announced is None or f.plan.announced.lo <= when.hi
    )
    return Explanation(
        track=track, at=when, known_at=known, state=state, entries=tuple(entries), plans=plans
    )
