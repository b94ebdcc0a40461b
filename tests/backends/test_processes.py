"""Promises that need real processes: concurrent writers, and kill -9 mid-append."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import bilatlog as bl
from pgtest import postgres_url

WRITER = Path(__file__).with_name("writer.py")
TARGETS = {"jsonl": "log.jsonl", "sqlite": "log.db", "postgres": "postgres"}


def target_of(name: str, tmp_path: Path) -> str | Path:
    if name == "postgres":
        return postgres_url(str(tmp_path))
    return tmp_path / TARGETS[name]


def spawn(target: Path, ack: Path, prefix: str, batches: int, size: int, *, retry=False, err=True):
    args = [sys.executable, str(WRITER), str(target), str(ack), prefix, str(batches), str(size)]
    if retry:
        args.append("retry")
    return subprocess.Popen(args, stderr=subprocess.PIPE if err else subprocess.DEVNULL)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_concurrent_writers_lose_nothing(name, tmp_path):
    """Four processes appending at once (two with expected-position retries): all land, gap-free."""
    target = target_of(name, tmp_path)
    procs = [
        spawn(target, tmp_path / f"ack{i}", f"w{i}", batches=25, size=10, retry=i % 2 == 0)
        for i in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    tl = bl.open(target)
    recs = list(tl.events())
    assert len(recs) == 4 * 25 * 10
    assert [r.position for r in recs] == list(range(1, 1001))
    assert len({r.id for r in recs}) == 1000
    assert tl.verify().ok
    # each writer's batches are contiguous: never interleaved inside a batch
    for b in range(0, 1000, 10):
        assert len({r.id.rsplit("-", 1)[0] for r in recs[b : b + 10]}) == 1
    tl.close()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_kill_minus_nine_keeps_exactly_the_acknowledged_batches(name, tmp_path):
    """A writer killed at random moments (20 times) never leaves a partial batch or a gap."""
    rng = random.Random(20211015)  # noqa: S311 - reproducible trial timing
    target = target_of(name, tmp_path)
    acked: set[str] = set()
    for trial in range(20):
        ack = tmp_path / f"ack{trial}"
        proc = spawn(target, ack, f"k{trial}", batches=400, size=rng.choice([1, 7, 50]), err=False)
        time.sleep(rng.uniform(0.2, 0.45))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        acked |= {f"k{trial}-{line}" for line in ack.read_text().split()} if ack.exists() else set()
        with bl.open(target) as tl:
            if name == "jsonl":
                # the next writer sets a torn tail aside; make that happen now
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", bl.BilatlogWarning)
                    tl.append([bl.Event(id=f"probe-{trial}", type="test.probe", on="2020")])
            report = tl.verify()
            assert report.ok, report
            recs = list(tl.events(type="test.appended"))
            assert [r.position for r in tl.events(kinds=("event",))] == list(
                range(1, tl.position + 1)
            )
        batches: dict[str, int] = {}
        for r in recs:
            key = r.id.rsplit("-", 1)[0]
            batches[key] = batches.get(key, 0) + 1
        # every acknowledged batch is there
        assert acked <= set(batches), acked - set(batches)
        # at most one unacknowledged batch per trial (the one in flight)
        in_flight = set(batches) - acked
        assert len([k for k in in_flight if k.startswith(f"k{trial}-")]) <= 1
        # and every batch is whole: all batches of one trial have that trial's size
        for key, count in batches.items():
            same_trial = {v for k, v in batches.items() if k.split("-")[0] == key.split("-")[0]}
            assert same_trial == {count}, f"a partial batch in {key}: {same_trial}"
