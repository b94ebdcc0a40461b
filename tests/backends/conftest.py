"""The backend fixture: every test in this folder runs against every backend.

To add a backend, add a `BackendKind` below: the conformance suite is written once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from bilatlog.backends import Backend, JsonlBackend, MemoryBackend, SqliteBackend
from bilatlog.testing import FakeClock


@attrs.frozen
class BackendKind:
    """How to open, reopen and tamper with one kind of backend in tests."""

    name: str
    open: Callable[[Path, FakeClock], Backend]
    persistent: bool
    tamper: Callable[[Backend, Path, int], None]


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


KINDS = [
    BackendKind("memory", lambda _p, c: MemoryBackend(clock=c), False, _tamper_memory),
    BackendKind("jsonl", lambda p, c: JsonlBackend(p / "log.jsonl", clock=c), True, _tamper_jsonl),
    BackendKind("sqlite", lambda p, c: SqliteBackend(p / "log.db", clock=c), True, _tamper_sqlite),
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
