"""The tutorial notebook runs clean from top to bottom (CI executes it here)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parent.parent / "docs" / "tutorial.ipynb"


def test_tutorial_notebook_executes():
    """Every cell runs without error, and the story's key answers appear in the outputs."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    text = "\n".join(
        str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )
    assert "error" not in {out.get("output_type") for c in nb.cells for out in c.get("outputs", [])}
    assert "(93331, 91799)" in text
    rich = [out.get("data", {}) for c in nb.cells for out in c.get("outputs", [])]
    pages = [d.get("text/html", "") for d in rich]
    assert any("bl-certain" in p and "State on 1 June 2021" in p for p in pages)
    for caption in ("History of <b>merida-initiative</b>", "Why <b>dea-operations</b>",
                    "What changed"):  # fmt: skip
        assert any(caption in p for p in pages), caption  # shown as tables, not printed
    assert any("<th>merida-initiative</th>" in p and "announced" in p for p in pages)  # replay
    assert sum("image/png" in d for d in rich) >= 2  # the Gantt plot and the figures
    printed = [out for c in nb.cells for out in c.get("outputs", []) if out.get("name")]
    assert printed == []  # the tutorial shows views, not print loops
