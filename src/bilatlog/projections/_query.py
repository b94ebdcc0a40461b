"""The query engine: every question answered from the store's bitemporal index.

This module asks by the visibility rule: a version is *current at K* when
`sys_from <= K < sys_to` (`VISIBLE`, written once, beside the index it reads, in
`backends/_versions.py`). The
certainty rules live in `_segments` and `cooperation`, which this module
calls; `Timeline`, `diff`, `explain`, replays and custom projections all
come through here, and none of them reads the log whole.

A state at a period [dlo, dhi], as known at K, needs per track only:

- the *anchor*: the last current version (valid-time order) that may have
  started by dhi;
- when the anchor certainly started by dlo and is a point event (the common
  case), nothing else: it holds, certainly, alone; only its `since` (the
  first of its run of same-status point events) is looked up;
- otherwise the *window*: back from the anchor to the last point version
  before the last one certain to have started by dlo (every segment before it
  ended before dlo, and it gives an interval after it the status it resumes),
  plus the first current version after dhi (which may end the last segment).

Each of these is one SQL statement for all tracks at once (correlated
subqueries over the track index), so a state costs a few statements and
reads a few rows per track, whatever the length of the log. Events are
decoded only for the versions an answer shows, through a bounded cache.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

from bilatlog._codec import Codec
from bilatlog._knowledge import Position
from bilatlog.backends._contract import IndexReader
from bilatlog.backends._sql import decode_rows
from bilatlog.backends._versions import VISIBLE
from bilatlog.events import Correction, Event, RecordedEvent, Retraction
from bilatlog.exceptions import IntegrityError, StorageError
from bilatlog.projections._segments import MAX, StatusVersion, build_segments, stored_version
from bilatlog.projections.cooperation import (
    Figure,
    History,
    Period,
    State,
    TrackState,
    figure_of,
    periods_of,
    summarise,
)
from bilatlog.projections.plans import fate_of
from bilatlog.time import Truth, When

__all__ = ["Engine", "figures"]
#: Valid-time order of versions (ties by the event's position).
_KEY: Final = "(v.valid_from, v.valid_to, v.edtf, v.event_pos)"
_DESC: Final = "v.valid_from DESC, v.valid_to DESC, v.edtf DESC, v.event_pos DESC"
_ASC: Final = "v.valid_from, v.valid_to, v.edtf, v.event_pos"
#: What a question reads of a version: the rest follows from the date's text.
_COLS: Final = "v.sys_from, v.sys_to, v.event_pos, v.status, v.edtf"
_STATUS: Final = "v.kind = 1"
#: Scan the new rows by primary key, not by an index (SQLite; see `Dialect` for others).
_BY_KEY: Final = "NOT INDEXED"

_TRACKS: Final = """
WITH RECURSIVE t(track) AS (
    SELECT (SELECT track FROM bilatlog_versions WHERE track IS NOT NULL ORDER BY track LIMIT 1)
    UNION ALL
    SELECT (SELECT track FROM bilatlog_versions WHERE track > t.track ORDER BY track LIMIT 1)
    FROM t WHERE t.track IS NOT NULL
)"""

# per track (json :tracks): the anchor (the last current status version that may have
# started by dhi) and, if the version before it is a point event, that one's status (when it
# differs from the anchor's, the anchor starts its own run: its `since` is its own date)
_ANCHORS: Final = f"""
WITH a AS (
    SELECT j.value ->> 0 AS track,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.track = j.value ->> 0 AND {_STATUS} AND v.valid_from <= :dhi AND {VISIBLE}
         ORDER BY {_DESC} LIMIT 1) AS a
    FROM json_each(:tracks) j
)
SELECT a.track, v.start_hi, v.end_lo, {_COLS}, (
    SELECT CASE WHEN w.end_lo IS NULL THEN w.status END FROM bilatlog_versions w
    WHERE w.track = a.track AND w.kind = 1 AND w.sys_from <= :k AND w.sys_to > :k
      AND (w.valid_from, w.valid_to, w.edtf, w.event_pos) < {_KEY}
    ORDER BY w.valid_from DESC, w.valid_to DESC, w.edtf DESC, w.event_pos DESC LIMIT 1)
