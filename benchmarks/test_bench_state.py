"""state_at and state_at(known_at=...) at 10k, 100k and 1M events over 1,000 tracks.

Run: python -m pytest benchmarks/test_bench_state.py --benchmark-only
     (BILATLOG_BENCH_SIZES=10000,100000 to skip the 1M case)
Targets (DESIGN.md): median < 10 ms at 1M, and at most 2x the 10k time.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from datasets import build

from bilatlog import Truth

SIZES = [int(s) for s in os.environ.get("BILATLOG_BENCH_SIZES", "10000,100000,1000000").split(",")]
_cache: dict[tuple[str, int, bool], object] = {}


def timeline(backend: str, n: int, *, precise: bool = False):
    key = (backend, n, precise)
    if key not in _cache:
        target = None if backend == "memory" else Path(tempfile.mkdtemp()) / "bench.db"
        tl = build(target, n, precise=precise)
        tl.state_at("2000-01-01")  # build the knowledge index once: a checkpoint
        _cache[key] = tl
    return _cache[key]


def _days(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.randint(1991, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            for _ in range(64)]  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("n", SIZES)
def test_state_at(benchmark, backend, n):
    tl = timeline(backend, n)
    days = iter(_days(1) * 1000)
    state = benchmark(lambda: tl.state_at(next(days)))
    assert len(state) > 0
    benchmark.extra_info["uncertain_tracks"] = _uncertain(tl)


def _uncertain(tl) -> float:
    """How many tracks an answer holds that are only POSSIBLE (the costlier answers), on average."""
    days = _days(1)
    return sum(
        sum(ts.truth is not Truth.CERTAIN for ts in tl.state_at(d).values()) for d in days
    ) / len(days)


@pytest.mark.parametrize("n", SIZES)
def test_state_at_day_precise(benchmark, n):
    """The same timelines with every date precise to the day: the index alone, no uncertainty."""
    tl = timeline("memory", n, precise=True)
    days = iter(_days(1) * 1000)
    state = benchmark(lambda: tl.state_at(next(days)))
    assert len(state) > 0
    benchmark.extra_info["uncertain_tracks"] = _uncertain(tl)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("n", SIZES)
def test_state_at_known_at(benchmark, backend, n):
    tl = timeline(backend, n)
    rng = random.Random(2)
    head = tl.position
    pairs = iter([(d, rng.randint(head // 2, head)) for d in _days(3)] * 1000)

    def ask():
        day, known = next(pairs)
        return tl.state_at(day, known_at=known)

    state = benchmark(ask)
    assert state.known_at <= head
