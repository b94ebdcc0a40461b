"""The SQLite log: an embedded database for timelines that outgrow a text file.

How the promises are kept:

- **Durable and atomic**: WAL journal, `synchronous=FULL`; a batch is one
  `BEGIN IMMEDIATE ... COMMIT` transaction.
- **Append-only, even against raw SQL**: triggers refuse `UPDATE` and `DELETE`
  on every table, and refuse an `INSERT` whose position is not head + 1 (no
  gaps, no re-numbering). (`DROP TABLE` cannot be refused by a trigger; file
  permissions are the guard there.)
- **Queries do not read the whole log**: indexes on position, id, track with
  its earliest valid day, type, earliest valid day, target, and actors (in
  their own table), so a query for one track or period reads only its rows.
  (`recorded_at` needs no index: it never decreases along positions, so
  "position known at an instant" is a binary search on the primary key.)
- **Several processes**: `BEGIN IMMEDIATE` takes the write lock up front, with a
  busy timeout; readers are never blocked (WAL).
- **Tamper evidence**: each row keeps its canonical envelope (`body`) and hash;
  `verify()` recomputes the chain and checks the indexed columns against it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from bilatlog._codec import SCHEMA_VERSION, Sealed, format_instant, parse_instant
from bilatlog.backends._contract import Clock, VerifyReport
from bilatlog.backends._defaults import Defaults
from bilatlog.backends._files import check_store_file
from bilatlog.backends._heads import HeadMemory, remembered_head
from bilatlog.backends._sql import (
    EVENT_COLUMNS,
    VERIFY_COLUMNS,
    SqlReads,
    rows_of,
    verify_rows,
)
from bilatlog.backends._versions import (
    VersionWriter,
    create_index,
    has_index,
    index_guarded,
    positions,
    rebuild,
    verify_index,
)
from bilatlog.backends._writing import Appender, Head, Lookups, Prepare
from bilatlog.events import RecordedEvent
from bilatlog.exceptions import StorageError, ValidationError

__all__ = ["SqliteBackend"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS bilatlog_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bilatlog_events (
    position    INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    type        TEXT,
    track       TEXT,
    status      TEXT,
    lo          INTEGER,   -- earliest valid day, as a proleptic Gregorian ordinal
    hi          INTEGER,   -- latest valid day
    target      TEXT,      -- the event a correction or retraction names
    recorded_at TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    body        TEXT NOT NULL  -- the canonical envelope without its hash
);
CREATE TABLE IF NOT EXISTS bilatlog_actors (
    actor    TEXT NOT NULL,
    position INTEGER NOT NULL REFERENCES bilatlog_events(position),
    PRIMARY KEY (actor, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bilatlog_events_track ON bilatlog_events(track, lo);
CREATE INDEX IF NOT EXISTS bilatlog_events_type ON bilatlog_events(type);
CREATE INDEX IF NOT EXISTS bilatlog_events_lo ON bilatlog_events(lo);
CREATE INDEX IF NOT EXISTS bilatlog_events_target ON bilatlog_events(target)
    WHERE target IS NOT NULL;
"""

_TRIGGERS: Final = [
    (f"bilatlog_{table}_no_{op.lower()}", f"BEFORE {op} ON {table}")
    for table in ("bilatlog_events", "bilatlog_actors")
    for op in ("UPDATE", "DELETE")
] + [("bilatlog_bilatlog_meta_no_delete", "BEFORE DELETE ON bilatlog_meta")]

_GAPLESS: Final = """
CREATE TRIGGER IF NOT EXISTS bilatlog_events_gapless BEFORE INSERT ON bilatlog_events
WHEN NEW.position IS NOT (SELECT COALESCE(MAX(position), 0) + 1 FROM bilatlog_events)
BEGIN SELECT RAISE(ABORT, 'bilatlog: positions must be gap-free (head + 1)'); END;
"""

#: Triggers that no INSERT gets past. `INSERT OR REPLACE` deletes the row it conflicts
#: with without firing DELETE triggers (unless the connection set recursive_triggers,
#: which an attacker's does not): so an insert that would meet an existing id, position,
#: meta key or actor row is refused before conflict resolution can delete anything.
_GUARDS: Final = [
    (
        "bilatlog_events_no_replace",
        (
            "BEFORE INSERT ON bilatlog_events WHEN EXISTS "
            "(SELECT 1 FROM bilatlog_events WHERE id = NEW.id OR position = NEW.position) "
            "BEGIN SELECT RAISE(ABORT, 'bilatlog: the log is append-only (id or position "
            "exists)'); END"
        ),
    ),
    (
        "bilatlog_meta_no_replace",
        (
            "BEFORE INSERT ON bilatlog_meta WHEN EXISTS "
            "(SELECT 1 FROM bilatlog_meta WHERE key = NEW.key) "
            "BEGIN SELECT RAISE(ABORT, 'bilatlog: bilatlog_meta is append-only'); END"
        ),
    ),
    (
        "bilatlog_actors_no_replace",
        (
            "BEFORE INSERT ON bilatlog_actors WHEN EXISTS "
            "(SELECT 1 FROM bilatlog_actors WHERE actor = NEW.actor AND position = NEW.position) "
            "BEGIN SELECT RAISE(ABORT, 'bilatlog: the log is append-only'); END"
        ),
    ),
]

