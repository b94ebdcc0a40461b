"""The in-memory log: the reference backend, for tests and scratch notebooks.

It keeps decoded records in position order with small indexes (by id, track,
type and target). The JSONL backend keeps the same structure as its cache.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, Self

from bilatlog._codec import Codec, hash_envelope
from bilatlog.backends._base import (
    Appender,
    Clock,
    Head,
    Lookups,
    Prepare,
    Query,
    VerifyReport,
    clean_report,
    system_clock,
)
from bilatlog.backends._sql import actor_levels
from bilatlog.events import Event, RecordedEvent, Retraction
from bilatlog.exceptions import IntegrityError

__all__ = ["MemoryBackend"]


class JsonlLike(Protocol):
    """A backend that keeps a `RecordIndex` (memory and JSONL)."""

    _index: RecordIndex

    @property
    def head(self) -> int: ...

    @property
    def url(self) -> str: ...


class RecordIndex:
    """Decoded records in position order, with the indexes reads need."""

    def __init__(self) -> None:
        self.records: list[RecordedEvent] = []
        self.envelopes: list[dict[str, Any]] = []
        self.by_id: dict[str, RecordedEvent] = {}
        self.by_track: dict[str, list[int]] = defaultdict(list)
        self.by_actor: dict[str, list[int]] = defaultdict(list)
        self.by_target: dict[str, list[int]] = defaultdict(list)
        self.retracted: set[str] = set()

    @property
    def head(self) -> Head:
        if not self.records:
            return Head(0, "", None)
        last = self.records[-1]
        return Head(last.position, last.hash, last.recorded_at)

    def add(self, rec: RecordedEvent, env: dict[str, Any]) -> None:
        self.records.append(rec)
        self.envelopes.append(env)
        self.by_id[rec.id] = rec
        r = rec.record
        if isinstance(r, Event):
            if r.track is not None:
                self.by_track[r.track].append(rec.position)
            for level in actor_levels(r.actors):
                self.by_actor[level].append(rec.position)
        else:
            self.by_target[r.target].append(rec.position)
            if isinstance(r, Retraction):
                self.retracted.add(r.target)

    def lookup(self, ids: Sequence[str]) -> dict[str, RecordedEvent]:
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def retracted_among(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i in self.retracted}

    def read(self, start: int = 1, stop: int | None = None) -> Iterator[RecordedEvent]:
        stop = len(self.records) if stop is None else min(stop, len(self.records))
        for i in range(max(start, 1) - 1, stop):
            yield self.records[i]

    def query(self, q: Query) -> Iterator[RecordedEvent]:
        regex = q.type_regex
        candidates: Iterable[int] | None = None
        if "event" in q.kinds and q.track is not None:
            candidates = self.by_track.get(q.track, [])
        elif "event" in q.kinds and q.actor is not None:
            candidates = self.by_actor.get(q.actor, [])
        if candidates is None:
            for rec in self.read(q.start, q.stop):
                if q.matches(rec, regex):
                    yield rec
            return
        positions = list(candidates)
        lo = bisect.bisect_left(positions, q.start)
        for p in positions[lo:]:
            if q.stop is not None and p > q.stop:
                break
            rec = self.records[p - 1]
            if q.matches(rec, regex):
                yield rec

    def targeting(self, ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        positions = sorted({p for i in ids for p in self.by_target.get(i, ())})
        return [self.records[p - 1] for p in positions if stop is None or p <= stop]

    def verify(self, codec: Codec) -> VerifyReport:
        return verify_envelopes(self.envelopes, codec)

    def position_at(self, instant: dt.datetime) -> int:
        # recorded_at never decreases along positions, so a binary search is exact
        return bisect.bisect_right(self.records, instant, key=lambda r: r.recorded_at)


def verify_envelopes(
    envelopes: Iterable[dict[str, Any]], codec: Codec, lines: Sequence[int] | None = None
) -> VerifyReport:
    """Check positions, chain, hashes, clock order and decoding of stored envelopes."""
    prev_hash = ""
    prev_at = ""
    open_end: int | None = None  # the batch_end of a batch still running
    seen: set[str] = set()
    n = 0
    for n, env in enumerate(envelopes, start=1):
        line = lines[n - 1] if lines is not None else None

        def bad(
            reason: str, *, n: int = n, line: int | None = line, prev: str = prev_hash
        ) -> VerifyReport:
            return VerifyReport(
                ok=False, checked=n - 1, position=n, line=line, reason=reason, head_hash=prev
            )

        if env.get("position") != n:
            return bad(f"expected position {n}, found {env.get('position')!r}")
        if env.get("prev") != prev_hash:
            return bad("the record does not chain to the one before (prev hash differs)")
        try:
            if env.get("hash") != hash_envelope(env):
                return bad("the record's content does not match its hash")
        except IntegrityError as e:
            return bad(e.reason)
        at = env.get("recorded_at", "")
        if not isinstance(at, str) or at < prev_at:
            return bad("recorded_at goes backwards")
        end = env.get("batch_end")
        if (open_end is not None and end != open_end) or (
            end is not None and (type(end) is not int or end < n)
        ):
            return bad(f"bad batch_end {end!r} (the batches do not add up)")
        open_end = end if end is not None and end > n else None
        try:
            rec = codec.open_envelope(env)
        except Exception as e:  # noqa: BLE001 - any decoding failure is the finding
            return bad(f"the record does not decode: {e}")
        if rec.id in seen:
            return bad(f"id {rec.id!r} appears twice")
        seen.add(rec.id)
        prev_hash, prev_at = env["hash"], at
    return clean_report(n, prev_hash)


class MemoryBackend(Appender):
    """An append-only log held in memory: the reference implementation.

    Args:
        clock: returns the current instant (aware); defaults to the system clock.
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        """Create an empty log."""
        self.codec = Codec()
        self._clock = clock or system_clock
        self._index = RecordIndex()
        self._lock = threading.Lock()
        #: where the records were copied from (`copy_of`), for reprs; None if built here
        self.copied_from: str | None = None

    @classmethod
    def copy_of(cls, source: MemoryBackend | JsonlLike, *, clock: Clock | None = None) -> Self:
        """An in-memory copy of another log, record for record (hashes and times kept)."""
        copy = cls(clock=clock)
        source.head  # noqa: B018 - brings a file backend's cache up to date
        index = source._index  # noqa: SLF001 - same family of backends
        report = index.verify(copy.codec)
        report.raise_for_problems()
        for rec, env in zip(index.records, index.envelopes, strict=True):
            copy._index.add(rec, {k: v for k, v in env.items() if k != "batch"})
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
