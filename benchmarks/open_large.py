"""Open a large SQLite log and ask a first question: time, records/s and resident memory.

    python benchmarks/open_large.py 1000000            # builds the log in a temp folder first
    python benchmarks/open_large.py --path big.db      # or uses an existing one

The first question builds the knowledge index (the full replay); the memory
printed is the process's resident set after it, and after 64 more questions
(each decodes the events its answer shows, once).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import build

import bilatlog as bl


def rss_mb() -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, nargs="?", default=1_000_000)
    p.add_argument("--path", type=Path, help="an existing SQLite log (skips building one)")
    args = p.parse_args()
    path = args.path
    if path is None:
        path = Path(tempfile.mkdtemp()) / "large.db"
        build(path, args.n).close()
    t0 = time.perf_counter()
    tl = bl.open(path)
    tl.state_at("2010-06-01")
    elapsed = time.perf_counter() - t0
    print(f"{tl.position:,} records: open + first question {elapsed:.1f} s "
          f"({tl.position / elapsed:,.0f} records/s), resident {rss_mb()} MB")  # fmt: skip
    rng = random.Random(1)
    for _ in range(64):
        tl.state_at(f"{rng.randint(1991, 2021)}-{rng.randint(1, 12):02d}-15")
    print(f"after 64 more questions: resident {rss_mb()} MB")


if __name__ == "__main__":
    main()
