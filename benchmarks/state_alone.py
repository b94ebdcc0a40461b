"""state_at alone in a process: build one timeline, warm it, then time five passes of 64 days.

    python benchmarks/state_alone.py 10000
    python benchmarks/state_alone.py 1000000 [--precise] [--known-at]
    scripts/with-postgres python benchmarks/state_alone.py 1000000 --backend postgres

pytest-benchmark keeps every timeline of a session alive, so its 1M medians
include the garbage collector's passes over the others; this prints the median
of each pass for one timeline only.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import build, pass_medians


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("--precise", action="store_true", help="every date precise to the day")
    p.add_argument("--known-at", action="store_true", help="ask as known at a random position")
    p.add_argument("--backend", choices=["memory", "sqlite", "postgres"], default="memory")
    args = p.parse_args()
    target: object = None
    if args.backend == "sqlite":
        target = Path(tempfile.mkdtemp()) / "alone.db"
    elif args.backend == "postgres":  # a schema of its own on the server scripts/with-postgres runs
        target = f"{os.environ['BILATLOG_TEST_POSTGRES_URL']}?schema=alone_{os.getpid()}"
    tl = build(target, args.n, precise=args.precise)
    t0 = time.perf_counter()
    tl.state_at("2000-01-01")
    print(f"first question (builds the index): {time.perf_counter() - t0:.1f} s")
    rng = random.Random(1)
    head = tl.position
    asks = []
    for _ in range(64):
        day = f"{rng.randint(1991, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        asks.append((day, rng.randint(head // 2, head) if args.known_at else None))
    medians = [m * 1000 for m in pass_medians(tl, asks)]  # the warm-up decodes shown events
    print(f"N={args.n:,} precise={args.precise} known_at={args.known_at} backend={args.backend}: "
          f"median ms per pass {[round(m, 2) for m in medians]}")  # fmt: skip
    tl.close()


if __name__ == "__main__":
    main()
