"""The fast path agrees with the naive reference, on every backend, for random timelines."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog.testing import FakeClock
from pgtest import postgres_url
from reference import as_plain, naive_state

TRACKS = ["dea-operations", "merida-initiative", "dea-visas"]
STATUSES = ["active", "suspended", "ended", "restored"]
_files = itertools.count()
_TMP = Path(tempfile.mkdtemp(prefix="bilatlog-ref-"))


@st.composite
def dates(draw: st.DrawFn) -> str:
    y = draw(st.integers(2018, 2022))
    m = draw(st.integers(1, 12))
    d = draw(st.integers(1, 28))
    return draw(
        st.sampled_from(
            [
                f"{y}-{m:02d}-{d:02d}",
                f"{y}-{m:02d}",
                f"{y}",
                f"{y}-{m:02d}~",
                f"[{y}-{m:02d}..{y + 1}]",
                f"{y}-{m:02d}/{y + 1}-{m:02d}",
                f"{y}-{m:02d}-{d:02d}/..",
                f"{y}/",
            ]
        )
    )


@st.composite
def timelines(
    draw: st.DrawFn,
    sizes: tuple[int, int] = (1, 14),
    tracks: list[str] = TRACKS,
    fulfilling: bool = True,
):
    """A list of operations: ('event', Event) | ('correct', idx, changes) | ('retract', idx)."""
    n = draw(st.integers(*sizes))
    ops: list[tuple] = []
    events: list[bl.Event] = []
    for i in range(n):
        planned = draw(st.booleans()) if i % 3 == 0 else False
        kind = draw(st.sampled_from(["status", "status", "metric", "plain"]))
        plans = [e for e in events if e.planned]
        fulfils = (
            draw(st.sampled_from([None, *[p.id for p in plans]]))
            if plans and not planned and fulfilling
            else None
        )
        ev = bl.Event(
            id=f"e{i}",
            type="test.happened",
            on=draw(dates()),
            track=draw(st.sampled_from(tracks)) if kind == "status" or planned else None,
            status=draw(st.sampled_from(STATUSES)) if kind == "status" or planned else None,
            data={"metric": "deaths", "value": i, "unit": "people"} if kind == "metric" else None,
            planned=planned,
            announced=draw(st.none() | dates()) if planned else None,
            fulfils=fulfils,
        )
        events.append(ev)
        ops.append(("event", ev))
        if draw(st.integers(0, 4)) == 0:
            target = draw(st.sampled_from(events))
            field = draw(st.sampled_from(["on", "status", "summary", "track"]))
            if field == "on":
                change = {"on": draw(dates())}
            elif field == "status" and target.track is not None:
                change = {"status": draw(st.sampled_from(STATUSES))}
            elif field == "track" and target.track is not None:
                change = {"track": draw(st.sampled_from(tracks))}
            else:
                change = {"summary": "corrected"}
            ops.append(("correct", target.id, change))
        if draw(st.integers(0, 6)) == 0:
            ops.append(("retract", draw(st.sampled_from(events)).id))
    return ops


def build(backend: str, ops) -> bl.Timeline:
    clock = FakeClock(step=dt.timedelta(hours=1))
    n = next(_files)
    target = {
        "memory": None,
        "jsonl": _TMP / f"t{n}.jsonl",
        "sqlite": _TMP / f"t{n}.db",
        "postgres": postgres_url(f"{_TMP}/t{n}") if backend == "postgres" else None,
    }[backend]
    tl = bl.open(target, clock=clock)
    tl.test_target = target  # where it lives, for tests that reopen it
    retracted: set[str] = set()
    for op in ops:
        try:
            if op[0] == "event":
                tl.append([op[1]])
            elif op[0] == "correct":
                tl.correct(op[1], reason="test", **op[2])
            elif op[1] not in retracted:
                tl.retract(op[1], reason="test")
                retracted.add(op[1])
        except bl.ValidationError:
            pass  # e.g. correcting a retracted event: refused, nothing written
    return tl


@settings(max_examples=int(os.environ.get("BILATLOG_EXAMPLES", "60")), deadline=None)
@given(
    ops=timelines(),
    backend=st.sampled_from(["memory", "jsonl", "sqlite", "postgres"]),
    queries=st.lists(st.tuples(dates(), st.integers(0, 30)), min_size=1, max_size=6),
)
def test_fast_state_agrees_with_naive_reference(ops, backend, queries):
    """For random timelines (imprecise dates, backfills, corrections, retractions, plans)."""
    tl = build(backend, ops)
    records = list(tl.backend.read())
    for at, known in queries:
        when = bl.When.parse(at)
        fast = tl.state_at(at, known_at=known)
        assert as_plain(fast) == naive_state(records, when, min(known, tl.position))
    retracted = {r.target for r in records if r.kind == "retraction"}
    live = [r for r in records if r.kind == "event" and r.id not in retracted]
    assert len(tl) == len(live) == len(tl.events())  # counted in the index, as known now
    tl.close()


@settings(max_examples=int(os.environ.get("BILATLOG_EXAMPLES", "60")) // 3, deadline=None)
@given(
    ops=timelines(sizes=(40, 160), tracks=TRACKS[:1], fulfilling=False),
    backend=st.sampled_from(["memory", "sqlite"]),
    queries=st.lists(st.tuples(dates(), st.integers(0, 250)), min_size=4, max_size=12),
)
def test_long_tracks_agree_with_naive_reference(ops, backend, queries):
    """Tracks longer than the index's blocks of 32, asked as known at any point of their log.

    SQLite logs are reopened first, so that the index is built from the whole log at once.
    """
    tl = build(backend, ops)
    if backend == "sqlite":
        path = tl.backend.path
        tl.close()
        tl = bl.open(path)
    records = list(tl.backend.read())
    for at, known in queries:
        fast = tl.state_at(at, known_at=known)
        assert as_plain(fast) == naive_state(records, bl.When.parse(at), min(known, tl.position))
    tl.close()


@settings(max_examples=30, deadline=None)
@given(ops=timelines(), at=dates())
def test_as_of_t_equals_folding_only_events_up_to_t(ops, at):
    """Folding "as known at K" equals folding a log that holds only the first K records."""
    tl = build("memory", ops)
    records = list(tl.backend.read())
    for k in range(len(records) + 1):
        partial = bl.open(clock=FakeClock())
        for rec in records[:k]:
            partial.backend._index.add(rec, {})
        cut = partial.state_at(at)
        full = tl.state_at(at, known_at=k)
        assert as_plain(cut) == as_plain(full)
