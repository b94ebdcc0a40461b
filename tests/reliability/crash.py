"""Crash trials and concurrent writers, shared by the tests and scripts/reliability.py.

A trial: a writer process appends batches and logs each acknowledged batch to a
separate fsynced file; it is killed with SIGKILL at a random moment; then the
store must open, verify, and hold exactly the acknowledged batches plus at most
the one in flight, whole — never part of a batch, never a gap.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import bilatlog as bl

WRITER = Path(__file__).resolve().parent.parent / "backends" / "writer.py"


def spawn(target: str | Path, ack: Path, prefix: str, batches: int, size: int,
          *, retry: bool = False) -> subprocess.Popen[bytes]:  # fmt: skip
    args = [sys.executable, str(WRITER), str(target), str(ack), prefix, str(batches), str(size)]
    if retry:
        args.append("retry")
    return subprocess.Popen(args, stderr=subprocess.PIPE)


def crash_trials(
    make_target: Callable[[int], str | Path], folder: Path, trials: int, seed: int = 20211015
) -> dict:
    """Run `trials` kill -9 trials, each on a store of its own (from `make_target(trial)`,
    which may hold earlier trials' records); return the tally (raises on a failure)."""
    rng = random.Random(seed)
    acked: set[str] = set()
    acked_total = 0
    in_flight_landed = 0
    for trial in range(trials):
        target = make_target(trial)
        acked = set()
        ack = folder / f"ack{trial}"
        size = rng.choice([1, 7, 50])
        proc = spawn(target, ack, f"k{trial}", 400, size)
        # the kill lands while appending, not while the interpreter starts (on a loaded
        # machine, starting takes longer than the whole window): the writer creates its ack
        # file once the store is open. Every other trial also waits for a first acknowledged
        # batch, so the tally never depends on how loaded the machine is; the others may land
        # the kill inside the first batch.
        deadline = time.monotonic() + 60
        need_ack = trial % 2 == 1
        while proc.poll() is None and time.monotonic() < deadline:
            if ack.exists() and (not need_ack or ack.read_text().split()):
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0.05, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
        acked |= {f"k{trial}-{n}" for n in ack.read_text().split()} if ack.exists() else set()
        acked_total += len(acked)
        with bl.open(target) as tl:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", bl.BilatlogWarning)  # a torn tail set aside
                tl.append([bl.Event(id=f"probe-{trial}", type="test.probe", on="2020")])
            report = tl.verify()
            assert report.ok, report
            positions = [r.position for r in tl.log(kinds=("event",))]
            assert positions == list(range(1, tl.position + 1)), "a gap"
            batches: dict[str, int] = {}
            for r in tl.log(kinds=("event",)):
                if r.type != "test.appended":
                    continue
                key = r.id.rsplit("-", 1)[0]
                batches[key] = batches.get(key, 0) + 1
        assert acked <= set(batches), f"lost acknowledged batches: {acked - set(batches)}"
        mine = {k for k in batches if k.startswith(f"k{trial}-")} - acked
        assert len(mine) <= 1, f"more than the one batch in flight: {mine}"
        in_flight_landed += len(mine)
        sizes = {v for k, v in batches.items() if k.startswith(f"k{trial}-")}
        assert sizes <= {size}, f"a partial batch in trial {trial}: {sizes}"
    return {
        "trials": trials,
        "acknowledged_batches": acked_total,
        "in_flight_batches_that_landed_whole": in_flight_landed,
        "lost": 0,
        "partial": 0,
        "gaps": 0,
    }


def concurrent_run(target: str | Path, folder: Path, writers: int, batches: int, size: int) -> dict:
    """`writers` processes append at once, half retrying on expected position; check the result."""
    procs = [
        spawn(target, folder / f"cw-ack{i}", f"w{i}", batches, size, retry=i % 2 == 1)
        for i in range(writers)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    expected = writers * batches * size
    with bl.open(target) as tl:
        recs = list(tl.log(type="test.appended"))
        assert len(recs) == expected
        assert [r.position for r in tl.log()] == (list(range(1, tl.position + 1)))
        assert len({r.id for r in recs}) == expected
        assert tl.verify().ok
        for i in range(0, len(recs), size):  # batches never interleave
            assert len({r.id.rsplit("-", 1)[0] for r in recs[i : i + size]}) == 1
    return {"writers": writers, "events": expected, "gap_free": True, "chain_ok": True}
