"""Storage backends: the append-only log behind a `Timeline`.

`open_backend(target)` picks one from a target:

| target | backend |
|---|---|
| `None` | memory |
| a path ending `.jsonl` | JSONL file |
| a path ending `.db`, `.sqlite` or `.sqlite3`, or `sqlite:///path` | SQLite file |
| `postgresql://user@host:port/db[?schema=name]` | PostgreSQL (the `postgres` extra) |
"""

from __future__ import annotations

import os
from pathlib import Path

from bilatlog.backends._base import Backend, Clock, Query, VerifyReport
from bilatlog.backends.jsonl import JsonlBackend, TornTailWarning
from bilatlog.backends.memory import MemoryBackend
from bilatlog.backends.sqlite import SqliteBackend
from bilatlog.exceptions import ValidationError

__all__ = [
    "Backend",
    "Clock",
    "JsonlBackend",
    "MemoryBackend",
    "Query",
    "SqliteBackend",
    "TornTailWarning",
    "VerifyReport",
    "open_backend",
]

_ACCEPTED = (
    "None (in memory), 'name.jsonl', 'name.db' / 'name.sqlite' / 'sqlite:///name.db', "
    "'postgresql://user@host/db', or a Backend instance"
)


def open_backend(
    target: str | os.PathLike[str] | Backend | None, *, clock: Clock | None = None
) -> Backend:
    """Open the backend a target names (see the module docstring)."""
    if target is None:
        return MemoryBackend(clock=clock)
    if isinstance(target, Backend) and not isinstance(target, (str, os.PathLike)):
        return target
    if not isinstance(target, (str, os.PathLike)):
        raise ValidationError("target", target, "not a store location.", f"pass {_ACCEPTED}.")
    text = os.fspath(target)
    if text.startswith(("postgresql://", "postgres://")):
        from bilatlog.backends.postgres import PostgresBackend  # noqa: PLC0415 - optional extra

        return PostgresBackend(text, clock=clock)
    if text.startswith("sqlite:///"):
        return SqliteBackend(text.removeprefix("sqlite:///"), clock=clock)
    suffix = Path(text).suffix.lower()
    if suffix == ".jsonl":
        return JsonlBackend(text, clock=clock)
    if suffix in (".db", ".sqlite", ".sqlite3"):
        return SqliteBackend(text, clock=clock)
    raise ValidationError(
        "target", text, "bilatlog cannot tell which kind of store this is.", f"pass {_ACCEPTED}."
    )
