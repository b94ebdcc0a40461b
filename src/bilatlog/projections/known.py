"""The events as known: corrections applied, retractions left out (`Timeline.events`).

`KnownEvent` is one event as the dataset knew it at a knowledge position: the
corrected `Event`, its first record (`original`, with position and
`recorded_at`) and the corrections that made it what it is. `Events` is the
answer to `tl.events(...)`: a sequence of them in valid-time order (ties by
position), with a readable repr.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from bilatlog import _seam
from bilatlog.backends._contract import actor_matches
from bilatlog.events import Event, RecordedEvent, _EventFields

if TYPE_CHECKING:
    from bilatlog._knowledge import Position
    from bilatlog.projections._query import Engine
    from bilatlog.projections._segments import StatusVersion

__all__ = ["EventFilter", "Events", "KnownEvent", "known_events"]


class KnownEvent(_EventFields):
    """One event as known: its fields (corrected), its first record, what revised it.

    Every field of `Event` reads through (`e.on`, `e.track`, `e.sources`, ...).
    Read-only, like every record.

    Attributes:
        event: the event as known, corrections applied.
        position: the position of the event's first record.
        corrections: the corrections applied, as recorded, in position order.
        original: the event as first recorded (with `position`, `recorded_at`,
            `hash`); read from the store the first time it is asked for.
    """

    __slots__ = ("_load", "_original", "corrections", "event", "position")

    event: Event
    position: int
    corrections: tuple[RecordedEvent, ...]
    _original: RecordedEvent | None
    _load: Callable[[], RecordedEvent] | None

    def __init__(
        self,
        *,
        event: Event,
        position: int,
        corrections: tuple[RecordedEvent, ...] = (),
        original: RecordedEvent | None = None,
        load: Callable[[], RecordedEvent] | None = None,
    ) -> None:
        """Build one (bilatlog does this for you): `original`, or how to `load` it."""
        if original is None and load is None:
            msg = "KnownEvent needs its original record, or a way to load it"
            raise TypeError(msg)
        init = object.__setattr__
        init(self, "event", event)
        init(self, "position", position)
        init(self, "corrections", corrections)
        init(self, "_original", original)
        init(self, "_load", load)

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse: a known event is read-only."""
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[Callable[..., KnownEvent], tuple[Any, ...]]:
        """Pickled with its original record read (the store it comes from stays behind)."""
        return _known_event, (self.event, self.position, self.corrections, self.original)

    @property
    def original(self) -> RecordedEvent:
        """The event as first recorded, with its position, `recorded_at` and hash."""
        rec = self._original
        if rec is None:
            assert self._load is not None  # noqa: S101 - one of the two is always set
            rec = self._load()
            object.__setattr__(self, "_original", rec)
        return rec

    def __eq__(self, other: object) -> bool:
        """Equal when the event as known, its position and its corrections are."""
        if not isinstance(other, KnownEvent):
            return NotImplemented
        return (self.position, self.event, self.corrections) == (
            other.position,
            other.event,
            other.corrections,
        )

    def __hash__(self) -> int:
        """Hash by position and event."""
        return hash((self.position, self.event))

    @property
    def id(self) -> str:
        """The event's id."""
        return self.event.id

    @property
    def recorded_at(self) -> dt.datetime:
        """When the event was first recorded."""
        return self.original.recorded_at

    @property
    def record(self) -> Event:
        """The event as known (the same as `event`)."""
        return self.event

    @property
    def kind(self) -> str:
        """`"planned"` for a plan, else `"event"`."""
        return "planned" if self.event.planned else "event"

    @property
    def corrected(self) -> bool:
        """True when a correction changed the event (as known)."""
        return bool(self.corrections)

    def __repr__(self) -> str:
        """Say it in one line: date, type, track and status, position."""
        e = self.event
        where = f" {e.track}={e.status}" if e.status else (f" {e.track}" if e.track else "")
        revised = f", {len(self.corrections)} corrections" if self.corrections else ""
        return f"<KnownEvent {e.on.edtf} {e.type}{where} position={self.position}{revised}>"


