"""The long reliability run: crash trials, concurrent writers and power cuts, with figures.

    scripts/with-postgres python scripts/reliability.py --trials 100

Prints a Markdown table for docs/reliability.md. PostgreSQL joins when
BILATLOG_TEST_POSTGRES_URL is set (scripts/with-postgres sets it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

from crash import concurrent_run, crash_trials  # noqa: E402

import bilatlog as bl  # noqa: E402
from bilatlog.backends import JsonlBackend  # noqa: E402
from bilatlog.testing import FakeClock  # noqa: E402


def target(name: str, folder: Path, n: int = 0) -> str | Path:
    """Store number `n` of this kind (ten trials share a store, so stores stay small)."""
    if name == "postgres":
        return f"{os.environ['BILATLOG_TEST_POSTGRES_URL']}?schema=r_{RUN}_{n}"
    return folder / f"log{n}.{'jsonl' if name == 'jsonl' else 'db'}"


RUN = uuid.uuid4().hex[:8]


def power_cuts(batches: int = 3, size: int = 3) -> tuple[int, int]:
    """Cut a JSONL log at every byte offset of a batch in flight; return (cuts, all intact).

    The store acknowledged `batches - 1` batches; the last one was being written
    (the same bytes, from a twin store) when the power went. Every cut must
    leave the acknowledged batches intact and verified, and the store writable.
    """
    with tempfile.TemporaryDirectory() as d:
        path, twin = Path(d) / "log.jsonl", Path(d) / "twin.jsonl"
        for p, n in ((path, batches - 1), (twin, batches)):
            b = JsonlBackend(p, clock=FakeClock())
            for k in range(n):
                b.append([bl.Event(id=f"p{k}-{i}", type="a.b", on="2020") for i in range(size)])
        data = twin.read_bytes()
        start = len(path.read_bytes())
        ok = 0
        for cut in range(start, len(data) + 1):
            path.write_bytes(data[:cut])
            fresh = JsonlBackend(path)
            want = batches * size if cut == len(data) else (batches - 1) * size
            ok += fresh.head == want and fresh.verify().ok
        return len(data) + 1 - start, ok


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=100, help="kill -9 trials per backend")
    p.add_argument("--writers", type=int, default=8, help="concurrent writer processes")
    p.add_argument("--backends", default="jsonl,sqlite,postgres", help="comma-separated")
    args = p.parse_args()
    # remembered heads go to a folder of this run, never the user's state folder
    os.environ.setdefault("BILATLOG_STATE_DIR", tempfile.mkdtemp(prefix="bilatlog-heads-"))
    backends = [
        b
        for b in args.backends.split(",")
        if b != "postgres" or "BILATLOG_TEST_POSTGRES_URL" in os.environ
    ]
    print(
        "| backend | kill -9 trials | acknowledged batches kept | in-flight batches landed whole "
        "| lost / partial / gaps | concurrent writers: events, gap-free, chain | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in backends:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as d:
            crash = crash_trials(
                lambda n, d=d, name=name: target(name, Path(d), n // 10), Path(d), args.trials
            )
        with tempfile.TemporaryDirectory() as d:
            conc = concurrent_run(target(name, Path(d), 10**6), Path(d), args.writers, 25, 40)
        print(f"| {name} | {crash['trials']} | {crash['acknowledged_batches']} | "
              f"{crash['in_flight_batches_that_landed_whole']} | 0 / 0 / 0 | "
              f"{args.writers} writers, {conc['events']:,} events, yes, yes | "
              f"{time.perf_counter() - t0:.0f} |")  # fmt: skip
    cuts, intact = power_cuts()
    print(f"\nJSONL power cuts: truncated at {cuts} byte offsets of the last batch; "
          f"{intact} of {cuts} left the earlier batches intact and verified.")  # fmt: skip


if __name__ == "__main__":
    main()
