"""history, diff, explain, events and audit, and a full rebuild of the cooperation projection.

Run: python -m pytest benchmarks/test_bench_queries.py --benchmark-only
(BILATLOG_BENCH_SIZES picks N; the default is 10,000 and 100,000.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from datasets import build

import bilatlog as bl

SIZES = [int(s) for s in os.environ.get("BILATLOG_BENCH_SIZES", "10000,100000").split(",")]
_cache: dict[int, tuple[bl.Timeline, Path]] = {}


def timeline(n: int) -> tuple[bl.Timeline, Path]:
    if n not in _cache:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        tl = build(path, n)
        tl.state_at("2000")
        _cache[n] = (tl, path)
    return _cache[n]


@pytest.mark.parametrize("n", SIZES)
def test_history(benchmark, n):
    tl, _ = timeline(n)
    periods = benchmark(lambda: tl.history("track-7"))
    assert periods


@pytest.mark.parametrize("n", SIZES)
def test_diff(benchmark, n):
    tl, _ = timeline(n)
    changes = benchmark(lambda: tl.diff("2005-01-01", "2015-06-30"))
    assert changes


@pytest.mark.parametrize("n", SIZES)
def test_explain(benchmark, n):
    tl, _ = timeline(n)
    ex = benchmark(lambda: tl.explain("track-7", at="2010-06-01"))
    assert ex.entries


@pytest.mark.parametrize("n", SIZES)
def test_events_of_one_track(benchmark, n):
    """tl.events(track=...): the events as known, filtered on their corrected fields."""
    tl, _ = timeline(n)
    known = benchmark(lambda: len(tl.events(track="track-7")))
    assert known


@pytest.mark.parametrize("n", SIZES)
def test_all_events_as_known(benchmark, n):
    """Every event as known (what exporters and to_frame read), once the index is warm."""
    tl, _ = timeline(n)
    known = benchmark.pedantic(lambda: len(tl.events()), rounds=3, iterations=1)
    assert known


@pytest.mark.parametrize("n", SIZES)
def test_audit(benchmark, n):
    """tl.audit(): one pass over the events as known, plans, and the stored log."""
    tl, _ = timeline(n)
    report = benchmark.pedantic(tl.audit, rounds=1, iterations=1)
    assert report is not None


@pytest.mark.parametrize("n", SIZES)
def test_full_replay_into_the_cooperation_projection(benchmark, n):
    """A fresh open of an SQLite store, then the first question: decode everything, index it."""
    _, path = timeline(n)

    def rebuild():
        fresh = bl.open(path)
        fresh.state_at("2010-06-01")
        return fresh.position

    records = benchmark.pedantic(rebuild, rounds=3)
    benchmark.extra_info["records"] = records
