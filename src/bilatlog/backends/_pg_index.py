"""The bitemporal index in PostgreSQL: the same table as in SQLite, answered on the server.

`_versions` writes, rebuilds and verifies the index through a small session
interface; `PgSession` gives it one over a psycopg connection (the SQL's
SQLite spellings translated), and `PgReader` gives the query engine one over
the pool. The table and its indexes are those of SQLite; text sorts by code
point (`COLLATE "C"`), as Python and SQLite sort it; a trigger keeps the table
append-only (the only update closes an open version, once, by its event's
correction or retraction).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Final

from bilatlog.backends._versions import FIXED_COLUMNS, INDEX_DDL, OPEN

if TYPE_CHECKING:
    import psycopg

__all__ = ["PgReader", "PgSession", "create_pg_index", "has_pg_index", "pg_sql"]

_PARAM: Final = re.compile(r"(?<![:\w]):(\w+)")
_JSON: Final = re.compile(r"json_each\((:\w+)\)")


@functools.lru_cache(maxsize=256)
def pg_sql(sql: str, schema: str) -> str:
    """The engine's and the writer's SQL (SQLite spelling) for PostgreSQL schema `schema`."""
    out = (
        sql.replace("temp.bilatlog_expected", "pg_temp.bilatlog_expected")
        .replace("main.bilatlog_", "bilatlog_")
        .replace("bilatlog_versions_", "versions_")  # index names (in the table's schema)
        .replace("bilatlog_versions", f"{schema}.versions")
        .replace("bilatlog_events", f"{schema}.events")
        .replace("bilatlog_actors", f"{schema}.actors")
        .replace("NOT INDEXED", "")
    )
    out = _JSON.sub(r"jsonb_array_elements(CAST(\1 AS jsonb))", out)
    out = _PARAM.sub(r"%(\1)s", out)
    out = out.replace("?", "%s")
    if out.lstrip().upper().startswith("CREATE TABLE"):
        out = re.sub(r"\bINTEGER\b", "bigint", out)
        out = re.sub(r"\bTEXT\b", 'text COLLATE "C"', out)
    return out


def _ddl(schema: str) -> list[str]:
    s = schema
    fixed = ", ".join(f"NEW.{c.strip()}" for c in FIXED_COLUMNS.split(","))
    was = ", ".join(f"OLD.{c.strip()}" for c in FIXED_COLUMNS.split(","))
    guard = f"""
CREATE OR REPLACE FUNCTION {s}.versions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.sys_to <> {OPEN}
       OR NEW.sys_from <= COALESCE((SELECT MAX(sys_from) FROM {s}.versions), 0)
       OR NOT EXISTS (SELECT 1 FROM {s}.events r WHERE r.position = NEW.sys_from AND (
         (r.kind = 'event' AND NEW.event_pos = r.position AND NEW.track IS NOT DISTINCT FROM
          r.track AND NEW.status IS NOT DISTINCT FROM r.status AND NEW.valid_from = r.lo
          AND NEW.valid_to = r.hi)
         OR (r.kind = 'correction' AND NEW.event_pos =
             (SELECT position FROM {s}.events WHERE id = r.target)))) THEN
      RAISE EXCEPTION 'bilatlog: the index is append-only (one open version per record)'
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF ROW({fixed}) IS DISTINCT FROM ROW({was}) OR OLD.sys_to <> {OPEN} OR NOT EXISTS (
        SELECT 1 FROM {s}.events c JOIN {s}.events e ON e.position = OLD.event_pos
        WHERE c.position = NEW.sys_to AND c.target = e.id
          AND c.kind IN ('correction', 'retraction') AND c.position > OLD.sys_from) THEN
      RAISE EXCEPTION 'bilatlog: a version closes once, by a correction or retraction of its event'
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'bilatlog: the index is append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$"""
    return [
        *(pg_sql(statement, s) for statement in INDEX_DDL),
        guard,
        f"DROP TRIGGER IF EXISTS versions_guard ON {s}.versions",
        (
            f"CREATE TRIGGER versions_guard BEFORE INSERT OR UPDATE OR DELETE ON {s}.versions "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.versions_guard()"
        ),
        f"DROP TRIGGER IF EXISTS versions_no_truncate ON {s}.versions",
        (
            f"CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON {s}.versions "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.versions_guard()"
        ),
    ]


def has_pg_index(conn: psycopg.Connection[Any], schema: str) -> bool:
    """Tell whether the schema holds the versions table."""
    row = conn.execute("SELECT to_regclass(%s)", (f"{schema}.versions",)).fetchone()
    return row is not None and row[0] is not None


def create_pg_index(session: PgSession) -> None:
    """Create the versions table, its indexes and its guard (in the caller's transaction)."""
    for statement in _ddl(session.schema):
        session.conn.execute(statement)


class _Rows:
    """What a cursor gives `_versions`: `fetchone`, `fetchall`, iteration."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)


class PgSession:
    """`execute`/`executemany` in SQLite spelling, on one psycopg connection (for `_versions`)."""

    def __init__(self, conn: psycopg.Connection[Any], schema: str) -> None:
        """Translate for `schema`, run on `conn` (inside the caller's transaction)."""
        self.conn = conn
        self.schema = schema

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Rows:
        """Run one statement; return its rows (none for DDL and writes)."""
        cur = self.conn.execute(pg_sql(sql, self.schema), params or None)
        return _Rows(cur.fetchall() if cur.description is not None else [])

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement per row."""
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(pg_sql(sql, self.schema), rows)


class PgReader:
    """The query engine's connection to PostgreSQL: each statement on a pooled connection."""

    def __init__(
        self,
        connect: Callable[[], AbstractContextManager[psycopg.Connection[Any]]],
        schema: str,
    ) -> None:
        """Read through `connect()` (the backend's pool) in `schema`."""
        self._connect = connect
        self._schema = schema

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Rows:
        """Run one query on the server; return its rows.

        Every question is a walk of index lookups from a short list (tracks,
        positions): joins go by nested loops over the indexes, never by
        hashing or merging a whole table (which the planner may pick for the
        small lists it cannot see into).
        """
        with self._connect() as conn, conn.transaction():
            conn.execute("SET LOCAL enable_hashjoin = off")
            conn.execute("SET LOCAL enable_mergejoin = off")
            cur = conn.execute(pg_sql(sql, self._schema), params or None)
            return _Rows(cur.fetchall())
