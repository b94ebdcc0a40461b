"""The in-memory log: the reference backend, for tests and scratch notebooks.

It keeps decoded records in position order with small indexes (by id, track,
type and target): a `RecordIndex`, the structure the JSONL backend keeps as
its cache.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from typing import Self

from bilatlog.backends._contract import Backend, Clock, Query, VerifyReport
from bilatlog.backends._defaults import Defaults
from bilatlog.backends._records import RecordIndex
from bilatlog.backends._writing import Appender, Lookups, Prepare
from bilatlog.events import RecordedEvent

__all__ = ["MemoryBackend"]


class MemoryBackend(Appender, Defaults):
    """An append-only log held in memory: the reference implementation.

    Args:
        clock: returns the current instant (aware); defaults to the system clock.
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        """Create an empty log."""
        Appender.__init__(self, clock)
        self._index = RecordIndex()
        self._lock = threading.Lock()

    @classmethod
    def copy_of(cls, source: Backend, *, clock: Clock | None = None) -> Self:
        """An in-memory copy of another log, record for record (hashes and times kept).

        Each record must re-hash to its stored hash and chain to the one before
        (`copy_in`): the copy is faithful, or refused.
        """
        copy = cls(clock=clock)
        copy.copy_in(list(source.read()))
        copy.copied_from = source.url
        return copy

    @property
    def url(self) -> str:
        """Where this log lives."""
        return "memory:"

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        return len(self._index.records)

    def _lookups(self) -> Lookups:
        return self._index.lookup, self._index.retracted_among, self._index.targeting

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        with self._lock:
            result, sealed = prepare(self._index.head)
            for item in sealed:
                self._index.add(item.record, item.envelope)
            return result

    def read(self, start: int = 1, stop: int | None = None) -> Iterator[RecordedEvent]:
        """Stream records by position range."""
        return self._index.read(start, stop)

    def query(self, query: Query) -> Iterator[RecordedEvent]:
        """Stream records passing `query`."""
        return self._index.query(query)

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the record with this id, or None."""
        return self._index.by_id.get(record_id)

    def targeting(self, event_ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        """Return corrections and retractions of these events."""
        return self._index.targeting(event_ids, stop)

    def position_at(self, instant: dt.datetime) -> int:
        """Return the last position recorded at or before `instant`."""
        return self._index.position_at(instant)

    def verify(self) -> VerifyReport:
        """Re-check every stored envelope."""
        return self._index.verify(self.codec)

    def close(self) -> None:
        """Nothing to release."""