FROM a JOIN bilatlog_versions v ON v.sys_from = a.a
"""

# per uncertain track [track, anchor]: the window's versions, in valid-time order
_WINDOWS: Final = f"""
WITH i AS (
    SELECT j.value ->> 0 AS track, CAST(j.value ->> 1 AS BIGINT) AS a FROM json_each(:w) j
),
j AS (
    SELECT i.track AS track, i.a AS a,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.track = i.track AND {_STATUS} AND v.valid_from <= :dhi AND {VISIBLE}
           AND v.start_hi <= :dlo
         ORDER BY {_DESC} LIMIT 1) AS c
    FROM i
),
b AS (
    SELECT j.track AS track, j.a AS a,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.track = j.track AND {_STATUS} AND v.end_lo IS NULL AND {VISIBLE}
           AND {_KEY} < (SELECT cv.valid_from, cv.valid_to, cv.edtf, cv.event_pos
                         FROM bilatlog_versions cv WHERE cv.sys_from = j.c)
         ORDER BY {_DESC} LIMIT 1) AS p
    FROM j
)
SELECT b.track, {_COLS}
FROM b JOIN bilatlog_versions av ON av.sys_from = b.a
LEFT JOIN bilatlog_versions pv ON pv.sys_from = b.p
JOIN bilatlog_versions v ON v.track = b.track AND {_STATUS} AND {VISIBLE}
    AND {_KEY} <= (av.valid_from, av.valid_to, av.edtf, av.event_pos)
    AND {_KEY} >= (COALESCE(pv.valid_from, -1), COALESCE(pv.valid_to, -1),
                   COALESCE(pv.edtf, ''), COALESCE(pv.event_pos, -1))
ORDER BY b.track, {_ASC}
"""

# per uncertain track: the first current status version that starts after dhi
_NEXT: Final = f"""
WITH n AS (
    SELECT j.value ->> 0 AS track,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.track = j.value ->> 0 AND {_STATUS} AND v.valid_from > :dhi AND {VISIBLE}
         ORDER BY {_ASC} LIMIT 1) AS s
    FROM json_each(:w) j
)
SELECT n.track, {_COLS} FROM n JOIN bilatlog_versions v ON v.sys_from = n.s
"""

# per version [track, status, sys_from]: the date of the first version of its run of
# same-status point events (the last breaker before it, then the first current one after)
_RUNS: Final = f"""
WITH j AS (
    SELECT j.value ->> 0 AS track, j.value ->> 1 AS status, CAST(j.value ->> 2 AS BIGINT) AS s
    FROM json_each(:w) j
),
r AS (
    SELECT j.track AS track, j.s AS s,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.track = j.track AND {_STATUS} AND {VISIBLE}
           AND {_KEY} < (SELECT sv.valid_from, sv.valid_to, sv.edtf, sv.event_pos
                         FROM bilatlog_versions sv WHERE sv.sys_from = j.s)
           AND (v.status <> j.status OR v.end_lo IS NOT NULL)
         ORDER BY {_DESC} LIMIT 1) AS r
    FROM j
)
SELECT r.s, (
    SELECT v.edtf FROM bilatlog_versions v
    WHERE v.track = r.track AND {_STATUS} AND {VISIBLE}
      AND {_KEY} > (COALESCE(rv.valid_from, -1), COALESCE(rv.valid_to, -1),
                    COALESCE(rv.edtf, ''), COALESCE(rv.event_pos, -1))
    ORDER BY {_ASC} LIMIT 1)
FROM r LEFT JOIN bilatlog_versions rv ON rv.sys_from = r.r
"""

_METRICS: Final = f"""
WITH RECURSIVE m(metric) AS (
    SELECT (SELECT metric FROM bilatlog_versions WHERE metric IS NOT NULL
            ORDER BY metric LIMIT 1)
    UNION ALL
    SELECT (SELECT metric FROM bilatlog_versions
            WHERE metric IS NOT NULL AND metric > m.metric ORDER BY metric LIMIT 1)
    FROM m WHERE m.metric IS NOT NULL
),
x AS (
    SELECT m.metric AS metric,
        (SELECT v.sys_from FROM bilatlog_versions v
         WHERE v.metric IS NOT NULL AND v.metric = m.metric AND v.valid_from <= :dhi
           AND {VISIBLE}
         ORDER BY {_DESC} LIMIT 1) AS s
    FROM m WHERE m.metric IS NOT NULL
)
SELECT x.metric, {_COLS} FROM x JOIN bilatlog_versions v ON v.sys_from = x.s
"""

_PLANS: Final = f"""
SELECT {_COLS} FROM bilatlog_versions v WHERE v.kind = 2 AND {VISIBLE} ORDER BY {_ASC}
"""

# the versions current at K that fulfil these plans (json :w of [plan position])
_FULFILMENTS: Final = f"""
SELECT v.fulfils, {_COLS} FROM json_each(:w) j JOIN bilatlog_versions v
    ON v.fulfils IS NOT NULL AND v.fulfils = CAST(j.value ->> 0 AS BIGINT) AND {VISIBLE}
