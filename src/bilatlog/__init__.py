"""bilatlog: an append-only, bitemporal event store for relations between states.

Record dated diplomatic and security events as immutable records, then ask what
the state of cooperation was on any date, as the dataset stood on any earlier
day, with honest answers for imprecise dates: certain, possible or no.
"""

from importlib.metadata import PackageNotFoundError, version

from bilatlog import _views, examples  # noqa: F401 - _views: where the seam's views are drawn
from bilatlog.events import Correction, Event, RecordedEvent, Retraction, Source
from bilatlog.exceptions import (
    BilatlogError,
    BilatlogWarning,
    ConcurrencyError,
    IntegrityError,
    RecordKindError,
    StorageError,
    UnknownNameError,
    ValidationError,
)
from bilatlog.projections import (
    Change,
    Diff,
    Events,
    ExplainedEvent,
    Explanation,
    Figure,
    History,
    KnownEvent,
    Period,
    PlanFate,
    Projection,
    State,
    TrackState,
)
from bilatlog.time import Precision, Truth, When
from bilatlog.timeline import Timeline, open  # noqa: A004 - bl.open is the contract


def from_frame(frame: object, into: Timeline | None = None) -> Timeline:
    """Append one event per DataFrame row, all validated first (see `bilatlog.io.frames`)."""
    from bilatlog.io.frames import from_frame as _from_frame  # noqa: PLC0415 - pandas extra

    return _from_frame(frame, into)


try:
    __version__ = version("bilatlog")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BilatlogError",
    "BilatlogWarning",
    "Change",
    "ConcurrencyError",
    "Correction",
    "Diff",
    "Event",
    "Events",
    "ExplainedEvent",
    "Explanation",
    "Figure",
    "History",
    "IntegrityError",
    "KnownEvent",
    "Period",
    "PlanFate",
    "Precision",
    "Projection",
    "RecordKindError",
    "RecordedEvent",
    "Retraction",
    "Source",
    "State",
    "StorageError",
    "Timeline",
    "TrackState",
    "Truth",
    "UnknownNameError",
    "ValidationError",
    "When",
    "__version__",
    "examples",
    "from_frame",
    "open",
]
