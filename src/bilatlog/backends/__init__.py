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
from typing import TYPE_CHECKING

from bilatlog.backends._contract import Backend, Clock, Query, VerifyReport
from bilatlog.backends._defaults import Defaults
from bilatlog.backends._files import same_file
from bilatlog.backends.jsonl import JsonlBackend, TornTailWarning
from bilatlog.backends.memory import MemoryBackend
from bilatlog.backends.sqlite import SqliteBackend
from bilatlog.exceptions import ValidationError

__all__ = [
    "Backend",
    "Clock",
    "Defaults",
    "JsonlBackend",
    "MemoryBackend",
    "Query",
    "SqliteBackend",
    "TornTailWarning",
    "VerifyReport",
    "is_store_file",
    "open_backend",
    "store_path",
]

_ACCEPTED = (
    "None (in memory), 'name.jsonl', 'name.db' / 'name.sqlite' / 'sqlite:///name.db', "
    "'postgresql://user@host/db', or a Backend instance"
)


def open_backend(
    target: str | os.PathLike[str] | Backend | None,
    *,
    clock: Clock | None = None,
    readonly: bool = False,
) -> Backend:
    """Open the backend a target names (see the module docstring).

    With `readonly`, the store must exist and is never written or created:
    files open read-only (SQLite `mode=ro` and `query_only`), PostgreSQL in
    read-only transactions.
    """
    if not isinstance(readonly, bool):  # readonly="no" would be true
        raise ValidationError(
            "readonly", readonly, "expected True or False.", "pass readonly=True."
        )
    if target is None:
        if readonly:  # a new store in memory is empty and writable: not what was asked for
            raise ValidationError(
                "readonly",
                readonly,
                "a store in memory starts empty: there is no existing store to open read-only.",
                "pass the path or URL of an existing store, or readonly=False.",
            )
        return MemoryBackend(clock=clock)
    if isinstance(target, Backend) and not isinstance(target, (str, os.PathLike)):
        if readonly and not target.readonly:
            raise ValidationError(
                "readonly",
                readonly,
                f"the {type(target).__name__} given is open for writing.",
                "open the backend itself read-only, or pass its path or URL with readonly=True.",
            )
        return target
    if not isinstance(target, (str, os.PathLike)):
        raise ValidationError("target", target, "not a store location.", f"pass {_ACCEPTED}.")
    text = os.fspath(target)
    if text.startswith(("postgresql://", "postgres://")):
        from bilatlog.backends.postgres import PostgresBackend  # noqa: PLC0415 - optional extra

        return PostgresBackend(text, clock=clock, readonly=readonly)
    if text.startswith("sqlite://"):
        path = text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else ""
        if not path:
            raise ValidationError(
                "target",
                text,
                "names no file: SQLite would keep the writes in a temporary database that "
                "vanishes on close.",
                "pass sqlite:///relations.db (three slashes, then the path), or None for a "
                "store in memory.",
            )
        return SqliteBackend(path, clock=clock, readonly=readonly)
    suffix = Path(text).suffix.lower()
    if suffix == ".jsonl":
        return JsonlBackend(text, clock=clock, readonly=readonly)
    if suffix in (".db", ".sqlite", ".sqlite3"):
        return SqliteBackend(text, clock=clock, readonly=readonly)
    raise ValidationError(
        "target", text, "bilatlog cannot tell which kind of store this is.", f"pass {_ACCEPTED}."
    )


def store_path(backend: Backend) -> Path | None:
    """The file a backend keeps its log in, or None (memory, PostgreSQL)."""
    files = backend.files
    return files[0] if files else None


def is_store_file(backend: Backend, path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the file `backend` keeps its log in (or one of SQLite's own files).

    Paths are compared after resolving `..`, symbolic links and hard links.
    """
    return any(same_file(f, path) for f in backend.files)


if TYPE_CHECKING:  # every backend is a complete `Backend` (mypy checks each member)
    from bilatlog.backends.postgres import PostgresBackend

    _BACKENDS: tuple[type[Backend], ...] = (
        MemoryBackend, JsonlBackend, SqliteBackend, PostgresBackend,
    )  # fmt: skip
