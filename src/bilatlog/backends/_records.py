"""Decoded records in position order, with the indexes reads need: memory's log, JSONL's cache.

The in-memory log keeps its records in a `RecordIndex`; the JSONL log keeps
the same structure as its cache of the file. `verify_envelopes` checks stored
envelopes (positions, chain, hashes, clock order, batches, decoding, ids) for
both.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from bilatlog._codec import Codec, hash_envelope
from bilatlog.backends._contract import Query, VerifyReport, actor_levels, clean_report
from bilatlog.backends._writing import Head
from bilatlog.events import Event, RecordedEvent, Retraction
from bilatlog.exceptions import IntegrityError

__all__ = ["RecordIndex", "verify_envelopes"]


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
