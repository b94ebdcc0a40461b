"""Issue 14's read-side numbers on the backfilled workload: cold and hot answers as the log grows.

    python benchmarks/bitemporal.py build big.db --n 1000000 [--tracks 10000]
    python benchmarks/bitemporal.py cold big.db [--runs 5]   # fresh processes
    python benchmarks/bitemporal.py hot big.db               # one process, warm
    python benchmarks/bitemporal.py all --sizes 10000,1000000 --tracks 1000,10000 \
        --dir /tmp/bl-stores --json bitemporal.json
    # the 10M run (not CI; about 10 minutes to build on 2 cores, 3 GB of disk):
    python benchmarks/bitemporal.py all --sizes 10000,1000000,10000000 --dir /tmp/bl-stores

The workload is `datasets.backfilled`: a historical dataset imported in random
valid order (every event a backfill), 20% month-precise dates, 3% year-precise,
2% ranges, 1% corrected, 0.5% retracted. `build` appends it in batches of
10,000. `cold` runs `bl.open(path)` and a first `state_at` in a fresh process
each time (after one untimed open, so a one-off upgrade of an older store is
not counted) and reads the peak resident memory from /proc/self/status
(VmHWM). `hot` times `state_at`, `state_at(known_at=K)`, `history` and
`explain` of one track and a yearly `replay` over 36 years. Every figure is a
median with a spread (min-max of fresh processes for `cold`; of the passes'
medians for `hot`); nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datasets import BACKFILL_YEARS, backfilled  # noqa: E402

import bilatlog as bl  # noqa: E402


def build(path: Path, n: int, tracks: int, batch: int = 10_000, *, quiet: bool = False) -> float:
    """Append `backfilled(n)` to a new store at `path`; return the events/s of the build."""
    if path.exists():
        raise SystemExit(f"{path} exists: remove it or pick another path")
    path.parent.mkdir(parents=True, exist_ok=True)
    tl = bl.open(path)
    t0 = time.perf_counter()
    done = shown = 0
    for records in backfilled(n, tracks=tracks, batch=batch):
        tl.append(records)
        done += sum(1 for r in records if isinstance(r, bl.Event))
        if not quiet and done - shown >= batch * 20:
            shown = done
            rate = done / (time.perf_counter() - t0)
            print(f"  {done:,} / {n:,} events, {rate:,.0f}/s", file=sys.stderr, flush=True)
    tl.close()
    return n / (time.perf_counter() - t0)


COLD = """
import json, sys, time
t0 = time.perf_counter()
import bilatlog as bl
t1 = time.perf_counter()
tl = bl.open(sys.argv[1])
state = tl.state_at(sys.argv[2])
t2 = time.perf_counter()
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"import_s": t1 - t0, "open_first_s": t2 - t1, "peak_mb": int(peak) / 1024,
                  "tracks": len(state), "position": tl.position}))
