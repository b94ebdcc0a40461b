"""What the file backends (JSONL, SQLite) check about the path they are given."""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path

from bilatlog.exceptions import StorageError

__all__ = ["check_store_file", "missing_store", "same_file"]


def missing_store(path: Path) -> StorageError:
    """The error for a store that is not there, naming close matches in its folder."""
    folder = path.parent
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return StorageError(
            f"no store at {path}: the folder {folder} does not exist. Fix: check the path."
        )
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(str(folder / c) for c in close)}?" if close else "."
    return StorageError(
        f"no store at {path}{hint} Fix: check the path; a read never creates a store "
        "(record or import into a new one to start it)."
    )


def check_store_file(path: Path, *, readonly: bool) -> bool:
    """Refuse what cannot be a store; return whether the file exists.

    A directory, a FIFO, a socket or a device is refused (opening a FIFO would
    hang); with `readonly`, a missing file is refused too, naming close matches.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        if readonly:
            raise missing_store(path) from None
        return False
    except OSError as e:
        raise StorageError(f"cannot open {path}: {e.strerror}") from e
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a directory" if stat.S_ISDIR(st.st_mode)
            else "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode)
            else "not a regular file"
        )  # fmt: skip
        raise StorageError(f"{path} is {kind}, not a store. Fix: name a .jsonl or .db file.")
    return True


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file, after resolving `..`, symlinks and hard links."""
    try:
        return Path(a).samefile(b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()
