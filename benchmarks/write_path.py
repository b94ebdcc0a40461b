"""Issue 14's write-path numbers: appends side by side with the peer and the floor, and imports.

    python benchmarks/write_path.py appends --n 100000 --peer-python /tmp/peer-es/bin/python
    scripts/with-postgres python benchmarks/write_path.py appends --n 100000 \
        --peer-python /tmp/peer-es/bin/python --postgres
    python benchmarks/write_path.py icews --rows 1000000

`appends` writes the backfilled workload (`datasets.backfilled`: every event a
backfill, 1% corrected, 0.5% retracted) in batches of 1,000, each durable at
its commit, into a fresh store, and in the same run, round by round: the peer
(`eventsourcing`, one aggregate saved every 1,000 events, in its own virtual
environment) and the raw floor (plain `json` of the same records, then
`executemany` into a bare `(position, body)` table on SQLite, `COPY` on
PostgreSQL, one transaction per batch). With `--postgres` (under
scripts/with-postgres, which sets BILATLOG_TEST_POSTGRES_URL) the PostgreSQL
row is measured too. Medians of --rounds, with min and max.

`icews` imports an ICEWS-shaped file of --rows rows into a fresh SQLite store
with the progress bar on (stderr) and prints rows/s and the resident memory
sampled while it runs (flat memory: the last sample near the first).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datasets import backfilled, floor_batches, write_icews  # noqa: E402

import bilatlog as bl  # noqa: E402
from bilatlog.io import import_icews  # noqa: E402


def workload(n: int, tracks: int) -> list[Any]:
    """The backfilled records, in append order."""
    return [r for batch in backfilled(n, tracks=tracks) for r in batch]


def bilatlog_append(target: str, recs: list[Any]) -> tuple[float, float]:
    """Records/s (wall clock, CPU) appending in batches of 1,000 into a fresh store."""
    tl = bl.open(target)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(recs), 1000):
        tl.append(recs[i : i + 1000])
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    tl.close()
    return len(recs) / elapsed, len(recs) / cpu


def sqlite_floor(recs: list[Any]) -> tuple[float, float]:
    """Plain json + executemany into a bare table, WAL, synchronous=FULL, a commit per batch."""
    db = sqlite3.connect(Path(tempfile.mkdtemp()) / "floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE e (position INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    t0, c0 = time.perf_counter(), time.process_time()
    for rows in floor_batches(recs):
        db.execute("BEGIN")
        db.executemany("INSERT INTO e VALUES (?, ?)", rows)
        db.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    db.close()
    return len(recs) / elapsed, len(recs) / cpu


def postgres_floor(recs: list[Any]) -> tuple[float, float]:
    """Plain json + COPY into a bare table, a commit per batch."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    table = f"floor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(os.environ["BILATLOG_TEST_POSTGRES_URL"]) as conn:
        conn.execute(f"CREATE TABLE {table} (position bigint PRIMARY KEY, body text NOT NULL)")
        conn.commit()
        t0, c0 = time.perf_counter(), time.process_time()
        for rows in floor_batches(recs):
            with conn.cursor() as cur, cur.copy(f"COPY {table}(position, body) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            conn.commit()
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
    return len(recs) / elapsed, len(recs) / cpu


def peer_append(python: str, n: int, backend: str) -> tuple[float, float]:
    """The peer's events/s (wall clock, CPU), one aggregate saved every 1,000 events (one run)."""
    script = HERE / "peer_eventsourcing_postgres.py"
    flags = ["--sqlite"] if backend == "sqlite" else []
    out = subprocess.run(
        [python, "-O", str(script), str(n), *flags],
        check=True, capture_output=True, text=True, env={**os.environ, "ROUNDS": "1"},
    ).stdout  # fmt: skip
    got = json.loads(out.strip().splitlines()[-1])
    return float(got["append_eps_median"]), float(got["append_cpu_eps_median"])


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(s: dict[str, float] | None) -> str:
    """`median (min-max)` in thousands."""
    if s is None:
        return "n/a"
    return f"{s['median'] / 1000:,.1f}k ({s['min'] / 1000:,.1f}-{s['max'] / 1000:,.1f})"


def appends(args: argparse.Namespace) -> None:
    recs = workload(args.n, args.tracks)
    backends = [*([] if args.no_sqlite else ["sqlite"]), *(["postgres"] if args.postgres else [])]
    found: dict[str, dict[str, list[tuple[float, float]]]] = {b: {} for b in backends}
    for r in range(args.rounds):
        for backend in backends:
            got = found[backend]
            if backend == "sqlite":
                target = str(Path(tempfile.mkdtemp()) / "a.db")
                floor = sqlite_floor
            else:
                url = os.environ["BILATLOG_TEST_POSTGRES_URL"]
                target = f"{url}?schema=w_{uuid.uuid4().hex[:8]}"
                floor = postgres_floor
            got.setdefault("bilatlog", []).append(bilatlog_append(target, recs))
            got.setdefault("floor", []).append(floor(recs))
            if args.peer_python:
                got.setdefault("peer", []).append(peer_append(args.peer_python, args.n, backend))
            print(f"round {r + 1} {backend}: " + ", ".join(f"{k} {v[-1][0]:,.0f}/s"
                  for k, v in got.items()), file=sys.stderr, flush=True)  # fmt: skip
    print(f"appends of {len(recs):,} records ({args.n:,} events over {args.tracks:,} tracks, "
          f"backfilled), batches of 1,000 durable at commit; records/s in thousands, "
          f"median (min-max) of {args.rounds} rounds, interleaved; "
          f"bilatlog {bl.__version__}")  # fmt: skip
    print("| backend | clock | bilatlog | peer | floor | bilatlog / peer | bilatlog / floor "
          "| target: >= 2x peer, >= 0.5x floor |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    out: dict[str, Any] = {}
    for backend in backends:
        for i, clock in enumerate(("wall", "CPU")):
            got = {k: spread([v[i] for v in vs]) for k, vs in found[backend].items()}
            out[f"{backend} {clock}"] = got
            mine, floor_s, peer = got["bilatlog"], got["floor"], got.get("peer")
            to_peer = mine["median"] / peer["median"] if peer else None
            to_floor = mine["median"] / floor_s["median"]
            met = "met" if to_peer and to_peer >= 2 and to_floor >= 0.5 else "not met"
            ratio = f"{to_peer:.2f}x" if to_peer else "n/a"
            print(f"| {backend} | {clock} | {fmt(mine)} | {fmt(peer)} | {fmt(floor_s)} | "
                  f"{ratio} | {to_floor:.2f}x | {met} |")  # fmt: skip
    if backends[-1] == "postgres":
        print("(CPU on PostgreSQL counts only the client process: the server's work is not in it)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def icews(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp())
    path = write_icews(folder / "events.tab", args.rows)
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        t0 = time.perf_counter()
        while not done.wait(0.5):
            samples.append((time.perf_counter() - t0, _rss_mb()))

    tl = bl.open(folder / "imported.db")
    before = _rss_mb()
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_icews(tl, path, progress=not args.no_progress)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    done.set()
    watcher.join()
    tl.close()
    rss = [m for _, m in samples] or [before]
    tenth = rss[: max(1, len(rss) // 10)]
    print(f"ICEWS-shaped import into SQLite: {report.imported:,} rows in {elapsed:.1f} s = "
          f"{report.imported / elapsed:,.0f} rows/s ({report.imported / cpu:,.0f} per CPU "
          f"second); resident memory before {before:.0f} MB, "
          f"over the first tenth {max(tenth):.0f} MB, peak {max(rss):.0f} MB, "
          f"at the end {rss[-1]:.0f} MB ({len(samples)} samples, every 0.5 s)")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("appends", help="appends side by side with the peer and the floor")
    a.add_argument("--n", type=int, default=100_000, help="events (plus their corrections)")
    a.add_argument("--tracks", type=int, default=1000)
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--peer-python", help="the peer venv's python (skip the peer without it)")
    a.add_argument("--postgres", action="store_true", help="also on BILATLOG_TEST_POSTGRES_URL")
    a.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL (with --postgres)")
    a.add_argument("--json", type=Path, help="also write the figures as JSON")
    i = sub.add_parser("icews", help="import an ICEWS-shaped file into SQLite")
    i.add_argument("--rows", type=int, default=1_000_000)
    i.add_argument("--no-progress", action="store_true")
    args = p.parse_args()
    appends(args) if args.cmd == "appends" else icews(args)


if __name__ == "__main__":
    main()
