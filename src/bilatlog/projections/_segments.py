"""The certainty rules for status periods: the one place they are written down.

Status events of a track, taken in valid-time order (`When.sort_key`, ties by
position), each start a *segment* in which their status holds, until the next
event starts (or, for an interval event, until the interval ends; then the
status from before the interval resumes, if the interval certainly ends before
the next event starts).

bilatlog takes the sort order as the order things happened in; only the days
are uncertain. So event k cannot have happened after event k+1, and the latest
possible start of event k is the smallest latest-start of it and every later
event (`effective_latest`).

A segment holds at a query period [dlo, dhi] (one day, or an imprecise date):

- CERTAIN if it certainly started by dlo and certainly had not ended by dhi:
  `start_hi <= dlo and dhi < end_lo`;
- POSSIBLE if it may have started by dhi and may not have ended by dlo:
  `start_lo <= dhi and dlo < end_hi`;
- NO otherwise.

(For a single day D this is Dyreson and Snodgrass's rule; for an imprecise
date it reads "certain throughout the period, possible at some point in it".)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

import attrs

from bilatlog.time import Truth, When

if TYPE_CHECKING:
    from bilatlog.events import Event

__all__ = [
    "MAX",
    "MIN",
    "Segment",
    "StatusVersion",
    "build_segments",
    "make_version",
    "next_day",
    "placed",
    "stored_version",
    "truth_of",
]

MIN: Final = dt.date.min
MAX: Final = dt.date.max
_DAY: Final = dt.timedelta(days=1)


def next_day(d: dt.date) -> dt.date:
    """The day after `d` (date.max stays date.max: "never")."""
    return d if d == MAX else d + _DAY


@attrs.define(slots=True, eq=False)
class StatusVersion:
    """One version of an event (original or corrected), as a question reads it from the index.

    `pos_from`/`pos_to` say for which knowledge positions this version is the
    current one: `pos_from <= K < pos_to`. The event itself is loaded the first
    time `event` is asked for (by `load`, from the log), so that a question
    decodes only the events its answer shows.
    """

    status: str | None
    on: When
    position: int  # the original event's position: the tie-breaker in valid-time order
    pos_from: int
    pos_to: int
    s_lo: dt.date
    s_hi: dt.date
    end: tuple[dt.date, dt.date] | None  # inclusive last-day bounds of an interval, or None
    key: tuple[dt.date, dt.date, str, int]  # valid-time order: When.sort_key, then position
    _event: Event | None = None
    _load: Callable[[StatusVersion], Event] | None = None

    @property
    def event(self) -> Event:
        """The event of this version (loaded on first use)."""
        e = self._event
        if e is None:
            assert self._load is not None  # noqa: S101 - one of the two is always set
            e = self._event = self._load(self)
        return e

    @property
    def loaded(self) -> bool:
        """Tell whether the event is already at hand."""
        return self._event is not None

    def set_event(self, event: Event) -> None:
        """Hand over the event (loaded in bulk)."""
        self._event = event


@functools.lru_cache(maxsize=65536)
def _bounds(on: When) -> tuple[dt.date, dt.date, tuple[dt.date, dt.date] | None]:
    s_lo, s_hi = on.start_bounds
    return s_lo, s_hi, (on.end_bounds if on.is_interval and not on.end_open else None)


@functools.lru_cache(maxsize=65536)
def placed(text: str) -> tuple[When, dt.date, dt.date, tuple[dt.date, dt.date] | None]:
    """`When.parse(text)` with its start bounds and interval end (the same dates recur)."""
    on = When.parse(text)
    return (on, *_bounds(on))


def make_version(event: Event, position: int, pos_from: int) -> StatusVersion:
    """A version of a decoded event, current from `pos_from` on."""
    on = event.on
    s_lo, s_hi, end = _bounds(on)
    return StatusVersion(
        event.status, on, position, pos_from, 2**62, s_lo, s_hi, end,
        (on.lo, on.hi, on.edtf, position), event,
    )  # fmt: skip


def stored_version(  # noqa: PLR0917 - positional for speed: one per row read
    status: str | None,
    edtf: str,
    position: int,
    pos_from: int,
    pos_to: int,
    load: Callable[[StatusVersion], Event],
) -> StatusVersion:
    """A version as the index stores it: its date's EDTF text, status and system range."""
    on, s_lo, s_hi, end = placed(edtf)
    return StatusVersion(
        status, on, position, pos_from, pos_to, s_lo, s_hi, end,
        (on.lo, on.hi, edtf, position), None, load,
    )  # fmt: skip


class Segment(NamedTuple):
    """A period in which one status holds, with bounds on its start and end days.

    `end_lo`/`end_hi` bound the first day it no longer holds. `contiguous`
    says the next segment starts exactly when this one ends (no gap).
    (A NamedTuple: thousands are made per query.)
    """

    status: str
    start_lo: dt.date
    start_hi: dt.date
    end_lo: dt.date
    end_hi: dt.date
    version: StatusVersion
    revert: bool = False  # the status resumed after an interval ended
    contiguous: bool = True


def truth_of(seg: Segment, dlo: dt.date, dhi: dt.date) -> Truth:
    """Does `seg` hold during [dlo, dhi]? (see the module docstring)."""
    if seg.start_hi <= dlo and dhi < seg.end_lo:
        return Truth.CERTAIN
    if seg.start_lo <= dhi and dlo < seg.end_hi:
        return Truth.POSSIBLE
    return Truth.NO


def effective_latest(versions: Sequence[StatusVersion]) -> list[dt.date]:
    """Latest possible start of each event, given that the order is the valid-time order."""
    out = [MAX] * len(versions)
    m = MAX
    for i in range(len(versions) - 1, -1, -1):
        m = min(m, versions[i].s_hi)
        out[i] = m
    return out


def build_segments(versions: Sequence[StatusVersion]) -> list[Segment]:
    """Turn a track's status versions (in valid-time order) into segments.

    The last version's segment runs on: no later event is known to end it.
    """
    t_hi = effective_latest(versions)
    segs: list[Segment] = []
    n = len(versions)
    for i, v in enumerate(versions):
        status = v.status
        assert status is not None  # noqa: S101 - only status events are indexed here
        before = segs[-1].status if segs else None
        if i + 1 < n:
            nxt_lo, nxt_hi = versions[i + 1].s_lo, t_hi[i + 1]
        else:
            nxt_lo = nxt_hi = MAX
        if v.end is not None:
            end_lo, end_hi = next_day(v.end[0]), next_day(v.end[1])
            if end_hi <= nxt_lo:
                # the interval certainly ends before the next event: the old status resumes
                segs.append(
                    Segment(
                        status, v.s_lo, t_hi[i], end_lo, end_hi, v, contiguous=before is not None
                    )
                )
                if before is not None:
                    segs.append(Segment(before, end_lo, end_hi, nxt_lo, nxt_hi, v, revert=True))
                continue
            # it may still run when the next event starts, which then ends it
            segs.append(
                Segment(
                    status, v.s_lo, t_hi[i], min(end_lo, nxt_lo), min(end_hi, nxt_hi), v,
                    contiguous=False,
                )
            )  # fmt: skip
            continue
        segs.append(Segment(status, v.s_lo, t_hi[i], nxt_lo, nxt_hi, v))
    return segs
