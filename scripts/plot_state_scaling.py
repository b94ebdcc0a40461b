r"""Draw docs/images/state-at-scaling.png: state_at's median time against N, log-log.

`python scripts/plot_state_scaling.py --alone 10000,100000,1000000` runs
benchmarks/state_alone.py once per size and question, each in its own process
(what docs/performance.md shows); `python scripts/plot_state_scaling.py
state.json` reads a pytest-benchmark JSON of benchmarks/test_bench_state.py.
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


if __name__ == "__main__":
    if sys.argv[1] == "--alone":
        main("", sys.argv[2])
    else:
        main(sys.argv[1])
