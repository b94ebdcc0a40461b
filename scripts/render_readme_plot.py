"""Render docs/images/us-mexico.png, the picture of the bundled dataset the README shows.

Usage: python scripts/render_readme_plot.py   (needs the plot extra)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import bilatlog as bl

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "us-mexico.png"
TRACKS = [
    "merida-initiative",
    "dea-operations",
    "dea-visas",
    "federal-police",
    "national-guard",
    "bicentennial-framework",
    "security-dialogue",
    "mx-military-public-security-role",
]

if __name__ == "__main__":
    ax = bl.examples.us_mexico().plot(
        tracks=TRACKS, start="2006-06", end="2024-06",
        title="US\u2013Mexico security cooperation by track (bilatlog's bundled dataset)",
    )  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")
