"""The shared write path: every rule an append must keep, checked under the backend's lock.

A backend implements `_lookups()` and `_write(prepare)`: `_write` takes its
write lock (a `threading.Lock`, an exclusive `flock`, `BEGIN IMMEDIATE`, the
`writer_lock` row), reads the head, calls `prepare(head)` and stores what it
returns, all before letting go. `Appender.append` gives it `prepare_batch`, so
these rules hold against the log as it stands under that lock, never against
an earlier read of it: the expected position, ids (new, or repeated with
identical content), the `fulfils` of events and corrections, the targets of
corrections and retractions, sources published after `recorded_at`, and the
clock that never runs back. `copy_in` gives it `prepare_copy`: a verbatim
copy is checked for faithfulness, not judged again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence

import attrs

from bilatlog._codec import Codec, Sealed, canonical_text
from bilatlog.backends._contract import Clock, system_clock
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

__all__ = [
    "Appender",
    "Head",
    "Lookups",
    "Prepare",
    "gc_paused",
    "prepare_batch",
    "prepare_copy",
]


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
        ValidationError: a malformed batch, a correction of an unknown,
            retracted or non-event record, or a `fulfils` naming no plan.
    """
    _check_fulfils(records, lookup)
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


def _check_fulfils(
    records: Sequence[Record], lookup: Callable[[Sequence[str]], dict[str, RecordedEvent]]
) -> None:
    """Every `fulfils` named, by an event or by a correction, is a planned event.

    The plan is in the batch, or stored: looked up under the write lock, so the
    answer is the log's as this batch is written.
    """
    in_batch = {r.id: r for r in records if isinstance(r, Event)}
    named: list[str] = []
    for r in records:
        name: object = r.fulfils if isinstance(r, Event) else None
        if isinstance(r, Correction):
            name = r.changes.get("fulfils")
        if isinstance(name, str):
            named.append(name)
    if not named:
        return
    stored = lookup([n for n in dict.fromkeys(named) if n not in in_batch])
    for name in named:
        plan: Record | None = in_batch.get(name)
        if plan is None:
            found = stored.get(name)
            plan = found.record if found is not None else None
        if not isinstance(plan, Event) or not plan.planned:
            raise ValidationError(
                "fulfils",
                name,
                "names no planned event in the store.",
                "record the plan first (planned=True), then name its id.",
            )


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

    A backend calls `Appender.__init__(self, clock)`, implements `_lookups()` (lookup by id,
    retracted ids, corrections by target) and `_write(prepare)`, which calls
    `prepare(head)` inside its lock or transaction and stores what it returns.
    """

    codec: Codec
    _clock: Clock

    def __init__(self, clock: Clock | None) -> None:
        """A fresh codec, and the clock (the system clock by default)."""
        self.codec = Codec()
        self._clock = clock or system_clock

    def _lookups(self) -> Lookups:
        raise NotImplementedError

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        raise NotImplementedError

    def append(
        self, records: Sequence[Record], *, expected_position: int | None = None
    ) -> list[RecordedEvent]:
        """Append a batch atomically (see `bilatlog.backends._contract`'s promises)."""
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