ORDER BY v.fulfils, {_ASC}
"""

_CACHE: Final = 20_000  # decoded events kept (by version), least recently used dropped first
_PAGE: Final = 1000
_ASKED: Final = 1024  # questions remembered (the key alone) to keep an answer asked twice
_STATES: Final = 20_000  # track states (or periods) kept in recent answers, oldest dropped


class Engine:
    """Answers questions from a database holding `bilatlog_events` and `bilatlog_versions`.

    Args:
        db: the connection (the engine only reads).
        lock: the lock guarding the connection.
        codec: the store's codec (with its upcasters), which decodes the rows.
        cache: how many decoded events to keep (the only state kept between questions).
    """

    def __init__(
        self, db: IndexReader, lock: threading.RLock, *, codec: Codec, cache: int = _CACHE
    ) -> None:
        """Read from `db` under `lock`."""
        self._db = db
        self._lock = lock
        self._codec = codec
        self._cache: OrderedDict[int, Event] = OrderedDict()
        self._cache_size = cache
        # recent answers: a state as known at K reads only records up to K, which never
        # change, so it stays right as the log grows (bounded by the tracks they hold)
        self._states: OrderedDict[tuple[When, int], State] = OrderedDict()
        self._states_held = 0
        self._asked: OrderedDict[tuple[When, int], None] = OrderedDict()  # keys, not answers
        self._histories: OrderedDict[tuple[str, int], tuple[Period, ...]] = OrderedDict()
        self._histories_held = 0
        self._asked_histories: OrderedDict[tuple[str, int], None] = OrderedDict()
        # the tracks seen, and the last record looked at: rows are never deleted, so new
        # tracks can only come with new records (one name per track: bounded)
        self._tracks: set[str] = set()
        self._tracks_seen = 0
        # answers whose events are not decoded yet: decoded before the database closes
        # (`settle`), so an answer stays whole after `close()`; weak, so nothing is kept alive
        self._pending: weakref.WeakSet[_LazyEvents] = weakref.WeakSet()

    # -- reading rows -----------------------------------------------------------------

    def _rows(self, sql: str, params: dict[str, Any] | Sequence[Any]) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _version(self, row: Sequence[Any]) -> StatusVersion:
        sys_from, sys_to, event_pos, status, edtf = row
        return stored_version(status, edtf, event_pos, sys_from, sys_to, self._load)

    def _versions(self, sql: str, params: dict[str, Any]) -> list[StatusVersion]:
        return [self._version(row) for row in self._rows(sql, params)]

    def all_tracks(self) -> list[str]:
        """Every track any version names (as known now), sorted."""
        return self._track_names()

    def _track_names(self) -> list[str]:
        """Every track named by a version (as known now; a question then asks as known at K)."""
        with self._lock:
            return self._track_names_locked()

    def _track_names_locked(self) -> list[str]:
        seen = self._tracks_seen
        (last,) = self._rows("SELECT COALESCE(MAX(sys_from), 0) FROM bilatlog_versions", {})[0]
        if last > seen:
            if seen == 0:
                rows = self._rows(f"{_TRACKS} SELECT t.track FROM t WHERE t.track IS NOT NULL", {})
            else:  # the new rows only, by their primary key
                rows = self._rows(
                    f"SELECT DISTINCT track FROM bilatlog_versions {_BY_KEY} "
                    "WHERE sys_from > :seen AND sys_from <= :last AND track IS NOT NULL",
                    {"seen": seen, "last": last},
                )
            self._tracks.update(r[0] for r in rows)
            self._tracks_seen = last
        return sorted(self._tracks)

    # -- events -------------------------------------------------------------------------

    def _load(self, v: StatusVersion) -> Event:
        self.load([v])
        return v.event

    def settle(self) -> None:
        """Decode the events of every answer still alive that has not read them (before close)."""
        with self._lock:
            for lazy in list(self._pending):
                lazy.settle()

    def load(self, versions: Iterable[StatusVersion], *, keep: bool = True) -> None:
        """Decode the events of these versions, in bulk (originals, then their corrections)."""
        with self._lock:  # the cache is shared by the threads asking through this engine
            self._load_locked(versions, keep=keep)

    def _load_locked(self, versions: Iterable[StatusVersion], *, keep: bool) -> None:
        cache = self._cache
        missing: dict[int, list[StatusVersion]] = {}
        for v in versions:
            if v.loaded:
                continue
            e = cache.get(v.pos_from)
            if e is not None:
                cache.move_to_end(v.pos_from)
                v.set_event(e)
            else:
                missing.setdefault(v.position, []).append(v)
        if not missing:
            return
        originals = {rec.position: rec for rec in self._records(list(missing))}
        for position in missing:
            if position not in originals:
                raise IntegrityError(
                    f"position {position} is missing (a row deleted outside bilatlog?); "
                    "run verify()",
                    position=position,
                )
        corrected = [vs for vs in missing.values() if any(v.pos_from != v.position for v in vs)]
        fixes: dict[str, list[RecordedEvent]] = {}
        if corrected:
            ids = [originals[vs[0].position].id for vs in corrected]
            for rec in self.targeting(ids, kinds=("correction",)):
                assert isinstance(rec.record, Correction)  # noqa: S101 - selected by kind
                fixes.setdefault(rec.record.target, []).append(rec)
        for position, vs in missing.items():
            orig = originals[position]
            assert isinstance(orig.record, Event)  # noqa: S101 - versions are of events
            for v in vs:
                e = orig.record
                for c in fixes.get(orig.id, ()):
                    if c.position > v.pos_from:
                        break
                    assert isinstance(c.record, Correction)  # noqa: S101
                    e = c.record.apply(e)
                v.set_event(e)
                if keep:
                    cache[v.pos_from] = e
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    def _records(self, positions: list[int]) -> Iterator[RecordedEvent]:
        for i in range(0, len(positions), 500):
            chunk = positions[i : i + 500]
            yield from decode_rows(
                self._codec,
                self._rows(
                    "SELECT position, hash, body FROM bilatlog_events WHERE position IN "
                    "(SELECT CAST(j.value ->> 0 AS BIGINT) FROM json_each(:w) j) "
                    "ORDER BY position",
                    {"w": json.dumps([[p] for p in chunk])},
                ),
            )

    def targeting(
        self, ids: Sequence[str], *, kinds: Sequence[str], stop: int | None = None
    ) -> list[RecordedEvent]:
        """The corrections or retractions of these events, by `stop`, in position order."""
        out: list[RecordedEvent] = []
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            out.extend(
                decode_rows(
                    self._codec,
                    self._rows(
                        "SELECT position, hash, body FROM bilatlog_events WHERE target IN "
                        "(SELECT j.value ->> 0 FROM json_each(:w) j) AND kind IN "
                        "(SELECT j.value ->> 0 FROM json_each(:kinds) j) AND position <= :stop",
                        {
                            "w": json.dumps([[x] for x in chunk]),
                            "kinds": json.dumps([[k] for k in kinds]),
                            "stop": stop if stop is not None else 2**62,
                        },
                    ),
                )
            )
        out.sort(key=lambda r: r.position)
        return out

    # -- states ---------------------------------------------------------------------------

    def state(self, at: When, known_pos: Position) -> State:
        """The cooperation state at `at` (a day or an imprecise date) as known at `known_pos`."""
        key = (at, known_pos)
        with self._lock:
            state = self._states.get(key)
            if state is not None:
                self._states.move_to_end(key)
                return state
            state = self._state(at, known_pos)
            # kept from its second asking on: a stream of new days (a replay) keeps nothing
            if key not in self._asked:
                self._asked[key] = None
                if len(self._asked) > _ASKED:
                    self._asked.popitem(last=False)
                return state
            self._states[key] = state
            self._states_held += max(len(state), 1)
            while self._states_held > _STATES and len(self._states) > 1:
                _, old = self._states.popitem(last=False)
                self._states_held -= max(len(old), 1)
            return state

    def _state(self, at: When, known_pos: Position) -> State:
        params = {"dlo": at.lo.toordinal(), "dhi": at.hi.toordinal(), "k": known_pos}
        tracks = self.track_states(at, known_pos, self._track_names())
        planned, overdue = self._plans_at(at, known_pos)
        return State(
            at=at,
            known_at=known_pos,
            tracks=tracks,
            planned=planned,
            metrics=self._metrics(at.hi, params),
            overdue=overdue,
        )

    def track_states(
        self, at: When, known_pos: Position, names: Sequence[str]
    ) -> dict[str, TrackState]:
        """Each of these tracks' state at `at`, as known at `known_pos` (those that have one)."""
        dlo, dhi = at.lo, at.hi
        params: dict[str, Any] = {"dlo": dlo.toordinal(), "dhi": dhi.toordinal(), "k": known_pos}
        chosen: dict[str, tuple[str, Truth, tuple[str, ...], list[StatusVersion]]] = {}
        # (a version's `since` is the first date of its run of same-status point events)
        since: dict[str, When] = {}
        runs: list[tuple[str, StatusVersion]] = []
        uncertain: list[list[Any]] = []
        anchors: dict[str, StatusVersion] = {}
        all_tracks = json.dumps([[t] for t in names])
        for track, start_hi, end_lo, *row, before in self._rows(
            _ANCHORS, {**params, "tracks": all_tracks}
        ):
            v = self._version(row)
            if start_hi <= params["dlo"] and end_lo is None and dhi < MAX:
                # certainly started by dlo, and nothing after it may have started by dhi
                status = v.status or ""
                chosen[track] = (status, Truth.CERTAIN, (status,), [v])
                if before == status:
                    runs.append((track, v))
                else:
                    since[track] = v.on.start or v.on
            else:
                anchors[track] = v
                uncertain.append([track, v.pos_from])
        if uncertain:
            windows: dict[str, list[StatusVersion]] = {}
            for track, *row in self._rows(_WINDOWS, {**params, "w": json.dumps(uncertain)}):
                windows.setdefault(track, []).append(self._version(row))
            names = json.dumps([[u[0]] for u in uncertain])
            for track, *row in self._rows(_NEXT, {**params, "w": names}):
                windows.setdefault(track, []).append(self._version(row))
            for track in anchors:
                got = summarise(build_segments(windows.get(track, [])), dlo, dhi)
                if got is None:
                    continue
                seg, truth, statuses, held = got
                chosen[track] = (seg.status, truth, statuses, held)
                v = seg.version
                if seg.revert:
                    since[track] = v.on.end or v.on
                elif v.end is not None:
                    since[track] = v.on.start or v.on
                else:
                    runs.append((track, v))
        if runs:
            for track, edtf in self._run_starts(runs, params):
                on = When.parse(edtf)
                since[track] = on.start or on
        # the events are decoded only when some track's `events` are asked for (then all
        # of this state's at once): most answers need only status, since and truth
        lazy = _LazyEvents(self, [v for _, _, _, held in chosen.values() for v in held])
        return {
            track: TrackState(
                track=track,
                status=status,
                since=since[track],
                truth=truth,
                possible=statuses,
                events=functools.partial(lazy.events, held),
            )
            for track, (status, truth, statuses, held) in chosen.items()
        }

    def _run_starts(
        self, runs: list[tuple[str, StatusVersion]], params: dict[str, Any]
    ) -> Iterator[tuple[str, str]]:
        by_version = {v.pos_from: track for track, v in runs}
        w = json.dumps([[track, v.status, v.pos_from] for track, v in runs])
        for s, edtf in self._rows(_RUNS, {**params, "w": w}):
            yield by_version[s], edtf

    def _metrics(self, dhi: dt.date, params: dict[str, Any]) -> dict[str, Figure]:
        rows = self._rows(_METRICS, params)
        versions = [(name, self._version(row)) for name, *row in rows]
        self.load(v for _, v in versions)
        return {name: figure_of(v, dhi) for name, v in versions}

    def _plans_at(
        self, at: When, known_pos: Position
    ) -> tuple[tuple[Event, ...], tuple[Event, ...]]:
        """The plans still expected at `at` (`State.planned`) and those overdue (`overdue`)."""
        plans = self.plans(known_pos)
        fulfilments = self.fulfilments([v.position for v in plans], known_pos)
        dlo, dhi = at.lo, at.hi
        planned: list[Event] = []
        overdue: list[Event] = []
        for v in plans:
            e = v.event
            if e.announced is not None and e.announced.lo > dhi:
                continue
            found = fulfilments.get(v.position, [])
            if e.on.hi >= dlo:
                if not any(f.event.on.hi <= dhi for f in found):
                    planned.append(e)
            elif fate_of(v, found, at).overdue:
                overdue.append(e)
        return tuple(planned), tuple(overdue)

    def plans(self, known_pos: Position) -> list[StatusVersion]:
        """Every plan current at `known_pos`, in valid-time order, with its event loaded."""
        plans = self._versions(_PLANS, {"k": known_pos})
        self.load(plans)
        return plans

    def fulfilments(
        self, plan_positions: Sequence[int], known_pos: Position
    ) -> dict[int, list[StatusVersion]]:
        """For each plan (by position), the versions current at `known_pos` that fulfil it."""
        out: dict[int, list[StatusVersion]] = {}
        if not plan_positions:
            return out
        w = json.dumps([[p] for p in plan_positions])
        for plan, *row in self._rows(_FULFILMENTS, {"k": known_pos, "w": w}):
            out.setdefault(plan, []).append(self._version(row))
        self.load(v for vs in out.values() for v in vs)
        return out

    def original(self, position: int) -> RecordedEvent:
        """The record at `position`, as stored (hash-checked)."""
        [rec] = self._records([position])
        return rec

    def corrections(
        self, versions: Sequence[StatusVersion], known_pos: Position
    ) -> dict[int, tuple[RecordedEvent, ...]]:
        """For corrected versions: the corrections applied, by the event's position."""
        corrected = [v for v in versions if v.pos_from != v.position]
        if not corrected:
            return {}
        self.load(corrected)
        by_id = {v.event.id: v.position for v in corrected}
        out: dict[int, list[RecordedEvent]] = {}
        for rec in self.targeting(list(by_id), kinds=("correction",), stop=known_pos):
            assert isinstance(rec.record, Correction)  # noqa: S101 - selected by kind
            out.setdefault(by_id[rec.record.target], []).append(rec)
        return {p: tuple(rs) for p, rs in out.items()}

    # -- tracks ----------------------------------------------------------------------------

    def track_versions(
        self, track: str, known_pos: Position, window: tuple[dt.date, dt.date] | None = None
    ) -> list[StatusVersion]:
        """The status versions of `track` current at `known_pos`, in valid-time order.

        With `window=(after, by)`, only those whose date may fall after `after` and by `by`.
        """
        where = ""
        params: dict[str, Any] = {"track": track, "k": known_pos}
        if window is not None:
            where = "AND v.valid_to > :after AND v.valid_from <= :by"
            params |= {"after": window[0].toordinal(), "by": window[1].toordinal()}
        return self._versions(
            f"SELECT {_COLS} FROM bilatlog_versions v WHERE v.track = :track AND {_STATUS} "
            f"AND {VISIBLE} {where} ORDER BY {_ASC}",
            params,
        )

    def history(self, track: str, known_pos: Position) -> History:
        """Every status period of `track`, as known at `known_pos`."""
        key = (track, known_pos)
        with self._lock:  # kept like states: the records up to `known_pos` never change
            periods = self._histories.get(key)
            if periods is None:
                versions = self.track_versions(track, known_pos)
                self.load(versions)
                periods = tuple(periods_of(track, build_segments(versions)))
                if key not in self._asked_histories:  # kept from its second asking on
                    self._asked_histories[key] = None
                    if len(self._asked_histories) > _ASKED:
                        self._asked_histories.popitem(last=False)
                    return History(periods)
                self._histories[key] = periods
                self._histories_held += max(len(periods), 1)
                while self._histories_held > _STATES and len(self._histories) > 1:
                    _, old = self._histories.popitem(last=False)
                    self._histories_held -= max(len(old), 1)
            else:
                self._histories.move_to_end(key)
        return History(periods)  # a new list each time: the caller may change it

    def tracks(self, known_pos: Position) -> list[str]:
        """Every track with a status event current at `known_pos`, sorted."""
        rows = self._rows(
            f"{_TRACKS} SELECT t.track FROM t WHERE t.track IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM bilatlog_versions v WHERE v.track = t.track AND {_STATUS} "
            f"AND {VISIBLE}) ORDER BY t.track",
            {"k": known_pos},
        )
        return [r[0] for r in rows]

    def track_events(self, track: str, known_pos: Position) -> list[int]:
        """The positions of events with a version on `track` recorded by `known_pos`."""
        rows = self._rows(
            "SELECT DISTINCT event_pos FROM bilatlog_versions v "
            "WHERE v.track = :track AND v.sys_from <= :k",
            {"track": track, "k": known_pos},
        )
        return sorted(r[0] for r in rows)

    def revisions(
        self, positions: list[int], known_pos: Position
    ) -> list[tuple[RecordedEvent, list[RecordedEvent], RecordedEvent | None]]:
        """Each event at these positions: original, corrections and retraction by `known_pos`."""
        originals = sorted(self._records(positions), key=lambda r: r.position)
        later = self.targeting(
            [r.id for r in originals], kinds=("correction", "retraction"), stop=known_pos
        )
        fixes: dict[str, list[RecordedEvent]] = {}
        gone: dict[str, RecordedEvent] = {}
        for rec in later:
            r = rec.record
            if isinstance(r, Correction):
                fixes.setdefault(r.target, []).append(rec)
            elif isinstance(r, Retraction):
                gone[r.target] = rec
        return [(o, fixes.get(o.id, []), gone.get(o.id)) for o in originals]

    # -- everything, in valid-time order ---------------------------------------------------

    def count(self, known_pos: Position) -> int:
        """How many events are current at `known_pos` (plans included), counted in the index."""
        sql = f"SELECT count(*) FROM bilatlog_versions v WHERE {VISIBLE}"
        return int(self._rows(sql, {"k": known_pos})[0][0])

    def in_order(
        self,
        known_pos: Position,
        metric: str | None = None,
        *,
        track: str | None = None,
        window: tuple[dt.date, dt.date] | None = None,
        planned: bool | None = None,
    ) -> Iterator[StatusVersion]:
        """Every version current at `known_pos`, in valid-time order, with its event loaded.

        Only those of one `metric`, of one `track` (as known: corrections
        applied), whose date may overlap `window`, or that are (not) plans,
        when given. Streams page by page from the index; nothing is kept.
        """
        extra = ""
        params: dict[str, Any] = {"k": known_pos, "lo": -1, "hi": -1, "edtf": "", "pos": -1}
        if metric is not None:
            extra += " AND v.metric IS NOT NULL AND v.metric = :metric"
            params["metric"] = metric
        if track is not None:
            extra += " AND v.track = :track"
            params["track"] = track
        if window is not None:
            extra += " AND v.valid_from <= :w_hi AND v.valid_to >= :w_lo"
            params |= {"w_lo": window[0].toordinal(), "w_hi": window[1].toordinal()}
        if planned is not None:
            extra += " AND v.kind = 2" if planned else " AND v.kind <> 2"
        sql = (
            f"SELECT {_COLS} FROM bilatlog_versions v WHERE {VISIBLE}{extra} "
            f"AND {_KEY} > (:lo, :hi, :edtf, :pos) ORDER BY {_ASC} LIMIT {_PAGE}"
        )
        while True:
            page = self._versions(sql, params)
            self.load(page, keep=False)
            yield from page
            if len(page) < _PAGE:
                return
            last = page[-1]
            params |= {
                "lo": last.key[0].toordinal(),
                "hi": last.key[1].toordinal(),
                "edtf": last.key[2],
                "pos": last.key[3],
            }


