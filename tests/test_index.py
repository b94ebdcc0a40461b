"""The knowledge index's skip list finds the same versions as looking at each one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog.projections._index import SortedVersions
from bilatlog.projections._segments import make_version

versions = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2000, 12, 31)),
        st.integers(1, 60),  # pos_from (few values: equal to `known` often)
        st.integers(0, 60),  # lifetime (0: never superseded)
    ),
    max_size=200,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(versions, st.integers(0, 64), st.data())
def test_prev_and_next_visible_match_a_scan(specs, known, data):
    """Across blocks, backfills (inserts in the middle) and superseded versions alike."""
    sv = SortedVersions()
    for i, (day, pos_from, life) in enumerate(specs):
        ev = bl.Event(id=f"e{i}", type="x.y", on=day.isoformat(), track="t", status="active")
        v = make_version(ev, i + 1, pos_from)
        if life:
            v.pos_to = pos_from + life
        sv.insert(v)
        if data.draw(st.booleans(), label="query between inserts"):
            sv.prev_visible(len(sv.items) - 1, known)  # builds the block minima mid-way
    items = sv.items
    vis = [v.pos_from <= known < v.pos_to for v in items]
    for j in range(-1, len(items)):
        want = max((i for i in range(j + 1) if vis[i]), default=-1)
        assert sv.prev_visible(j, known) == want
    for j in range(len(items) + 1):
        want = min((i for i in range(j, len(items)) if vis[i]), default=len(items))
        assert sv.next_visible(j, known) == want


@pytest.mark.parametrize("backfilled", [False, True])
def test_skipping_stops_at_a_block_holding_exactly_the_known_position(backfilled):
    """Recorded in valid-time order (the common case), or each one dated before all the others
    (backfills): either way each block begins or ends where `known` may."""
    sv = SortedVersions()
    for i in range(100):
        day = (dt.date(2000, 1, 1) + dt.timedelta(days=(-i if backfilled else i))).isoformat()
        ev = bl.Event(id=f"e{i}", type="x.y", on=day, track="t", status="active")
        sv.insert(make_version(ev, i + 1, i + 1))
    keys = [v.pos_from for v in sv.items]
    assert keys == (sorted(keys, reverse=True) if backfilled else sorted(keys))
    for known in range(102):
        for j in range(-1, 100):
            want = max((i for i in range(j + 1) if keys[i] <= known), default=-1)
            assert sv.prev_visible(j, known) == want
        for j in range(101):
            want = min((i for i in range(j, 100) if keys[i] <= known), default=100)
            assert sv.next_visible(j, known) == want
