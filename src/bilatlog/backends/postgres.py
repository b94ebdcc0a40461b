"""The PostgreSQL log: one shared store for a research team (the `postgres` extra).

`bilatlog.open("postgresql://user@host:5432/db?schema=team")` keeps the log in
its own schema (default `bilatlog`), so several timelines can share a database.

How the promises are kept:

- **Atomic, durable**: a batch is one transaction.
- **Gap-free positions in commit order, with many writers**: every append locks
  the one row of `writer_lock` (`SELECT ... FOR UPDATE`) before reading the
  head, and holds it until commit. A row lock needs the UPDATE privilege on
  that table, which `scripts/postgres-roles.sql` gives writers only: a reader
  cannot take it and stall the writers (anyone can take any advisory lock, so
  an advisory lock keyed by the schema name, as bilatlog used before, let a
  reader do exactly that). The log's own tables stay insert-and-select for
  writers; triggers refuse UPDATE and DELETE on `writer_lock` too. (A schema
  made by an older bilatlog, without `writer_lock`, keeps the advisory lock
  until its owner opens it once.)
- **Read-only**: `readonly=True` opens every connection with
  `default_transaction_read_only`, and never creates the schema.
- **Append-only in the database itself**: triggers refuse `UPDATE`, `DELETE`
  and `TRUNCATE` on every table, and any insert whose rows do not run on from
  head + 1 without a gap (checked once per statement over its new rows, so a
  `COPY` of 1,000 rows pays for one check, not 1,000);
  `scripts/postgres-roles.sql` creates a writer (INSERT, SELECT) and a reader
  (SELECT) role.
- **Drivers stay inside**: every psycopg error becomes a `StorageError` (or
  `ConcurrencyError`/`IntegrityError`) with the original attached as `__cause__`.
- **Dropped connections**: connections come from a pool that checks each one
  before use and reconnects; a batch cut off mid-way is rolled back by the
  server, so nothing partial is ever written.
- **Subscriptions**: each commit sends `NOTIFY` on the schema's channel, so
  `Timeline.subscribe` in another process wakes within a second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bilatlog._codec import SCHEMA_VERSION, Sealed, format_instant
from bilatlog.backends._contract import Clock, VerifyReport, type_glob_regex
from bilatlog.backends._defaults import Defaults
from bilatlog.backends._heads import HeadMemory, remembered_head
from bilatlog.backends._pg_index import (
    PgReader,
    PgSession,
    create_pg_index,
    has_pg_index,
    pg_sql,
)
from bilatlog.backends._sql import (
    EVENT_COLUMNS,
    VERIFY_COLUMNS,
    SqlReads,
    rows_of,
    verify_rows,
)
from bilatlog.backends._versions import VersionWriter, positions, rebuild, verify_index
from bilatlog.backends._writing import Appender, Head, Lookups, Prepare
from bilatlog.events import RecordedEvent
from bilatlog.exceptions import IntegrityError, StorageError, ValidationError

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

__all__ = ["PostgresBackend"]

_NAME_RE: Final = re.compile(r"[a-z_][a-z0-9_]{0,40}")


def _schema_sql(s: str) -> list[str]:
    """The DDL for one timeline in schema `s` (idempotent)."""
    refuse = (
        f"CREATE OR REPLACE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'bilatlog: the log is append-only (% on %)', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    # Checked once per statement over its new rows (a transition table), not once per row:
    # the rows must run on from the head before them without a gap. (Schemas made by an
    # earlier bilatlog keep their row-level trigger: the same rule, checked row by row.)
    gapless = (
        f"CREATE OR REPLACE FUNCTION {s}.gapless() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE first bigint; last bigint; n bigint; before bigint; "
        "BEGIN SELECT MIN(position), MAX(position), COUNT(*) INTO first, last, n FROM added; "
        "IF n = 0 THEN RETURN NULL; END IF; "
        f"SELECT COALESCE(MAX(position), 0) INTO before FROM {s}.events WHERE position < first; "
        "IF last - first + 1 <> n OR before <> first - 1 THEN "
        "RAISE EXCEPTION 'bilatlog: positions must be gap-free (head + 1)' "
        "USING ERRCODE = 'restrict_violation'; END IF; RETURN NULL; END $$"
    )
    out = [
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {s}.writer_lock (id integer PRIMARY KEY)",
        f"INSERT INTO {s}.writer_lock(id) VALUES (1) ON CONFLICT (id) DO NOTHING",
        f"""CREATE TABLE IF NOT EXISTS {s}.events (
            position bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            kind text NOT NULL,
            type text, track text, status text,
            lo integer, hi integer,
            target text,
            recorded_at text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL,
            body text NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS {s}.actors (
            actor text NOT NULL,
            position bigint NOT NULL REFERENCES {s}.events(position),
            PRIMARY KEY (actor, position))""",
        f"CREATE INDEX IF NOT EXISTS events_track ON {s}.events(track, lo)",
        f"CREATE INDEX IF NOT EXISTS events_type ON {s}.events(type text_pattern_ops)",
        f"CREATE INDEX IF NOT EXISTS events_lo ON {s}.events(lo)",
        f"CREATE INDEX IF NOT EXISTS events_target ON {s}.events(target) WHERE target IS NOT NULL",
        refuse,
        gapless,
    ]
    for table in ("events", "actors", "meta", "writer_lock"):
        out += [
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {s}.{table}",
            (
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {s}.{table} "
                f"FOR EACH ROW EXECUTE FUNCTION {s}.refuse()"
            ),
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {s}.{table}",
            (
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {s}.{table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse()"
            ),
        ]
    out += [
        f"DROP TRIGGER IF EXISTS events_gapless ON {s}.events",
        (
            f"CREATE TRIGGER events_gapless AFTER INSERT ON {s}.events "
            f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {s}.gapless()"
        ),
        (
            f"INSERT INTO {s}.meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}') "
            "ON CONFLICT (key) DO NOTHING"
        ),
    ]
    return out


def _split_target(url: str) -> tuple[str, str]:
    """Take bilatlog's own `schema=` parameter out of a PostgreSQL URL."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    schema = "bilatlog"
    rest = []
    for k, v in params:
        if k == "schema":
            schema = v
        else:
            rest.append((k, v))
    if not _NAME_RE.fullmatch(schema):
        raise ValidationError(
            "schema",
            schema,
            "a schema name is lower-case letters, digits and _, up to 41 characters.",
            "e.g. postgresql://me@localhost/research?schema=us_mexico",
        )
    if not any(k == "connect_timeout" for k, _ in rest):
        rest.append(("connect_timeout", "10"))
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


_PASSWORD_RE: Final = re.compile(r"(://[^:/@\s]*:)[^@\s]*@|(password\s*=\s*)\S+")


def _scrub(text: str) -> str:
    """Text without any password a URL or conninfo in it holds."""
    return _PASSWORD_RE.sub(lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***",
                            text)  # fmt: skip


def _display_url(url: str) -> str:
    """The URL as messages show it: user, host, port and database, never the password."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc, query=""))


def _translate(e: Exception, what: str) -> StorageError:
    """Wrap a driver error in bilatlog's tree, on one line, with the original as the cause."""
    import psycopg  # noqa: PLC0415 - optional dependency

    text = _scrub(" ".join(str(e).split()))
    if isinstance(e, psycopg.errors.UniqueViolation):
        err: StorageError = IntegrityError(f"{what}: {e.diag.message_primary or text}")
    elif isinstance(e, psycopg.errors.InsufficientPrivilege):
        err = StorageError(f"{what}: permission denied ({e.diag.message_primary or text})")
    elif isinstance(e, psycopg.OperationalError):
        err = StorageError(f"{what}: the database connection failed ({text})")
    else:
        err = StorageError(f"{what}: {text}")
    err.__cause__ = e
    return err


class PostgresBackend(SqlReads, Appender, Defaults):
    """An append-only log in a PostgreSQL schema (see the module docstring).

    Args:
        url: `postgresql://user@host:port/db`, optionally `?schema=name`.
        clock: returns the current instant (aware); defaults to the system clock.
        pool_size: the most connections this process opens.
        timeout: seconds to wait for a connection or a lock before failing.
        readonly: read-only transactions only; the schema must exist.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock | None = None,
        pool_size: int = 4,
        timeout: float = 30.0,
        readonly: bool = False,
    ) -> None:
        """Connect, and create the schema if it is not there."""
        try:
            import psycopg  # noqa: PLC0415 - optional dependency
            from psycopg_pool import ConnectionPool  # noqa: PLC0415
        except ImportError as e:  # pragma: no cover - depends on the install
            raise StorageError(
                "the PostgreSQL backend needs psycopg. Fix: pip install 'bilatlog[postgres]'"
            ) from e
        self._conninfo, self.schema = _split_target(url)
        self._display = _display_url(url)
        self.readonly = readonly
        self._memory = HeadMemory(self.url)
        self._row_lock = True
        Appender.__init__(self, clock)
        self._timeout = timeout
        self._lock_key = int.from_bytes(
            hashlib.sha256(f"bilatlog:{self.schema}".encode()).digest()[:8], "big", signed=True
        )
        self._lock = threading.RLock()
        self._tx: psycopg.Connection[Any] | None = None
        ms = int(timeout * 1000)
        options = f"-c statement_timeout={ms} -c lock_timeout={ms}"
        if readonly:
            options += " -c default_transaction_read_only=on"
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=pool_size,
            timeout=timeout,
            check=ConnectionPool.check_connection,
            kwargs={
                "autocommit": True,
                "options": options,
                "application_name": "bilatlog",
            },
            open=False,
        )
        try:
            # one direct connection first: a refused or unknown server fails now, not after
            # the pool's patience runs out
            psycopg.connect(self._conninfo, autocommit=True).close()
            self._pool.open(wait=True, timeout=timeout)
            self._writable_reason = (
                f"{self.url} was opened read-only. Fix: open it without readonly=True to append."
                if readonly
                else ""
            )
            with self._conn() as conn:
                self._ensure_schema(conn)
                remembered = self._memory.load()  # before the head: writers may commit
                self._memory.check(self._head(conn).position, lambda p: self._hash_at(conn, p),
                                   url=self.url, remembered=remembered)  # fmt: skip
        except StorageError:
            self._pool.close()
            raise
        except Exception as e:
            self._pool.close()
            raise _translate(e, f"cannot open {self.url}") from e

    # -- plumbing -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Where this log lives (without credentials)."""
        return f"{self._display}?schema={self.schema}"

    def __repr__(self) -> str:
        """Show the database and schema."""
        return f"PostgresBackend({self.url!r})"

    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except StorageError:
            raise
        except Exception as e:
            import psycopg  # noqa: PLC0415
            from psycopg_pool import PoolTimeout  # noqa: PLC0415

            if isinstance(e, (psycopg.Error, PoolTimeout)):
                raise _translate(e, f"PostgreSQL ({self.url})") from e
            raise

    def _hash_at(self, conn: psycopg.Connection[Any], position: int) -> str | None:
        row = conn.execute(
            f"SELECT hash FROM {self.schema}.events WHERE position = %s", (position,)
        ).fetchone()
        return None if row is None else str(row[0])

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        self._ensure_log_schema(conn)
        if not self.readonly and not self._writable_reason:
            self._ensure_index(conn)

    def _ensure_log_schema(self, conn: psycopg.Connection[Any]) -> None:
        s = self.schema
        row = conn.execute("SELECT to_regclass(%s)", (f"{s}.meta",)).fetchone()
        if self.readonly and (row is None or row[0] is None):
            raise StorageError(
                f"no store at {self.url}: the schema {s} holds no bilatlog log. "
                "Fix: check the URL and its ?schema= (a read never creates a store)."
            )
        if row is not None and row[0] is not None:
            version = conn.execute(
                f"SELECT value FROM {s}.meta WHERE key = 'schema_version'"
            ).fetchone()
            if version is not None and int(version[0]) > SCHEMA_VERSION:
                self._writable_reason = (
                    f"{self.url} was written by a newer bilatlog (schema version {version[0]}; "
                    f"this one knows {SCHEMA_VERSION}); it will not write to it. "
                    "Fix: upgrade bilatlog."
                )
                return
            has_trigger = conn.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'events_gapless' "
                "AND tgrelid = to_regclass(%s)",
                (f"{s}.events",),
            ).fetchone()
            has_lock = conn.execute("SELECT to_regclass(%s)", (f"{s}.writer_lock",)).fetchone()
            self._row_lock = has_lock is not None and has_lock[0] is not None
            if self.readonly or (has_trigger and self._row_lock):
                return  # set up already (maybe by an owner role; we may only read or insert)
            if has_trigger and not self._owns(conn):
                return  # an older schema: its owner adds writer_lock; until then, advisory locks
        self._row_lock = True
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            # another process may have set it up while we waited: then its writers are
            # already appending under writer_lock, and DDL now could deadlock with them
            done = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND EXISTS (SELECT 1 FROM pg_trigger "
                "WHERE tgname = 'events_gapless' AND tgrelid = to_regclass(%s))",
                (f"{s}.writer_lock", f"{s}.events"),
            ).fetchone()
            if done is not None and done[0]:
                return
            for statement in _schema_sql(s):
                conn.execute(statement)

    def _index_guarded(self, conn: psycopg.Connection[Any]) -> bool:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
            "AND tgname IN ('versions_guard', 'versions_no_truncate')",
            (f"{self.schema}.versions",),
        ).fetchone()
        return row is not None and row[0] == 2

    def _ensure_index(self, conn: psycopg.Connection[Any]) -> None:
        """Create the bitemporal index if the schema lacks it, filing the log once.

        Its guard, dropped by hand, is put back (the rows are `verify()`'s to check).
        """
        if has_pg_index(conn, self.schema) and self._index_guarded(conn):
            return
        import psycopg  # noqa: PLC0415

        try:
            with conn.transaction():
                self._take_write_lock(conn)  # appends wait until the log is filed
                if has_pg_index(conn, self.schema):
                    if not self._index_guarded(conn):
                        create_pg_index(PgSession(conn, self.schema))  # idempotent DDL
                    return
                if not has_pg_index(conn, self.schema):
                    session = PgSession(conn, self.schema)
                    rebuild(session, self._decode, SCHEMA_VERSION, progress=None,
                            create=create_pg_index)  # fmt: skip
            # the planner needs the new table's statistics to walk its indexes
            conn.execute(f"ANALYZE {self.schema}.versions")
        except psycopg.errors.InsufficientPrivilege:
            pass  # a role that may not create tables: questions answer through a mirror

    def _owns(self, conn: psycopg.Connection[Any]) -> bool:
        row = conn.execute(
            "SELECT pg_has_role(current_user, n.nspowner, 'USAGE') FROM pg_namespace n "
            "WHERE n.nspname = %s",
            (self.schema,),
        ).fetchone()
        return bool(row and row[0])

    # -- writing ----------------------------------------------------------------------------

    def _lookups(self) -> Lookups:
        # the lookups run inside _write's transaction, on its connection
        def tx() -> psycopg.Connection[Any]:
            assert self._tx is not None  # noqa: S101 - only called from _write
            return self._tx

        return (
            lambda ids: self._lookup(tx(), ids),
            lambda ids: self._retracted(tx(), ids),
            lambda ids: self._targeting(tx(), ids, None),
        )

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        """One transaction under the schema's advisory lock: head, prepare, COPY, NOTIFY."""
        if self._writable_reason:
            raise StorageError(self._writable_reason)
        with self._lock, self._conn() as conn:
            try:
                with conn.transaction():
                    self._tx = conn
                    self._take_write_lock(conn)
                    result, sealed = prepare(self._head(conn))
                    if sealed:
                        self._insert(conn, sealed)
                        conn.execute(
                            "SELECT pg_notify(%s, %s)",
                            (self.channel, str(sealed[-1].record.position)),
                        )
            except Exception as e:
                import psycopg  # noqa: PLC0415

                if isinstance(e, psycopg.Error):
                    raise _translate(e, f"could not append to {self.url}") from e
                raise
            finally:
                self._tx = None
            if sealed:
                self._memory.remember(sealed[-1].record.position, sealed[-1].record.hash)
            return result

    def _take_write_lock(self, conn: psycopg.Connection[Any]) -> None:
        """Serialise appends: the writer_lock row (writers only), else the old advisory lock."""
        if not self._row_lock:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            return
        row = conn.execute(f"SELECT id FROM {self.schema}.writer_lock FOR UPDATE").fetchone()
        if row is None:
            raise IntegrityError(
                f"{self.url}: the writer_lock row is missing, so appends cannot be serialised",
                fix="as the schema's owner, run INSERT INTO <schema>.writer_lock VALUES (1).",
            )

    @property
    def channel(self) -> str:
        """The NOTIFY channel new commits are announced on."""
        return f"bilatlog_{self.schema}"

    def _head(self, conn: psycopg.Connection[Any]) -> Head:
        row = conn.execute(
            f"SELECT position, hash, recorded_at FROM {self.schema}.events "
            "ORDER BY position DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return Head(0, "", None)
        return Head(row[0], row[1], dt.datetime.fromisoformat(row[2]).astimezone(dt.UTC))

    def _insert(self, conn: psycopg.Connection[Any], sealed: list[Sealed]) -> None:
        rows, actor_rows = rows_of(sealed)
        s = self.schema
        # COPY, not row-by-row INSERTs: one round trip per table (row triggers still fire)
        with conn.cursor() as cur:
            with cur.copy(f"COPY {s}.events({EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if actor_rows:
                with cur.copy(f"COPY {s}.actors(actor, position) FROM STDIN") as copy:
                    for actor_row in actor_rows:
                        copy.write_row(actor_row)
        if has_pg_index(conn, s):
            VersionWriter(PgSession(conn, s), self._decode).add(
                positions([x.record for x in sealed])
            )

    def _lookup(
        self, conn: psycopg.Connection[Any], ids: Sequence[str]
    ) -> dict[str, RecordedEvent]:
        if not ids:
            return {}
        rows = conn.execute(
            f"SELECT position, hash, body FROM {self.schema}.events WHERE id = ANY(%s)",
            (list(ids),),
        ).fetchall()
        return {r.id: r for r in self._decode(rows)}

    def _retracted(self, conn: psycopg.Connection[Any], ids: Sequence[str]) -> set[str]:
        rows = conn.execute(
            f"SELECT target FROM {self.schema}.events "
            "WHERE kind = 'retraction' AND target = ANY(%s)",
            (list(ids),),
        ).fetchall()
        return {r[0] for r in rows}

    def _targeting(
        self, conn: psycopg.Connection[Any], ids: Iterable[str], stop: int | None
    ) -> list[RecordedEvent]:
        rows = conn.execute(
            f"SELECT position, hash, body FROM {self.schema}.events "
            "WHERE target = ANY(%s) AND position <= %s ORDER BY position",
            (list(ids), stop if stop is not None else 2**62),
        ).fetchall()
        return list(self._decode(rows))

    # -- reading ----------------------------------------------------------------------------

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        with self._conn() as conn:
            row = conn.execute(f"SELECT MAX(position) FROM {self.schema}.events").fetchone()
        return int(row[0] or 0) if row else 0

    def _rows(
        self, sql: str, params: list[Any], pos_index: int = 0, chunk: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        params = list(params)
        while True:
            with self._conn() as conn:
                rows = conn.execute(sql, [*params, chunk]).fetchall()
            yield from rows
            if len(rows) < chunk:
                return
            params[pos_index] = rows[-1][0] + 1

    def _log_rows(self, start: int, stop: int | None) -> Iterator[tuple[Any, ...]]:
        """`(position, hash, body)` rows from `start` to `stop`, in position order."""
        return self._rows(
            f"SELECT position, hash, body FROM {self.schema}.events "
            "WHERE position >= %s AND position <= %s ORDER BY position LIMIT %s",
            [start, stop if stop is not None else 2**62],
            0,
        )

    def _spelled(self, sql: str) -> str:
        """The statement in PostgreSQL's spelling, in this schema."""
        return pg_sql(sql, self.schema)

    def _type_match(self, glob: str) -> tuple[str, str]:
        """The type pattern as a POSIX regular expression (`~`)."""
        return "e.type ~ ?", f"^(?:{type_glob_regex(glob)})$"

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the record with this id, or None."""
        with self._conn() as conn:
            return self._lookup(conn, [record_id]).get(record_id)

    def targeting(self, event_ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        """Return corrections and retractions of these events, in position order."""
        with self._conn() as conn:
            return self._targeting(conn, event_ids, stop)

    def position_at(self, instant: dt.datetime) -> int:
        """Return the last position recorded at or before `instant`."""
        with self._conn() as conn:
            row = conn.execute(
                f"SELECT MAX(position) FROM {self.schema}.events WHERE recorded_at <= %s",
                (format_instant(instant),),
            ).fetchone()
        return int(row[0] or 0) if row else 0

    def wait(self, after: int, timeout: float | None, *, poll: float = 0.25) -> bool:  # noqa: ARG002 - the contract's
        """Block until the head passes `after`, or at most `timeout` seconds, at most one.

        LISTEN/NOTIFY: a commit wakes it at once (`poll` is not needed).
        """
        import psycopg  # noqa: PLC0415

        timeout = 1.0 if timeout is None else min(1.0, timeout)
        if self.head > after:
            return True
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as conn:
                conn.execute(f"LISTEN {self.channel}")
                if self.head > after:  # committed between the check and LISTEN
                    return True
                for _ in conn.notifies(timeout=timeout, stop_after=1):
                    return True
        except psycopg.Error as e:
            raise _translate(e, f"could not listen on {self.url}") from e
        return self.head > after

    # -- checking ---------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Recompute the chain, check every indexed column and rebuild the actors table.

        Also compares the log with the head this client remembers acknowledging.
        """
        s = self.schema
        remembered = self._memory.load()
        with self._conn() as conn:
            conn.autocommit = False
            try:
                with (
                    conn.cursor(name="bilatlog_verify") as rows,
                    conn.cursor(name="bilatlog_verify_actors") as actors,
                ):
                    rows.execute(f"SELECT {VERIFY_COLUMNS} FROM {s}.events ORDER BY position")
                    actors.execute(
                        f"SELECT position, actor FROM {s}.actors ORDER BY position, actor "
                        'COLLATE "C"'
                    )
                    report = verify_rows(self.codec, rows, actors)
                if report.ok:  # the log is sound: the derived index must follow from it
                    index_report = verify_index(
                        PgSession(conn, s), self._decode, SCHEMA_VERSION, report.checked,
                        indexed=has_pg_index(conn, s),
                    )  # fmt: skip
                    if index_report is not None:
                        return index_report
                return remembered_head(
                    report, self._memory, lambda p: self._hash_at(conn, p), self.url,
                    remembered,
                )  # fmt: skip
            finally:
                conn.rollback()
                conn.autocommit = True

    def reindex(self, *, progress: bool | None = None) -> bool:
        """Rebuild the derived bitemporal index from the log, in one transaction (True)."""
        if self._writable_reason:
            raise StorageError(self._writable_reason)
        with self._lock, self._conn() as conn, conn.transaction():
            self._take_write_lock(conn)
            rebuild(PgSession(conn, self.schema), self._decode, SCHEMA_VERSION,
                    progress=progress, create=create_pg_index)  # fmt: skip
            conn.execute(f"ANALYZE {self.schema}.versions")
        return True

    def index_db(self) -> tuple[PgReader, threading.RLock] | None:
        """The server-side bitemporal index, for the query engine (None if the schema lacks it)."""
        with self._conn() as conn:
            if not has_pg_index(conn, self.schema):
                return None
        return PgReader(self._conn, self.schema), self._lock

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()