#: What a NULL column is bound as: SQLite stores a NaN bound as a double as NULL
#: (`sqlite3_bind_double`). Python's sqlite3 binds a None through its adapter lookup,
#: two failed attribute lookups per value (an AttributeError built and dropped each),
#: which cost a tenth of an append's SQL time; a float is bound directly.
_NULL: Final = float("nan")

#: WAL pages written before a writer copies them back into the database file.
_CHECKPOINT_PAGES: Final = 10_000


def nulls_bound(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows to bind, each None as `_NULL`: the same NULLs are stored, bound faster."""
    null = _NULL
    return [[null if v is None else v for v in row] for row in rows]


class _Bound:
    """The connection as the index writer uses it, binding NULLs through `nulls_bound`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Any = (), /) -> sqlite3.Cursor:  # noqa: ANN401
        """Run one statement."""
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> sqlite3.Cursor:
        """Run one statement per row, each None bound as `_NULL`."""
        return self._db.executemany(sql, nulls_bound(rows))


_META_VERSION_GUARD: Final = """
CREATE TRIGGER IF NOT EXISTS bilatlog_meta_no_update BEFORE UPDATE ON bilatlog_meta
BEGIN SELECT RAISE(ABORT, 'bilatlog: the log is append-only'); END;
"""


class SqliteBackend(SqlReads, Appender, Defaults):
    """An append-only log in an SQLite database file.

    Args:
        path: the database file (created if missing), or ":memory:".
        clock: returns the current instant (aware); defaults to the system clock.
        timeout: seconds to wait for another writer's lock.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        timeout: float = 30.0,
        readonly: bool = False,
        remember: bool = True,
        immutable: bool = False,
    ) -> None:
        """Open (and, unless `readonly`, create if needed) the database.

        `remember=False` is for derived copies (a JSONL log's sidecar index):
        no head is remembered for them, since they are rebuilt at will.
        `immutable=True` (with `readonly`) reads the file as it is, creating no
        `-wal`/`-shm` beside it: only for a file no one writes meanwhile.
        """
        self.path = str(path)
        if not self.path:
            raise ValidationError(
                "path",
                self.path,
                "names no file: SQLite would keep the writes in a temporary database "
                "that vanishes on close.",
                "pass a file, e.g. 'relations.db', or bl.open() for a store in memory.",
            )
        self.readonly = readonly
        Appender.__init__(self, clock)
        self._lock = threading.RLock()
        memory_db = self.path == ":memory:"
        if not memory_db:
            check_store_file(Path(self.path), readonly=readonly)
        self._memory = (
            None if memory_db or not remember else HeadMemory(str(Path(self.path).resolve()))
        )
        try:
            if readonly:
                # mode=ro: never creates or writes the file; query_only: refuses writes
                uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
                uri += "&immutable=1" if immutable else ""
                self._db = sqlite3.connect(
                    uri, uri=True, timeout=timeout, isolation_level=None,
                    check_same_thread=False,
                )  # fmt: skip
                self._db.execute("PRAGMA query_only=ON")
            else:
                self._db = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, check_same_thread=False
                )
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
                # copy the WAL back into the file every 10,000 pages (40 MB), not SQLite's
                # 1,000: a batch of a backfill dirties index pages all over, more than 1,000,
                # so each commit was followed by a checkpoint writing them all again; batches
                # that share pages now share a checkpoint. Durability is the WAL's (synced at
                # each commit); a clean close still checkpoints and removes the -wal file.
                self._db.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT_PAGES}")
            self._db.execute("PRAGMA foreign_keys=ON")
            # up to 64 MiB of pages (SQLite's default is 2 MiB): appends to a large log touch
            # index pages all over; with the default, each batch re-reads them (a quarter of
            # an append's CPU at 300k records). Pages are held only once read.
            self._db.execute("PRAGMA cache_size=-65536")
            if readonly and not self._has_table("bilatlog_events"):
                raise StorageError(  # noqa: TRY301 - closes the connection like any failure
                    f"{self.path} is not a bilatlog store (it has no bilatlog_events table). "
                    "Fix: check the path."
                )
            self._writable_reason = (
                f"{self.path} was opened read-only. Fix: open it without readonly=True to append."
                if readonly
                else self._check_version()
            )
            if self._memory is not None:
                # a log shorter than acknowledged (rows removed, tables dropped, an older
                # copy of the file) is refused before any answer, and before anything is
                # written (the schema is only completed after)
                remembered = self._memory.load()  # before the head: writers may commit
                head = self.head if self._has_table("bilatlog_events") else 0
                self._memory.check(head, self._hash_at, url=self.url, remembered=remembered)
            if not self._writable_reason and not self._schema_complete():
                self._create_schema()
        except sqlite3.Error as e:
            if hasattr(self, "_db"):
                self._db.close()
            raise StorageError(f"cannot open SQLite database {self.path}: {e}") from e
        except BaseException:
            if hasattr(self, "_db"):
                self._db.close()
            raise

    def _has_table(self, name: str) -> bool:
        return (
            self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
            ).fetchone()
            is not None
        )

    def _schema_complete(self) -> bool:
        """Whether every table and trigger exists (then opening writes nothing)."""
        names = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        wanted = {"bilatlog_meta", "bilatlog_events", "bilatlog_actors"}
        wanted |= {name for name, _ in _TRIGGERS} | {name for name, _ in _GUARDS}
        wanted |= {"bilatlog_events_gapless", "bilatlog_meta_no_update"}
        wanted |= {"bilatlog_versions"}  # the bitemporal index (a store before it: indexed once)
        return wanted <= names and index_guarded(self._db)  # its guards dropped: put back

    def _hash_at(self, position: int) -> str | None:
        row = self._db.execute(
            "SELECT hash FROM bilatlog_events WHERE position = ?", (position,)
        ).fetchone()
        return None if row is None else str(row[0])

    def __repr__(self) -> str:
        """Show the file."""
        return f"SqliteBackend({self.path!r})"

    @property
    def url(self) -> str:
        """Where this log lives."""
        return f"sqlite:///{self.path}"

    @property
    def files(self) -> tuple[Path, ...]:
        """The database file and SQLite's own files beside it (none for ":memory:")."""
        if self.path == ":memory:":
            return ()
        return tuple(Path(f"{self.path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal"))

    def _create_schema(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            for name, when in _TRIGGERS:
                db.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} {when} "
                    "BEGIN SELECT RAISE(ABORT, 'bilatlog: the log is append-only'); END"
                )
            db.execute(_GAPLESS)
            for name, sql in _GUARDS:
                db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {sql}")
            exists = db.execute(
                "SELECT value FROM bilatlog_meta WHERE key = 'schema_version'"
            ).fetchone()
            if exists is None:
                db.execute(
                    "INSERT INTO bilatlog_meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            db.execute(_META_VERSION_GUARD)
            if not has_index(db):
                # a new store, or one written before the index existed: index it once
                create_index(db)
                rebuild(_Bound(db), self._decode, SCHEMA_VERSION, progress=None)
            else:
                create_index(db)  # guards dropped by hand are put back
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _check_version(self) -> str:
        """Return why this database must not be written to ("" if it may be)."""
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bilatlog_meta'"
        ).fetchone()
        if not has_meta:
            return ""
        row = self._db.execute(
            "SELECT value FROM bilatlog_meta WHERE key = 'schema_version'"
        ).fetchone()
        version = int(row[0]) if row is not None else SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            return (
                f"{self.path} was written by a newer bilatlog (schema version {version}; "
                f"this one knows {SCHEMA_VERSION}); it will not write to it. Fix: upgrade bilatlog."
            )
        return ""

    # -- writing ------------------------------------------------------------------

    def _head(self) -> Head:
        row = self._db.execute(
            "SELECT position, hash, recorded_at FROM bilatlog_events ORDER BY position DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return Head(0, "", None)
        return Head(row[0], row[1], parse_instant(row[2]))

    def _lookups(self) -> Lookups:
        return self._lookup, self._retracted, self.targeting

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        if self._writable_reason:
            raise StorageError(self._writable_reason)
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise StorageError(f"could not lock {self.path} for writing: {e}") from e
            try:
                result, sealed = prepare(self._head())
                if sealed:
                    self._insert(sealed)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if sealed and self._memory is not None:
                last = sealed[-1].record
                self._memory.remember(last.position, last.hash)
            return result

    def _insert(self, sealed: list[Sealed]) -> None:
        rows, actor_rows = rows_of(sealed)
        try:
            self._db.executemany(
                f"INSERT INTO bilatlog_events({EVENT_COLUMNS}) "  # noqa: S608 - fixed names
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                nulls_bound(rows),
            )
            self._db.executemany(
                "INSERT INTO bilatlog_actors(actor, position) VALUES (?, ?)", actor_rows
            )
            VersionWriter(_Bound(self._db), self._decode).add(positions([s.record for s in sealed]))
        except sqlite3.Error as e:
            raise StorageError(f"could not append to {self.path}: {e}") from e

    def _lookup(self, ids: Sequence[str]) -> dict[str, RecordedEvent]:
        out: dict[str, RecordedEvent] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for rec in self._decode(
                self._db.execute(
                    f"SELECT position, hash, body FROM bilatlog_events WHERE id IN ({marks})",  # noqa: S608 - placeholders only
                    chunk,
                )
            ):
                out[rec.id] = rec
        return out

    def _retracted(self, ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update(
                row[0]
                for row in self._db.execute(
                    "SELECT target FROM bilatlog_events "  # noqa: S608 - placeholders only
                    f"WHERE kind = 'retraction' AND target IN ({marks})",
                    chunk,
                )
            )
        return out

    # -- reading --------------------------------------------------------------------

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        with self._lock:
            row = self._db.execute("SELECT MAX(position) FROM bilatlog_events").fetchone()
            return int(row[0] or 0)

    def _log_rows(self, start: int, stop: int | None) -> Iterator[tuple[Any, ...]]:
        """`(position, hash, body)` rows from `start` to `stop`, in position order."""
        return self._rows(
            "SELECT position, hash, body FROM bilatlog_events "
            "WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?",
            [start, stop if stop is not None else 2**62],
        )

    def _rows(
        self, sql: str, params: list[Any], pos_index: int = 0, chunk: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        """Page through `sql` (ending in LIMIT ?); `params[pos_index]` is its `position >= ?`."""
        params = list(params)
        while True:
            with self._lock:
                rows = self._db.execute(sql, [*params, chunk]).fetchall()
            yield from rows
            if len(rows) < chunk:
                return
            params[pos_index] = rows[-1][0] + 1

    def _type_match(self, glob: str) -> tuple[str, str]:
        """SQLite's GLOB is the type pattern's own syntax."""
        return "e.type GLOB ?", glob

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the record with this id, or None."""
        with self._lock:
            return self._lookup([record_id]).get(record_id)

    def targeting(self, event_ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        """Return corrections and retractions of these events, in position order."""
        out: list[RecordedEvent] = []
        with self._lock:
            for chunk in _chunks(list(event_ids), 500):
                marks = ",".join("?" * len(chunk))
                out.extend(
                    self._decode(
                        self._db.execute(
                            "SELECT position, hash, body FROM bilatlog_events "  # noqa: S608
                            f"WHERE target IN ({marks}) AND position <= ?",
                            [*chunk, stop if stop is not None else 2**62],
                        )
                    )
                )
        out.sort(key=lambda r: r.position)
        return out

    def position_at(self, instant: dt.datetime) -> int:
        """Return the last position recorded at or before `instant`."""
        # recorded_at never decreases along positions: binary search on the primary key
        wanted = format_instant(instant)
        with self._lock:
            lo, hi = 0, self.head
            while lo < hi:
                mid = (lo + hi + 1) // 2
                (at,) = self._db.execute(
                    "SELECT recorded_at FROM bilatlog_events WHERE position = ?", (mid,)
                ).fetchone()
                if at <= wanted:
                    lo = mid
                else:
                    hi = mid - 1
        return lo

    # -- checking -------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Recompute the chain, check every indexed column and rebuild the actors table.

        Also compares the log with the head this store remembers acknowledging.
        """
        remembered = self._memory.load() if self._memory is not None else None
        with self._lock:
            report = verify_rows(
                self.codec,
                self._db.execute(
                    f"SELECT {VERIFY_COLUMNS} FROM bilatlog_events ORDER BY position"  # noqa: S608
                ),
                self._db.execute(
                    "SELECT position, actor FROM bilatlog_actors ORDER BY position, actor"
                ),
            )
            if report.ok:  # the log is sound: the derived index must follow from it
                index_report = verify_index(self._db, self._decode, SCHEMA_VERSION, report.checked)
                if index_report is not None:
                    return index_report
            return remembered_head(report, self._memory, self._hash_at, self.url, remembered)

    def reindex(self, *, progress: bool | None = None) -> bool:
        """Rebuild the derived bitemporal index from the log, in one transaction (True)."""
        if self.readonly:
            raise StorageError(
                f"{self.path} was opened read-only: its index is not rebuilt. "
                "Fix: open it without readonly=True to reindex."
            )
        if self._writable_reason:
            raise StorageError(self._writable_reason)
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                rebuild(_Bound(db), self._decode, SCHEMA_VERSION, progress=progress)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return True

    def index_db(self) -> tuple[sqlite3.Connection, threading.RLock] | None:
        """The connection holding the log and its bitemporal index, with the lock guarding it.

        For the query engine (`bilatlog.projections._query.Engine`), which reads only.
        None when the database has no index (written before it, and not writable here).
        """
        with self._lock:
            return (self._db, self._lock) if has_index(self._db) else None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
