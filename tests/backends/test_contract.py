"""The backend contract is complete: every backend has every member, and nobody probes.

`bilatlog.backends.Backend` is all a caller may ask of a backend (issue 19,
point 3). Each backend has each of its members, with the same signature; a
backend without a capability gives the honest answer; no caller asks with
`getattr`; no backend imports another; and the store rules hold under each
backend's write lock, against the log as it stands there.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.backends import Backend
from bilatlog.testing import FakeClock
from pgtest import postgres_url

SRC = Path(bl.__file__).parent
BACKEND_MODULES = ("memory", "jsonl", "sqlite", "postgres")


def _members() -> dict[str, object]:
    """The Protocol's own members: its attributes, properties and methods."""
    return dict.fromkeys(Backend.__annotations__) | {
        name: value
        for name, value in vars(Backend).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }


def test_the_contract_names_every_capability_callers_use():
    """The capabilities the timeline, the notebook and the exporters use are in the Protocol."""
    wanted = {"wait", "index_db", "reindex", "readonly", "sidecar", "copied_from", "files"}
    assert wanted <= set(_members())


def test_every_backend_has_the_whole_contract(backend):
    """Each backend has each member of `Backend`, methods with the Protocol's very signature."""
    assert isinstance(backend, Backend)
    for name, spec in _members().items():
        assert hasattr(backend, name), f"{type(backend).__name__} lacks {name}"
        if callable(spec) and not isinstance(spec, property):
            want = inspect.signature(spec)
            got = inspect.signature(getattr(type(backend), name))
            assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == [
                (p.name, p.kind, p.default) for p in want.parameters.values()
            ], f"{type(backend).__name__}.{name}{got} differs from Backend.{name}{want}"
    assert isinstance(backend.readonly, bool)
    assert backend.copied_from is None
    assert all(isinstance(f, Path) for f in backend.files)
    assert backend.sidecar is None or isinstance(backend.sidecar, Path)


def test_a_backend_without_a_capability_gives_the_honest_answer(backend, kind):
    """No index of its own: `index_db()` is None and `reindex()` False; the SQL stores have one."""
    backend.append([bl.Event(type="x.y", on="2020", track="t", status="active")])
    keeps_index = kind.name in ("sqlite", "postgres")
    assert (backend.index_db() is not None) is keeps_index
    assert backend.reindex(progress=False) is keeps_index
    assert (backend.sidecar is not None) is (kind.name == "jsonl")
    assert bool(backend.files) is (kind.name in ("jsonl", "sqlite"))


def test_a_backend_of_your_own_gets_the_capabilities_it_lacks_from_defaults():
    """A user's log built on `bilatlog.backends.Defaults` is a complete Backend and answers."""
    from bilatlog.backends import Defaults, MemoryBackend  # noqa: PLC0415

    class OwnLog(Defaults):
        """A log of one's own: the log from somewhere else, the capabilities from Defaults."""

        def __init__(self) -> None:
            self.inner = MemoryBackend(clock=FakeClock())

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        @property
        def head(self) -> int:  # the log's own member (Defaults' wait reads it)
            return self.inner.head

    own = OwnLog()
    assert isinstance(own, Backend)
    assert (own.files, own.sidecar, own.index_db(), own.readonly) == ((), None, None, False)
    with bl.open(own) as tl:
        tl.record(type="x.y", on="2020", track="t", status="active")
        assert tl.state_at("2021")["t"].status == "active"
        tl.reindex(progress=False)  # nothing kept: nothing to rebuild, and no error
        assert tl.verify().ok


def test_wait_returns_once_the_head_passed_and_gives_up_after_its_timeout(backend):
    """`wait` is True when the head is already past `after`, and False after its timeout."""
    backend.append([bl.Event(type="x.y", on="2020")])
    assert backend.wait(0, 0.5, poll=0.01) is True
    started = time.monotonic()
    assert backend.wait(1, 0.05, poll=0.01) is False
    assert time.monotonic() - started < 5


def test_no_caller_probes_a_backend():
    """Nothing asks a backend for a member with getattr/hasattr, or by its concrete class."""
    probe = re.compile(r"\b(getattr|hasattr)\([^)]*backend", re.IGNORECASE)
    by_class = re.compile(r"isinstance\([^)]*(Memory|Jsonl|Sqlite|Postgres)Backend")
    found = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), start=1):
            if probe.search(line) or (by_class.search(line) and path.parent.name != "backends"):
                found.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("module", BACKEND_MODULES)