@attrs.frozen(kw_only=True)
class EventFilter:
    """What `tl.events(...)` keeps, on the corrected fields."""

    track: str | None = None
    type: re.Pattern[str] | None = None
    actor: str | None = None
    window: tuple[dt.date, dt.date] | None = None
    planned: bool | None = None  # True: plans only; False: no plans; None: both

    def __call__(self, v: StatusVersion) -> bool:
        """Tell whether a version passes (dates first: they need no decoding)."""
        w = self.window
        if w is not None and not (v.on.lo <= w[1] and v.on.hi >= w[0]):
            return False
        e = v.event
        if self.planned is not None and e.planned is not self.planned:
            return False
        if self.track is not None and e.track != self.track:
            return False
        if self.type is not None and not self.type.fullmatch(e.type):
            return False
        actor = self.actor
        return actor is None or any(actor_matches(a, actor) for a in e.actors)


def known_events(engine: Engine, known_pos: Position, keep: EventFilter) -> Iterator[KnownEvent]:
    """The events current at `known_pos` that pass `keep`, in valid-time order (ties by position).

    The index narrows by track, dates and plans; `keep` checks every filter on
    the corrected fields.
    """
    versions = [
        v
        for v in engine.in_order(
            known_pos, track=keep.track, window=keep.window, planned=keep.planned
        )
        if keep(v)
    ]  # a snapshot: later appends wait
    corrections = engine.corrections(versions, known_pos)
    for v in versions:
        yield KnownEvent(
            event=v.event,
            position=v.position,
            corrections=corrections.get(v.position, ()),
            load=functools.partial(engine.original, v.position),
        )


def _known_event(
    event: Event, position: int, corrections: tuple[RecordedEvent, ...], original: RecordedEvent
) -> KnownEvent:
    """A pickled `KnownEvent`, rebuilt."""
    return KnownEvent(event=event, position=position, corrections=corrections, original=original)


class Events(Sequence[KnownEvent], _seam.Shown):
    """The answer to `tl.events(...)`: the events as known, in valid-time order.

    A sequence (`len`, indexing, iteration); it is worked out on first use.
    `str()` is the table `bilatlog events` prints; the repr shows the first rows.
    """

    def __init__(self, produce: Callable[[], Iterator[KnownEvent]], *, known_at: int) -> None:
        """Wrap a producer of known events (bilatlog builds these for you)."""
        self._produce = produce
        self._items: list[KnownEvent] | None = None
        self.known_at = known_at

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as the events themselves: the producer reads a store that stays behind."""
        return {"_produce": None, "_items": self._all(), "known_at": self.known_at}

    def _all(self) -> list[KnownEvent]:
        if self._items is None:
            self._items = list(self._produce())
        return self._items

    def __iter__(self) -> Iterator[KnownEvent]:
        """Iterate over the events (streamed on a first pass)."""
        if self._items is not None:
            return iter(self._items)
        return self._stream()

    def _stream(self) -> Iterator[KnownEvent]:
        items: list[KnownEvent] = []
        for e in self._produce():
            items.append(e)
            yield e
        self._items = items

    def __len__(self) -> int:
        """Return how many events."""
        return len(self._all())

    @overload
    def __getitem__(self, i: int) -> KnownEvent: ...
    @overload
    def __getitem__(self, i: slice) -> list[KnownEvent]: ...
    def __getitem__(self, i: int | slice) -> KnownEvent | list[KnownEvent]:
        """Return the i-th event (or a list, for a slice)."""
        return self._all()[i]

    def __eq__(self, other: object) -> bool:
        """Compare with another `Events` or a list, item by item."""
        if isinstance(other, Events):
            return self._all() == other._all()
        if isinstance(other, list):
            return self._all() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def ids(self) -> list[str]:
        """The events' ids, in order."""
        return [e.id for e in self._all()]

    def __str__(self) -> str:
        """The table `bilatlog events` prints."""
        return _seam.text(self)

    def __repr__(self) -> str:
        """Say how many, as known when, and show the first rows."""
        n = len(self)
        head = f"<Events: {n} event{'' if n == 1 else 's'} as known at position {self.known_at}"
        return f"{head}\n{_seam.text(self, head=5)}>" if n else head + ">"

    def to_frame(self) -> Any:  # noqa: ANN401 - pandas is optional
        """One row per event (needs the `pandas` extra)."""
        return _seam.frame(self)
