"""`Timeline`: the facade that joins a backend and the projections.

```python
import bilatlog as bl

with bl.open("relations.jsonl") as tl:
    tl.record("operations.suspended", on="2020-10~", track="dea-operations",
              status="suspended", actors=["US.DEA", "MX"], sources=[...])
    tl.state_at("2021-06-01")["dea-operations"].status
```
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

from bilatlog.backends import Backend, Query, VerifyReport, open_backend
from bilatlog.events import Correction, Event, Record, RecordedEvent, Retraction, Source
from bilatlog.exceptions import ValidationError
from bilatlog.time import When, as_day

if TYPE_CHECKING:
    from types import TracebackType

    from bilatlog.backends import Clock

__all__ = ["KnownAt", "Timeline", "open"]

#: How to say "as the dataset stood at": a position, an aware datetime, or an ISO
#: date (meaning the end of that UTC day).
KnownAt = int | dt.datetime | dt.date | str | None


class Timeline:
    """A timeline of events between states, over one append-only log.

    Build one with `bilatlog.open(...)`. A timeline holds no file lock between
    calls: several timelines (in one process or many) may share a file.

    Args:
        target: where the log lives (see `bilatlog.open`), or a `Backend`.
        clock: the store's clock for `recorded_at` (aware datetimes); injectable
            for tests (`bilatlog.testing.FakeClock`).
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | Backend | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        """Open the backend that `target` names."""
        self.backend: Backend = open_backend(target, clock=clock)
        self.clock = clock

    # -- context and display ------------------------------------------------------

    def __enter__(self) -> Self:
        """Use as `with bl.open(...) as tl:`."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the backend."""
        self.close()

    def __repr__(self) -> str:
        """Show where the log lives and how long it is."""
        return f"<Timeline {self.backend.url} position={self.position}>"

    def close(self) -> None:
        """Release the backend's resources; the log stays as it is."""
        self.backend.close()

    @property
    def position(self) -> int:
        """The head position: how many records the log holds."""
        return self.backend.head

    # -- writing -------------------------------------------------------------------

    def record(
        self,
        type: str,  # noqa: A002 - mirrors Event.type
        *,
        on: str | dt.date | When,
        track: str | None = None,
        status: str | None = None,
        actors: Iterable[str] = (),
        summary: str = "",
        data: Mapping[str, Any] | None = None,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        planned: bool = False,
        fulfils: str | None = None,
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
    ) -> RecordedEvent:
        """Record one event and return it as stored (with position, recorded_at, hash)."""
        fields: dict[str, Any] = {
            "type": type,
            "on": on,
            "track": track,
            "status": status,
            "actors": actors,
            "summary": summary,
            "data": data,
            "sources": sources,
            "planned": planned,
            "fulfils": fulfils,
        }
        if id is not None:
            fields["id"] = id
        event = Event(**fields)
        if fulfils is not None:
            self._check_fulfils([event])
        return self.backend.append([event], expected_position=expected_position)[0]

    def append(
        self, events: Iterable[Record], *, expected_position: int | None = None
    ) -> list[RecordedEvent]:
        """Append a batch atomically: all of it or, on any error, none of it.

        Raises:
            ConcurrencyError: `expected_position` is given and the head moved.
            ValidationError: a record is invalid; nothing was written.
            IntegrityError: an id is already stored with different content.
        """
        batch = list(events)
        self._check_fulfils([e for e in batch if isinstance(e, Event)])
        return self.backend.append(batch, expected_position=expected_position)

    def _check_fulfils(self, events: Sequence[Event]) -> None:
        in_batch = {e.id: e for e in events}
        for e in events:
            if e.fulfils is None:
                continue
            plan = in_batch.get(e.fulfils)
            if plan is None:
                stored = self.backend.get(e.fulfils)
                plan = stored.record if stored is not None and stored.is_event else None  # type: ignore[assignment]
            if not isinstance(plan, Event) or not plan.planned:
                raise ValidationError(
                    "fulfils",
                    e.fulfils,
                    "names no planned event in the store.",
                    "record the plan first (planned=True), then name its id.",
                )

    def correct(
        self,
        event_id: str,
        *,
        reason: str,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
        **changes: Any,  # noqa: ANN401 - any correctable field
    ) -> RecordedEvent:
        """Record a correction of an earlier event: new values for some of its fields.

        `tl.correct(ev.id, reason="source gives the exact day", on="2020-10-15")`.
        From its own recording on, queries see the corrected event; as known
        before it, the original.
        """
        fields: dict[str, Any] = {
            "target": event_id,
            "changes": changes,
            "reason": reason,
            "sources": sources,
        }
        if id is not None:
            fields["id"] = id
        return self.backend.append([Correction(**fields)], expected_position=expected_position)[0]

    def retract(
        self,
        event_id: str,
        *,
        reason: str,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
    ) -> RecordedEvent:
        """Record that an earlier event is withdrawn (from this recording on)."""
        fields: dict[str, Any] = {"target": event_id, "reason": reason, "sources": sources}
        if id is not None:
            fields["id"] = id
        return self.backend.append([Retraction(**fields)], expected_position=expected_position)[0]

    # -- reading ---------------------------------------------------------------------

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the stored record with this id (as recorded, uncorrected), or None."""
        return self.backend.get(record_id)

    def resolve_known_at(self, known_at: KnownAt) -> int:
        """Turn a `known_at` value into a log position.

        An int is a position; an aware datetime is an instant; a `date` or ISO
        date text means the end of that UTC day; None means now (the head).
        """
        if known_at is None:
            return self.backend.head
        if isinstance(known_at, bool):
            raise ValidationError(
                "known_at", known_at, "expected a position, a date or a datetime."
            )
        if isinstance(known_at, int):
            if known_at < 0:
                raise ValidationError(
                    "known_at",
                    known_at,
                    "positions start at 0 (empty).",
                    "pass tl.position or less.",
                )
            return min(known_at, self.backend.head)
        if isinstance(known_at, dt.datetime):
            if known_at.utcoffset() is None:
                raise ValidationError(
                    "known_at",
                    known_at,
                    "a naive datetime is ambiguous.",
                    "pass an aware one, e.g. datetime(2021, 10, 15, tzinfo=timezone.utc).",
                )
            return self.backend.position_at(known_at)
        if isinstance(known_at, str) and len(known_at) > 10:
            try:
                instant = dt.datetime.fromisoformat(known_at)
            except ValueError:
                pass
            else:
                return self.resolve_known_at(
                    instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)
                )
        try:
            day = as_day(known_at)
        except ValidationError:
            raise ValidationError(
                "known_at",
                known_at,
                "expected a position, an aware datetime, or an ISO date.",
                "pass e.g. known_at='2021-10-15' (the end of that UTC day).",
            ) from None
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        return self.backend.position_at(end)

    def events(
        self,
        *,
        track: str | None = None,
        type: str | None = None,  # noqa: A002 - mirrors Event.type
        actor: str | None = None,
        between: tuple[str | dt.date | When, str | dt.date | When] | None = None,
        known_at: KnownAt = None,
        kinds: Iterable[str] = ("event",),
    ) -> Iterator[RecordedEvent]:
        """Stream stored records matching every filter given, in position order.

        Args:
            track: only this track.
            type: a glob on the type, e.g. `"operations.*"`.
            actor: an actor and its units (`"US"` matches `"US.DEA"`).
            between: `(start, end)`: events whose date may fall in that span.
            known_at: only records stored by then.
            kinds: record kinds to include (`"event"`, `"correction"`, `"retraction"`).
        """
        window = None
        if between is not None:
            try:
                start, end = between
            except (TypeError, ValueError):
                raise ValidationError(
                    "between", between, "expected (start, end).", "pass ('2019', '2022')."
                ) from None
            window = (When.parse(start), When.parse(end))
        return self.backend.query(
            Query(
                track=track,
                type=type,
                actor=actor,
                between=window,
                stop=self.resolve_known_at(known_at),
                kinds=frozenset(kinds),
            )
        )

    def verify(self) -> VerifyReport:
        """Re-check the whole log: positions, hash chain, clock order, decoding."""
        return self.backend.verify()


def open(  # noqa: A001 - the public name the contract promises
    target: str | os.PathLike[str] | Backend | None = None,
    *,
    clock: Clock | None = None,
) -> Timeline:
    """Open a timeline.

    Args:
        target: `None` (in memory); `"name.jsonl"` (a JSONL file);
            `"name.db"`, `"name.sqlite"` or `"sqlite:///name.db"` (SQLite);
            `"postgresql://..."` is reserved for the PostgreSQL backend.
        clock: the store's clock for `recorded_at` (returns aware datetimes).

    Raises:
        ValidationError: the target is not one of the accepted forms.
    """
    return Timeline(target, clock=clock)
