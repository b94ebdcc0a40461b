"""Append in batches of 1,000 and read back, per backend, at 10k and 100k events.

Run: python -m pytest benchmarks/test_bench_append.py --benchmark-only
Compare with the peer: see docs/performance.md.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest

from conftest import BACKENDS, make_events, open_backend

_runs = itertools.count()


def _append_all(name: str, events, batch: int = 1000):
    tmp = Path(tempfile.mkdtemp(prefix=f"bilatlog-bench-{next(_runs)}-"))
    b = open_backend(name, tmp)
    for i in range(0, len(events), batch):
        b.append(events[i : i + batch])
    return b


SIZES = os.environ.get("BILATLOG_BENCH_APPEND", "10k,100k").split(",")


def _events(size, events_10k, events_100k):
    if size == "10k":
        return events_10k
    if size == "100k":
        return events_100k
    return make_events(int(size))


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize("size", SIZES)
def test_append_batches_of_1000(benchmark, name, size, request):
    """Events per second = size / mean time."""
    events = _events(size, *_fixtures(request, size))
    b = benchmark.pedantic(_append_all, args=(name, events), rounds=3 if size == "10k" else 1)
    assert b.head == len(events)
    benchmark.extra_info["events"] = len(events)


def _fixtures(request, size):
    if size in ("10k", "100k"):
        return (request.getfixturevalue("events_10k"), request.getfixturevalue("events_100k"))
    return (None, None)


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize("size", SIZES)
def test_read_back(benchmark, name, size, request):
    """Decode every stored record, in position order, from a freshly opened store."""
    events = _events(size, *_fixtures(request, size))
    b = _append_all(name, events)
    tmp_target = getattr(b, "path", None)

    def read():
        fresh = open_backend(name, Path(tmp_target).parent) if tmp_target else b
        return sum(1 for _ in fresh.read())

    n = benchmark.pedantic(read, rounds=3 if size == "10k" else 1)
    assert n == len(events)
    benchmark.extra_info["events"] = len(events)
