"""The fold machinery: the `Projection` protocol users implement, and how it is run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from bilatlog.exceptions import ValidationError
from bilatlog.time import Truth

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bilatlog.events import Event
    from bilatlog.projections._segments import StatusVersion
    from bilatlog.time import When

__all__ = ["Projection", "check_projection", "run_projection"]

S = TypeVar("S")


@runtime_checkable
class Projection(Protocol[S]):
    """A pure fold of events into a state of your own design.

    Implement `initial()` and `apply(state, event, truth)`; run it with
    `Timeline.project(projection, at=..., known_at=...)`. bilatlog calls
    `apply` for every event known at `known_at`, in valid-time order (ties by
    position), with corrections applied and retractions removed, and with
    `truth`: whether the event has happened by `at` (`CERTAIN` or `POSSIBLE`;
    events that certainly had not are skipped; with `at=None`, every event,
    `CERTAIN`). Keep `apply` pure: return a new state (or the same one), read
    no clock, touch nothing outside.

    Example:
        ```python
        class CountByType:
            def initial(self):
                return {}

            def apply(self, state, event, truth):
                return {**state, event.type: state.get(event.type, 0) + 1}
        ```
    """

    def initial(self) -> S:
        """Return the state before any event."""
        ...

    def apply(self, state: S, event: Event, truth: Truth) -> S:
        """Return the state after `event` (which happened by the query date with `truth`)."""
        ...


def check_projection(projection: object) -> None:
    """Refuse what is not a `Projection` before any event is read for it."""
    if not isinstance(projection, Projection):
        raise ValidationError(
            "projection",
            projection,
            "not a Projection: it needs initial() and apply(state, event, truth).",
            "see docs/how-to/projection.md.",
        )


def run_projection(
    projection: Projection[S], versions: Iterable[StatusVersion], *, at: When | None
) -> S:
    """Fold versions (those current at the knowledge position, in valid-time order).

    Each event that may have happened by `at` goes through `projection`.
    """
    state = projection.initial()
    for v in versions:
        if at is None:
            truth = Truth.CERTAIN
        else:
            truth = v.event.on.happened_by(at.hi)
            if truth is Truth.NO:
                continue
            if truth is Truth.CERTAIN and v.event.on.start_bounds[1] > at.lo:
                truth = Truth.POSSIBLE  # an imprecise `at`: certain only if by its first day
        state = projection.apply(state, v.event, truth)
    return state
