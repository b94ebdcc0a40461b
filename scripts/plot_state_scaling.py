r"""Draw docs/images/state-at-scaling.png: state_at's median time against N, log-log.

`python scripts/plot_state_scaling.py --alone 10000,100000,1000000` runs
benchmarks/state_alone.py once per size and question, each in its own process
(what docs/performance.md shows); `python scripts/plot_state_scaling.py
state.json` reads a pytest-benchmark JSON of benchmarks/test_bench_state.py.

`python scripts/plot_state_scaling.py --bitemporal figures.json [LABEL=other.json ...] [--out=X]`
draws docs/images/cold-hot-scaling.png from the JSON of `benchmarks/bitemporal.py
all --json`: the fresh-process open + first `state_at` and the hot `state_at` and
`state_at(known_at=K)` medians against N (min-max as bars), one line per track
count and file.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Final

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "state-at-scaling.png"


ALONE: Final = Path(__file__).resolve().parent.parent / "benchmarks" / "state_alone.py"
QUESTIONS: Final = {
    "state_at": [],
    "state_at(known_at)": ["--known-at"],
    "state_at, day-precise dates": ["--precise"],
}


def alone(sizes: list[int]) -> dict[str, list[tuple[int, float]]]:
    """The median pass of state_alone.py, per question and size, each in a fresh process."""
    series: dict[str, list[tuple[int, float]]] = {}
    for label, flags in QUESTIONS.items():
        for n in sizes:
            out = subprocess.run(  # noqa: S603 - our own script, with numbers
                [sys.executable, str(ALONE), str(n), *flags],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            passes = json.loads(out[out.index("[") : out.index("]") + 1])
            series.setdefault(label, []).append((n, statistics.median(passes)))
    return series


def main(arg: str, sizes: str | None = None) -> None:
    series = alone([int(x) for x in sizes.split(",")]) if sizes else from_json(arg)
    draw(series)


def from_json(path: str) -> dict[str, list[tuple[int, float]]]:
    runs = json.loads(Path(path).read_text(encoding="utf-8"))["benchmarks"]
    series: dict[str, list[tuple[int, float]]] = {}
    for b in runs:
        name = b["name"].split("[")[0].removeprefix("test_")
        n, backend = b["param"].split("-") if "-" in b["param"] else (b["param"], "memory")
        series.setdefault(f"{name} ({backend})", []).append((int(n), b["stats"]["median"] * 1000))
        uncertain = b.get("extra_info", {}).get("uncertain_tracks")
        if uncertain is not None:
            print(f"{name} ({backend}) at {int(n):,}: {uncertain:.1f} uncertain tracks per answer")
    return series


def draw(series: dict[str, list[tuple[int, float]]]) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, points in sorted(series.items()):
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
        for n, ms in points:
            print(f"| {label} | {n:,} | {ms:.2f} |")
    ax.axhline(10, color="grey", linestyle="--", linewidth=1, label="target: 10 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events in the log (1,000 tracks)")
    ax.set_ylabel("median time per answer (ms)")
    ax.set_title("state_at as the log grows")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)


COLD_HOT: Final = OUT.parent / "cold-hot-scaling.png"
SERIES: Final = {
    "open + first state_at (fresh process)": "open_first_ms",
    "state_at, hot": "state_at_ms",
    "state_at(known_at=K), hot": "state_at_known_ms",
}


def bitemporal(files: list[str]) -> None:
    """Cold and hot medians against N from bitemporal.py's JSON, log-log, with min-max bars.

    `--out=PATH` among the files writes the image there instead.
    """
    out = next((Path(f.removeprefix("--out=")) for f in files if f.startswith("--out=")), COLD_HOT)
    files = [f for f in files if not f.startswith("--out=")]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.set_prop_cycle(color=plt.get_cmap("tab20").colors)  # twelve lines, none twice
    for spec in files:
        label, _, path = spec.rpartition("=")
        figures = json.loads(Path(path).read_text(encoding="utf-8"))
        for tracks in sorted({f["tracks"] for f in figures}):
            mine = sorted((f for f in figures if f["tracks"] == tracks), key=lambda f: f["n"])
            for name, key in SERIES.items():
                xs = [f["position"] for f in mine]
                med = [f[key]["median"] for f in mine]
                err = [[m - f[key]["min"] for m, f in zip(med, mine, strict=True)],
                       [f[key]["max"] - m for m, f in zip(med, mine, strict=True)]]  # fmt: skip
                text = f"{name}, {tracks:,} tracks" + (f" ({label})" if label else "")
                ax.errorbar(xs, med, yerr=err, marker="o", capsize=3, label=text)
                for x, m in zip(xs, med, strict=True):
                    print(f"| {text} | {x:,} | {m:.2f} ms |")
    ax.axhline(100, color="grey", linestyle="--", linewidth=1, label="target, cold: 100 ms")
    ax.axhline(5, color="grey", linestyle=":", linewidth=1, label="target, hot at 1M: 5 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("records in the log (backfilled workload)")
    ax.set_ylabel("median time (ms)")
    ax.set_title("Cold and hot answers as the log grows")
    ax.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    if sys.argv[1] == "--bitemporal":
        bitemporal(sys.argv[2:])
    elif sys.argv[1] == "--alone":
        main("", sys.argv[2])
    else:
        main(sys.argv[1])
