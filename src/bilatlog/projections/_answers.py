"""The answers the engine composes: why a track is in its state, what changed, the plans' fates.

Both ask the engine (`bilatlog.projections._query`), which itself builds the
records that `cooperation` and `plans` define: here, above all three, those
modules need not name the engine, and the imports make no circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bilatlog.events import Correction, Event
from bilatlog.projections.cooperation import Change, Diff, ExplainedEvent, Explanation
from bilatlog.projections.plans import PlanFate, fate_of
from bilatlog.time import Truth, When

if TYPE_CHECKING:
    from bilatlog._knowledge import Position
    from bilatlog.projections._query import Engine

__all__ = ["diff_of", "explain_of", "plan_fates"]


def plan_fates(
    engine: Engine, at: When, known_pos: Position, *, track: str | None = None
) -> list[PlanFate]:
    """Every plan current at `known_pos` (of `track`, if given), with its fate, by valid time."""
    plans = [v for v in engine.plans(known_pos) if track is None or v.event.track == track]
    fulfilments = engine.fulfilments([v.position for v in plans], known_pos)
    return [fate_of(v, fulfilments.get(v.position, ()), at) for v in plans]


def explain_of(engine: Engine, track: str, when: When, known_pos: Position) -> Explanation:
    """Why `track` is in its state at `when`, as known at `known_pos` (see `Timeline.explain`)."""
    state = engine.track_states(when, known_pos, [track]).get(track)  # that track's alone
    entries = []
    # plans never change a status: they are told with their fate in `plans`, not as events
    planned = {v.position for v in engine.plans(known_pos)}
    for original, corrections, retraction in engine.revisions(
        engine.track_events(track, known_pos), known_pos
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
        for f in plan_fates(engine, when, known_pos, track=track)
        if f.plan.announced is None or f.plan.announced.lo <= when.hi
    )
    return Explanation(
        track=track, at=when, known_at=known_pos, state=state, entries=tuple(entries), plans=plans
    )


def diff_of(engine: Engine, a: When, b: When, known_pos: Position) -> Diff:
    """What changed from `a` to `b`, as known at `known_pos` (see `Timeline.diff`)."""
    before, after = engine.state(a, known_pos), engine.state(b, known_pos)
    changes = Diff()
    for track in sorted(set(before) | set(after)):
        x, y = before.get(track), after.get(track)
        if (x and (x.status, x.truth, x.possible)) == (y and (y.status, y.truth, y.possible)):
            continue
        versions = engine.track_versions(track, known_pos, (a.lo, b.hi))
        engine.load(versions)
        events = tuple(v.event for v in versions)
        changes.append(Change(track=track, before=x, after=y, events=events))
    return changes
