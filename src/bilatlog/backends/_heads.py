"""Head memory: each store remembers the highest head it acknowledged, outside itself.

A hash chain proves that what a log holds was not changed in the middle; it
cannot tell an intact log from an intact *older copy* of it, or from a log cut
short at a record boundary, or wiped and started again. So each writer, after
every acknowledged append, remembers `(position, hash)` of the new head, and
every open compares the log with it: a log shorter than the remembered head,
or holding a different record there (a fork), is an `IntegrityError`, never an
answer.

Where the memory lives: in the user's state folder, one small JSON file per
store, named by a hash of the store's location (the resolved file path, or the
PostgreSQL URL without its password plus the schema):

    $BILATLOG_STATE_DIR, else $XDG_STATE_HOME/bilatlog/heads, else ~/.local/state/bilatlog/heads

Outside the store on purpose: a `git checkout` of an older `relations.jsonl`,
an editor saving an old buffer, `cp backup.db relations.db`, or an SQLite
database whose tables were dropped and recreated all leave the memory where it
was. What it cannot see (see docs/store.md): a rollback on a machine, or by a
user, that never wrote to the store. For those, publish a checkpoint
(`Timeline.checkpoint()`) and check it with `verify(expect=...)`.

Reads never write the memory (a read never creates a file). A memory that
cannot be written (a read-only home) is skipped: the store still works, with
only published checkpoints to catch a rollback.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

from bilatlog.backends._contract import VerifyReport
from bilatlog.exceptions import IntegrityError

__all__ = ["HeadMemory", "remembered_head", "state_dir"]

_ENV: Final = "BILATLOG_STATE_DIR"


def state_dir() -> Path:
    """The folder where heads are remembered."""
    explicit = os.environ.get(_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "bilatlog" / "heads"


class HeadMemory:
    """The remembered head of one store (see the module docstring).

    Args:
        key: the store's identity (a resolved path, or a URL without password).
    """

    def __init__(self, key: str) -> None:
        """Point at the memory of the store named by `key`; nothing is read yet."""
        self.key = key
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.path = state_dir() / f"{digest}.json"

    def load(self) -> tuple[int, str] | None:
        """The remembered `(position, hash)`, or None when nothing is remembered."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # never half of a writer's rewrite
            return _parse(os.pread(fd, 4096, 0))
        except OSError:
            return None
        finally:
            os.close(fd)

    def check(
        self,
        head: int,
        lookup: Callable[[int], str | None],
        *,
        url: str,
        remembered: tuple[int, str] | object | None = ...,
    ) -> None:
        """Raise `IntegrityError` if a log ending at `head` is shorter than, or forks from, memory.

        `lookup(position)` returns the hash stored at a position (or None).
        `remembered` is what `load()` gave *before* `head` was read: another
        process may commit and remember between the two, so the memory must be
        read first (then it can only be at or below the head, unless the log
        really went backwards). Without it, the memory is read now.
        """
        if remembered is ...:
            remembered = self.load()
        if not isinstance(remembered, tuple):
            return
        position, hash_ = remembered
        if head < position:
            raise IntegrityError(
                f"{url} ends at position {head}, but this store acknowledged position "
                f"{position} before: records were removed, or the store was replaced by an "
                "older copy or wiped",
                position=head + 1,
                fix=self._fix(),
            )
        if position and lookup(position) != hash_:
            raise IntegrityError(
                f"{url} holds a different record at position {position} than the one this "
                "store acknowledged there: the log was replaced by another one (a fork)",
                position=position,
                fix=self._fix(),
            )

    def _fix(self) -> str:
        return (
            "restore the store from a backup or version control and run verify(). If you "
            f"replaced it on purpose, delete {self.path} (this store's remembered head)."
        )

    def remember(self, position: int, hash_: str) -> None:
        """Remember a newly acknowledged head (never a lower one); skip if it cannot be written.

        Writers in several processes remember under a lock on the memory file,
        so the memory only ever moves forward. It is rewritten in place with one
        small write (a rename per append costs more than the append): a crash
        can at worst leave it unreadable, which reads as "nothing remembered",
        never as a false alarm.
        """
        text = json.dumps(
            {"store": self.key.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
             "position": position, "hash": hash_}
        ).encode("utf-8")  # fmt: skip
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        try:
            try:
                fd = os.open(self.path, flags, 0o600)
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, flags, 0o600)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            remembered = _parse(os.pread(fd, 4096, 0))
            if remembered is not None and remembered[0] >= position:
                return
            os.pwrite(fd, text, 0)
            os.ftruncate(fd, len(text))
        except OSError:
            return
        finally:
            os.close(fd)  # releases the lock

    def forget(self) -> None:
        """Drop the remembered head (after replacing a store on purpose)."""
        self.path.unlink(missing_ok=True)


def _parse(data: bytes) -> tuple[int, str] | None:
    try:
        parsed = json.loads(data)
        position, hash_ = parsed["position"], parsed["hash"]
    except (ValueError, KeyError, TypeError):
        return None
    if type(position) is not int or not isinstance(hash_, str):
        return None
    return position, hash_


def remembered_head(
    report: VerifyReport,
    memory: HeadMemory | None,
    lookup: Callable[[int], str | None],
    url: str,
    remembered: tuple[int, str] | None,
) -> VerifyReport:
    """A clean `report`, unless the log is shorter than or forks from the remembered head.

    `remembered` is the memory as loaded before the log was read.
    """
    if not report.ok or memory is None:
        return report
    try:
        memory.check(report.checked, lookup, url=url, remembered=remembered)
    except IntegrityError as e:
        return VerifyReport(
            ok=False,
            checked=report.checked,
            position=e.position,
            head_hash=report.head_hash,
            reason=f"{e.reason}. Fix: {e.fix}",
        )
    return report