class _LazyEvents:
    """Decodes a state's events on first use, all at once (then lets go of the engine)."""

    __slots__ = ("__weakref__", "_engine", "_versions")

    def __init__(self, engine: Engine, versions: list[StatusVersion]) -> None:
        self._engine: Engine | None = engine
        self._versions = versions
        engine._pending.add(self)  # noqa: SLF001 - the engine settles its own answers

    def settle(self) -> None:
        """Decode now (the engine is about to close)."""
        engine = self._engine
        if engine is not None:
            try:
                engine.load(self._versions)
            except sqlite3.ProgrammingError as exc:  # the database was closed without settling
                raise StorageError(
                    "this state's events were not read before its database was closed: "
                    "ask again on an open timeline"
                ) from exc
            engine._pending.discard(self)  # noqa: SLF001
            self._engine = None
            self._versions = []

    def events(self, held: Sequence[StatusVersion]) -> tuple[Event, ...]:
        """The events of `held` (versions of this state), decoding the state's on first use."""
        self.settle()
        return tuple(h.event for h in held)


def figures(engine: Engine, metric: str, known_pos: Position) -> list[Figure]:
    """Every figure of `metric` current at `known_pos`, in valid-time order."""
    return [figure_of(v, MAX) for v in engine.in_order(known_pos, metric)]
