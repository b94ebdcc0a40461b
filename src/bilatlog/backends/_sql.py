"""What the SQL backends (SQLite, PostgreSQL) share: one row layout and its checks.

Each record is one row of `events` — the columns queries filter on, plus the
canonical envelope (`body`) and its hash — and one row of `actors` per actor
and each of its parent units (`US.DEA` also files under `US`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from bilatlog._codec import hash_envelope, loads, record_hash
from bilatlog.backends._contract import VerifyReport, actor_levels, clean_report
from bilatlog.events import Event, Record, RecordedEvent
from bilatlog.exceptions import IntegrityError

if TYPE_CHECKING:
    from bilatlog._codec import Codec, Sealed
    from bilatlog.backends._contract import Query

__all__ = [
    "EVENT_COLUMNS",
    "INDEXED_COLUMNS",
    "VERIFY_COLUMNS",
    "SqlReads",
    "check_row",
    "checked_envelopes",
    "decode_log",
    "decode_rows",
    "rows_of",
    "verify_rows",
]

#: The columns queries filter on, in the order `_indexed` gives them: from the record.
INDEXED_COLUMNS: Final = ("id", "kind", "type", "track", "status", "lo", "hi", "target")
#: The columns of `events`, in the order `rows_of` fills them: the indexed ones between the
#: position and the envelope's own.
EVENT_COLUMNS: Final = ", ".join(
    ("position", *INDEXED_COLUMNS, "recorded_at", "prev_hash", "hash", "body")
)
#: What `check_row` reads, in order.
VERIFY_COLUMNS: Final = EVENT_COLUMNS


def _indexed(r: Record, kind: str) -> tuple[Any, ...]:
    """The INDEXED_COLUMNS of a record (`kind` for a correction or retraction)."""
    if type(r) is Event:
        on = r.on
        return (r.id, "event", r.type, r.track, r.status, on.lo.toordinal(), on.hi.toordinal(),
                None)  # fmt: skip
    return (r.id, kind, None, None, None, None, None, r.target)  # type: ignore[union-attr]


@functools.lru_cache(maxsize=4096)
def _sorted_levels(actors: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(actor_levels(actors)))


def rows_of(sealed: Iterable[Sealed]) -> tuple[list[tuple[Any, ...]], list[tuple[str, int]]]:
    """The `events` rows (EVENT_COLUMNS order) and `actors` rows for sealed records."""
    rows: list[tuple[Any, ...]] = []
    actor_rows: list[tuple[str, int]] = []
    add, add_actors = rows.append, actor_rows.extend
    for rec, env, body in sealed:
        r = rec.record
        position = rec.position
        add((position, *_indexed(r, env["kind"]), env["recorded_at"], env["prev"], env["hash"],
             body))  # fmt: skip
        if type(r) is Event and r.actors:
            add_actors([(a, position) for a in _sorted_levels(r.actors)])
    return rows, actor_rows


def _checked(position: int, hash_: str, body: str) -> dict[str, Any]:
    """The envelope of one `(position, hash, body)` row, after checking the body against its hash.

    A row changed behind the store's back is an IntegrityError on read, not a
    silent answer.
    """
    if record_hash(body) != hash_:
        raise IntegrityError(
            "the stored record does not match its hash (changed outside bilatlog?); "
            "run verify() for the first broken position",
            position=position,
        )
    try:
        env = loads(body)
    except ValueError as e:
        raise IntegrityError(f"the stored body is not JSON ({e})", position=position) from None
    if type(env) is not dict or env.get("position") != position:
        found = env.get("position") if isinstance(env, dict) else None
        raise IntegrityError(
            f"the row numbered {position} holds the record of position "
            f"{found!r} (rows re-numbered outside bilatlog?)",
            position=position,
        )
    env["hash"] = hash_
    return env


def _open(codec: Codec, env: dict[str, Any]) -> RecordedEvent:
    """Rebuild a hash-checked envelope (what a writer validated: no validators re-run)."""
    try:
        return codec.open_envelope(env, trusted=True)
    except IntegrityError as e:
        raise IntegrityError(e.reason, position=env["position"]) from e


def decode_rows(codec: Codec, rows: Iterable[tuple[Any, ...]]) -> Iterator[RecordedEvent]:
    """Decode `(position, hash, body)` rows (any positions), checking each body against its hash."""
    for position, hash_, body in rows:
        yield _open(codec, _checked(position, hash_, body))


def decode_log(
    codec: Codec, rows: Iterable[tuple[Any, ...]], start: int
) -> Iterator[RecordedEvent]:
    """Decode rows read in position order from `start`, checked as `checked_envelopes` checks."""
    for env, _ in checked_envelopes(rows, start):
        yield _open(codec, env)


def checked_envelopes(
    rows: Iterable[tuple[Any, ...]], start: int
) -> Iterator[tuple[dict[str, Any], str]]:
    """`(envelope, text)` for `(position, hash, body)` rows read in position order from `start`.

    Each body is checked against its hash, and the rows against each other: no
    gap, each chaining to the one before. A row deleted or slipped in behind the
    store's back is an IntegrityError on read, at the first position where the
    log no longer follows on.
    """
    expected, prev = max(start, 1), None
    for position, hash_, body in rows:
        if position != expected:
            raise IntegrityError(
                f"position {expected} is missing (a row deleted outside bilatlog?)",
                position=expected,
            )
        env = _checked(position, hash_, body)
        if prev is not None and env.get("prev") != prev:
            raise IntegrityError("the record does not chain to the one before", position=position)
        yield env, body
        expected, prev = expected + 1, hash_


def check_row(
    codec: Codec, row: tuple[Any, ...], expected: int, prev_hash: str, prev_at: str
) -> VerifyReport | RecordedEvent:
    """Check one VERIFY_COLUMNS row fully (position, chain, hash, time, decoding, columns).

    Returns the decoded record, or the report of what is wrong with it.
    """
    position, *indexed, at, prev, hash_, body = row

    def bad(reason: str) -> VerifyReport:
        return VerifyReport(
            ok=False, checked=expected - 1, position=expected, reason=reason, head_hash=prev_hash
        )

    if position != expected:
        return bad(f"expected position {expected}, found {position}")
    try:
        env = loads(body)
    except ValueError as e:
        return bad(f"the stored body is not JSON ({e})")
    if type(env) is not dict:
        return bad("the stored body is not a JSON object")
    env["hash"] = hash_
    if env.get("position") != position or env.get("prev") != prev or prev != prev_hash:
        return bad("the record does not chain to the one before")
    try:
        if hash_envelope(env) != hash_:
            return bad("the record's content does not match its hash")
    except IntegrityError as e:
        return bad(e.reason)
    if env.get("recorded_at") != at or at < prev_at:
        return bad("recorded_at differs from the body or goes backwards")
    try:
        rec = codec.open_envelope(env)
    except IntegrityError as e:
        return bad(e.reason)
    if tuple(indexed) != _indexed(rec.record, env["kind"]):
        return bad("an indexed column differs from the stored record")
    return rec


def verify_rows(
    codec: Codec, rows: Iterable[tuple[Any, ...]], actor_rows: Iterable[tuple[Any, ...]]
) -> VerifyReport:
    """Verify VERIFY_COLUMNS rows in position order, and rebuild the actors table beside them.

    `actor_rows` are `(position, actor)` ordered by position then actor. The
    actors table is derived from the records: each event files under every
    actor and its parent units, nothing else does. A row added or removed by
    hand would make `events(actor=...)` lie, so it is reported at its position.
    """
    prev_hash, prev_at, expected = "", "", 1
    actors = iter(actor_rows)
    pending = next(actors, None)
    for row in rows:
        checked = check_row(codec, row, expected, prev_hash, prev_at)
        if isinstance(checked, VerifyReport):
            return checked
        if pending is not None and pending[0] < expected:
            break  # an actor row for a position the log does not hold: reported below
        found: list[str] = []
        while pending is not None and pending[0] == expected:
            found.append(pending[1])
            pending = next(actors, None)
        r = checked.record
        want = sorted(actor_levels(r.actors)) if isinstance(r, Event) else []
        if found != want:
            return VerifyReport(
                ok=False,
                checked=expected - 1,
                position=expected,
                head_hash=prev_hash,
                reason=f"the actors table differs from the stored record (holds {found}, "
                f"the record names {want}): a row added or removed by hand?",
            )
        prev_hash, prev_at = row[11], row[9]
        expected += 1
    if pending is not None:
        return VerifyReport(
            ok=False,
            checked=expected - 1,
            position=int(pending[0]),
            head_hash=prev_hash,
            reason=f"the actors table files {pending[1]!r} under position {pending[0]}, "
            "which the log does not hold: a row added by hand?",
        )
    return clean_report(expected - 1, prev_hash)


class SqlReads:
    """The reads the SQL backends share, over their own paging of `(position, hash, body)` rows.

    A backend gives `_rows(sql, params, pos_index, chunk)` (one page at a time,
    `params[pos_index]` being the statement's `position >= ?`) and
    `_log_rows(start, stop)` (the log's rows in position order).
    """

    codec: Codec

    def _rows(
        self, sql: str, params: list[Any], pos_index: int = 0, chunk: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def _log_rows(self, start: int, stop: int | None) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def _spelled(self, sql: str) -> str:
        """A statement written in SQLite's spelling, in this database's (SQLite: itself)."""
        return sql

    def _type_match(self, glob: str) -> tuple[str, str]:
        """The condition (one `?`) matching a type glob on `e.type`, and its parameter."""
        raise NotImplementedError

    def _decode(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[RecordedEvent]:
        return decode_rows(self.codec, rows)

    def query(self, query: Query) -> Iterator[RecordedEvent]:
        """Stream records passing `query`, filtered in SQL through the indexes."""
        kinds = sorted(query.kinds)
        if not kinds:
            return iter(())  # no kind asked for: nothing passes
        where = ["e.position >= ?"]
        params: list[Any] = [query.start]
        if query.stop is not None:
            where.append("e.position <= ?")
            params.append(query.stop)
        where.append(f"e.kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
        if query.track is not None:
            where.append("e.track = ?")
            params.append(query.track)
        if query.type is not None:
            query.type_regex  # noqa: B018 - validates the pattern (a ValidationError)
            condition, pattern = self._type_match(query.type)
            where.append(condition)
            params.append(pattern)
        window = query.window
        if window is not None:
            where.append("e.lo <= ? AND e.hi >= ?")
            params.extend([window[1].toordinal(), window[0].toordinal()])
        join = ""
        if query.actor is not None:
            join = "JOIN bilatlog_actors a ON a.position = e.position AND a.actor = ? "
            params.insert(0, query.actor)
        sql = (
            f"SELECT e.position, e.hash, e.body FROM bilatlog_events e {join}"  # noqa: S608 - fixed SQL, values as parameters
            f"WHERE {' AND '.join(where)} ORDER BY e.position LIMIT ?"
        )
        # with the actor join, the position parameter follows the actor parameter
        return self._stream(self._spelled(sql), params, 1 if join else 0)

    def _stream(
        self, sql: str, params: list[Any], pos_index: int = 0, chunk: int = 2000
    ) -> Iterator[RecordedEvent]:
        """Decoded records of `_rows(sql, ...)`."""
        return self._decode(self._rows(sql, params, pos_index, chunk))

    def read(self, start: int = 1, stop: int | None = None) -> Iterator[RecordedEvent]:
        """Stream records by position range, in chunks (constant memory), fully checked."""
        return decode_log(self.codec, self._log_rows(start, stop), start)

    def read_envelopes(
        self, start: int = 1, stop: int | None = None
    ) -> Iterator[tuple[dict[str, Any], str]]:
        """Stream `(envelope, stored text)` by position range, hash- and chain-checked.

        For reading the log without decoding every record.
        """
        return checked_envelopes(self._log_rows(start, stop), start)
