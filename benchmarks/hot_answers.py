"""Hot answers on one open timeline: state_at, state_at(known_at), history, explain, replay.

    python benchmarks/hot_answers.py STORE.db [--asks 64] [--passes 5] [--profile QUESTION]

The same questions as `bitemporal.py hot` (a backfilled store built by
`bitemporal.py build`): medians over every call (wall clock and process CPU
time), min-max of the passes' medians (ms). `--profile state_at` runs cProfile
over that question instead. `state_at` repeats its days (after a warm-up pass:
answers kept); `new_day` asks a day never asked before each call.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bilatlog as bl

YEARS = (1990, 2025)  # datasets.BACKFILL_YEARS (bitemporal.py)


def timed(fn: Callable[[Any], object], args: list[Any], passes: int) -> str:
    """Warm up once over `args`, then `passes` passes: wall and CPU `median (min-max) ms`.

    The CPU time (this process's, SQLite included) is the steadier figure on a
    shared machine; min and max are those of the passes' medians.
    """
    for a in args:
        fn(a)
    out = []
    for clock in (time.perf_counter, time.process_time):
        times, medians = [], []
        for _ in range(passes):
            these = []
            for a in args:
                t0 = clock()
                fn(a)
                these.append((clock() - t0) * 1000)
            medians.append(statistics.median(these))
            times.extend(these)
        out.append(f"{statistics.median(times):.2f} ({min(medians):.2f}-{max(medians):.2f})")
    return f"wall {out[0]} ms, cpu {out[1]} ms"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path)
    p.add_argument("--asks", type=int, default=64)
    p.add_argument("--passes", type=int, default=5)
    p.add_argument(
        "--profile", choices=["state_at", "new_day", "known", "history", "explain", "replay"]
    )
    args = p.parse_args()
    tl = bl.open(args.path)
    rng = random.Random(1)
    head = tl.position
    first, last = YEARS
    days = [f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            for _ in range(args.asks)]  # fmt: skip
    known = [rng.randint(head // 2, head) for _ in range(args.asks)]
    all_tracks = tl.tracks()
    tracks = sorted({rng.choice(all_tracks) for _ in range(16)})
    # days never asked before (each call one; the engine keeps recent answers)
    every = [dt.date(first, 1, 1) + dt.timedelta(days=i) for i in range(365 * (last - first))]
    fresh = iter(rng.sample(every, args.asks * (2 * args.passes + 1)))
    questions: dict[str, tuple[Callable[[Any], object], list[Any], int]] = {
        "state_at": (tl.state_at, days, args.passes),
        "new_day": (lambda _: tl.state_at(next(fresh).isoformat()), days, args.passes),
        "known": (
            lambda a: tl.state_at(a[0], known_at=a[1]),
            list(zip(days, known, strict=True)),
            args.passes,
        ),
        "history": (tl.history, tracks, args.passes),
        "explain": (lambda t: tl.explain(t, at="2010-06-01"), tracks, args.passes),
        "replay": (lambda _: sum(1 for _ in tl.replay(str(first), str(last))), [None], 3),
    }
    print(f"{args.path}: {head:,} records, {len(all_tracks):,} tracks", file=sys.stderr)
    if args.profile:
        fn, these, _ = questions[args.profile]
        for a in these:
            fn(a)
        prof = cProfile.Profile()
        prof.enable()
        for a in these:
            fn(a)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        return
    for name, (fn, these, passes) in questions.items():
        print(f"{name:10} {timed(fn, these, passes)}", flush=True)
    tl.close()


if __name__ == "__main__":
    main()