def test_no_backend_imports_another(module):
    """A backend imports the shared modules (`_contract`, `_writing`, ...), never another."""
    tree = ast.parse((SRC / "backends" / f"{module}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):  # lazy imports inside functions too
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    others = {f"bilatlog.backends.{m}" for m in BACKEND_MODULES if m != module}
    assert imported & others == set()


def test_fulfils_is_a_rule_of_the_store(backend, kind, tmp_path):
    """Appending to the backend itself (no timeline) refuses a `fulfils` naming no plan."""
    backend.append([bl.Event(type="x.y", on="2020", id="not-a-plan")])
    before = kind.snapshot(tmp_path)
    for named in ("no-such-plan", "not-a-plan"):
        with pytest.raises(bl.ValidationError, match="names no planned event") as info:
            backend.append([bl.Event(type="x.y", on="2021", fulfils=named)])
        assert info.value.field == "fulfils"
        fix = bl.Correction(target="not-a-plan", changes={"fulfils": named}, reason="r")
        with pytest.raises(bl.ValidationError, match="names no planned event"):
            backend.append([fix])
    assert backend.head == 1
    assert kind.snapshot(tmp_path) == before
    plan = bl.Event(type="x.y", on="2022", id="plan", planned=True, track="t", status="due")
    done = bl.Event(type="x.y", on="2022", fulfils="plan")
    assert [r.position for r in backend.append([plan, done])] == [2, 3]  # same batch


class _ThenWait:
    """A clock that, on its first call (inside a writer's lock), lets another writer start."""

    def __init__(self, start: threading.Thread) -> None:
        self._start = start
        self._clock = FakeClock()

    def __call__(self):
        if not self._start.is_alive() and self._start.ident is None:
            self._start.start()
            time.sleep(0.3)  # the other writer reaches the lock and waits for it
        return self._clock()


def test_the_fulfils_check_sees_the_log_under_the_write_lock(kind, tmp_path):
    """A writer that waited for another's lock checks `fulfils` against what that one wrote.

    One writer appends a plan; while it holds its store's write lock, another
    (its own timeline, in another thread) records the plan's fulfilment. The
    rule is checked once the second holds the lock, so it sees the plan: checked
    before the lock (as the timeline once did), it saw a log without it and refused.
    """
    outcome: list[object] = []

    def fulfil() -> None:
        try:
            outcome.append(second.record("x.y", on="2021", fulfils="plan"))
        except Exception as e:  # noqa: BLE001 - the outcome is the finding
            outcome.append(e)

    thread = threading.Thread(target=fulfil)
    first = kind.open(tmp_path, _ThenWait(thread))  # type: ignore[arg-type]
    # memory: both timelines share the one log (and its lock); files and servers: two openings
    second = bl.open(first if kind.name == "memory" else kind.open(tmp_path, FakeClock()))
    plan = bl.Event(type="x.y", on="2021", id="plan", planned=True, track="t", status="due")
    try:
        first.append([plan])
        thread.join(30)
        assert not thread.is_alive()
        [rec] = outcome
        assert isinstance(rec, bl.RecordedEvent), rec
        assert (rec.position, rec.event.fulfils) == (2, "plan")
    finally:
        second.close()
        if kind.name != "memory":
            first.close()


#: A writer in its own process: it records the plan, pausing inside its write lock (in the
#: clock, which the write path reads under it) once it has said so in the file `ready`.
_PLANNER = """
import datetime as dt, pathlib, sys, time
import bilatlog as bl
target, ready = sys.argv[1:3]
calls = []
def clock():
    if not calls:
        pathlib.Path(ready).touch()
        time.sleep(1.0)
    calls.append(1)
    return dt.datetime(2021, 10, 15, tzinfo=dt.UTC)
with bl.open(target, clock=clock) as tl:
    tl.record("x.y", on="2021", id="plan", planned=True, track="t", status="due")
"""


def test_a_writer_in_another_process_holding_the_lock_has_its_plan_seen(file_kind, tmp_path):
    """Two processes: the second writer records a fulfilment while the first holds the lock.

    Checked once the second holds the lock, `fulfils` sees the plan the first just
    committed (checked before the lock, SQLite and PostgreSQL refused it).
    """
    target = {
        "jsonl": str(tmp_path / "log.jsonl"),
        "sqlite": str(tmp_path / "log.db"),
        "postgres": postgres_url(str(tmp_path)),
    }[file_kind.name]
    ready = tmp_path / "ready"
    with bl.open(target, clock=FakeClock()) as second:
        planner = subprocess.Popen([sys.executable, "-c", _PLANNER, target, str(ready)])
        try:
            deadline = time.monotonic() + 60
            while not ready.exists() and planner.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert ready.exists(), "the planner never reached its lock"
            rec = second.record("x.y", on="2021", fulfils="plan")
        finally:
            assert planner.wait(60) == 0
        assert (rec.position, rec.event.fulfils) == (2, "plan")
        assert second.get("plan").event.planned
