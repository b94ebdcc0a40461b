"""Projections: folds of events into state, with valid-time order and honest certainty.

The built-in cooperation projection (`State`, `TrackState`, `Period`, `Change`,
`Explanation`, `Figure`) answers `Timeline.state_at`, `history`, `diff` and
`explain`; `KnownEvent` and `Events` answer `Timeline.events`, `PlanFate`
answers `Timeline.plans`; `Projection` is the protocol for your own.
"""

from bilatlog.projections._base import Projection
from bilatlog.projections.cooperation import (
    Change,
    Diff,
    ExplainedEvent,
    Explanation,
    Figure,
    History,
    Period,
    State,
    TrackState,
)
from bilatlog.projections.known import Events, KnownEvent
from bilatlog.projections.plans import PlanFate

__all__ = [
    "Change",
    "Diff",
    "Events",
    "ExplainedEvent",
    "Explanation",
    "Figure",
    "History",
    "KnownEvent",
    "Period",
    "PlanFate",
    "Projection",
    "State",
    "TrackState",
]
