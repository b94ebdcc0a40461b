"""The JSONL log: one JSON object per line, UTF-8, readable, diffable, git-friendly.

Each line is a stored envelope (see `bilatlog._codec`) plus `"batch"`: the last
position of the batch it was appended in. How the promises are kept:

- **Durable**: an append is written and `fsync`ed before it returns (and the
  folder is synced when the file is created).
- **Atomic**: a batch is acknowledged only once its last line is on disk. A
  crash mid-append leaves at most a *torn tail*: a prefix of one batch that was
  never acknowledged. The next writer, holding the lock, moves those bytes to a
  side file (`<name>.torn-<offset>-<time>`), truncates the log back to its last
  complete batch, and emits a `BilatlogWarning`: nothing deleted, nothing merged.
- **Safe with many processes**: every append takes an exclusive `flock` for its
  own duration; every read takes a shared one, so a reader never sees another
  process's append in progress (and never mistakes it for a torn tail). No lock
  is held between calls.
- **Corruption is loud**: a line that does not parse, does not chain or does
  not decode anywhere before the tail raises `IntegrityError` with its line
  number and position; `verify()` reports it without raising.

File locks use `fcntl.flock`, so this backend runs on POSIX systems.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from bilatlog._codec import (
    SCHEMA_VERSION,
    format_instant,
    hash_envelope,
    loads,
    stored_line,
)
from bilatlog.backends._contract import Clock, Query, VerifyReport, clean_report
from bilatlog.backends._defaults import Defaults
from bilatlog.backends._files import check_store_file
from bilatlog.backends._heads import HeadMemory, remembered_head
from bilatlog.backends._records import RecordIndex, verify_envelopes
from bilatlog.backends._writing import Appender, Lookups, Prepare
from bilatlog.events import RecordedEvent
from bilatlog.exceptions import BilatlogWarning, IntegrityError, StorageError

__all__ = ["JsonlBackend", "TornTailWarning"]


class TornTailWarning(BilatlogWarning):
    """An unacknowledged, partly written batch was found at the end of a JSONL log and set aside."""


@attrs.frozen
class _Scan:
    """What reading a byte range of the log found."""

    envelopes: list[dict[str, Any]]
    lines: list[int]
    end: int  # offset after the last complete batch
    torn: bytes  # bytes of an unacknowledged tail, if any
    torn_line: int
    partial: bool  # the tail ends in a line without its newline


def _scan(data: bytes, *, first_line: int, head: int, base: int) -> _Scan:
    """Parse whole batches from `data`; classify what follows the last one.

    Raises IntegrityError for a bad line that is not part of a torn tail.
    """
    envelopes: list[dict[str, Any]] = []
    lines: list[int] = []
    pending: list[tuple[int, dict[str, Any]]] = []
    committed = 0
    pos = 0
    line_no = first_line
    batch_start_line = first_line
    expected = head + 1
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl == -1:  # a partial last line: can only be a torn tail
            break
        raw = data[pos:nl]
        try:
            env = loads(raw)
            if not isinstance(env, dict):
                raise TypeError("not a JSON object")  # noqa: TRY301 - same handling as bad JSON
        except (ValueError, TypeError) as e:
            # a line that ends in a newline was written whole: damaged, never a torn tail
            raise IntegrityError(
                f"line is not a JSON object ({e}); only a final line without its newline "
                "can be a crash's torn tail",
                position=expected,
                line=line_no,
            ) from None
        position, batch = env.get("position"), env.get("batch")
        if position != expected:
            raise IntegrityError(
                f"expected position {expected}, found {position!r} (a line was inserted, "
                "removed or reordered)",
                position=expected,
                line=line_no,
            )
        if (
            not isinstance(batch, int)
            or batch < position
            or (pending and pending[0][1]["batch"] != batch)
            or env.get("batch_end", batch) != batch
        ):
            raise IntegrityError(f"bad batch marker {batch!r}", position=position, line=line_no)
        if not pending:
            batch_start_line = line_no
        pending.append((line_no, env))
        expected += 1
        pos = nl + 1
        line_no += 1
        if position == batch:
            for ln, pending_env in pending:
                envelopes.append(pending_env)
                lines.append(ln)
            pending.clear()
            committed = pos
    for ln, env in pending:
        # whole lines of an unfinished batch: only a crash can leave them, so they must be
        # exactly what a writer wrote (a marker edited to look unfinished breaks the hash)
        if "batch_end" in env and env.get("hash") != _hash_or_none(env):
            raise IntegrityError(
                "content does not match its hash", position=env["position"], line=ln
            )
    torn = data[committed:]
    return _Scan(
        envelopes=envelopes,
        lines=lines,
        end=base + committed,
        torn=torn,
        torn_line=batch_start_line if pending else line_no,
        partial=bool(torn) and not torn.endswith(b"\n"),
    )


class JsonlBackend(Appender, Defaults):
    """An append-only log in a JSONL file.

    Args:
        path: the file; created on the first append (unless `readonly`).
        clock: returns the current instant (aware); defaults to the system clock.
        readonly: refuse every write, and a missing file at open.
        lock_timeout: seconds to wait for another process's lock before a
            `StorageError` (readers wait only for a writer's append in progress).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        readonly: bool = False,
        lock_timeout: float = 30.0,
    ) -> None:
        """Point at a file; nothing is read until the first call."""
        self.path = Path(path)
        self.readonly = readonly
        self.lock_timeout = lock_timeout
        check_store_file(self.path, readonly=readonly)
        Appender.__init__(self, clock)
        self._index = RecordIndex()
        self._offset = 0
        self._lines = 0
        self._identity: tuple[int, int] | None = None
        self._thread_lock = threading.RLock()
        self._memory = HeadMemory(str(self.path.resolve()))

    @property
    def url(self) -> str:
        """Where this log lives."""
        return str(self.path)

    def __repr__(self) -> str:
        """Show the file."""
        return f"JsonlBackend({str(self.path)!r})"

    # -- reading ------------------------------------------------------------

    def _open(self, *, write: bool) -> int:
        flags = os.O_RDWR | os.O_CREAT if write else os.O_RDONLY
        # O_NONBLOCK: a FIFO put in the file's place must not hang the open
        flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as e:
            raise StorageError(f"cannot open {self.path}: {e.strerror}") from e
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            check_store_file(self.path, readonly=False)  # raises, naming what it is
            raise StorageError(f"{self.path} is not a regular file")  # pragma: no cover
        return fd

    def _lock(self, fd: int, mode: int) -> None:
        """Take a `flock`, waiting at most `lock_timeout` seconds."""
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            return
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.005
        while True:
            time.sleep(pause)
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    what = "append" if mode == fcntl.LOCK_EX else "read"
                    raise StorageError(
                        f"could not lock {self.path} to {what} within {self.lock_timeout:g} s: "
                        "another process holds its lock (a writer stuck or stopped mid-append?). "
                        "Fix: find it with `fuser` or `lsof` and let it finish, or pass a "
                        "longer lock_timeout."
                    ) from None
            else:
                return
            pause = min(pause * 2, 0.1)

    def _refresh(self) -> None:
        """Bring the cache up to date with the file, under a shared lock."""
        if not self.path.exists():
            if self._offset:
                raise IntegrityError(
                    f"{self.path} disappeared after {self._index.head.position} records"
                )
            self._memory.check(0, self._hash_at, url=self.url)
            return
        fd = self._open(write=False)
        try:
            self._lock(fd, fcntl.LOCK_SH)
            self._catch_up(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def _hash_at(self, position: int) -> str | None:
        records = self._index.records
        return records[position - 1].hash if 0 < position <= len(records) else None

    def _catch_up(self, fd: int) -> _Scan | None:
        """Read what was appended since the cached offset (the caller holds a lock)."""
        st = os.fstat(fd)
        identity = (st.st_dev, st.st_ino)
        if self._identity is not None and identity != self._identity:
            # the file was replaced: start over (and compare it with the remembered head)
            self._index, self._offset, self._lines = RecordIndex(), 0, 0
        first_load = self._offset == 0
        self._identity = identity
        if st.st_size < self._offset:
            raise IntegrityError(
                f"{self.path} shrank from {self._offset} to {st.st_size} bytes: "
                "acknowledged records were removed",
                position=self._index.head.position,
            )
        scan = None
        if st.st_size > self._offset:
            data = os.pread(fd, st.st_size - self._offset, self._offset)
            scan = _scan(
                data, first_line=self._lines + 1, head=self._index.head.position, base=self._offset
            )
            self._ingest(scan)
        if first_load:
            self._memory.check(self._index.head.position, self._hash_at, url=self.url)
        if scan is not None and scan.torn and not scan.partial:
            self._check_unfinished(scan)
        return scan

    def _check_unfinished(self, scan: _Scan) -> None:
        """Whole lines of an unfinished batch end the file: in flight only if never acknowledged.

        A crash can cut a write at a line end (a killed `write` stops at a page
        boundary); a hand edit that removes a batch's last line leaves the same
        shape. Only the remembered head tells them apart: with no memory of
        acknowledging less, it is corruption, reported at its line.
        """
        remembered = self._memory.load()
        if remembered is not None and remembered[0] <= self._index.head.position:
            return
        raise IntegrityError(
            "the file ends in whole lines of a batch that never finished (its batch marker "
            "names a later position): lines removed, or a batch marker edited",
            position=self._index.head.position + 1,
            line=scan.torn_line,
        )

    def _ingest(self, scan: _Scan) -> None:
        head = self._index.head
        prev = head.hash
        prev_at = format_instant(head.recorded_at) if head.recorded_at else ""
        for env, line in zip(scan.envelopes, scan.lines, strict=True):
            v = env.get("v")
            if isinstance(v, int) and v > SCHEMA_VERSION:
                raise IntegrityError(
                    f"{self.path} holds schema version {v}, newer than this bilatlog "
                    f"knows ({SCHEMA_VERSION}); it will not read or write it. "
                    "Fix: upgrade bilatlog.",
                    position=env.get("position"),
                    line=line,
                )
            position = env["position"]
            if env.get("prev") != prev:
                raise IntegrityError(
                    "does not chain to the record before", position=position, line=line
                )
            try:
                hashed = hash_envelope(env)
            except IntegrityError as e:
                raise IntegrityError(e.reason, position=position, line=line) from None
            if env.get("hash") != hashed:
                raise IntegrityError(
                    "content does not match its hash", position=position, line=line
                )
            at = env.get("recorded_at")
            if not isinstance(at, str) or at < prev_at:
                raise IntegrityError("recorded_at goes backwards", position=position, line=line)
            try:
                rec = self.codec.open_envelope(env, trusted=True)
            except IntegrityError as e:
                raise IntegrityError(e.reason, position=position, line=line) from e
            if rec.id in self._index.by_id:
                raise IntegrityError(f"id {rec.id!r} appears twice", position=position, line=line)
            self._index.add(rec, env)
            prev, prev_at = env["hash"], at
        self._offset = scan.end
        self._lines += len(scan.envelopes)

    @property
    def head(self) -> int:
        """The position of the last record (0 when empty)."""
        with self._thread_lock:
            self._refresh()
            return self._index.head.position

    def read(self, start: int = 1, stop: int | None = None) -> Iterator[RecordedEvent]:
        """Stream records by position range."""
        with self._thread_lock:
            self._refresh()
            return self._index.read(start, stop)

    def query(self, query: Query) -> Iterator[RecordedEvent]:
        """Stream records passing `query` (evaluated on the cached indexes)."""
        with self._thread_lock:
            self._refresh()
            return self._index.query(query)

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the record with this id, or None."""
        with self._thread_lock:
            self._refresh()
            return self._index.by_id.get(record_id)

    def targeting(self, event_ids: Iterable[str], stop: int | None = None) -> list[RecordedEvent]:
        """Return corrections and retractions of these events."""
        with self._thread_lock:
            self._refresh()
            return self._index.targeting(event_ids, stop)

    def position_at(self, instant: dt.datetime) -> int:
        """Return the last position recorded at or before `instant`."""
        with self._thread_lock:
            self._refresh()
            return self._index.position_at(instant)

    # -- writing ------------------------------------------------------------

    def _lookups(self) -> Lookups:
        return self._index.lookup, self._index.retracted_among, self._index.targeting

    def _write(self, prepare: Prepare) -> list[RecordedEvent]:
        if self.readonly:
            raise StorageError(
                f"{self.path} was opened read-only. Fix: bl.open(path) without readonly=True."
            )
        with self._thread_lock:
            created = not self.path.exists()
            if created:
                self._memory.check(0, self._hash_at, url=self.url)  # a wiped store
            fd = self._open(write=True)
            if created:
                self._memory.remember(0, "")  # so a crash in the first batch is known in flight
            try:
                self._lock(fd, fcntl.LOCK_EX)
                scan = self._catch_up(fd)
                if scan is not None and scan.torn:
                    self._set_aside(fd, scan)
                elif scan is None and os.fstat(fd).st_size > self._offset:  # pragma: no cover
                    raise StorageError("the log changed while locked")
                result, sealed = prepare(self._index.head)
                if not sealed:
                    return result
                last = sealed[-1].record.position
                # the legacy, unhashed marker repeats the hashed one (a copy keeps its batches)
                ends = [item.envelope.get("batch_end", last) for item in sealed]
                if ends[-1] != last:  # a copy cut inside one of its batches
                    raise IntegrityError(
                        f"a copy must end where a batch ends (position {ends[-1]}), not at "
                        f"{last}. Fix: copy whole batches (Timeline.copy_from does).",
                        position=last,
                    )
                data = "".join(
                    stored_line(item, end) for item, end in zip(sealed, ends, strict=True)
                ).encode("utf-8")
                self._write_all(fd, data)
                if created:
                    _fsync_dir(self.path.parent)
                for item, end in zip(sealed, ends, strict=True):
                    self._index.add(item.record, {**item.envelope, "batch": end})
                self._offset += len(data)
                self._lines += len(sealed)
                self._memory.remember(last, sealed[-1].record.hash)
                return result
            finally:
                os.close(fd)

    def _write_all(self, fd: int, data: bytes) -> None:
        start = self._offset
        try:
            view = memoryview(data)
            written = 0
            while written < len(data):
                written += os.pwrite(fd, view[written:], start + written)
            os.fsync(fd)
        except OSError as e:
            # we hold the lock: take back whatever part of the batch reached the file
            try:
                os.ftruncate(fd, start)
                os.fsync(fd)
            except OSError:  # pragma: no cover - the torn tail will be set aside next time
                pass
            raise StorageError(f"could not write to {self.path}: {e.strerror}") from e

    def _set_aside(self, fd: int, scan: _Scan) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        side = self.path.with_name(f"{self.path.name}.torn-{scan.end}-{stamp}")
        with side.open("xb") as f:
            f.write(scan.torn)
            f.flush()
            os.fsync(f.fileno())
        _fsync_dir(self.path.parent)
        os.ftruncate(fd, scan.end)
        os.fsync(fd)
        warnings.warn(
            f"{self.path}: {len(scan.torn)} bytes from line {scan.torn_line} on were an "
            f"unacknowledged, partly written batch (a crash mid-append); moved to {side.name}",
            TornTailWarning,
            stacklevel=4,
        )

    # -- checking ------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Re-read the whole file and check every line; report the first problem.

        Also compares the log with the head this store remembers acknowledging.
        """
        with self._thread_lock:
            if not self.path.exists():
                return remembered_head(clean_report(0, ""), self._memory, lambda _p: None,
                                       self.url, self._memory.load())  # fmt: skip
            fd = self._open(write=False)
            try:
                self._lock(fd, fcntl.LOCK_SH)
                data = os.pread(fd, os.fstat(fd).st_size, 0)
                remembered = self._memory.load()  # under the lock: writers remember under theirs
            finally:
                os.close(fd)
            # First the content of every complete line, in order, so the report names the
            # first bad position whatever the damage; then the batch structure.
            parsed: list[dict[str, Any]] = []
            for raw in data.split(b"\n")[:-1]:
                try:
                    env = loads(raw)
                except ValueError:
                    break
                if not isinstance(env, dict):
                    break
                parsed.append(env)
            report = verify_envelopes(parsed, self.codec, range(1, len(parsed) + 1))
            if not report.ok:
                return report
            try:
                scan = _scan(data, first_line=1, head=0, base=0)
            except IntegrityError as e:
                return _failed(e)
            # the content of these lines was checked above: only the structure was left
            n = len(scan.envelopes)
            report = clean_report(n, scan.envelopes[-1]["hash"] if n else "")
            hashes = [env["hash"] for env in scan.envelopes]
            report = remembered_head(
                report, self._memory, lambda p: hashes[p - 1] if 0 < p <= n else None, self.url,
                remembered,
            )  # fmt: skip
            if not report.ok or not scan.torn:
                return report
            if not scan.partial and (remembered is None or remembered[0] > n):
                return _failed(
                    IntegrityError(
                        "the file ends in whole lines of a batch that never finished "
                        "(lines removed, or a batch marker edited)",
                        position=n + 1,
                        line=scan.torn_line,
                    ),
                    head_hash=report.head_hash,
                )
            return attrs.evolve(
                report,
                reason=f"{len(scan.torn)} bytes of an unacknowledged torn tail from line "
                f"{scan.torn_line}; the next append sets them aside",
            )

    @property
    def files(self) -> tuple[Path, ...]:
        """The log's file."""
        return (self.path,)

    @property
    def sidecar(self) -> Path:
        """Where a timeline keeps this log's derived index (`name.jsonl.index.db`).

        Whether it may write one there, and whether one found there is used, is
        the mirror's to decide (`bilatlog.projections._mirror`); so is checking it.
        """
        return self.path.with_name(self.path.name + ".index.db")

    def close(self) -> None:
        """Nothing is held between calls; drop the cache."""
        with self._thread_lock:
            self._index, self._offset, self._lines, self._identity = RecordIndex(), 0, 0, None


def _hash_or_none(env: dict[str, Any]) -> str | None:
    try:
        return hash_envelope(env)
    except IntegrityError:
        return None


def _failed(e: IntegrityError, head_hash: str = "") -> VerifyReport:
    return VerifyReport(
        ok=False,
        checked=(e.position or 1) - 1,
        position=e.position,
        line=e.line,
        reason=e.reason,
        head_hash=head_hash,
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
