"""The comparison scripts run end to end at a tiny N (so they cannot rot; nothing is timed here).

Run in CI's quick mode with the rest of benchmarks/; the real runs are in docs/performance.md.
"""

from __future__ import annotations

import json
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


ROOT = HERE.parent


def test_bitemporal_prints_every_question_per_size_and_track_count(tmp_path):
    data = tmp_path / "figures.json"
    out = _run("bitemporal.py", "all", "--sizes", "300,600", "--tracks", "20,50",
               "--dir", str(tmp_path), "--runs", "1", "--json", str(data), "--quiet")  # fmt: skip
    for label in ("open + first state_at", "peak resident memory", "state_at(known_at=K), hot",
                  "history of one track", "explain of one track", "replay yearly"):  # fmt: skip
        assert out.count(f"| {label}") == 2, out  # once per track count
    figures = json.loads(data.read_text(encoding="utf-8"))
    assert [(f["n"], f["tracks"]) for f in figures] == [(300, 20), (600, 20), (300, 50), (600, 50)]
    assert all(f["peak_mb"]["median"] > 0 for f in figures)
    image = tmp_path / "plot.png"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "plot_state_scaling.py"), "--bitemporal",
         f"main={data}", f"--out={image}"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert image.read_bytes().startswith(b"\x89PNG")


def test_the_backfilled_workload_appends_whole_and_backfills():
    from datasets import backfilled  # noqa: PLC0415

    import bilatlog as bl  # noqa: PLC0415
    from bilatlog._codec import Codec  # noqa: PLC0415

    tl = bl.open()
    batches = list(backfilled(3000, tracks=40, batch=700))
    for batch in batches:
        tl.append(batch)  # every correction and retraction names a stored, unretracted event
    codec = Codec()
    for r in (r for batch in batches for r in batch if isinstance(r, bl.Event)):
        assert codec.record_from_dict("event", codec.record_to_dict(r)) == r  # validates
    kinds = [type(r).__name__ for batch in batches for r in batch]
    assert kinds.count("Event") == 3000
    assert kinds.count("Correction") > 0
    assert kinds.count("Retraction") > 0
    days = [r.on.lo for batch in batches for r in batch if isinstance(r, bl.Event)]
    # in random valid order: most events are dated before one already recorded
    assert sum(d < max(days[:i]) for i, d in enumerate(days) if i) > len(days) // 2


def test_write_path_appends_and_imports_print_their_figures():
    out = _run("write_path.py", "appends", "--n", "1500", "--rounds", "1")
    assert "| sqlite |" in out
    out = _run("write_path.py", "icews", "--rows", "800", "--no-progress")
    assert "800 rows in" in out
    assert "rows/s" in out


def test_postgres_scripts_run_on_a_throwaway_server():
    py = sys.executable
    out = subprocess.run(
        [str(ROOT / "scripts" / "with-postgres"), "sh", "-c",
         (f"{py} {HERE / 'postgres_clients.py'} --n 800 --clients 2 --rounds 1 && "
         f"{py} {HERE / 'write_path.py'} appends --n 800 --rounds 1 --postgres")],
        check=True, capture_output=True, text=True, timeout=600,
    ).stdout  # fmt: skip
    assert "2 concurrent clients x 1 rounds" in out
    assert "| postgres |" in out


def test_export_memory_prints_a_row_per_store():
    out = _run("export_memory.py", "500")
    rows = [line for line in out.splitlines() if line.startswith("| events-")]
    assert len(rows) == 2
    assert all(row.endswith(" MB |") for row in rows)


def test_hot_answers_prints_every_question(tmp_path):
    store = tmp_path / "s.db"
    _run("bitemporal.py", "build", str(store), "--n", "300")
    out = _run("hot_answers.py", str(store), "--asks", "2", "--passes", "1")
    for question in ("state_at", "new_day", "known", "history", "explain", "replay"):
        assert any(line.startswith(f"{question} ") for line in out.splitlines()), out
