"""The code in the docs runs: every `>>>` example in docs/*.md is executed."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"
PAGES = sorted(
    p
    for p in [*DOCS.rglob("*.md"), DOCS.parent / "README.md"]
    if ">>>" in p.read_text(encoding="utf-8")
)


def test_there_are_doc_examples():
    """The docs carry runnable examples (this suite must not pass vacuously)."""
    assert PAGES


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_doc_examples_run(page):
    """Each page's examples give the output shown."""
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert result.failed == 0, f"{result.failed} example(s) failed in {page.name}"
