"""bilatlog on PostgreSQL: appends in batches of 1,000 (the same shape as the peer's script).

scripts/with-postgres python benchmarks/bilatlog_postgres_append.py 100000
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid

from datasets import records

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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    eps = [run(n) for _ in range(int(os.environ.get("ROUNDS", "3")))]
    print(json.dumps({"bilatlog": bl.__version__, "backend": "postgres", "n": n,
                      "append_eps_median": round(statistics.median(eps), 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
