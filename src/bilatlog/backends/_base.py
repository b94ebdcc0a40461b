"""The backend contract: what every append-only log promises, and the code they share.

A backend stores `RecordedEvent`s. Its promises (see docs/store.md):

1. An append is a batch, written whole or not at all.
2. With `expected_position`, the batch is written only if the head equals it;
   otherwise `ConcurrencyError(expected, actual)`.
3. Positions are 1, 2, 3, ... with no gaps, in commit order.
4. `recorded_at` comes from the injected clock, never decreases, and is aware UTC.
5. Each record's hash is SHA-256 over its canonical bytes, which include the
   previous record's hash.
6. Appending an event whose id is stored with identical content returns the
   stored record and writes nothing; with different content, `IntegrityError`.
7. A correction or retraction names a stored (or same-batch) event that is not
   retracted; a correction cannot target a correction.
7a. No record cites a source published after its own `recorded_at` (the
   batch is refused whole, with a `ValidationError` naming the source).
8. Reads stream by position range and by filters evaluated inside the backend.
9. `verify()` re-checks everything and reports the first broken position.
10. Nothing stored is ever changed or removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import attrs

from bilatlog._codec import Codec, Sealed, canonical_text
from bilatlog.events import (
    Correction,
    Event,
    Record,
    RecordedEvent,
    Retraction,
    cited_sources,
    published_after,
)
from bilatlog.exceptions import ConcurrencyError, IntegrityError, ValidationError
from bilatlog.time import When

__all__ = [
    "Appender",
    "Backend",
    "Clock",
    "Query",
    "VerifyReport",
    "clean_report",
    "prepare_batch",
    "system_clock",
]

#: A clock returns the current instant as an aware datetime.
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Return the current instant in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


@attrs.frozen(kw_only=True)
class VerifyReport:
    """What `verify()` found.

    Attributes:
        ok: True when every check passed.
        checked: how many records were checked (the last good position).
        position: when ok, the head position (0 for an empty log); otherwise
            the first broken position (or None when the problem has none).
        head_hash: the hash of the last good record (the head's, when ok);
            "" for an empty log. Publish `(position, head_hash)` and check it
            later with `verify(expect=...)`.
        line: the line number (file backends), or None.
        reason: what is wrong, in words ("" when ok; a note such as a torn
            tail otherwise).
    """

    ok: bool
    checked: int
    position: int | None = None
    line: int | None = None
    reason: str = ""
    head_hash: str = ""

    def __bool__(self) -> bool:
        """Return True when the store verified clean."""
        return self.ok

    def raise_for_problems(self) -> None:
        """Raise `IntegrityError` when the store did not verify."""
        if not self.ok:
            raise IntegrityError(self.reason, position=self.position, line=self.line)


def clean_report(checked: int, head_hash: str, reason: str = "") -> VerifyReport:
    """The report of a log that verified: `position` is its head."""
    return VerifyReport(ok=True, checked=checked, position=checked, head_hash=head_hash,
                        reason=reason)  # fmt: skip


def _compile_type_pattern(pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    if not re.fullmatch(r"[a-z0-9_.*?\[\]-]+", pattern):
        raise ValidationError(
            "type", pattern, "not a type pattern.", "use e.g. 'operations.*' or 'initiative.ended'."
        )
    return re.compile(fnmatch.translate(pattern))


@attrs.frozen(kw_only=True)
class Query:
    """A filter on events, evaluated inside the backend.

    Attributes:
        track: only events of this track.
        type: a glob on the type, e.g. `operations.*`.
        actor: only events naming this actor or one of its units (`US` matches `US.DEA`).
        between: only events whose date may overlap `[start, end]` (inclusive; Whens).
        start: the first position (inclusive).
        stop: the last position (inclusive), e.g. a knowledge position.
        kinds: which record kinds (`event`, `correction`, `retraction`).
    """

    track: str | None = None
    type: str | None = None
    actor: str | None = None
    between: tuple[When, When] | None = None
    start: int = 1
    stop: int | None = None
    kinds: frozenset[str] = frozenset({"event"})

    @property
    def type_regex(self) -> re.Pattern[str] | None:
        """The compiled type glob."""
        return _compile_type_pattern(self.type)

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        """The valid-time window as (first day, last day)."""
        if self.between is None:
            return None
        return self.between[0].lo, self.between[1].hi

    def matches(self, rec: RecordedEvent, type_regex: re.Pattern[str] | None = None) -> bool:
        """Answer whether a record passes this filter (the reference semantics)."""
        if rec.position < self.start or (self.stop is not None and rec.position > self.stop):
            return False
        kind = Codec.kind_of(rec.record)
        if kind not in self.kinds:
            return False
        r = rec.record
        if not isinstance(r, Event):
            # corrections and retractions only pass filters that do not look at event fields
            return (
                self.track is None
                and self.type is None
                and self.actor is None
                and (self.between is None)
            )
        if self.track is not None and r.track != self.track:
            return False
        if type_regex is not None and not type_regex.fullmatch(r.type):
            return False
        if self.actor is not None and not any(actor_matches(a, self.actor) for a in r.actors):
            return False
        window = self.window
        return window is None or (r.on.lo <= window[1] and r.on.hi >= window[0])


def actor_matches(actor: str, wanted: str) -> bool:
    """`US.DEA` matches `US.DEA` and `US`; `US` does not match `US.DEA`."""
    return actor == wanted or actor.startswith(wanted + ".")


@runtime_checkable
class Backend(Protocol):
    """The append-only log every storage backend implements.

    See the module docstring for the promises; `tests/backends/` checks them
    all against every backend.
    """

    codec: Codec

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        ...

    @property
    def url(self) -> str:
        """Where this log lives, for messages and reprs."""
        ...

    def append(
        self, records: Sequence[Record], *, expected_position: int | None = None
    ) -> list[RecordedEvent]:
        """Append a batch atomically; return the stored records, in order."""
        ...

    def copy_in(self, records: Sequence[RecordedEvent]) -> list[RecordedEvent]:
        """Append records from another log verbatim: same positions, times and hashes."""
        ...

    def read(self, start: int = 1, stop: int | None = None) -> Iterator[RecordedEvent]:
        """Stream records with start <= position <= stop, in position order."""
        ...

    def query(self, query: Query) -> Iterator[RecordedEvent]:
        """Stream the records passing `query`, in position order."""
        ...

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the record with this id, or None."""
        ...

    def targeting(self, event_ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        """Return the corrections and retractions of these events, in position order."""
        ...

    def position_at(self, instant: dt.datetime) -> int:
        """Return the last position recorded at or before `instant` (0 if none)."""
        ...

    def verify(self) -> VerifyReport:
        """Re-check the whole log; report the first broken position."""
        ...

    def close(self) -> None:
        """Release resources; the log stays as it is."""
        ...


# -- shared append logic -------------------------------------------------------------


@attrs.frozen
class Head:
    """Where the log ends: position, hash and recorded_at of the last record."""

    position: int
    hash: str
    recorded_at: dt.datetime | None


def check_clock(instant: object) -> dt.datetime:
    """Validate what a clock returned: an aware datetime, converted to UTC."""
    if not isinstance(instant, dt.datetime) or instant.utcoffset() is None:
        raise ValidationError(
            "clock",
            instant,
            "the clock must return an aware datetime.",
            "return e.g. datetime.now(timezone.utc).",
        )
    return instant.astimezone(dt.UTC)


def prepare_batch(
    records: Sequence[Record],
    *,
    head: Head,
    expected_position: int | None,
    codec: Codec,
    clock: Clock,
    lookup: Callable[[Sequence[str]], dict[str, RecordedEvent]],
    retracted: Callable[[Sequence[str]], set[str]],
    targeting: Callable[[Sequence[str]], list[RecordedEvent]],
) -> tuple[list[RecordedEvent], list[Sealed]]:
    """Check a batch against the log's head and contents, and seal the new records.

    Runs inside the backend's lock or transaction. Returns `(result, sealed)`:
    `result` holds one stored record per input record (existing ones for
    idempotent repeats); `sealed` holds the new records to write, in order.

    Raises:
        ConcurrencyError: `expected_position` is not the head.
        IntegrityError: an id is stored with different content.
        ValidationError: a malformed batch, or a correction of an unknown,
            retracted or non-event record.
    """
    if expected_position is not None:
        if isinstance(expected_position, bool) or not isinstance(expected_position, int):
            raise ValidationError(
                "expected_position", expected_position, "expected an int.", "pass tl.position."
            )
        if expected_position != head.position:
            raise ConcurrencyError(expected=expected_position, actual=head.position)
    for i, r in enumerate(records):
        if not isinstance(r, (Event, Correction, Retraction)):
            raise ValidationError(
                f"events[{i}]", r, "not an Event, Correction or Retraction.", "build bl.Event(...)."
            )
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValidationError(
            "id", dup, "the batch holds this id twice.", "give each record its own id."
        )
    existing = lookup(ids)
    targets = [r.target for r in records if isinstance(r, (Correction, Retraction))]
    target_records = lookup([t for t in targets if t not in existing]) if targets else {}
    retracted_ids = set(retracted(targets)) if targets else set()  # this batch adds to it
    # corrections already stored, so a new correction is checked against the current version
    prior: dict[str, list[Correction]] = {}
    for c in targeting(targets) if targets else ():
        if isinstance(c.record, Correction):
            prior.setdefault(c.record.target, []).append(c.record)

    now = check_clock(clock())
    if head.recorded_at is not None and now < head.recorded_at:
        now = head.recorded_at  # recorded_at never decreases, even if the clock steps back
    result: list[RecordedEvent | None] = []
    fresh: list[Record] = []
    batch_events: dict[str, Record] = {}
    for r in records:
        stored = existing.get(r.id)
        if stored is not None:
            if type(stored.record) is not type(r) or canonical_text(
                codec.record_to_dict(stored.record)
            ) != canonical_text(codec.record_to_dict(r)):
                raise IntegrityError(
                    f"id {r.id!r} is already stored with different content; ids are "
                    "forever. Fix: record a correction of it, or use a new id.",
                    position=stored.position,
                )
            result.append(stored)
            continue
        if isinstance(r, (Correction, Retraction)):
            _check_target(r, existing, target_records, batch_events, retracted_ids, prior)
            if isinstance(r, Correction):
                prior.setdefault(r.target, []).append(r)
            else:  # a later record of this batch cannot correct or retract it either
                retracted_ids.add(r.target)
        _check_provenance(r, now, position=head.position + 1 + len(fresh))
        fresh.append(r)
        result.append(None)
        batch_events[r.id] = r
    sealed = codec.seal_batch(fresh, first=head.position + 1, recorded_at=now, prev_hash=head.hash)
    new = iter(sealed)
    return [r if r is not None else next(new).record for r in result], sealed


def _check_provenance(r: Record, recorded_at: dt.datetime, *, position: int) -> None:
    """Refuse a record citing a source published after the record is stored.

    The dataset could not have known it yet. A source dated imprecisely
    (`2021-10`) is refused only when its earliest day is after the record's
    `recorded_at` (its UTC day): it is certainly from the future. The rule
    is `bilatlog.events.published_after`, which `tl.audit()` also applies.
    """
    for s in cited_sources(r):
        if s.published is not None and published_after(s, recorded_at):
            name = s.outlet or s.title or s.url
            raise ValidationError(
                "sources",
                name,
                f"published {s.published.edtf}, after this record's recorded_at "
                f"{recorded_at.isoformat()} (it would be position {position}): the dataset "
                "could not have known it yet.",
                "check the source's publication date, or record the claim once it is published.",
            )


def _check_target(  # noqa: PLR0917 - a private helper of prepare_batch
    r: Correction | Retraction,
    existing: dict[str, RecordedEvent],
    target_records: dict[str, RecordedEvent],
    batch: dict[str, Record],
    retracted: set[str],
    prior: dict[str, list[Correction]],
) -> None:
    """Check a correction's or retraction's target; `retracted` includes this batch's."""
    what = "correct" if isinstance(r, Correction) else "retract"
    target: Record | None
    if r.target in batch:
        target = batch[r.target]
    else:
        found = existing.get(r.target) or target_records.get(r.target)
        target = found.record if found is not None else None
    if target is None:
        raise ValidationError(
            "target",
            r.target,
            f"cannot {what} an event that is not in the store.",
            "check the id with tl.events() or tl.get(id).",
        )
    if not isinstance(target, Event):
        raise ValidationError(
            "target",
            r.target,
            f"cannot {what} a {type(target).__name__.lower()}; it names an event, not a record.",
            "name the original event's id.",
        )
    if r.target in retracted:
        raise ValidationError(
            "target",
            r.target,
            f"cannot {what} an event that is already retracted.",
            "record a new event instead.",
        )
    if isinstance(r, Correction):
        current = target
        for c in prior.get(r.target, ()):
            current = c.apply(current)
        r.apply(current)  # the corrected event must still be valid (e.g. status needs a track)


#: What a backend's locked write path calls with the head: returns (result, records to write).
Prepare = Callable[[Head], tuple[list[RecordedEvent], list[Sealed]]]


def prepare_copy(records: Sequence[RecordedEvent], *, head: Head, codec: Codec) -> list[Sealed]:
    """Re-seal records from another log, verbatim: same positions, times and hashes.

    The records must continue this log exactly (first position head + 1, first
    prev_hash the head's hash), and each must re-hash to its own hash: a copy
    is either identical, or refused.
    """
    out: list[Sealed] = []
    prev_hash, prev_at = head.hash, head.recorded_at
    for i, rec in enumerate(records):
        if rec.position != head.position + 1 + i:
            raise IntegrityError(
                f"a copy must continue the log: expected position {head.position + 1 + i}, "
                f"got {rec.position}. Fix: copy into an empty store, from position 1.",
                position=rec.position,
            )
        if prev_at is not None and rec.recorded_at < prev_at:
            raise IntegrityError("recorded_at goes backwards", position=rec.position)
        [sealed] = codec.seal_batch(
            [rec.record],
            first=rec.position,
            recorded_at=rec.recorded_at,
            prev_hash=prev_hash,
            batch_end=rec.batch,
        )
        if sealed.record.hash != rec.hash or rec.prev_hash != prev_hash:
            raise IntegrityError(
                "the record does not re-hash to its stored hash: not a faithful copy",
                position=rec.position,
            )
        out.append(sealed)
        prev_hash, prev_at = rec.hash, rec.recorded_at
    return out


#: A backend's lookups for prepare_batch: by id, retracted ids, corrections by target.
Lookups = tuple[
    Callable[[Sequence[str]], dict[str, RecordedEvent]],
    Callable[[Sequence[str]], set[str]],
    Callable[[Sequence[str]], list[RecordedEvent]],
]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch's many short-lived objects.

    Sealing makes no reference cycles; with the collector running, its passes
    over everything the caller holds took a third of an append's Python time.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Appender:
    """`append` and `copy_in` for a backend that gives its lookups and a locked `_write`.

    A backend sets `codec` and `_clock`, implements `_lookups()` (lookup by id,
    retracted ids, corrections by target) and `_write(prepare)`, which calls
    `prepare(head)` inside its lock or transaction and stores what it returns.
    """

    codec: Codec
    _clock: Clock

    def _lookups(self) -> Lookups:
        raise NotImplementedError

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        raise NotImplementedError

    def append(
        self, records: Sequence[Record], *, expected_position: int | None = None
    ) -> list[RecordedEvent]:
        """Append a batch atomically (see the module docstring's promises)."""
        lookup, retracted, targeting = self._lookups()
        with gc_paused():
            return self._write(
                lambda head: prepare_batch(
                    records,
                    head=head,
                    expected_position=expected_position,
                    codec=self.codec,
                    clock=self._clock,
                    lookup=lookup,
                    retracted=retracted,
                    targeting=targeting,
                )
            )

    def copy_in(self, records: Sequence[RecordedEvent]) -> list[RecordedEvent]:
        """Append records from another log verbatim (same positions, times, hashes)."""
        return self._write(
            lambda head: (list(records), prepare_copy(records, head=head, codec=self.codec))
        )
