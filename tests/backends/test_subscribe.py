"""Subscriptions: the backlog, then new records as they commit, on every backend."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.testing import make_event
from pgtest import postgres_url

WRITER = Path(__file__).with_name("writer.py")


def target(name: str, tmp_path: Path) -> str | Path | None:
    return {
        "jsonl": tmp_path / "log.jsonl",
        "sqlite": tmp_path / "log.db",
        "postgres": postgres_url(str(tmp_path)) if name == "postgres" else None,
    }.get(name)


@pytest.mark.parametrize("name", ["jsonl", "sqlite", "postgres"])
def test_backlog_then_another_process_commit(name, tmp_path):
    """A subscriber sees the backlog, then a batch committed by another process."""
    where = target(name, tmp_path)
    tl = bl.open(where)
    tl.append([make_event(on="2020", id=f"old-{i}") for i in range(3)])
    seen: list[str] = []

    def consume() -> None:
        sub = bl.open(where)
        for rec in sub.subscribe(0, timeout=20):
            seen.append(rec.id)
            if len(seen) == 3 + 5:
                break
        sub.close()

    t = threading.Thread(target=consume)
    t.start()
    proc = subprocess.run(
        [sys.executable, str(WRITER), str(where), str(tmp_path / "ack"), "new", "1", "5"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    t.join(30)
    assert seen == [f"old-{i}" for i in range(3)] + [f"new-0-{i}" for i in range(5)]
    tl.close()


def test_resume_from_a_position_and_stop_after_timeout():
    """from_position resumes after what was handled; timeout ends a quiet subscription."""
    tl = bl.open()
    tl.append([make_event(on="2020", id=f"e{i}") for i in range(5)])
    assert [r.id for r in tl.subscribe(3, timeout=0.1)] == ["e3", "e4"]
    assert list(tl.subscribe(5, timeout=0.1)) == []
    with pytest.raises(bl.ValidationError, match="from_position"):
        next(tl.subscribe(-1))
