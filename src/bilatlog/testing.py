"""Helpers for testing your own projections and tools against bilatlog.

```python
from bilatlog.testing import FakeClock, make_event, memory_timeline

tl = memory_timeline()                 # in memory, with a fake clock
tl.append([make_event(on="2020-10", track="dea-operations", status="suspended")])
tl.clock.advance(days=1)               # knowledge time moves only when you say
```
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Any

from bilatlog.events import Event

if TYPE_CHECKING:
    from bilatlog.timeline import Timeline

__all__ = ["FakeClock", "make_event", "memory_timeline"]


class FakeClock:
    """A clock that stands still until told to move; inject it as `clock=`.

    Args:
        start: the first instant (aware); defaults to 2021-10-15 00:00 UTC.
        step: how far each call moves the clock forward (default: not at all).

    Attributes:
        now: the current instant, what the next call returns. A timeline's ids
            read it there, so making an id does not step the clock: with a
            `step`, each record moves it once, and its id carries its
            `recorded_at`.
    """

    def __init__(
        self,
        start: dt.datetime | None = None,
        *,
        step: dt.timedelta = dt.timedelta(0),
    ) -> None:
        """Set the starting instant and the step per call."""
        self.now = start or dt.datetime(2021, 10, 15, tzinfo=dt.UTC)
        self.step = step

    def __call__(self) -> dt.datetime:
        """Return the current instant, then move by `step`."""
        now = self.now
        self.now = now + self.step
        return now

    def advance(self, **delta: float) -> dt.datetime:
        """Move forward by `timedelta(**delta)`, e.g. `advance(days=1)`; return the new instant."""
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, instant: dt.datetime | str) -> None:
        """Jump to an instant (aware datetime or ISO text); may go backwards, for testing."""
        if isinstance(instant, str):
            instant = dt.datetime.fromisoformat(instant)
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=dt.UTC)
        self.now = instant


_counter = itertools.count(1)


def make_event(**fields: Any) -> Event:  # noqa: ANN401
    """Build a valid `Event` with defaults for whatever you leave out.

    Defaults: `type="test.happened"`, `on="2020-01-01"`, and a readable
    sequential id (`test-1`, `test-2`, ...).
    """
    fields.setdefault("type", "test.happened")
    fields.setdefault("on", "2020-01-01")
    fields.setdefault("id", f"test-{next(_counter)}")
    return Event(**fields)


def memory_timeline(clock: FakeClock | None = None) -> Timeline:
    """Return an empty in-memory `Timeline` driven by a `FakeClock` (as `tl.clock`)."""
    from bilatlog.timeline import Timeline  # noqa: PLC0415 - testing sits above the timeline

    return Timeline(None, clock=clock or FakeClock())
