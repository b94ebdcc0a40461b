r"""Draw docs/images/state-at-scaling.png from a pytest-benchmark JSON of test_bench_state.py.

BILATLOG_BENCH_SIZES=10000,100000,1000000 python -m pytest benchmarks/test_bench_state.py \
        --benchmark-json=state.json
python scripts/plot_state_scaling.py state.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "state-at-scaling.png"


def main(path: str) -> None:
    runs = json.loads(Path(path).read_text(encoding="utf-8"))["benchmarks"]
    series: dict[str, list[tuple[int, float]]] = {}
    for b in runs:
        name = b["name"].split("[")[0].removeprefix("test_")
        n, backend = b["param"].split("-") if "-" in b["param"] else (b["param"], "memory")
        series.setdefault(f"{name} ({backend})", []).append((int(n), b["stats"]["median"] * 1000))
        uncertain = b.get("extra_info", {}).get("uncertain_tracks")
        if uncertain is not None:
            print(f"{name} ({backend}) at {int(n):,}: {uncertain:.1f} uncertain tracks per answer")
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
    main(sys.argv[1])
