"""The index of a log that keeps none of its own: a SQLite copy of it, in memory or beside it.

Memory and JSONL logs answer through the same query engine as the SQL stores,
over a `Mirror`: a `SqliteBackend` into which the log's records are copied
(hash-checked), whose append path files their versions. A JSONL log's mirror
lives in its sidecar file (`Backend.sidecar`, `name.jsonl.index.db`), reused
by the next process; this module decides whether a sidecar may be used
(`usable_sidecar`) and checks one a timeline answers from (`verified`), so no
backend needs to know of SQLite.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from bilatlog.backends import VerifyReport
from bilatlog.backends.sqlite import SqliteBackend
from bilatlog.exceptions import BilatlogError, IntegrityError
from bilatlog.projections._query import Engine

if TYPE_CHECKING:
    from bilatlog.backends import Backend
    from bilatlog.events import RecordedEvent

__all__ = ["Mirror", "usable_sidecar", "verified"]


def usable_sidecar(log: Backend) -> Path | None:
    """The sidecar to keep `log`'s mirror in, or None to keep it in memory.

    None for a log without one, a read-only opening, a folder this process may
    not write, or a sidecar that is a symbolic link or not a regular file (the
    index is never written through a link into another file). A sidecar SQLite
    cannot read (not a database, or damaged) is derived data: it is deleted, to
    be rebuilt.
    """
    side = log.sidecar
    if side is None or log.readonly or not os.access(side.parent, os.W_OK):
        return None
    if side.is_symlink() or (side.exists() and not side.is_file()):
        return None
    if side.exists():
        try:
            with contextlib.closing(sqlite3.connect(f"{side.resolve().as_uri()}?mode=ro",
                                                    uri=True)) as db:  # fmt: skip
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            if getattr(e, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                return None  # (locked, or unreadable here: keep the index in memory)
            _remove(side)
    return side


def _remove(side: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{side}{suffix}").unlink(missing_ok=True)


def verified(log: Backend) -> VerifyReport:
    """`log.verify()`, and the sidecar index a timeline answers from, when it continues the log.

    A sidecar that does not continue the log (or cannot be read) is refused and
    rebuilt before any answer; one that does is answered from, so its copy of
    the log and its versions must verify like any SQLite store's. It is read
    without creating anything beside it.
    """
    report = log.verify()
    side = log.sidecar
    if side is None or not report.ok or side.is_symlink() or not side.is_file():
        return report
    # no writer holds it (no -wal beside it): read it as it is, creating nothing beside
    wal = Path(f"{side}-wal")
    quiet = not wal.exists()
    try:
        store = SqliteBackend(side, readonly=True, remember=False, immutable=quiet)
    except BilatlogError:
        return report  # unreadable: not answered from (refused when next used)
    try:
        mine = store.head
        here = next(iter(store.read(mine, mine)), None) if mine else None
        theirs = next(iter(log.read(mine, mine)), None) if mine and mine <= report.checked else None
        if here is None or theirs is None or here.hash != theirs.hash:
            return report  # does not continue the log: rebuilt before any answer
        found = store.verify()
    except BilatlogError as e:
        found = VerifyReport(ok=False, checked=0, reason=str(e))
    finally:
        store.close()
    if found.ok or (quiet and wal.exists()):  # (a writer came meanwhile: not a finding)
        return report
    return attrs.evolve(
        report,
        ok=False,
        position=found.position,
        reason=f"the derived sidecar index {side.name} does not follow from the log "
        f"({found.reason}). Fix: rebuild it with tl.reindex() or `bilatlog reindex` "
        "(or delete the file).",
    )


class Mirror:
    """The index for a log that keeps none of its own: a SQLite database beside it.

    The log stays the only source of truth; the mirror copies its records
    (hash-checked) into a SQLite store, whose append path files the versions,
    and answers through the same `Engine`. It is keyed by the log's head: it
    follows the head, and is refused and rebuilt when the log no longer
    continues what it copied (its last record's position and hash).

    Args:
        source: the log.
        path: a sidecar file to keep the mirror in (reused by the next process),
            or None for memory.
        progress: show a progress bar while copying (None: when watched).
    """

    def __init__(
        self, source: Backend, *, path: Path | None = None, progress: bool | None = False
    ) -> None:
        """Mirror `source` (nothing is copied until the first question)."""
        self._source = source
        self._path = path
        self._progress = progress
        self._checked = False
        self._catching_up = threading.Lock()
        self._open()

    @classmethod
    def rebuilt(cls, source: Backend, *, progress: bool | None = None) -> Mirror:
        """A new mirror of `source`, its sidecar (if any) deleted first: copied again."""
        sidecar = usable_sidecar(source)
        if sidecar is not None:
            _remove(sidecar)
        return cls(source, path=sidecar, progress=progress)

    def _open(self) -> None:
        self._store = SqliteBackend(
            ":memory:" if self._path is None else self._path, remember=False
        )
        native = self._store.index_db()
        if native is None:  # a sidecar this process may not write to
            self._store.close()
            self._store = SqliteBackend(":memory:")
            native = self._store.index_db()
            assert native is not None  # noqa: S101 - a new database is indexed
        self._engine = Engine(*native, codec=self._source.codec)

    def _close_store(self) -> None:
        self._engine.settle()  # answers still alive keep their events after the copy closes
        self._store.close()

    def _rebuild(self) -> None:
        self._close_store()
        if self._path is not None:
            _remove(self._path)
        self._open()

    def engine(self) -> Engine:
        """The engine, brought up to the log's head (one thread copies at a time)."""
        with self._catching_up:
            return self._engine_locked()

    def _engine_locked(self) -> Engine:
        head, mine = self._source.head, self._store.head
        if mine and (head != mine or not self._checked) and not self._continues(mine):
            self._rebuild()
        self._checked = True
        if head > self._store.head:
            from bilatlog._progress import progress as bar  # noqa: PLC0415 - display helper

            start = self._store.head
            chunk: list[RecordedEvent] = []
            for rec in bar(self._source.read(start + 1, head), total=head - start,
                           desc="indexing", enabled=self._progress):  # fmt: skip
                chunk.append(rec)
                if len(chunk) >= 5000:
                    self._copy(chunk)
                    chunk = []
            if chunk:
                self._copy(chunk)
        return self._engine

    def _copy(self, chunk: list[RecordedEvent]) -> None:
        """Copy records in, skipping what another process already copied into the sidecar."""
        while True:
            mine = self._store.head
            fresh = [rec for rec in chunk if rec.position > mine]
            if not fresh:
                return
            try:
                self._store.copy_in(fresh)
            except IntegrityError:
                if self._store.head == mine:  # not a race with another copier: a real fault
                    raise
                continue  # another process copied meanwhile: skip what it did
            return

    def _continues(self, mine: int) -> bool:
        theirs = next(iter(self._source.read(mine, mine)), None)
        try:
            ours = next(iter(self._store.read(mine, mine)), None)
        except IntegrityError:
            return False
        return theirs is not None and ours is not None and theirs.hash == ours.hash

    def close(self) -> None:
        """Let go of the mirror (a sidecar file stays for the next process)."""
        self._close_store()
