"""The house's layers: no module imports upward, no import circle, no module over 800 lines,
and `__all__` lists what other modules take from a module.

Reads every module under `src/bilatlog` with `ast` (nothing is imported, so it is fast and
sees the imports a run may never reach): module-level imports, imports inside functions and
methods (the lazy ones), and relative imports, resolved against the module's package.

`if TYPE_CHECKING:` imports count, for the layers and for circles alike: they never run, but
an annotation that names a type from a layer above is a lower module knowing an upper one
(the arrow the runtime import would be, written where the reader does not see it run), and a
type-only circle is the same knot for the next person to untie. An import of a package's
submodule is an arrow to that submodule only: Python also runs the parent packages'
`__init__`, but that arrow is the parent's to answer for (its own imports are checked), and
the package `bilatlog` at the top is running already.

See docs/architecture.md, "Layers".
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "bilatlog"

#: Bottom to top. A module may import from its own layer and the layers below it, never
#: above. An entry names a module or a package (and every module in it); the longest
#: entry that names a module decides its layer, so `bilatlog.io.frames` sits above
#: `bilatlog.io`. `bilatlog` itself names the package's `__init__` only.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("exceptions", ("bilatlog.exceptions",)),
    # helpers every layer may use: the seam the views register with, the progress bar,
    # the optional imports; they import nothing of bilatlog but the exceptions
    ("seam", ("bilatlog._seam", "bilatlog._progress", "bilatlog._optional")),
    ("_edtf", ("bilatlog._edtf",)),
    ("time", ("bilatlog.time",)),
    # a knowledge position and what turns a known_at into one; the record's id and JSON
    # helpers (declared before they land, so the merges find their layer)
    ("knowledge", ("bilatlog._knowledge",)),
    ("record helpers", ("bilatlog._ids", "bilatlog._json")),
    ("events", ("bilatlog.events",)),
    ("_codec", ("bilatlog._codec",)),
    ("backends", ("bilatlog.backends",)),
    ("checkpoints", ("bilatlog.checkpoint",)),
    ("projections", ("bilatlog.projections",)),
    # the timeline's argument checks and filters (names, kinds, known_at's neighbours)
    ("filters", ("bilatlog._filters",)),
    # a check over a timeline's answers, typed by what it reads (`Audited`), not the timeline
    ("audit", ("bilatlog.audit",)),
    ("timeline", ("bilatlog.timeline",)),
    # the timeline's readers and writers: importers, exporters, the examples, the test kit
    ("readers", ("bilatlog.io", "bilatlog.examples", "bilatlog.testing")),
    # HTML, text tables, DataFrames, Arrow, plots: they register with the seam
    (
        "views",
        ("bilatlog.notebook", "bilatlog._tables", "bilatlog.io.frames", "bilatlog.io.arrow"),
    ),
    # which module draws each view: imported by the package, it imports the views lazily
    ("wiring", ("bilatlog._views",)),
    ("package", ("bilatlog",)),
    ("cli", ("bilatlog.cli",)),
)

MAX_LINES = 800


def _modules() -> dict[str, Path]:
    """Every module's dotted name -> its file (a package is its `__init__.py`)."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int | None:
    """The index in LAYERS of the longest entry naming `module`; None if none does."""
    best: tuple[int, int] | None = None  # (length of the entry, layer)
    for i, (_, entries) in enumerate(LAYERS):
        for entry in entries:
            names = module == entry or (entry != "bilatlog" and module.startswith(entry + "."))
            if names and (best is None or len(entry) > best[0]):
                best = (len(entry), i)
    return None if best is None else best[1]


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported bilatlog module) for every import in the file, at any depth."""
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for a in node.names:  # `from bilatlog import io`: the module io, if it is one
                sub = f"{target}.{a.name}"
                out.append((node.lineno, sub if sub in MODULES else target))
    return sorted({(line, m) for line, m in out if m == "bilatlog" or m.startswith("bilatlog.")})


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _rel(path: Path) -> str:
    return str(path.relative_to(SRC.parents[1]))


def test_every_module_has_a_layer() -> None:
    missing = [m for m in MODULES if _layer(m) is None]
    assert not missing, f"declare the layer of {missing} in LAYERS (tests/test_layers.py)"


def test_no_module_imports_upward() -> None:
    upward = []
    for module, imports in GRAPH.items():
        mine = _layer(module)
        for line, target in imports:
            theirs = _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(
                    f"{_rel(MODULES[module])}:{line}: {module} ({LAYERS[mine][0]}) -> "
                    f"{target} ({LAYERS[theirs][0]})"
                )
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """The import circles: Tarjan's strongly connected components of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle() -> None:
    edges = {
        m: sorted({t for _, t in imps if t in MODULES and t != m}) for m, imps in GRAPH.items()
    }
    circles = _cycles(edges)
    assert not circles, "modules that import each other, directly or round a circle:\n" + "\n".join(
        " <-> ".join(c) for c in circles
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_800_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{_rel(MODULES[module])} has {lines} lines (at most {MAX_LINES})"


def _all_of(path: Path) -> set[str] | None:
    """The names a module's `__all__` lists, or None when it has none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            assert isinstance(value, (ast.List, ast.Tuple)), f"{_rel(path)}: __all__ is not literal"
            return {e.value for e in value.elts if isinstance(e, ast.Constant)}
    return None


def _names_imported(module: str, path: Path) -> list[tuple[int, str, str]]:
    """(line, bilatlog module, name) for every `from module import name` of a non-module."""
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            if target in MODULES:
                out += [
                    (node.lineno, target, a.name)
                    for a in node.names
                    if f"{target}.{a.name}" not in MODULES
                ]
    return out


def test_what_a_module_takes_from_another_is_in_its_all() -> None:
    """`__all__` says what a module gives the others: every name they import from it."""
    wrong = []
    for module, path in MODULES.items():
        for line, target, name in _names_imported(module, path):
            listed = _all_of(MODULES[target])
            if listed is None or name not in listed:
                wrong.append(f"{_rel(path)}:{line}: {name} is not in {target}.__all__")
    assert not wrong, "\n".join(wrong)


def test_the_checks_see_an_upward_arrow_and_a_circle(tmp_path: Path) -> None:
    """The reading itself: a lazy import inside a method, a relative one, a type-only one."""
    (tmp_path / "bilatlog").mkdir()
    path = tmp_path / "bilatlog" / "events.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import time\n"
        "if TYPE_CHECKING:\n"
        "    from bilatlog.timeline import Timeline\n"
        "class E:\n"
        "    def show(self):\n"
        "        from .notebook import state_html\n"
    )
    found = _imports("bilatlog.events", path)
    assert found == [(2, "bilatlog.time"), (4, "bilatlog.timeline"), (7, "bilatlog.notebook")]
    assert [_layer(m) for _, m in found] == [
        _layer("bilatlog.time"),
        _layer("bilatlog.timeline"),
        _layer("bilatlog.notebook.x"),
    ]
    assert _layer("bilatlog.io.frames") > _layer("bilatlog.io.importers")  # type: ignore[operator]
    assert _layer("bilatlog.new_module") is None
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert _cycles({"a": ["b"], "b": [], "c": ["a"]}) == []
