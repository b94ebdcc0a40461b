"""Side by side: bilatlog, the `eventsourcing` library (the peer) and the raw floor, in one run.

    python3 -m venv /tmp/peer-es && /tmp/peer-es/bin/pip install eventsourcing==9.5.6
    python benchmarks/compare.py --n 100000 --peer-python /tmp/peer-es/bin/python

The peer runs `benchmarks/peer_eventsourcing_bench.py` (adapted from the
shared harness) in its own virtual environment with `python -O`; the floor is
plain `sqlite3.executemany` and `json` on the same rows. Medians of --rounds.
Prints a Markdown table of ratios and whether each DESIGN.md target is met.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datasets import floor_batches, pass_medians, records  # noqa: E402

import bilatlog as bl  # noqa: E402


def median_of(rounds: int, fn) -> float:
    return statistics.median(fn() for _ in range(rounds))


def bilatlog_append(recs: list, n: int) -> float:
    path = Path(tempfile.mkdtemp()) / "a.db"
    tl = bl.open(path)
    t0 = time.perf_counter()
    for i in range(0, len(recs), 1000):
        tl.append(recs[i : i + 1000])
    return n / (time.perf_counter() - t0)


def floor_append(recs: list, n: int) -> float:
    """Plain json + sqlite3.executemany of the same rows: no validation, hashing or indexes."""
    path = Path(tempfile.mkdtemp()) / "floor.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE e (position INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    t0 = time.perf_counter()
    for rows in floor_batches(recs):
        db.execute("BEGIN")
        db.executemany("INSERT INTO e VALUES (?, ?)", rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    db.close()
    return n / elapsed


def bilatlog_replay(path: Path) -> float:
    t0 = time.perf_counter()
    tl = bl.open(path)
    tl.state_at("2010-06-01")
    return tl.position / (time.perf_counter() - t0)


def floor_replay(path: Path) -> float:
    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    n = 0
    for (body,) in db.execute("SELECT body FROM bilatlog_events ORDER BY position"):
        json.loads(body)
        n += 1
    return n / (time.perf_counter() - t0)


def state_at_ms(tl: bl.Timeline, known: bool) -> float:
    """Median of five passes' medians over 50 days, after a pass that warms the timeline."""
    days = [f"{1991 + i % 30}-{1 + i % 12:02d}-15" for i in range(50)]
    head = tl.position
    asks = [(d, (head // 2 + i * 97) % head if known else None) for i, d in enumerate(days)]
    return statistics.median(pass_medians(tl, asks)) * 1000


def cold_start() -> float:
    code = "import bilatlog as bl; bl.examples.us_mexico().state_at('2021-06-01')"
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--peer-python", help="the peer venv's python (skip the peer without it)")
    p.add_argument("--state-sizes", default="10000,100000")
    args = p.parse_args()
    recs = records(args.n)
    n_events = sum(1 for r in recs if isinstance(r, bl.Event))
    rows = []
    append = median_of(args.rounds, lambda: bilatlog_append(recs, len(recs)))
    floor = median_of(args.rounds, lambda: floor_append(recs, len(recs)))
    path = Path(tempfile.mkdtemp()) / "replay.db"
    bl.open(path).append(recs)
    replay = median_of(args.rounds, lambda: bilatlog_replay(path))
    floor_r = median_of(args.rounds, lambda: floor_replay(path))
    peer: dict = {}
    if args.peer_python:
        out = subprocess.run(
            [args.peer_python, "-O", str(HERE / "peer_eventsourcing_bench.py"), str(args.n),
             "--repeats", str(args.rounds)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        peer = json.loads(out.strip().splitlines()[-1])
    p_append = peer.get("append", {}).get("one_agg_batch", {}).get("eps")
    p_fold = peer.get("read", {}).get("decode_fold", {}).get("eps")
    p_asof = peer.get("as_of", {}).get("date_scan", {}).get("median_ms")

    def ratio(a: float, b: float | None) -> str:
        return f"{a / b:.2f}x" if b else "n/a"

    rows.append(("append, batches of 1,000 (SQLite), events/s", f"{append:,.0f}",
                 f"{p_append:,.0f}" if p_append else "n/a", f"{floor:,.0f}",
                 ratio(append, p_append), ratio(append, floor), ">= 5x peer",
                 "met" if p_append and append >= 5 * p_append else "NOT met"))  # fmt: skip
    rows.append(("full replay into the cooperation projection, records/s", f"{replay:,.0f}",
                 f"{p_fold:,.0f}" if p_fold else "n/a", f"{floor_r:,.0f}",
                 ratio(replay, p_fold), ratio(replay, floor_r), ">= 2x peer",
                 "met" if p_fold and replay >= 2 * p_fold else "NOT met"))  # fmt: skip
    sizes = [int(s) for s in args.state_sizes.split(",")]
    medians = {}
    for size in sizes:
        tl = bl.open()
        tl.append(records(size))
        tl.state_at("2000")
        medians[size] = (state_at_ms(tl, known=False), state_at_ms(tl, known=True))
    small, big = medians[min(sizes)], medians[max(sizes)]
    for i, label in enumerate(("state_at", "state_at(known_at)")):
        rows.append((f"{label} at {max(sizes):,} events, median ms", f"{big[i]:.2f}",
                     f"{p_asof:.0f} (as-of-date scan)" if p_asof else "n/a", "",
                     ratio(big[i], p_asof), "",
                     f"< 10 ms and <= 2x the {min(sizes):,} time ({small[i]:.2f} ms)",
                     "met" if big[i] < 10 and big[i] <= 2 * small[i] else "NOT met"))  # fmt: skip
    cs = cold_start()
    rows.append(("cold start: import + first question, s", f"{cs:.3f}", "", "", "", "",
                 "< 0.5 s", "met" if cs < 0.5 else "NOT met"))  # fmt: skip
    version = peer.get("lib_version", "not run")
    print(f"N = {args.n:,} records ({n_events:,} events); medians of {args.rounds} rounds; "
          f"python {sys.version.split()[0]}; peer eventsourcing {version}")  # fmt: skip
    print("| workload | bilatlog | peer | floor | bilatlog/peer | bilatlog/floor | target | |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
