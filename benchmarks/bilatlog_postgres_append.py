"""bilatlog on PostgreSQL: appends in batches of 1,000 (the same shape as the peer's script).

scripts/with-postgres python benchmarks/bilatlog_postgres_append.py 100000
scripts/with-postgres python benchmarks/bilatlog_postgres_append.py 100000 --floor

`--floor` measures the raw floor instead: plain `json` and `COPY` of the same
records into a bare table (position, body), one transaction per batch.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid

from datasets import floor_batches, records

import bilatlog as bl


def run(n: int) -> float:
    tl = bl.open(os.environ["BILATLOG_TEST_POSTGRES_URL"] + f"?schema=b_{uuid.uuid4().hex[:8]}")
    recs = records(n)
    t0 = time.perf_counter()
    for i in range(0, len(recs), 1000):
        tl.append(recs[i : i + 1000])
    elapsed = time.perf_counter() - t0
    tl.close()
    return len(recs) / elapsed


def floor(n: int) -> float:
    import psycopg  # noqa: PLC0415 - the postgres extra

    recs = records(n)
    table = f"floor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(os.environ["BILATLOG_TEST_POSTGRES_URL"]) as conn:
        conn.execute(f"CREATE TABLE {table} (position bigint PRIMARY KEY, body text NOT NULL)")
        conn.commit()
        t0 = time.perf_counter()
        for rows in floor_batches(recs):
            with conn.cursor() as cur, cur.copy(f"COPY {table}(position, body) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            conn.commit()
        elapsed = time.perf_counter() - t0
        conn.execute(f"DROP TABLE {table}")
    return len(recs) / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    what = "floor" if "--floor" in sys.argv else "bilatlog"
    measure = floor if what == "floor" else run
    eps = [measure(n) for _ in range(int(os.environ.get("ROUNDS", "3")))]
    print(json.dumps({what: bl.__version__, "backend": "postgres", "n": n,
                      "append_eps_median": round(statistics.median(eps), 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
