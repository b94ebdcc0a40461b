"""Cold start, resident memory while streaming, and importing a large ICEWS-shaped file.

Run: python -m pytest benchmarks/test_bench_system.py --benchmark-only
(BILATLOG_BENCH_STREAM sets the streamed log's size: 1,000,000 by default.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from datasets import build, write_icews

import bilatlog as bl
from bilatlog.io import import_icews

STREAM = int(os.environ.get("BILATLOG_BENCH_STREAM", "1000000"))
ICEWS_ROWS = int(os.environ.get("BILATLOG_BENCH_ICEWS", "100000"))


def test_cold_start(benchmark):
    """`import bilatlog` plus a first question on the bundled dataset, in a fresh process."""
    code = "import bilatlog as bl; bl.examples.us_mexico().state_at('2021-06-01')"
    benchmark.pedantic(lambda: subprocess.run([sys.executable, "-c", code], check=True), rounds=7)


# The peak comes from /proc (VmHWM), which starts afresh at exec; ru_maxrss would carry the
# parent's high-water mark over from the fork (here, the benchmark's 1M-event dataset).
STREAM_SCRIPT = """
import sys
import bilatlog as bl
tl = bl.open(sys.argv[1])
n = 0
for rec in tl.log():
    n += 1
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(n, peak)
"""


@pytest.fixture(scope="module")
def big_store():
    path = Path(tempfile.mkdtemp()) / "stream.db"
    build(path, STREAM).close()
    return path


def test_resident_memory_while_streaming(benchmark, big_store):
    """Stream every event of a large SQLite log in a fresh process; report the peak RSS (MB)."""

    def stream():
        out = subprocess.run([sys.executable, "-c", STREAM_SCRIPT, str(big_store)],
                             check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
        return int(out[0]), int(out[1]) / 1024

    n, peak_mb = benchmark.pedantic(stream, rounds=1)
    benchmark.extra_info["events"] = n
    benchmark.extra_info["peak_rss_mb"] = round(peak_mb, 1)
    assert n >= STREAM


@pytest.fixture(scope="module")
def icews_file():
    return write_icews(Path(tempfile.mkdtemp()) / "events.tab", ICEWS_ROWS)


def test_import_icews_shaped_file(benchmark, icews_file):
    """Import every row of a large ICEWS-shaped file into a fresh SQLite store."""

    def run():
        tl = bl.open(Path(tempfile.mkdtemp()) / "imported.db")
        return import_icews(tl, icews_file, progress=False).imported

    imported = benchmark.pedantic(run, rounds=1)
    benchmark.extra_info["rows"] = ICEWS_ROWS
    assert imported == ICEWS_ROWS
