"""Shared benchmark fixtures: a deterministic event generator and backend factories."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.backends import Backend, JsonlBackend, MemoryBackend, SqliteBackend

STATUSES = ["active", "suspended", "ended", "restored", "planned"]
DATES = ["{y}-{m:02d}-{d:02d}", "{y}-{m:02d}", "{y}", "{y}-{m:02d}~", "[{y}-{m:02d}..{y2}]"]


def make_events(n: int, *, tracks: int = 1000, seed: int = 20211015) -> list[bl.Event]:
    """N events over `tracks` tracks, mostly precise dates, some imprecise, deterministically."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        y, m, d = rng.randint(2006, 2022), rng.randint(1, 12), rng.randint(1, 28)
        shape = DATES[0] if rng.random() < 0.7 else rng.choice(DATES[1:])
        out.append(
            bl.Event(
                id=f"ev-{seed}-{i}",
                type="operations.changed",
                on=shape.format(y=y, m=m, d=d, y2=y + 1),
                track=f"track-{rng.randrange(tracks)}",
                status=rng.choice(STATUSES),
                actors=["US.DEA", "MX"],
                summary="A status change of a cooperation track, for benchmarking",
                sources=[bl.Source(outlet="Bench Wire", url="https://example.org/bench")],
            )
        )
    return out


def open_backend(name: str, tmp: Path) -> Backend:
    if name == "memory":
        return MemoryBackend()
    if name == "jsonl":
        return JsonlBackend(tmp / "bench.jsonl")
    return SqliteBackend(tmp / "bench.db")


BACKENDS = ["memory", "jsonl", "sqlite"]


@pytest.fixture(scope="session")
def events_10k() -> list[bl.Event]:
    return make_events(10_000)


@pytest.fixture(scope="session")
def events_100k() -> list[bl.Event]:
    return make_events(100_000)


@pytest.fixture(scope="session", autouse=True)
def _remembered_heads(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Stores made by benchmarks remember their heads in a folder of the run, not the home."""
    import os  # noqa: PLC0415

    os.environ["BILATLOG_STATE_DIR"] = str(tmp_path_factory.mktemp("heads"))
