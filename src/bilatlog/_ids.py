"""Record ids: time-ordered and unique (UUIDv7 text), from an injected clock and entropy.

There is no hidden generator state shared by the whole process: a `Timeline`
has its own `IdGenerator` (`timeline_ids`, over the instant its clock shows), and the records built
outside a timeline (`bl.Event(...)`) take theirs from `bilatlog.events.new_id`,
a generator over the system clock.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable

__all__ = ["IdGenerator", "timeline_ids"]


def _system_ms() -> int:
    return time.time_ns() // 1_000_000


class IdGenerator:
    """Time-ordered ids (UUIDv7 layout): 48-bit milliseconds, then a counter and randomness.

    Each id is greater than the one before from the same generator (even when
    the clock stands still or steps back), so a generator's ids sort in the
    order they were made. Ids from different generators are unique by their 74
    random bits, and sort by their milliseconds, as ids made in different
    processes do.

    Args:
        clock: the time the ids carry: a callable returning a datetime,
            called once per id (a timeline's generator reads its clock's
            current instant without calling it: `timeline_ids`); None for the
            system's time.
        entropy: `n -> n random bytes` (default `os.urandom`).

    """

    def __init__(
        self,
        clock: Callable[[], dt.datetime] | None = None,
        *,
        entropy: Callable[[int], bytes] = os.urandom,
    ) -> None:
        """Start a generator over `clock` (or the system's time) and `entropy`."""
        self._ms: Callable[[], int] = _system_ms if clock is None else lambda: _clock_ms(clock)
        self._entropy = entropy
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> str:
        """Return a new id, greater than every id this generator made before."""
        with self._lock:
            ms = self._ms()
            # 48 bits of milliseconds, then 74 random bits used as a counter within one
            # millisecond, so ids strictly increase within this generator
            candidate = max(
                (ms << 74) | (int.from_bytes(self._entropy(10), "big") >> 6), self._last + 1
            )
            self._last = candidate
        rand = candidate & ((1 << 74) - 1)
        # insert the version (7) and the RFC 9562 variant bits at fixed places: order is kept
        value = (
            (candidate >> 74) << 80
            | 0x7 << 76
            | (rand >> 62) << 64
            | 0b10 << 62
            | (rand & ((1 << 62) - 1))
        )
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _clock_ms(clock: Callable[[], dt.datetime]) -> int:
    """Milliseconds since 1970 of what `clock` says (0 before it; the system's time if not a time).

    A clock that returns no datetime is refused by the store when it appends
    (`recorded_at`), with the store's message; the id does not refuse it first.
    """
    instant = clock()
    if not isinstance(instant, dt.datetime):
        return _system_ms()
    return max(0, int(instant.timestamp() * 1000))


def timeline_ids(clock: Callable[[], dt.datetime] | None) -> IdGenerator:
    """A timeline's own generator: ids carry the instant its clock shows, never calling it.

    Calling a timeline's clock is the store's part, once per record, for its
    `recorded_at`: a clock that steps on each call (`FakeClock(step=...)`) or
    hands out a list of instants must not be called for ids too. A clock that
    shows its current instant as `now`, as `bilatlog.testing.FakeClock` does,
    gives the ids that instant (so a record's id carries its `recorded_at`);
    any other clock, or none, gives them the system's time.
    """
    if clock is not None and isinstance(getattr(clock, "now", None), dt.datetime):
        return IdGenerator(lambda: clock.now)  # type: ignore[attr-defined]
    return IdGenerator()
