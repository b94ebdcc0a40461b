"""The persisted bitemporal index: one row per version of each event (SQL:2011 shape).

Every event has versions: the original, then one per correction. Each version
is current for a range of knowledge positions, its *system time*
`[sys_from, sys_to)`: `sys_from` is the record that made it (the event, or the
correction), `sys_to` the correction or retraction that superseded it
(`OPEN` while it is current). Its *valid time* is `[valid_from, valid_to]`: the
earliest and latest day of its date. A version is *current at K* when
`sys_from <= K < sys_to`; that rule is written once, in `VISIBLE`.

The table is derived data: written in the same transaction as each append
(`VersionWriter`), rebuilt from the log by `rebuild`, and checked against the
log by `verify_index`. The database refuses any change to it but one: closing
an open system range, once, by a correction or retraction of that event.

Columns (days are proleptic Gregorian ordinals, `date.toordinal()`):

| column | meaning |
|---|---|
| sys_from | the record that opened this version (primary key: one version per record) |
| sys_to | the record that closed it, or `OPEN` |
| event_pos | the event's own record (its original position: the tie-breaker) |
| track, status | the track and status it puts that track in |
| kind | 1: a status event (track and status, not planned); 2: a plan; 0: other |
| valid_from, valid_to, edtf | the date's earliest and latest day, and its text (valid-time order) |
| start_hi | the latest day it may have started (an interval's start) |
| end_lo, end_hi | an interval's first and last possible last day (NULL for a point) |
| metric | the figure it reports (not for plans), or NULL |
| fulfils | the plan it fulfils (that plan's position), or NULL |
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, Protocol

from bilatlog._codec import loads
from bilatlog.backends._contract import VerifyReport
from bilatlog.events import Correction, Event, RecordedEvent, Retraction
from bilatlog.time import When

__all__ = [
    "COLUMNS",
    "FIXED_COLUMNS",
    "INDEX_DDL",
    "OPEN",
    "VISIBLE",
    "VersionWriter",
    "create_index",
    "has_index",
    "index_guarded",
    "positions",
    "rebuild",
    "verify_index",
]

#: The `sys_to` of a version still current.
OPEN: Final = 2**62
KIND_OTHER: Final = 0
KIND_STATUS: Final = 1
KIND_PLAN: Final = 2

#: The visibility rule, for a table aliased `v` and a knowledge position `:k`.
VISIBLE: Final = "v.sys_from <= :k AND v.sys_to > :k"

COLUMNS: Final = (
    "sys_from, sys_to, event_pos, track, status, kind, valid_from, valid_to, edtf, "
    "start_hi, end_lo, end_hi, metric, fulfils"
)

_TABLE: Final = """
CREATE TABLE IF NOT EXISTS {name} (
    sys_from   INTEGER PRIMARY KEY,
    sys_to     INTEGER NOT NULL,
    event_pos  INTEGER NOT NULL,
    track      TEXT,
    status     TEXT,
    kind       INTEGER NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER NOT NULL,
    edtf       TEXT NOT NULL,
    start_hi   INTEGER NOT NULL,
    end_lo     INTEGER,
    end_hi     INTEGER,
    metric     TEXT,
    fulfils    INTEGER
)"""

#: The indexes the questions use, and no others. The track index covers what a
#: state needs to walk a track's versions (visibility, start, interval, status)
#: without reading the table.
INDEX_DDL: Final = [
    _TABLE.format(name="bilatlog_versions"),
    (
        "CREATE INDEX IF NOT EXISTS bilatlog_versions_track ON bilatlog_versions"
        "(track, kind, valid_from, valid_to, edtf, event_pos, sys_to, start_hi, end_lo, status)"
    ),
    (
        "CREATE INDEX IF NOT EXISTS bilatlog_versions_valid ON bilatlog_versions"
        "(valid_from, valid_to, edtf, event_pos, sys_to)"
    ),
    (
        "CREATE INDEX IF NOT EXISTS bilatlog_versions_metric ON bilatlog_versions"
        "(metric, valid_from, valid_to, edtf, event_pos, sys_to) WHERE metric IS NOT NULL"
    ),
    (
        "CREATE INDEX IF NOT EXISTS bilatlog_versions_plan ON bilatlog_versions"
        "(kind, valid_from, valid_to, edtf, event_pos) WHERE kind = 2"
    ),
    (
        "CREATE INDEX IF NOT EXISTS bilatlog_versions_fulfils ON bilatlog_versions"
        "(fulfils, valid_to) WHERE fulfils IS NOT NULL"
    ),
]

FIXED_COLUMNS: Final = (
    "sys_from, event_pos, track, status, kind, valid_from, valid_to, edtf, start_hi, "
    "end_lo, end_hi, metric, fulfils"
)

#: The database itself keeps the index append-only: rows are inserted open, for
#: an event or a correction of the log, in position order (so never twice, and never
#: replacing one; an event's row carries its logged track, status and days, a
#: correction's names its event: no forged row in a retraction's free slot); the
#: only update closes an open range, by a correction or retraction of that very
#: event; nothing is deleted.
TRIGGERS_DDL: Final = [
    f"""CREATE TRIGGER IF NOT EXISTS bilatlog_versions_insert BEFORE INSERT ON bilatlog_versions
    WHEN NEW.sys_to IS NOT {OPEN}
      OR NEW.sys_from <= (SELECT COALESCE(MAX(sys_from), 0) FROM bilatlog_versions)
      OR NOT EXISTS (SELECT 1 FROM bilatlog_events r WHERE r.position = NEW.sys_from AND (
        (r.kind = 'event' AND NEW.event_pos = r.position AND NEW.track IS r.track
         AND NEW.status IS r.status AND NEW.valid_from = r.lo AND NEW.valid_to = r.hi)
        OR (r.kind = 'correction' AND NEW.event_pos =
            (SELECT position FROM bilatlog_events WHERE id = r.target))))
    BEGIN SELECT RAISE(ABORT, 'bilatlog: the index is append-only (one open version per record)');
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS bilatlog_versions_fixed
    BEFORE UPDATE OF {FIXED_COLUMNS} ON bilatlog_versions
    BEGIN SELECT RAISE(ABORT, 'bilatlog: the index is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS bilatlog_versions_close
    BEFORE UPDATE OF sys_to ON bilatlog_versions
    WHEN OLD.sys_to IS NOT {OPEN} OR NOT EXISTS (
        SELECT 1 FROM bilatlog_events c JOIN bilatlog_events e ON e.position = OLD.event_pos
        WHERE c.position = NEW.sys_to AND c.target = e.id
          AND c.kind IN ('correction', 'retraction') AND c.position > OLD.sys_from)
    BEGIN SELECT RAISE(ABORT,
        'bilatlog: a version closes once, by a correction or retraction of its event');
    END""",
    """CREATE TRIGGER IF NOT EXISTS bilatlog_versions_no_delete
    BEFORE DELETE ON bilatlog_versions
    BEGIN SELECT RAISE(ABORT, 'bilatlog: the index is append-only'); END""",
]


def has_index(db: Session) -> bool:
    """Tell whether the database holds the versions table (stores before 0.x do not)."""
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bilatlog_versions'"
    ).fetchone()
    return row is not None


#: The guards' names (each must be a trigger on bilatlog_versions itself).
TRIGGER_NAMES: Final = (
    "bilatlog_versions_insert",
    "bilatlog_versions_fixed",
    "bilatlog_versions_close",
    "bilatlog_versions_no_delete",
)


def index_guarded(db: Session) -> bool:
    """Tell whether every guard of the versions table is in place (on that table)."""
    marks = ", ".join("?" * len(TRIGGER_NAMES))
    (n,) = db.execute(
        f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks}) "
        "AND tbl_name = 'bilatlog_versions'",
        TRIGGER_NAMES,
    ).fetchone()
    return bool(n == len(TRIGGER_NAMES))


def create_index(db: Session) -> None:
    """Create the versions table, its indexes and its guards (inside the caller's transaction).

    Guards dropped by hand are put back; a guard of that name on another table (the
    table renamed away: SQLite moves its triggers with it) is dropped first, so the
    new table is guarded.
    """
    for statement in INDEX_DDL:
        db.execute(statement)
    for name in TRIGGER_NAMES:
        row = db.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
        ).fetchone()
        if row is not None and row[0] != "bilatlog_versions":
            db.execute(f"DROP TRIGGER {name}")
    for statement in TRIGGERS_DDL:
        db.execute(statement)


Days = tuple[int, int, str, int, int | None, int | None]

#: The days of the dates filed lately, by their canonical text (`When.parse(w.edtf) == w`):
#: a str keeps its hash, where hashing a `When` hashes every field (a tenth of the
#: index's Python time). Emptied when full; the same dates come back again and again.
_DAYS: Final[dict[str, Days]] = {}
_DAYS_KEPT: Final = 65536


def _days(on: When) -> Days:
    got = _DAYS.get(on.edtf)
    if got is None:
        end = on.end_bounds if on.is_interval and not on.end_open else None
        got = (
            on.lo.toordinal(),
            on.hi.toordinal(),
            on.edtf,
            on.start_bounds[1].toordinal(),
            end[0].toordinal() if end else None,
            end[1].toordinal() if end else None,
        )
        if len(_DAYS) >= _DAYS_KEPT:
            _DAYS.clear()
        _DAYS[on.edtf] = got
    return got


@functools.lru_cache(maxsize=65536)
def _days_of(text: str) -> Days:
    return _days(When.parse(text))


def _kind(track: object, status: object, planned: bool) -> int:
    if planned:
        return KIND_PLAN
    return KIND_STATUS if track is not None and status is not None else KIND_OTHER


def event_row(e: Event, event_pos: int, sys_from: int, fulfils: int | None) -> tuple[Any, ...]:
    """The version row of a decoded event (original or corrected)."""
    metric = e.data.get("metric") if e.data and not e.planned else None
    return (
        sys_from, OPEN, event_pos, e.track, e.status, _kind(e.track, e.status, e.planned),
        *_days(e.on), metric if isinstance(metric, str) else None, fulfils,
    )  # fmt: skip


def _dict_row(d: dict[str, Any], position: int, fulfils: int | None) -> tuple[Any, ...]:
    """The version row of an event still in its stored form (a current-schema record dict)."""
    data = d.get("data")
    planned = bool(d.get("planned"))
    metric = data.get("metric") if data and not planned else None
    track, status = d.get("track"), d.get("status")
    return (
        position, OPEN, position, track, status, _kind(track, status, planned),
        *_days_of(d["on"]), metric if isinstance(metric, str) else None, fulfils,
    )  # fmt: skip


#: What the writer needs from the log: decode the rows `(position, hash, body)` it selects.
Decode = Callable[[Iterable[tuple[Any, ...]]], Iterator[RecordedEvent]]


class Session(Protocol):
    """A database connection as the writer uses it (`sqlite3.Connection`, `PgSession`)."""

    def execute(self, sql: str, params: Any = ..., /) -> Any:  # noqa: ANN401 - a cursor
        """Run one statement (SQLite spelling); return something with `fetchone`/`fetchall`."""
        ...

    def executemany(self, sql: str, rows: Any, /) -> Any:  # noqa: ANN401 - driver's own
        """Run one statement per row."""
        ...


class Collected:
    """The rows and closes a `VersionWriter` would have written (for `verify_index`)."""

    def __init__(self, closes: dict[int, int] | None = None) -> None:
        """Start with no rows (and the closes collected so far)."""
        self.rows: list[tuple[Any, ...]] = []
        self.closes: dict[int, int] = {} if closes is None else closes  # sys_from -> sys_to


class VersionWriter:
    """Files the versions of new records into a versions table, in position order.

    `add` runs inside the append's transaction, after the records' log rows
    are inserted (a correction looks up its event's current version in the log).
    """

    def __init__(self, db: Session, decode: Decode, table: str = "bilatlog_versions") -> None:
        """Write into `table` of `db`; `decode` turns log rows into records."""
        self._db = db
        self._decode = decode
        self._table = table
        #: when set, nothing is written: the rows and closes are collected (see verify_index)
        self.collect: Collected | None = None
        # events corrected in this call: id -> (event position, current event, its sys_from)
        self._current: dict[str, tuple[int, Event, int]] = {}

    def _position_of(self, event_id: str) -> int | None:
        row = self._db.execute(
            "SELECT position FROM bilatlog_events WHERE id = ?", (event_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def current(self, event_id: str, before: int) -> tuple[int, Event, int]:
        """The event's position, its version current just before `before`, and that version's id."""
        known = self._current.get(event_id)
        if known is not None:
            return known
        db = self._db
        [orig] = self._decode(
            db.execute("SELECT position, hash, body FROM bilatlog_events WHERE id = ?", (event_id,))
        )
        assert isinstance(orig.record, Event)  # noqa: S101 - the append checked the target
        event, sys_from = orig.record, orig.position
        for rec in self._decode(
            db.execute(
                "SELECT position, hash, body FROM bilatlog_events WHERE target = ? "
                "AND kind = 'correction' AND position < ? ORDER BY position",
                (event_id, before),
            )
        ):
            assert isinstance(rec.record, Correction)  # noqa: S101 - selected by kind
            event, sys_from = rec.record.apply(event), rec.position
        return orig.position, event, sys_from

    def add(self, items: Iterable[tuple[int, RecordedEvent | dict[str, Any]]]) -> None:
        """File records: `(position, record)`, a record being decoded or a stored event dict.

        A stored dict must be a current-schema event's record (the fast path of
        rebuilding); anything else comes decoded.
        """
        rows: list[tuple[Any, ...]] = []
        closes: list[tuple[int, int]] = []
        plans: dict[str, int | None] = {}

        def plan(plan_id: object) -> int | None:
            if not isinstance(plan_id, str):
                return None
            if plan_id not in plans:
                plans[plan_id] = self._position_of(plan_id)
            return plans[plan_id]

        for position, item in items:
            if isinstance(item, dict):
                rows.append(_dict_row(item, position, plan(item.get("fulfils"))))
                continue
            r = item.record
            if isinstance(r, Event):
                rows.append(event_row(r, position, position, plan(r.fulfils)))
            elif isinstance(r, (Correction, Retraction)):
                event_pos, event, sys_from = self.current(r.target, position)
                closes.append((position, sys_from))
                if isinstance(r, Correction):
                    new = r.apply(event)
                    self._current[r.target] = (event_pos, new, position)
                    rows.append(event_row(new, event_pos, position, plan(new.fulfils)))
                else:
                    self._current.pop(r.target, None)
        if self.collect is not None:  # verifying: keep what would be written
            self.collect.rows.extend(rows)
            self.collect.closes.update((sys_from, sys_to) for sys_to, sys_from in closes)
            return
        db, table = self._db, self._table
        db.executemany(
            f"INSERT INTO {table}({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            f"UPDATE {table} SET sys_to = ? WHERE sys_from = ? AND sys_to = {OPEN}",
            closes,
        )


def _stored_items(
    rows: Iterable[tuple[Any, ...]], decode: Decode, schema_version: int
) -> Iterator[tuple[int, RecordedEvent | dict[str, Any]]]:
    """`(position, record)` for log rows `(position, hash, body)`: current events as dicts.

    The bodies are trusted here only for their date, track, status, plan and
    figure fields; `verify()` checks each body against its hash first.
    """
    for position, hash_, body in rows:
        env = loads(body)
        d = env.get("record") if type(env) is dict else None
        if env.get("kind") == "event" and env.get("v") == schema_version and type(d) is dict:
            try:
                _days_of(d["on"])
            except Exception:  # noqa: BLE001, S110 - decoded in full below, which says what is wrong
                pass
            else:
                yield position, d
                continue
        yield from ((position, rec) for rec in decode([(position, hash_, body)]))


#: How many records of the log are filed at a time (rebuilding, verifying).
_CHUNK: Final = 5000


def _log_head(db: Session) -> int:
    (head,) = db.execute("SELECT COALESCE(MAX(position), 0) FROM bilatlog_events").fetchone()
    return int(head)


def _file_chunk(
    db: Session, writer: VersionWriter, start: int, decode: Decode, schema_version: int
) -> None:
    """File the log's records from position `start` on, `_CHUNK` of them, through `writer`."""
    rows = db.execute(
        "SELECT position, hash, body FROM bilatlog_events "
        "WHERE position >= ? AND position < ? ORDER BY position",
        (start, start + _CHUNK),
    ).fetchall()
    writer.add(_stored_items(rows, decode, schema_version))


def _fill(
    db: Session,
    table: str,
    decode: Decode,
    schema_version: int,
    *,
    progress: bool | None,
    desc: str,
) -> None:
    """File every record of the log into `table`, with a progress bar."""
    from bilatlog._progress import progress as bar  # noqa: PLC0415 - display helper

    head = _log_head(db)
    if not head:
        return  # a new store: nothing to file (and no progress bar to show)
    writer = VersionWriter(db, decode, table)
    for start in bar(range(1, head + 1, _CHUNK), total=-(-head // _CHUNK), desc=desc,
                     enabled=progress):  # fmt: skip
        _file_chunk(db, writer, start, decode, schema_version)


def rebuild(
    db: Session,
    decode: Decode,
    schema_version: int,
    *,
    progress: bool | None = None,
    create: Callable[[Any], None] | None = None,
) -> None:
    """Drop the versions table and file the whole log again (inside the caller's transaction).

    `create` makes the table, its indexes and guards (default: SQLite's).
    """
    db.execute("DROP TABLE IF EXISTS bilatlog_versions")
    (create or create_index)(db)
    _fill(db, "bilatlog_versions", decode, schema_version, progress=progress, desc="indexing")


def verify_index(
    db: Session, decode: Decode, schema_version: int, checked: int, *, indexed: bool | None = None
) -> VerifyReport | None:
    """File the log again, aside, and report the first index row that differs from the stored one.

    Reads only (a read-only store is checked too): the log is replayed in
    chunks of positions, and each chunk's expected versions are compared with
    the stored rows of the same positions (a version's `sys_from` is the
    position of the record that made it); the closes, few, are compared at the
    end. Runs after the log itself verified clean (`checked` records).
    """
    if not (has_index(db) if indexed is None else indexed):
        return None
    head = _log_head(db)
    writer = VersionWriter(db, decode)
    first_bad: int | None = None
    for start in range(1, head + 1, _CHUNK):
        writer.collect = collected = Collected(writer.collect.closes if writer.collect else {})
        _file_chunk(db, writer, start, decode, schema_version)
        stored = db.execute(
            f"SELECT {COLUMNS} FROM bilatlog_versions WHERE sys_from >= ? AND sys_from < ? "
            "ORDER BY sys_from",
            (start, start + _CHUNK),
        ).fetchall()
        bad = _first_difference([_open(r) for r in collected.rows], [_open(r) for r in stored])
        if bad is not None:
            first_bad = bad
            break
    closes = writer.collect.closes if writer.collect is not None else {}
    if first_bad is None:
        stored_closes = dict(
            db.execute(
                f"SELECT sys_from, sys_to FROM bilatlog_versions WHERE sys_to <> {OPEN}"
            ).fetchall()
        )
        differ = {k for k in closes.keys() | stored_closes.keys()
                  if closes.get(k) != stored_closes.get(k)}  # fmt: skip
        # rows keyed outside the log's positions are in no chunk above, yet a version
        # keyed 0 or below is current at every K (a forged row the answers would show)
        beyond = db.execute(
            "SELECT MIN(sys_from) FROM bilatlog_versions WHERE sys_from > ? OR sys_from < 1",
            (head,),
        ).fetchone()
        if beyond is not None and beyond[0] is not None:
            differ.add(max(1, int(beyond[0])))
        first_bad = min(differ) if differ else None
    if first_bad is not None:
        return VerifyReport(
            ok=False,
            checked=checked,
            position=first_bad,
            reason=(
                f"the derived index (bilatlog_versions) differs from the log at the version "
                f"opened by position {first_bad}. Fix: rebuild it with tl.reindex() "
                "or `bilatlog reindex`."
            ),
        )
    return None  # (the actors table, derived too, is checked with the log: verify_rows)


def _open(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row without its `sys_to` (the closes are compared apart)."""
    return (row[0], *row[2:])


def _first_difference(expected: list[tuple[Any, ...]], stored: list[tuple[Any, ...]]) -> int | None:
    """The smallest `sys_from` whose row differs (or is missing on either side)."""
    if expected == stored:
        return None
    want = {r[0]: r for r in expected}
    have = {r[0]: r for r in stored}
    return int(min(k for k in want.keys() | have.keys() if want.get(k) != have.get(k)))


def positions(items: Sequence[RecordedEvent]) -> Iterator[tuple[int, RecordedEvent]]:
    """`(position, record)` pairs for `VersionWriter.add`."""
    return ((rec.position, rec) for rec in items)
