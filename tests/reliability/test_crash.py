"""Crash trials (kill -9) and concurrent writers on every persistent backend (a CI-sized run).

The long run is `scripts/with-postgres python scripts/reliability.py --trials 100`.
"""

from __future__ import annotations

import pytest
from crash import concurrent_run, crash_trials

from pgtest import postgres_url

BACKENDS = ["jsonl", "sqlite", "postgres"]


def target(name: str, tmp_path, n: int = 0):
    if name == "postgres":
        return postgres_url(f"{tmp_path}/{n}")
    return tmp_path / ("log.jsonl" if name == "jsonl" else "log.db")


@pytest.mark.parametrize("name", BACKENDS)
def test_kill_minus_nine_keeps_exactly_the_acknowledged_batches(name, tmp_path):
    """Killed at random moments, a writer never leaves part of a batch or a gap."""
    # two stores, six trials each: a store that already holds crashed trials is tested too
    tally = crash_trials(lambda n: target(name, tmp_path, n // 6), tmp_path, trials=12)
    assert tally["acknowledged_batches"] > 0


@pytest.mark.parametrize("name", BACKENDS)
def test_concurrent_writers_lose_nothing(name, tmp_path):
    """Four processes at once, two retrying on expected position: every event, gap-free."""
    tally = concurrent_run(target(name, tmp_path), tmp_path, writers=4, batches=20, size=10)
    assert tally["events"] == 800
