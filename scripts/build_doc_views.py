"""Render what a notebook shows into the docs: HTML views as snippets, plots as images.

Writes docs/snippets/*.html (the HTML a notebook displays for a state, a
history, a diff, an explanation, events, plans and an audit of the bundled
dataset; the how-tos include them) and docs/images/figures.png. tests/test_doc_views.py fails when a
snippet no longer matches what bilatlog renders: run this script again.
The notebook and TimelineJS screenshots come from the browser tests
(scripts/build_screenshots); the README's picture from scripts/render_readme_plot.py.

Usage: python scripts/build_doc_views.py   (needs the plot extra)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import bilatlog as bl

DOCS = Path(__file__).resolve().parent.parent / "docs"


def views() -> dict[str, str]:
    """The snippets, by file name: each is one line of HTML."""
    tl = bl.examples.us_mexico()
    return {
        "state.html": tl.state_at("2021-01-15")._repr_html_(),
        "history.html": tl.history("dea-operations")._repr_html_(),
        "diff.html": tl.diff("2020-01-01", "2021-12-31")._repr_html_(),
        "explain.html": tl.explain("dea-operations", at="2021-06-01")._repr_html_(),
        "timeline.html": tl._repr_html_(),
        "events.html": tl.events(track="dea-visas")._repr_html_(),
        "plans.html": tl.history("national-guard")._repr_html_(),
        "audit.html": tl.audit()._repr_html_(),
    }


if __name__ == "__main__":
    for name, page in views().items():
        (DOCS / "snippets" / name).write_text(page + "\n", encoding="utf-8")
        print(f"wrote docs/snippets/{name}")
    ax = bl.examples.us_mexico().plot_figures(["us.overdose-deaths"], known_at="2021-10-15")
    ax.figure.savefig(DOCS / "images" / "figures.png", dpi=110)
    print("wrote docs/images/figures.png")
