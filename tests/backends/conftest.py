"""The backend fixture: every test in this folder runs against every backend.

To add a backend, add a `BackendKind` below: the conformance suite is written once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import attrs
import psycopg
import pytest

from bilatlog._codec import SCHEMA_VERSION, hash_envelope
from bilatlog.backends import Backend, JsonlBackend, MemoryBackend, SqliteBackend
from bilatlog.backends.postgres import PostgresBackend
from bilatlog.testing import FakeClock
from pgtest import postgres_url


def _file_snapshot(path: Path) -> dict[str, bytes]:
    """The bytes of every file a backend keeps.

    SQLite's `-shm` file is a shared-memory lock index, rebuilt at will, not data.
    """
    return {
        p.name: p.read_bytes()
        for p in sorted(path.iterdir())
        if p.is_file() and not p.name.endswith("-shm")
    }


@attrs.frozen
class BackendKind:
    """How to open, reopen and tamper with one kind of backend in tests."""

    name: str
    open: Callable[[Path, FakeClock], Backend]
    persistent: bool
    tamper: Callable[[Backend, Path, int], None]
    snapshot: Callable[[Path], object] = attrs.field(default=_file_snapshot)
    bump_version: Callable[[Path], None] = attrs.field(default=None)


def _bump_jsonl(path: Path) -> None:
    file = path / "log.jsonl"
    env = json.loads(file.read_text().splitlines()[0])
    env["v"] = SCHEMA_VERSION + 1
    env["hash"] = hash_envelope(env)
    file.write_text(json.dumps(env) + "\n")


def _bump_sqlite(path: Path) -> None:
    db = sqlite3.connect(path / "log.db")
    db.execute("DROP TRIGGER bilatlog_meta_no_update")
    db.execute(
        "UPDATE bilatlog_meta SET value = ? WHERE key = 'schema_version'",
        (str(SCHEMA_VERSION + 1),),
    )
    db.commit()
    db.close()


def _postgres_snapshot(path: Path) -> object:
    url = postgres_url(str(path))
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        return (
            conn.execute(
                f"SELECT position, hash, body FROM {schema}.events ORDER BY position"
            ).fetchall()
            + conn.execute(f"SELECT * FROM {schema}.meta ORDER BY key").fetchall()
        )


def _bump_postgres(path: Path) -> None:
    url = postgres_url(str(path))
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {schema}.meta DISABLE TRIGGER USER")
        conn.execute(
            f"UPDATE {schema}.meta SET value = %s WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION + 1),),
        )
        conn.execute(f"ALTER TABLE {schema}.meta ENABLE TRIGGER USER")


def _tamper_memory(backend: Backend, _path: Path, position: int) -> None:
    assert isinstance(backend, MemoryBackend)
    env = backend._index.envelopes[position - 1]
    env["record"] = {**env["record"], "summary": "tampered"}


def _tamper_jsonl(_backend: Backend, path: Path, position: int) -> None:
    file = path / "log.jsonl"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    env = json.loads(lines[position - 1])
    env["record"]["summary"] = "tampered"
    lines[position - 1] = json.dumps(env, ensure_ascii=False) + "\n"
    file.write_text("".join(lines), encoding="utf-8")


def _tamper_sqlite(_backend: Backend, path: Path, position: int) -> None:
    db = sqlite3.connect(path / "log.db")
    db.execute("DROP TRIGGER bilatlog_bilatlog_events_no_update")  # what an attacker would do
    body = db.execute(
        "SELECT body FROM bilatlog_events WHERE position = ?", (position,)
    ).fetchone()[0]
    env = json.loads(body)
    env["record"]["summary"] = "tampered"
    db.execute(
        "UPDATE bilatlog_events SET body = ? WHERE position = ?",
        (json.dumps(env, sort_keys=True, separators=(",", ":")), position),
    )
    db.commit()
    db.close()


def _tamper_postgres(_backend: Backend, path: Path, position: int) -> None:
    url = postgres_url(str(path))
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:  # a superuser
        conn.execute(f"ALTER TABLE {schema}.events DISABLE TRIGGER USER")
        body = conn.execute(
            f"SELECT body FROM {schema}.events WHERE position = %s", (position,)
        ).fetchone()[0]
        env = json.loads(body)
        env["record"]["summary"] = "tampered"
        conn.execute(
            f"UPDATE {schema}.events SET body = %s WHERE position = %s",
            (json.dumps(env, sort_keys=True, separators=(",", ":")), position),
        )
        conn.execute(f"ALTER TABLE {schema}.events ENABLE TRIGGER USER")


def _open_postgres(path: Path, clock: FakeClock) -> Backend:
    return PostgresBackend(postgres_url(str(path)), clock=clock)


KINDS = [
    BackendKind("memory", lambda _p, c: MemoryBackend(clock=c), False, _tamper_memory),
    BackendKind(
        "jsonl",
        lambda p, c: JsonlBackend(p / "log.jsonl", clock=c),
        True,
        _tamper_jsonl,
        bump_version=_bump_jsonl,
    ),
    BackendKind(
        "sqlite",
        lambda p, c: SqliteBackend(p / "log.db", clock=c),
        True,
        _tamper_sqlite,
        bump_version=_bump_sqlite,
    ),
    BackendKind(
        "postgres",
        _open_postgres,
        True,
        _tamper_postgres,
        snapshot=_postgres_snapshot,
        bump_version=_bump_postgres,
    ),
]
FILE_KINDS = [k for k in KINDS if k.persistent]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request: pytest.FixtureRequest) -> BackendKind:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=FILE_KINDS, ids=[k.name for k in FILE_KINDS])
def file_kind(request: pytest.FixtureRequest) -> BackendKind:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(kind: BackendKind, tmp_path: Path, clock: FakeClock):
    b = kind.open(tmp_path, clock)
    yield b
    b.close()
