"""Many clients on one PostgreSQL store: each first answer's time and resident memory.

    scripts/with-postgres python benchmarks/postgres_clients.py --n 1000000 --clients 8
    # or against a server of your own, keeping the store between runs:
    BILATLOG_TEST_POSTGRES_URL=postgresql://... python benchmarks/postgres_clients.py \
        --n 1000000 --schema backfill_1m

Builds the backfilled workload (`datasets.backfilled`) into a schema of its
own (batches of 10,000; reused when the schema already holds it), then starts
--clients processes at once. Each imports bilatlog, opens the store, asks one
`state_at` and reports the time from open to answer and its peak resident
memory (VmHWM). Then it does it again --rounds times; prints each client's
figures and the median and max over all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datasets import backfilled  # noqa: E402

import bilatlog as bl  # noqa: E402

CLIENT = """
import json, sys, time
import bilatlog as bl
t0 = time.perf_counter()
tl = bl.open(sys.argv[1])
state = tl.state_at(sys.argv[2])
elapsed = time.perf_counter() - t0
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"first_answer_ms": elapsed * 1000, "peak_mb": int(peak) / 1024,
                  "tracks": len(state), "position": tl.position}))
"""


def build(target: str, n: int, tracks: int) -> None:
    tl = bl.open(target)
    if tl.position:
        print(f"reusing {tl.position:,} records", file=sys.stderr)
        tl.close()
        return
    t0 = time.perf_counter()
    for i, records in enumerate(backfilled(n, tracks=tracks)):
        tl.append(records)
        if i % 20 == 19:
            print(f"  {tl.position:,} records, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
    tl.close()


def schema_bytes(schema: str) -> int:
    """What the schema's tables take on disk, with their indexes and TOAST."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    with psycopg.connect(os.environ["BILATLOG_TEST_POSTGRES_URL"]) as conn:
        row = conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r'",
            (schema,),
        ).fetchone()
    return int(row[0]) if row else 0


def clients(target: str, count: int, day: str) -> list[dict[str, float]]:
    """Start `count` clients at once; return what each reported."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, target, day], stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    out = []
    for p in procs:
        text, _ = p.communicate()
        if p.returncode:
            raise SystemExit(f"a client failed ({p.returncode})")
        out.append(json.loads(text))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--tracks", type=int, default=1000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--schema", help="keep the store in this schema (default: a new one)")
    args = p.parse_args()
    schema = args.schema or f"clients_{uuid.uuid4().hex[:8]}"
    target = f"{os.environ['BILATLOG_TEST_POSTGRES_URL']}?schema={schema}"
    build(target, args.n, args.tracks)
    size = schema_bytes(schema)
    rows = []
    for r in range(args.rounds):
        got = clients(target, args.clients, f"{2000 + r}-06-01")
        rows.extend(got)
        print(f"round {r + 1}: first answers (ms) "
              f"{sorted(round(g['first_answer_ms']) for g in got)}, peak MB "
              f"{sorted(round(g['peak_mb']) for g in got)}")  # fmt: skip
    times = [g["first_answer_ms"] for g in rows]
    peaks = [g["peak_mb"] for g in rows]
    print(f"{args.clients} concurrent clients x {args.rounds} rounds on "
          f"{rows[0]['position']:,} records: first answer median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}); peak resident median "
          f"{statistics.median(peaks):.0f} MB (max {max(peaks):.0f}); on disk "
          f"{size / 2**20:,.0f} MB with indexes, {size / rows[0]['position']:,.0f} bytes "
          f"per record")  # fmt: skip


if __name__ == "__main__":
    main()
