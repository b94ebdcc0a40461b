"""The seam between the domain and its views (`bilatlog._seam`), and the optional imports.

The result types and `Timeline` call a view of the seam (`_seam.html(self)`); the
module that draws it registers its function when imported, and `bilatlog._views`
imports it on first use. See docs/architecture.md, "Views and frames".
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog import _seam
from bilatlog._optional import require

SRC = Path(__file__).resolve().parents[1] / "src" / "bilatlog"


def _asks_seam_for_self(node: ast.AST) -> bool:
    """Whether `node` is a call `_seam.<view>(self, ...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "_seam"
        and bool(node.args)
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "self"
    )


def _shown(cls: ast.ClassDef) -> bool:
    """Whether a class derives from `_seam.Shown` (its `_repr_html_` is the `html` view)."""
    return any(
        isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name) and b.value.id == "_seam"
        and b.attr == "Shown"
        for b in cls.bases
    )  # fmt: skip


def _delegations() -> list[tuple[str, str, str]]:
    """(view, module, class): every `_seam.<view>(self, ...)` in a class, every `Shown` class."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(cls, ast.ClassDef):
                found.update([("html", module, cls.name)] if _shown(cls) else [])
                found.update(
                    (n.func.attr, module, cls.name)  # type: ignore[attr-defined]
                    for n in ast.walk(cls)
                    if _asks_seam_for_self(n)
                )
    return sorted(found)


DELEGATIONS = _delegations()


def test_the_domain_delegates_through_the_seam() -> None:
    # the result types and the timeline: their HTML, text, frames, plots and Arrow
    classes = {cls for _, _, cls in DELEGATIONS}
    assert {"State", "TrackState", "History", "Diff", "Explanation", "Events"} <= classes
    assert {"Timeline", "Audit", "Period", "Change"} <= classes
    assert {view for view, _, _ in DELEGATIONS} == {v.name for v in _seam.VIEWS}


@pytest.mark.parametrize(("view", "module", "cls"), DELEGATIONS)
def test_every_view_the_domain_asks_for_is_drawn(view: str, module: str, cls: str) -> None:
    assert getattr(_seam, view).implements(getattr(importlib.import_module(module), cls))


def test_import_bilatlog_leaves_the_views_until_they_are_asked_for() -> None:
    """`import bilatlog` stays light: each view's module loads with the first call to it."""
    views = ["bilatlog._tables", "bilatlog.notebook._html", "bilatlog.io.frames"]
    script = f"""
import sys
import bilatlog as bl
loaded = lambda: [m for m in {views!r} if m in sys.modules]
print(loaded())
tl = bl.examples.us_mexico()
state = tl.state_at("2021-06-01")
str(state)
print(loaded())
state._repr_html_()
print(loaded())
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [
        "[]",
        "['bilatlog._tables']",
        "['bilatlog._tables', 'bilatlog.notebook._html']",
    ]


def test_threads_asking_first_at_once_all_get_the_view() -> None:
    """The first calls, from many threads at once, wait for the one import of the view."""
    script = """
import threading
import bilatlog as bl
state = bl.examples.us_mexico().state_at("2021-06-01")
start, out, errors = threading.Barrier(8), [], []
def ask():
    start.wait()
    try:
        out.append((str(state), state._repr_html_()))
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(len(out), len(set(out)), errors)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "8 1 []"  # eight answers, all the same, no error


def test_a_view_dispatches_by_type_and_loads_its_module_once_per_miss() -> None:
    view: _seam.View[str] = _seam.View("test")
    loads = []

    class Base:
        pass

    class Sub(Base):
        pass

    def load(v: _seam.View[str]) -> None:
        loads.append(v)
        v.register(Base)(lambda obj, suffix="": f"base {type(obj).__name__}{suffix}")

    view.load = load
    assert view(Sub(), suffix="!") == "base Sub!"  # a subclass: its base's function
    assert view(Base()) == "base Base"
    assert loads == [view]  # registered on the first miss: no second load
    with pytest.raises(TypeError, match="bilatlog has no test view of int"):
        view(1)


def test_a_view_without_a_module_says_so() -> None:
    with pytest.raises(TypeError, match="bilatlog has no html view of object"):
        _seam.html(object())


def test_require_names_the_extra_to_install() -> None:
    with pytest.raises(bl.BilatlogError) as caught:
        require("bilatlog_no_such_module.sub", extra="plot", needed_for="plots need")
    assert str(caught.value) == (
        "plots need bilatlog_no_such_module. Fix: pip install 'bilatlog[plot]'"
    )
    assert isinstance(caught.value.__cause__, ImportError)
    assert require("json", extra="x", needed_for="y") is importlib.import_module("json")


def test_the_progress_bar_is_still_the_notebooks() -> None:
    from bilatlog._progress import progress  # noqa: PLC0415 - the one under test
    from bilatlog.notebook import progress as public  # noqa: PLC0415

    assert public is progress
    assert list(progress(range(3), enabled=False)) == [0, 1, 2]


def _frame(tl: bl.Timeline) -> object:
    return tl.state_at("2021").to_frame()


def _signed(tl: bl.Timeline) -> object:
    return tl.checkpoint(key=bytes(32))


@pytest.mark.parametrize(
    ("blocked", "use", "message"),
    [
        ("pandas", _frame, "DataFrames need pandas. Fix: pip install 'bilatlog[pandas]'"),
        (
            "pyarrow",
            bl.Timeline.to_arrow,
            "Arrow and Parquet need pyarrow. Fix: pip install 'bilatlog[arrow]'",
        ),
        (
            "matplotlib.pyplot",
            bl.Timeline.plot,
            "plots need matplotlib. Fix: pip install 'bilatlog[plot]'",
        ),
        (
            "plotly.graph_objects",
            bl.Timeline.plot_interactive,
            "the interactive timeline needs plotly. Fix: pip install 'bilatlog[interactive]'",
        ),
        (
            "cryptography.hazmat.primitives.asymmetric.ed25519",
            _signed,
            "signing checkpoints needs cryptography. Fix: pip install 'bilatlog[sign]'",
        ),
    ],
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch,
    blocked: str,
    use: Callable[[bl.Timeline], object],
    message: str,
) -> None:
    """Each optional dependency, when missing, names the extra that brings it."""
    tl = bl.examples.us_mexico()
    monkeypatch.setitem(sys.modules, blocked, None)  # `import` of it now fails
    with pytest.raises(bl.BilatlogError) as caught:
        use(tl)
    assert str(caught.value) == message
