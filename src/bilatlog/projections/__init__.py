"""Projections: folds of events into state, with valid-time order and honest certainty.

The built-in cooperation projection (`State`, `TrackState`, `Period`, `Change`,
`Explanation`, `Figure`) answers `Timeline.state_at`, `history`, `diff` and
`explain`; `Projection` is the protocol for your own.
"""

from bilatlog.projections._base import Projection, run_projection
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

__all__ = [
    "Change",
    "Diff",
    "ExplainedEvent",
    "Explanation",
    "Figure",
    "History",
    "Period",
    "Projection",
    "State",
    "TrackState",
    "run_projection",
]
