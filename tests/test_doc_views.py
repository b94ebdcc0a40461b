"""The docs show what a notebook shows, and it stays true.

The how-tos include HTML views rendered by scripts/build_doc_views.py (a state,
a history, a diff, an explanation, the timeline card) and screenshots from the
browser tests. These tests fail when a snippet no longer matches what bilatlog
renders, when a page includes a missing file, or when a code line would not fit
the page.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
VIEWS = runpy.run_path(str(ROOT / "scripts" / "build_doc_views.py"))["views"]()

#: How many characters of code fit a code block of the docs' theme at 1280 px and wider
#: (measured in Chromium: 688 px of code area, 8.5 px a character); the tutorial's code
#: cells are narrower (572 px, beside their prompts).
FITS = 80
FITS_NOTEBOOK = 66


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_snippets_match_what_bilatlog_renders(name):
    """Each docs snippet is the HTML bilatlog renders today (else: run build_doc_views.py)."""
    stored = (DOCS / "snippets" / name).read_text(encoding="utf-8").strip()
    assert stored == VIEWS[name], f"docs/snippets/{name} is stale: run scripts/build_doc_views.py"


def test_every_snippet_and_image_the_docs_include_exists_and_is_used():
    """Pages include snippets and images that exist; every snippet is shown somewhere."""
    pages = {p: p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")}
    included = {m for text in pages.values() for m in re.findall(r'--8<-- "([^"]+)"', text)}
    assert included == set(VIEWS)
    for page, text in pages.items():
        for image in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text):
            assert (page.parent / image).is_file(), f"{page.name}: {image} is missing"
    shown = " ".join(pages.values())
    for image in ("notebook-lab.png", "timelinejs.png", "interactive.png", "figures.png",
                  "us-mexico.png"):  # fmt: skip
        assert image in shown, image
        assert (DOCS / "images" / image).read_bytes().startswith(b"\x89PNG")


def _code_lines():
    nb = json.loads((DOCS / "tutorial.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            for line in "".join(cell["source"]).splitlines():
                yield f"tutorial cell {i}", line, FITS_NOTEBOOK
    text = (DOCS / "how-to" / "notebook.md").read_text(encoding="utf-8")
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            yield "how-to/notebook.md", line, FITS


def test_code_fits_the_page():
    """The tutorial's and the notebook how-to's code lines fit a code block without scrolling."""
    long = [(where, line) for where, line, fits in _code_lines() if len(line) > fits]
    assert long == []


def test_tutorial_headings_keep_their_code_in_the_table_of_contents():
    """The docs' notebook plugin drops `backtick` code from headings; <code> survives."""
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens  # noqa: PLC0415 - docs extra

    tokens, _ = _get_nb_toc_tokens(str(DOCS / "tutorial.ipynb"), 6)
    names = [t["name"] for top in tokens for t in top["children"]]
    assert "How a track changed: history" in names
    assert "Why: explain" in names
    assert not [n for n in names if n.rstrip().endswith(":")]  # nothing cut off after a colon
