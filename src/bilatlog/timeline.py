"""`Timeline`: the facade that joins a backend and the projections.

```python
import bilatlog as bl

with bl.open("relations.jsonl") as tl:
    tl.record("operations.suspended", on="2020-10~", track="dea-operations",
              status="suspended", actors=["US.DEA", "MX"], sources=[...])
    tl.state_at("2021-06-01")["dea-operations"].status
```
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, Self, TypeVar

from dateutil.relativedelta import relativedelta

from bilatlog import _seam
from bilatlog._filters import (
    EVENT_KINDS,
    LOG_KINDS,
    check_filters,
    check_held,
    check_name,
    check_span,
    replay_days,
)
from bilatlog._ids import timeline_ids
from bilatlog._knowledge import KnownAt, Position, known_position
from bilatlog.backends import Backend, VerifyReport, open_backend
from bilatlog.backends._contract import system_clock
from bilatlog.checkpoint import Checkpoint, check_expected, checkpoint_at, parse_expect
from bilatlog.events import Correction, Event, Record, RecordedEvent, Retraction, Source
from bilatlog.exceptions import IntegrityError, ValidationError
from bilatlog.projections import Diff, Explanation, Figure, History, Projection, State
from bilatlog.projections._answers import diff_of, explain_of, plan_fates
from bilatlog.projections._base import check_projection, run_projection
from bilatlog.projections._mirror import Mirror, usable_sidecar, verified
from bilatlog.projections._query import Engine, figures
from bilatlog.projections.known import Events, known_events
from bilatlog.projections.plans import PlanFate
from bilatlog.time import When, when_of

if TYPE_CHECKING:
    from types import TracebackType

    from bilatlog.audit import Audit
    from bilatlog.backends import Clock

__all__ = ["KnownAt", "Timeline", "open"]

S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Run a method under the timeline's lock: threads share one knowledge index safely."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]  # noqa: SLF001
            return method(*args, **kwargs)

    return run


class Timeline:
    """A timeline of events between states, over one append-only log.

    Build one with `bilatlog.open(...)`. A timeline holds no file lock between
    calls: several timelines (in one process or many) may share a file.

    Args:
        target: where the log lives (see `bilatlog.open`), or a `Backend`.
        clock: the store's clock for `recorded_at` (aware datetimes); injectable
            for tests (`bilatlog.testing.FakeClock`).
        readonly: open an existing store read-only: it is never written or
            created (a missing store is a `StorageError` naming close matches;
            no store, `None`, or a backend open for writing is a `ValidationError`).

    One timeline may be shared by threads: questions and appends take its lock.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | Backend | None = None,
        *,
        clock: Clock | None = None,
        readonly: bool = False,
    ) -> None:
        """Open the backend that `target` names."""
        self.backend: Backend = open_backend(target, clock=clock, readonly=readonly)
        self.clock = clock
        self.new_id = timeline_ids(clock)
        """Make an id of this timeline's own (as `record`, `correct` and `retract` do), carrying
        the instant a `FakeClock` shows, else the system's time: `bl.Event(id=tl.new_id(), ...)`
        gives one to a record built by hand."""
        self._native: Engine | None = None
        self._mirror: Mirror | None = None
        self._engine_lock = threading.Lock()
        # one lock for the questions and appends of threads sharing this timeline
        self._lock = threading.RLock()

    # -- context and display ------------------------------------------------------

    def __enter__(self) -> Self:
        """Use as `with bl.open(...) as tl:`."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the backend."""
        self.close()

    def __repr__(self) -> str:
        """Show where the log lives and how long it is."""
        return f"<Timeline {self.backend.url} position={self.position}>"

    def _repr_html_(self) -> str:
        return _seam.html(self)

    # -- notebooks: frames and plots (the pandas and plot extras) -------------------------

    def to_frame(self, *, known_at: KnownAt = None) -> Any:  # noqa: ANN401 - pandas
        """One row per event as known (pandas DataFrame; see `bilatlog.io.frames`)."""
        return _seam.frame(self, known_at=known_at)

    def status_matrix(
        self,
        *,
        start: str,
        end: str,
        every: str = "year",
        tracks: Sequence[str] | None = None,
        known_at: KnownAt = None,
    ) -> Any:  # noqa: ANN401 - pandas
        """Dates x tracks of statuses (`?` marks a possible one) as a DataFrame."""
        return _seam.status_matrix(
            self, start=start, end=end, every=every, tracks=tracks, known_at=known_at
        )

    def series_frame(self, metric: str, *, known_at: KnownAt = None) -> Any:  # noqa: ANN401
        """`series(metric)` as a DataFrame."""
        return _seam.series_frame(self, metric, known_at=known_at)

    def states_frame(
        self,
        start: str | dt.date | When,
        end: str | dt.date | When,
        *,
        every: str = "year",
        tracks: Sequence[str] | None = None,
        known_at: KnownAt = None,
    ) -> Any:  # noqa: ANN401 - pandas
        """Tidy states: one row per date and track (date, track, status, truth, possible)."""
        return _seam.states_frame(self, start, end, every=every, tracks=tracks, known_at=known_at)

    def to_arrow(self, *, known_at: KnownAt = None, batch_size: int = 10_000) -> Any:  # noqa: ANN401
        """The events as known, streamed as a `pyarrow.RecordBatchReader` (the `arrow` extra)."""
        return _seam.arrow(self, known_at=known_at, batch_size=batch_size)

    def plot(
        self,
        tracks: Sequence[str] | None = None,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        known_at: KnownAt = None,
        ax: Any = None,  # noqa: ANN401 - matplotlib Axes
        **options: Any,  # noqa: ANN401 - colours=, title=
    ) -> Any:  # noqa: ANN401 - matplotlib Axes
        """Draw status periods per track (Gantt style); see `bilatlog.notebook.plot_timeline`."""
        return _seam.plot(
            self, tracks=tracks, start=start, end=end, known_at=known_at, ax=ax, **options
        )

    def plot_interactive(
        self,
        tracks: Sequence[str] | None = None,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        known_at: KnownAt = None,
        **options: Any,  # noqa: ANN401 - colours=
    ) -> Any:  # noqa: ANN401 - a plotly Figure
        """An interactive plotly timeline (the `interactive` extra); hover for sources."""
        return _seam.plot_interactive(
            self, tracks=tracks, start=start, end=end, known_at=known_at, **options
        )

    def plot_figures(
        self,
        metrics: Sequence[str],
        *,
        known_at: KnownAt = None,
        ax: Any = None,  # noqa: ANN401
        **options: Any,  # noqa: ANN401 - title=
    ) -> Any:  # noqa: ANN401 - matplotlib Axes
        """Chart of figures; with `known_at`, the values known then beside today's."""
        return _seam.plot_figures(self, metrics, known_at=known_at, ax=ax, **options)

    def close(self) -> None:
        """Release the backend's resources; the log stays as it is."""
        if self._mirror is not None:
            self._mirror.close()
            self._mirror = None
        if self._native is not None:
            self._native.settle()  # answers still alive keep their events after close
        self._native = None
        self.backend.close()

    @property
    def position(self) -> int:
        """The head position: how many records the log holds."""
        return self.backend.head

    def __bool__(self) -> bool:
        """A timeline is a timeline, even when empty (`len(tl)` counts its events)."""
        return True

    def __len__(self) -> int:
        """The number of events known now (plans included; corrections and retractions not)."""
        return self._engine().count(self.resolve_known_at(None))

    # -- writing -------------------------------------------------------------------

    def record(
        self,
        type: str,  # noqa: A002 - mirrors Event.type
        *,
        on: str | dt.date | When,
        track: str | None = None,
        status: str | None = None,
        actors: Iterable[str] = (),
        summary: str = "",
        data: Mapping[str, Any] | None = None,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        planned: bool = False,
        announced: str | dt.date | When | None = None,
        fulfils: str | None = None,
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
    ) -> RecordedEvent:
        """Record one event and return it as stored (with position, recorded_at, hash).

        The arguments are `Event`'s fields; see `bilatlog.Event`.
        """
        fields = {"type": type, "on": on, "track": track, "status": status, "actors": actors,
                  "summary": summary, "data": data, "sources": sources, "planned": planned,
                  "announced": announced, "fulfils": fulfils}  # fmt: skip
        return self._append_one(Event, fields, id, expected_position)

    def _append_one(
        self,
        kind: Callable[..., Record],
        fields: dict[str, Any],
        id: str | None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None,
    ) -> RecordedEvent:
        """Append one record of `kind` made of `fields`, its `id` given or this timeline's next."""
        record = kind(**fields, id=self.new_id() if id is None else id)
        return self.append([record], expected_position=expected_position)[0]

    @_locked
    def append(
        self, events: Iterable[Record], *, expected_position: int | None = None
    ) -> list[RecordedEvent]:
        """Append a batch atomically: all of it or, on any error, none of it.

        Raises:
            ConcurrencyError: `expected_position` is given and the head moved.
            ValidationError: a record is invalid; nothing was written.
            IntegrityError: an id is already stored with different content.
        """
        if isinstance(events, (Event, Correction, Retraction, str, bytes, Mapping)) or not (
            isinstance(events, Iterable)
        ):
            raise ValidationError(
                "events",
                events,
                "expected a list of records (Event, Correction, Retraction).",
                "pass tl.append([bl.Event(...)]), or use tl.record(...) for one event.",
            )
        return self.backend.append(list(events), expected_position=expected_position)

    @_locked
    def correct(
        self,
        event_id: str,
        *,
        reason: str,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
        changes: Mapping[str, Any] | None = None,
        **fields_changed: Any,  # noqa: ANN401 - any correctable field
    ) -> RecordedEvent:
        """Record a correction of an earlier event: new values for some of its fields.

        `tl.correct(ev.id, reason="source gives the exact day", on="2020-10-15")`.
        From its own recording on, queries see the corrected event; as known
        before it, the original. `sources` are the correction's own sources; to
        replace the event's sources (or any field), pass `changes={"sources": [...]}`.
        """
        changed = {**(changes or {}), **fields_changed}
        fields = {"target": event_id, "changes": changed, "reason": reason, "sources": sources}
        return self._append_one(Correction, fields, id, expected_position)

    @_locked
    def retract(
        self,
        event_id: str,
        *,
        reason: str,
        sources: Iterable[Source | Mapping[str, Any]] = (),
        id: str | None = None,  # noqa: A002 - mirrors Event.id
        expected_position: int | None = None,
    ) -> RecordedEvent:
        """Record that an earlier event is withdrawn (from this recording on)."""
        fields = {"target": event_id, "reason": reason, "sources": sources}
        return self._append_one(Retraction, fields, id, expected_position)

    # -- reading ---------------------------------------------------------------------

    def get(self, record_id: str) -> RecordedEvent | None:
        """Return the stored record with this id (as recorded, uncorrected), or None."""
        return self.backend.get(record_id)

    def resolve_known_at(self, known_at: KnownAt) -> Position:
        """Turn a `known_at` value into a log position (see `bilatlog._knowledge`).

        An int is a position; an aware datetime, or ISO datetime text with its
        offset, is an instant; a `date` or ISO date text means the end of that
        UTC day; None means now (the head).
        """
        return known_position(known_at, self.backend)

    def events(
        self,
        *,
        track: str | None = None,
        type: str | None = None,  # noqa: A002 - mirrors Event.type
        actor: str | None = None,
        between: tuple[str | dt.date | When, str | dt.date | When] | None = None,
        known_at: KnownAt = None,
        kinds: Iterable[str] = ("event", "planned"),
    ) -> Events:
        """The events as known at `known_at`: corrections applied, retractions left out.

        Filters apply to the corrected fields; the answer is in valid-time
        order (ties by position). Each item (`KnownEvent`) gives every field of
        the event, its `position` and `recorded_at`, the record as first
        stored (`.original`) and the corrections behind it (`.corrections`).
        The records as stored, of every kind, are `log()`.

        Args:
            track: only this track.
            type: a glob on the type, e.g. `"operations.*"`.
            actor: an actor and its units (`"US"` matches `"US.DEA"`).
            between: `(start, end)`: events whose date may fall in that span.
            known_at: as the dataset stood then (default: now).
            kinds: `"event"` (things that happened) and/or `"planned"` (plans).

        Raises:
            ValidationError: a malformed filter.
            UnknownNameError: a track, type or actor the store has never held.
        """
        f = check_filters(kinds=kinds, allowed=EVENT_KINDS, where="events", track=track,
                          type=type, actor=actor, between=between)  # fmt: skip
        known_pos = self.resolve_known_at(known_at)
        engine = self._engine()
        keep = f.keep()
        answer = Events(
            lambda: self._stepwise(known_events(engine, known_pos, keep)), known_at=known_pos
        )
        if any(f.names().values()) and not answer:
            self._check_held(**f.names())
        return answer

    def _stepwise(self, items: Iterator[S]) -> Iterator[S]:
        """Stream `items`, each step under the lock (another thread may be catching up)."""
        while True:
            with self._lock:
                try:
                    item = next(items)
                except StopIteration:
                    return
            yield item

    def _check_held(self, **names: str | None) -> None:
        tracks = set(self._engine().all_tracks())
        for field, name in names.items():
            check_held(self.backend, tracks, field, name)

    def log(
        self,
        *,
        track: str | None = None,
        type: str | None = None,  # noqa: A002 - mirrors Event.type
        actor: str | None = None,
        between: tuple[str | dt.date | When, str | dt.date | When] | None = None,
        known_at: KnownAt = None,
        kinds: Iterable[str] = LOG_KINDS,
    ) -> Iterator[RecordedEvent]:
        """Stream the records as stored (every kind, uncorrected), in position order.

        The filters look at the stored fields, so corrections and retractions
        pass only filters that do not look at event fields (`kinds`,
        `known_at`). The events as known are `events()`.

        Args:
            track: only events of this track (as stored).
            type: a glob on the stored type.
            actor: an actor and its units.
            between: `(start, end)`: events whose stored date may fall in that span.
            known_at: only records stored by then.
            kinds: record kinds to include (`"event"`, `"correction"`, `"retraction"`).
        """
        f = check_filters(kinds=kinds, allowed=LOG_KINDS, where="log", track=track,
                          type=type, actor=actor, between=between)  # fmt: skip
        known_pos = self.resolve_known_at(known_at)
        records = self.backend.query(f.query(stop=known_pos))
        first = next(records, None)
        if first is None:
            self._check_held(**f.names())
            return iter(())
        return itertools.chain((first,), records)

    def verify(self, *, expect: tuple[int, str] | Checkpoint | str | None = None) -> VerifyReport:
        """Re-check the whole log: positions, hash chain, clock order, decoding, derived tables.

        The report gives the head as `position` and `head_hash`: publish them
        (or a `checkpoint()`). With `expect=(position, head_hash)` (or a
        `Checkpoint`, or `"POSITION:HASH"`), the report is not ok unless the
        log still holds that very record at that position: a log rolled back
        to before it, or forked from it, fails.
        """
        wanted = None if expect is None else parse_expect(expect)
        return check_expected(verified(self.backend), self.backend, wanted)

    def checkpoint(self, *, key: object = None) -> Checkpoint:
        """A statement of the head to publish: position, head hash and its recorded_at.

        With `key` (an Ed25519 private key, or its 32 raw bytes; the `sign`
        extra), the statement is signed. Check a copy later with
        `tl.verify(expect=checkpoint)`. See `bilatlog.checkpoint`.
        """
        cp = checkpoint_at(self.backend, self.backend.head)
        return cp if key is None else cp.signed(key)

    def copy_from(self, other: Timeline, *, batch: int = 1000) -> int:
        """Copy every record of `other` that this timeline lacks, verbatim.

        Positions, `recorded_at` and hashes stay identical, so knowledge time is
        kept and `verify()` proves the copy faithful: move a JSONL or SQLite
        timeline into PostgreSQL and back with nothing lost. This timeline must
        hold a prefix of `other` (usually: be empty). Returns how many records
        were copied.
        """
        start = self.position
        if start:
            mine = next(iter(self.backend.read(start, start)))
            theirs = next(iter(other.backend.read(start, start)), None)
            if theirs is None or theirs.hash != mine.hash:
                raise IntegrityError(
                    f"this timeline is not a prefix of {other.backend.url}: they differ at "
                    f"position {start}. Fix: copy into an empty store.",
                    position=start,
                )
        copied = 0
        chunk: list[RecordedEvent] = []
        for rec in other.backend.read(start + 1):
            chunk.append(rec)
            # cut only where a batch of the source ends, so the copy keeps its batches
            if len(chunk) >= batch and rec.batch in (None, rec.position):
                copied += len(self.backend.copy_in(chunk))
                chunk = []
        if chunk:
            copied += len(self.backend.copy_in(chunk))
        return copied

    def subscribe(
        self,
        from_position: int = 0,
        *,
        timeout: float | None = None,
        poll: float = 0.25,
    ) -> Iterator[RecordedEvent]:
        """Yield every record after `from_position`: the backlog, then new ones as they commit.

        Delivery is at-least-once, in position order: keep the position of the
        last record you handled and pass it as `from_position` to resume after
        a restart. PostgreSQL wakes subscribers with LISTEN/NOTIFY (another
        process's commit arrives within a second); files and memory are polled
        every `poll` seconds. With `timeout`, the iteration ends after that many
        seconds without a new record; without it, it waits for ever.
        """
        if (
            isinstance(from_position, bool)
            or not isinstance(from_position, int)
            or (from_position < 0)
        ):
            raise ValidationError(
                "from_position", from_position, "expected a position (0 or more).",
                "pass 0 for everything, or the last position you handled.",
            )  # fmt: skip
        position = from_position
        while True:
            for rec in self.backend.read(position + 1):
                yield rec
                position = rec.position
            deadline = None if timeout is None else time.monotonic() + timeout
            while self.backend.head <= position:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return
                self.backend.wait(position, left, poll=poll)

    # -- questions -------------------------------------------------------------------

    def _engine(self) -> Engine:
        """The query engine: the store's own index, or a mirror for a log without one."""
        if self._native is not None:
            return self._native
        with self._engine_lock:  # threads sharing this timeline share one engine
            if self._native is None and self._mirror is None:
                native = self.backend.index_db()
                if native is not None:
                    self._native = Engine(*native, codec=self.backend.codec)
                else:
                    self._mirror = Mirror(self.backend, path=usable_sidecar(self.backend))
            mirror = self._mirror
        if self._native is not None:
            return self._native
        assert mirror is not None  # noqa: S101 - one of the two is set above
        return mirror.engine()

    def reindex(self, *, progress: bool | None = None) -> None:
        """Rebuild the derived bitemporal index from the log (a progress bar when watched).

        The index is derived data: the log is the truth, and `verify()` reports
        any index row that differs from it. `progress=None` shows a bar in a
        terminal or notebook; True always; False never.
        """
        with self._engine_lock:
            self._native = None
            if self.backend.reindex(progress=progress):
                return
            if self._mirror is not None:
                self._mirror.close()
            self._mirror = Mirror.rebuilt(self.backend, progress=progress)
            mirror = self._mirror
        mirror.engine()

    @_locked
    def state_at(self, at: str | dt.date | When, *, known_at: KnownAt = None) -> State:
        """The state of every track at `at`, as the dataset stood at `known_at`.

        `at` is a day, or an imprecise date (`"2020"`): then a status is
        `CERTAIN` if it surely holds on every day of it, `POSSIBLE` if it may
        hold on some day of it. `known_at` is a position, an aware datetime, or
        an ISO date (the end of that UTC day); None means everything known now.
        """
        when = when_of("at", at)
        known_pos = self.resolve_known_at(known_at)
        return self._engine().state(when, known_pos)

    @_locked
    def history(self, track: str, *, known_at: KnownAt = None) -> History:
        """Every status period of `track`, in valid-time order, each with its truth."""
        check_name("track", track, required=True)
        known_pos = self.resolve_known_at(known_at)
        engine = self._engine()
        out = engine.history(track, known_pos)
        out.plans = tuple(plan_fates(engine, self._today(), known_pos, track=track))
        if not out and not out.plans:
            self._check_held(track=track)
        return out

    def _today(self) -> When:
        """Today (UTC) by the store's clock: the date plans are told against by default."""
        return When.parse((self.clock or system_clock)().astimezone(dt.UTC).date())

    def plans(
        self,
        *,
        at: str | dt.date | When | None = None,
        track: str | None = None,
        known_at: KnownAt = None,
    ) -> list[PlanFate]:
        """Every plan, as known at `known_at`, with its fate at `at` (default: today).

        Each `PlanFate` says whether the plan was fulfilled (by what, when),
        is overdue (its latest date passed with nothing fulfilling it), or is
        still expected. In valid-time order.
        """
        check_name("track", track)
        when = self._today() if at is None else when_of("at", at)
        known_pos = self.resolve_known_at(known_at)
        out = plan_fates(self._engine(), when, known_pos, track=track)
        if not out:
            self._check_held(track=track)
        return out

    def audit(self, *, known_at: KnownAt = None) -> Audit:
        """Check the dataset before citing it: what a careful reader would question.

        Finds events without sources, figures without units, corrections and
        retractions without sources, a track given two statuses for one day,
        overdue plans, and sources newer than the records citing them. See
        `bilatlog.audit`.
        """
        from bilatlog.audit import audit  # noqa: PLC0415 - its own module

        return audit(self, known_at=known_at)

    @_locked
    def diff(
        self, a: str | dt.date | When, b: str | dt.date | When, *, known_at: KnownAt = None
    ) -> Diff:
        """What changed between `a` and `b`: one `Change` per track whose state differs.

        Each change carries the track's events that may fall after `a` and by `b`.
        """
        wa, wb = when_of("a", a), when_of("b", b)
        check_span("b", b, wa, wb)
        return diff_of(self._engine(), wa, wb, self.resolve_known_at(known_at))

    @_locked
    def explain(
        self, track: str, at: str | dt.date | When, *, known_at: KnownAt = None
    ) -> Explanation:
        """Why `track` is in its state at `at`: its events, their corrections, their sources.

        Lists every event recorded for the track (as known at `known_at`) that
        may have happened by `at`, with the original record, each correction
        (with its reason), any retraction, and the sources.
        """
        check_name("track", track, required=True)
        when = when_of("at", at)
        known_pos = self.resolve_known_at(known_at)
        engine = self._engine()
        out = explain_of(engine, track, when, known_pos)
        if not out.entries and not out.plans and track not in engine.all_tracks():
            self._check_held(track=track)
        return out

    def replay(
        self,
        start: str | dt.date | When,
        end: str | dt.date | When,
        *,
        every: str | relativedelta = "year",
        known_at: KnownAt = None,
        progress: bool | None = False,
    ) -> Iterator[tuple[dt.date, State]]:
        """Yield `(day, state)` from the first day of `start` to the last day of `end`.

        Steps by `every` (`"year"`, `"month"`, `"week"`, `"day"`, or a
        `dateutil.relativedelta`), month ends clamped; both ends inclusive:
        `replay("2006", "2022")` yields 1 January of 2006, 2007, ..., 2022.
        `progress=None` shows a progress bar when someone is watching (terminal
        or notebook); True always; False (the default) never.
        """
        ws, we = when_of("start", start), when_of("end", end)
        check_span("end", end, ws, we)
        days = replay_days(ws.lo, we.hi, every)
        known_pos = self.resolve_known_at(known_at)
        engine = self._engine()
        from bilatlog._progress import progress as bar  # noqa: PLC0415 - display helper

        for day in bar(days, total=len(days), desc="replay", enabled=progress):
            with self._lock:
                state = engine.state(When.parse(day), known_pos)
            yield day, state

    @_locked
    def project(
        self,
        projection: Projection[S],
        *,
        at: str | dt.date | When | None = None,
        known_at: KnownAt = None,
    ) -> S:
        """Run your own `Projection` with the same ordering, certainty and knowledge rules."""
        check_projection(projection)
        when = None if at is None else when_of("at", at)
        known_pos = self.resolve_known_at(known_at)
        return run_projection(projection, self._engine().in_order(known_pos), at=when)

    @_locked
    def series(self, metric: str, *, known_at: KnownAt = None) -> list[Figure]:
        """Every figure reported for `metric`, in valid-time order, as known at `known_at`."""
        known_pos = self.resolve_known_at(known_at)
        return figures(self._engine(), metric, known_pos)

    @_locked
    def tracks(self, *, known_at: KnownAt = None) -> list[str]:
        """Every track with a status event, as known at `known_at`, sorted."""
        known_pos = self.resolve_known_at(known_at)
        return self._engine().tracks(known_pos)


def open(  # noqa: A001 - the public name the contract promises
    target: str | os.PathLike[str] | Backend | None = None,
    *,
    clock: Clock | None = None,
    readonly: bool = False,
) -> Timeline:
    """Open a timeline.

    Args:
        target: `None` (in memory); `"name.jsonl"` (a JSONL file);
            `"name.db"`, `"name.sqlite"` or `"sqlite:///name.db"` (SQLite);
            `"postgresql://..."` is reserved for the PostgreSQL backend.
        clock: the store's clock for `recorded_at` (returns aware datetimes).
        readonly: open an existing store without ever writing or creating it
            (refused for a store in memory, which would be new and writable).

    Raises:
        ValidationError: the target is not one of the accepted forms.
        StorageError: with `readonly`, there is no store at `target` (the
            message names close matches); or the target is a directory or FIFO.
        IntegrityError: the store is shorter than, or forks from, the head
            it remembers acknowledging.
    """
    return Timeline(target, clock=clock, readonly=readonly)
