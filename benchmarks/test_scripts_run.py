"""The comparison scripts run end to end at a tiny N (so they cannot rot; nothing is timed here).

Run in CI's quick mode with the rest of benchmarks/; the real runs are in docs/performance.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(*args: str) -> str:
    return subprocess.run(
        [sys.executable, str(HERE / args[0]), *args[1:]],
        check=True, capture_output=True, text=True, timeout=600,
    ).stdout  # fmt: skip


def test_compare_prints_its_table_without_the_peer():
    out = _run("compare.py", "--n", "2000", "--rounds", "1", "--state-sizes", "500,1000")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 6  # the header and five workloads
    assert "full replay into the cooperation projection" in out


def test_state_alone_prints_five_passes():
    for extra in ([], ["--precise", "--known-at"], ["--backend", "sqlite"]):
        out = _run("state_alone.py", "1000", *extra)
        assert out.count(",") >= 4 + 1, out  # five medians (and the N's thousands comma)


def test_sqlite_schema_cost_prints_every_variant():
    out = _run("sqlite_schema_cost.py", "2000")
    assert out.count("\n| ") == 7  # the header and six schemas


def test_open_large_prints_time_and_memory():
    out = _run("open_large.py", "2000")
    assert "records/s" in out
    assert "after 64 more questions: resident" in out


def test_export_memory_prints_a_row_per_store():
    out = _run("export_memory.py", "500")
    rows = [line for line in out.splitlines() if line.startswith("| events-")]
    assert len(rows) == 2
    assert all(row.endswith(" MB |") for row in rows)
