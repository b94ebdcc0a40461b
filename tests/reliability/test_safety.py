"""Guards over the source: no code from data, and every validation error names its fix."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "bilatlog"
SOURCES = sorted(SRC.rglob("*.py"))


def test_no_code_is_ever_loaded_from_data():
    """Nothing unpickles, evaluates text, or loads YAML with tags."""
    forbidden = re.compile(
        r"\b(import pickle|from pickle|pickle\.loads?|marshal\.loads?|shelve\.open|"
        r"yaml\.load\(|yaml\.unsafe_load|eval\(|exec\(|__import__\()"
    )
    found = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in SOURCES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert found == []


def test_every_validation_error_names_a_fix():
    """Each ValidationError raised in the package passes field, value, problem and fix."""
    missing = [
        f"{p.relative_to(SRC)}:{node.lineno}"
        for p in SOURCES
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "ValidationError"
        and len(node.args) + len(node.keywords) < 4
    ]
    assert missing == []
