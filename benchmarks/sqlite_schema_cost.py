"""What each part of the SQLite schema costs an append: the same prepared rows, parts removed.

    python benchmarks/sqlite_schema_cost.py [N]

Writes N events through bilatlog once, takes its rows (events and actors) and
re-inserts them with plain `executemany` in batches of 1,000, durable at
commit, into the full schema and into schemas without one part each (the
gap-free trigger, the actors table, an index) and with none of them: the
Python side (validation, sealing, hashing) is not in these numbers. The CPU
column is this process's CPU time per row (SQLite runs in it), which a busy
shared machine inflates far less than the wall clock.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import build

from bilatlog.backends._sql import EVENT_COLUMNS
from bilatlog.backends.sqlite import _GAPLESS, _SCHEMA

VARIANTS: dict[str, dict] = {
    "full schema (as bilatlog writes)": {},
    "without the gap-free trigger": {"gapless": False},
    "without the actors table": {"actors": False},
    "without the type index": {"drop": ("events_type",)},
    "without the valid-day (lo) index": {"drop": ("events_lo ",)},
    "bare: primary key and unique id only": {
        "drop": ("events_type", "events_lo ", "events_track", "events_target"),
        "gapless": False,
        "actors": False,
    },
}


def insert(
    rows: list, actor_rows: list, *, drop=(), gapless=True, actors=True
) -> tuple[float, float]:
    path = Path(tempfile.mkdtemp()) / "x.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    for statement in _SCHEMA.split(";"):
        if statement.strip() and not any(d in statement for d in drop):
            db.execute(statement)
    if gapless:
        db.execute(_GAPLESS)
    by_position: dict[int, list] = {}
    for a in actor_rows:
        by_position.setdefault(a[1], []).append(a)
    sql = f"INSERT INTO bilatlog_events({EVENT_COLUMNS}) VALUES ({','.join('?' * 13)})"  # noqa: S608
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(rows), 1000):
        batch = rows[i : i + 1000]
        db.execute("BEGIN IMMEDIATE")
        db.executemany(sql, batch)
        if actors:
            db.executemany(
                "INSERT INTO bilatlog_actors VALUES (?, ?)",
                [a for r in batch for a in by_position.get(r[0], ())],
            )
        db.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    db.close()
    return len(rows) / elapsed, cpu / len(rows) * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    path = Path(tempfile.mkdtemp()) / "source.db"
    build(path, n).close()
    src = sqlite3.connect(path)
    rows = src.execute(f"SELECT {EVENT_COLUMNS} FROM bilatlog_events ORDER BY position").fetchall()  # noqa: S608
    actor_rows = src.execute("SELECT actor, position FROM bilatlog_actors").fetchall()
    print(f"N = {len(rows):,} rows, {len(actor_rows):,} actor rows; medians of 3")
    print("| schema | rows/s | µs per row | CPU µs per row |")
    print("|---|---|---|---|")
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in VARIANTS}
    for _ in range(3):  # interleaved, so that a busy spell on a shared machine hits every variant
        for label, kw in VARIANTS.items():
            runs[label].append(insert(rows, actor_rows, **kw))
    for label, got in runs.items():
        rate = statistics.median(r for r, _ in got)
        cpu = statistics.median(c for _, c in got)
        print(f"| {label} | {rate:,.0f} | {1e6 / rate:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
