"""The backend contract: what every append-only log promises, and what callers may ask of it.

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
   retracted; a correction cannot target a correction. An event's (or a
   correction's) `fulfils` names a planned event.
7a. No record cites a source published after its own `recorded_at` (the
   batch is refused whole, with a `ValidationError` naming the source).
8. Reads stream by position range and by filters evaluated inside the backend.
9. `verify()` re-checks everything and reports the first broken position.
10. Nothing stored is ever changed or removed.
11. A log found shorter than the head it acknowledged, or forked from it, is
    an `IntegrityError` on open.
12. A read-only opening never creates, changes or locks out a store.

The rules of 1-7a are checked under the backend's write lock, against the log
as it stands there: `bilatlog.backends._writing` is that shared write path.

`Backend` is the whole of what callers (`Timeline`, the CLI, exporters, the
notebook views) may ask of a backend: nothing probes for a method with
`getattr`. A backend that lacks a capability gives the honest answer (no index
of its own: `index_db()` is None; no notifications: `wait` polls);
`bilatlog.backends._defaults.Defaults` holds those answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from bilatlog._codec import Codec
from bilatlog.events import Event, Record, RecordedEvent
from bilatlog.exceptions import IntegrityError, ValidationError
from bilatlog.time import When

__all__ = [
    "Backend",
    "Clock",
    "IndexReader",
    "Query",
    "Rows",
    "VerifyReport",
    "actor_levels",
    "actor_matches",
    "check_type_pattern",
    "clean_report",
    "compile_type_pattern",
    "system_clock",
    "type_glob_regex",
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


def type_glob_regex(pattern: str) -> str:
    """A type glob as the body of a regular expression both Python and PostgreSQL read alike.

    The glob is shell-style, as `fnmatch` reads it: `*` any run, `?` one
    character, `[a-h]` one of a class (`]` first in a class is itself); a `[`
    with no `]` after it is itself. Only the characters a type pattern may hold
    occur (`check_type_pattern`), so the body needs nothing beyond `.`, `.*`,
    escaped dots and hyphens and bracket classes: no atomic groups, which
    `fnmatch.translate` writes for two stars and PostgreSQL refuses. SQLite's
    GLOB reads the glob itself; tests/backends/test_conformance.py holds all
    three to `Query.matches`, and a test to `fnmatch.fnmatchcase`.
    """
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = i + 1 if i < n and pattern[i] == "]" else i
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:  # no closing bracket: a literal one
                out.append("\\[")
            else:
                out.append(f"[{_class_body(pattern[i:j], pattern)}]")
                i = j + 1
        else:
            out.append(re.escape(c))
    return "".join(out)


def _class_body(body: str, pattern: str) -> str:
    r"""A bracket class's members, each spelt alike for Python and PostgreSQL.

    The members are read as `fnmatch` reads them: a `-` between two characters
    makes a range, unless it starts the class, ends it, or follows a range
    (`[a-c-e]` is a to c, `-` and `e`); `]` first is itself. Each member is then
    written as itself (a letter, digit or `_`) or as a `\uXXXX` escape, so no
    engine reads a range, a collating element (`[.`) or a set operation into
    it. A range that runs backwards (`[z-a]`) is refused, naming the
    `pattern`: it would match nothing.
    """
    chunks, start, k = [], 0, 1  # a `-` first is itself
    while (k := body.find("-", k)) >= 0:
        chunks.append(body[start:k])
        start, k = k + 1, k + 3  # after a range, a `-` is itself
    if body[start:]:
        chunks.append(body[start:])
    else:
        chunks[-1] += "-"  # a `-` last is itself
    members = set("".join(chunks))
    for before, after in itertools.pairwise(chunks):
        lo, hi = before[-1], after[0]
        if lo > hi:
            raise ValidationError(
                "type",
                pattern,
                f"the range {lo}-{hi} runs backwards (it matches nothing).",
                f"write it {hi}-{lo}.",
            )
        members.update(map(chr, range(ord(lo), ord(hi) + 1)))
    return "".join(
        c if c.isascii() and (c.isalnum() or c == "_") else f"\\u{ord(c):04x}"
        for c in sorted(members)
    )


def check_type_pattern(pattern: str) -> str:
    """The pattern itself, when it is a type pattern; else a ValidationError naming it."""
    if not re.fullmatch(r"[a-z0-9_.*?\[\]-]+", pattern):
        raise ValidationError(
            "type", pattern, "not a type pattern.", "use e.g. 'operations.*' or 'initiative.ended'."
        )
    return pattern


def compile_type_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """The compiled type glob (matched whole, with `fullmatch`), or None for no pattern."""
    if pattern is None:
        return None
    return re.compile(type_glob_regex(check_type_pattern(pattern)))


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
        return compile_type_pattern(self.type)

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
    """`US.DEA` matches `US.DEA` and `US`; `US` does not match `US.DEA` (see `actor_levels`)."""
    return wanted in actor_levels((actor,))


@functools.lru_cache(maxsize=4096)  # the same actor lists come back again and again
def actor_levels(actors: tuple[str, ...]) -> frozenset[str]:
    """Every actor with each of its parent units: `US.DEA` -> {`US`, `US.DEA`}.

    The index side of `actor_matches`: a record files under each of these.
    """
    out: set[str] = set()
    for a in actors:
        parts = a.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(out)


class Rows(Protocol):
    """What a query gives: its rows."""

    def fetchall(self) -> list[Any]:
        """Every row."""
        ...


class IndexReader(Protocol):
    """A read-only connection to a bitemporal index, in SQLite's spelling of the SQL.

    `sqlite3.Connection`, or PostgreSQL's `PgReader` (which translates); the
    query engine (`bilatlog.projections._query.Engine`) reads through it.
    """

    def execute(self, sql: str, params: Any = ..., /) -> Rows:  # noqa: ANN401 - the driver's
        """Run one query."""
        ...


@runtime_checkable
class Backend(Protocol):
    """The append-only log every storage backend implements, and all a caller may ask of it.

    See the module docstring for the promises; `tests/backends/` checks them
    all against every backend, and that each backend has every member here.
    """

    codec: Codec
    #: whether this opening refuses every write (and never creates the store)
    readonly: bool
    #: where the records were copied from (`MemoryBackend.copy_of`), for reprs; else None
    copied_from: str | None

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        ...

    @property
    def url(self) -> str:
        """Where this log lives, for messages and reprs."""
        ...

    @property
    def files(self) -> tuple[Path, ...]:
        """The files this log is kept in (its own first); () in memory or on a server."""
        ...

    @property
    def sidecar(self) -> Path | None:
        """Where a derived index of this log is kept beside it, or None.

        Only a log that keeps no index of its own and lives in a file has one
        (JSONL: `name.jsonl.index.db`); whether it may be written is the
        mirror's to decide (`bilatlog.projections._mirror`).
        """
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

    def wait(self, after: int, timeout: float | None, *, poll: float = 0.25) -> bool:
        """Wait a while for the head to pass `after`; return whether it did.

        A backend told of commits (PostgreSQL: LISTEN/NOTIFY) wakes at once and
        waits at most `timeout` seconds, and at most one; the others sleep one
        `poll` interval (at most `timeout`). Callers loop until they are done.
        """
        ...

    def index_db(self) -> tuple[IndexReader, threading.RLock] | None:
        """The connection holding this log's bitemporal index, with the lock guarding it.

        For the query engine, which only reads. None when the log keeps no index
        of its own (memory, JSONL: a timeline answers through a mirror), or its
        store has none and may not be given one here.
        """
        ...

    def reindex(self, *, progress: bool | None = None) -> bool:
        """Rebuild the bitemporal index this log keeps, from the log; return True.

        False, doing nothing, when it keeps none (memory, JSONL): the caller's
        mirror is its index, and the caller rebuilds that.
        """
        ...

    def verify(self) -> VerifyReport:
        """Re-check the whole log; report the first broken position."""
        ...

    def close(self) -> None:
        """Release resources; the log stays as it is."""
        ...
