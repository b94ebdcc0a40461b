"""The honest answers for the capabilities of `Backend` a log lacks.

A backend inherits `Defaults` and overrides what it has: its own index
(`index_db`, `reindex`), notifications (`wait`), files, a read-only mode.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilatlog.backends._contract import IndexReader

__all__ = ["Defaults"]


class Defaults:
    """What a log without the capability answers: no files, no index of its own, polling."""

    #: a log that cannot be opened read-only is always writable
    readonly: bool = False
    #: where the records were copied from (`MemoryBackend.copy_of`), or None
    copied_from: str | None = None

    @property
    def head(self) -> int:
        """The position of the last record (each backend gives its own)."""
        raise NotImplementedError

    @property
    def files(self) -> tuple[Path, ...]:
        """No files: the log is in memory or on a server."""
        return ()

    @property
    def sidecar(self) -> Path | None:
        """No derived index kept beside the log."""
        return None

    def wait(self, after: int, timeout: float | None, *, poll: float = 0.25) -> bool:
        """Sleep one `poll` interval (at most `timeout`): nothing tells this log of commits."""
        time.sleep(poll if timeout is None else max(0.0, min(poll, timeout)))
        return self.head > after

    def index_db(self) -> tuple[IndexReader, threading.RLock] | None:
        """No index of its own: a timeline answers through a mirror."""
        return None

    def reindex(self, *, progress: bool | None = None) -> bool:  # noqa: ARG002 - the contract's
        """Nothing to rebuild here: the caller rebuilds its mirror."""
        return False