"""


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max (and how many)."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}  # fmt: skip


def cold(path: Path, runs: int = 5, day: str = "2010-06-01") -> dict[str, Any]:
    """`bl.open(path)` + first `state_at` in `runs` fresh processes: seconds and peak MB."""
    bl.open(path).close()  # a store from an older version is upgraded once, untimed
    out = []
    for _ in range(runs):
        text = subprocess.run(
            [sys.executable, "-c", COLD, str(path), day],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        out.append(json.loads(text))
    return {
        "open_first_ms": spread([r["open_first_s"] * 1000 for r in out]),
        "peak_mb": spread([r["peak_mb"] for r in out]),
        "import_ms": spread([r["import_s"] * 1000 for r in out]),
        "position": out[0]["position"],
    }


def timed(fn: Callable[[Any], object], args: list[Any], passes: int = 5) -> dict[str, float]:
    """Call `fn` on every arg once to warm up, then `passes` times over all of them (ms).

    The median is over every call; min and max are those of the passes' medians
    (the run-to-run noise), and `p90` is over every call (the slow questions).
    """
    for a in args:
        fn(a)
    times, medians = [], []
    for _ in range(passes):
        these = []
        for a in args:
            t0 = time.perf_counter()
            fn(a)
            these.append((time.perf_counter() - t0) * 1000)
        medians.append(statistics.median(these))
        times.extend(these)
    times.sort()
    return {"median": statistics.median(times), "min": min(medians), "max": max(medians),
            "p90": times[int(len(times) * 0.9)], "n": len(times)}  # fmt: skip


def hot(path: Path, *, asks: int = 64, seed: int = 1) -> dict[str, Any]:
    """Warm questions on one open timeline: medians (ms) with min and max over every call."""
    tl = bl.open(path)
    rng = random.Random(seed)
    head = tl.position
    first, last = BACKFILL_YEARS
    days = [f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            for _ in range(asks)]  # fmt: skip
    known = [rng.randint(head // 2, head) for _ in range(asks)]
    known_tracks = tl.tracks()
    tracks = sorted({rng.choice(known_tracks) for _ in range(16)})
    out: dict[str, Any] = {"position": head}
    out["state_at_ms"] = timed(tl.state_at, days)
    out["state_at_known_ms"] = timed(lambda a: tl.state_at(a[0], known_at=a[1]),
                                     list(zip(days, known, strict=True)))  # fmt: skip
    out["history_ms"] = timed(tl.history, tracks)
    out["explain_ms"] = timed(lambda t: tl.explain(t, at="2010-06-01"), tracks)
    out["replay_36y_ms"] = timed(
        lambda _: sum(1 for _ in tl.replay(str(first), str(last))), [None], passes=3
    )
    tl.close()
    return out


def store_path(folder: Path, n: int, tracks: int) -> Path:
    """Where `all` keeps (and reuses) the store of N events over `tracks` tracks."""
    return folder / f"backfill-{n}-{tracks}.db"


def fmt(s: dict[str, float], unit: str = "ms") -> str:
    """`median (min-max) unit`."""
    digits = 0 if s["median"] >= 100 else 1 if s["median"] >= 10 else 2
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {unit}"


ROWS = [
    ("open + first state_at, fresh process", "open_first_ms", "ms"),
    ("peak resident memory (VmHWM), fresh process", "peak_mb", "MB"),
    ("state_at, hot", "state_at_ms", "ms"),
    ("state_at(known_at=K), hot", "state_at_known_ms", "ms"),
    ("history of one track", "history_ms", "ms"),
    ("explain of one track", "explain_ms", "ms"),
    ("replay yearly over 36 years", "replay_36y_ms", "ms"),
]


def run_all(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[dict[str, Any]] = []
    for tracks in (int(t) for t in args.tracks.split(",")):
        for n in sizes:
            path = store_path(args.dir, n, tracks)
            row: dict[str, Any] = {"n": n, "tracks": tracks}
            if not path.exists():
                row["build_eps"] = build(path, n, tracks, quiet=args.quiet)
            row.update(cold(path, runs=args.runs))
            row.update(hot(path, asks=args.asks))
            results.append(row)
            print(f"measured N={n:,} tracks={tracks:,}", file=sys.stderr, flush=True)
    print(f"python {sys.version.split()[0]}, bilatlog {bl.__version__}; "
          f"medians (min-max); cold: {args.runs} fresh processes")  # fmt: skip
    for tracks in sorted({r["tracks"] for r in results}):
        mine = [r for r in results if r["tracks"] == tracks]
        print(f"\n{tracks:,} tracks\n")
        print("| question | " + " | ".join(f"{r['position']:,} records" for r in mine) + " |")
        print("|---|" + "---|" * len(mine))
        for label, key, unit in ROWS:
            print(f"| {label} | " + " | ".join(fmt(r[key], unit) for r in mine) + " |")
        small = mine[0]
        for label, key in (("state_at", "state_at_ms"),
                           ("state_at(known_at)", "state_at_known_ms")):  # fmt: skip
            ratios = [f"{r[key]['median'] / small[key]['median']:.2f}x" for r in mine]
            print(f"| {label}, / the {small['n']:,} time | " + " | ".join(ratios) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a backfilled store")
    b.add_argument("path", type=Path)
    b.add_argument("--n", type=int, default=1_000_000)
    b.add_argument("--tracks", type=int, default=1000)
    b.add_argument("--batch", type=int, default=10_000)
    c = sub.add_parser("cold", help="open + first state_at in fresh processes")
    c.add_argument("path", type=Path)
    c.add_argument("--runs", type=int, default=5)
    h = sub.add_parser("hot", help="warm questions in one process")
    h.add_argument("path", type=Path)
    h.add_argument("--asks", type=int, default=64, help="days asked per pass")
    a = sub.add_parser("all", help="build (or reuse) stores per size and measure them all")
    a.add_argument("--sizes", default="10000,1000000")
    a.add_argument("--tracks", default="1000,10000")
    a.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bilatlog-bitemporal")
    a.add_argument("--runs", type=int, default=5)
    a.add_argument("--json", type=Path, help="also write every figure as JSON (for the plot)")
    a.add_argument("--quiet", action="store_true", help="no build progress on stderr")
    a.add_argument("--asks", type=int, default=64, help="days asked per pass (hot)")
    args = p.parse_args()
    if args.cmd == "build":
        eps = build(args.path, args.n, args.tracks, args.batch)
        print(f"built {args.path}: {args.n:,} events at {eps:,.0f} events/s")
    elif args.cmd == "cold":
        print(json.dumps(cold(args.path, runs=args.runs)))
    elif args.cmd == "hot":
        print(json.dumps(hot(args.path, asks=args.asks)))
    else:
        run_all(args)


if __name__ == "__main__":
    main()
