"""Peak memory of `bilatlog export parquet` on a large SQLite store: flat in the store's size.

    python benchmarks/export_memory.py 1000000           # builds the stores in a temp folder
    python benchmarks/export_memory.py --path big.db     # or exports an existing one

Builds a store of N events (and one of N/10, to compare), then exports each
in a fresh process (`bilatlog export parquet`), and prints the events written,
the seconds, and the child's peak resident memory (VmHWM from
/proc/self/status, read by the child as it exits). Flat memory means the peak
of the N export is close to that of the N/10 one.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys
from pathlib import Path
from bilatlog.cli import main
status = main(["--store", sys.argv[1], "export", "parquet", "--to", sys.argv[2], "--format", "csv"])
peak = [l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM")]
print(peak[0].split()[1], file=sys.stderr)
sys.exit(status)
"""


def export(store: Path, out: Path) -> tuple[str, float, int]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(store), str(out)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - t0
    written = done.stdout.strip().splitlines()[-1].split(",")[1]
    return written, elapsed, int(done.stderr.strip().splitlines()[-1]) // 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, nargs="?", default=1_000_000)
    p.add_argument("--path", type=Path, help="an existing SQLite store (skips building)")
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp())
    stores = [args.path] if args.path else []
    if not stores:
        for n in (max(args.n // 10, 1), args.n):
            path = folder / f"events-{n}.db"
            # each store is built in its own process, so no build memory leaks into a number
            code = (
                f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                f"from datasets import build; build({str(path)!r}, {n}).close()"
            )
            subprocess.run([sys.executable, "-c", code], check=True)
            stores.append(path)
    print("| store | events exported | seconds | peak resident (VmHWM) |")
    print("|---|---:|---:|---:|")
    try:
        for store in stores:
            written, elapsed, peak = export(store, folder / (store.stem + ".parquet"))
            print(f"| {store.name} | {int(written):,} | {elapsed:.1f} | {peak} MB |")
    finally:
        shutil.rmtree(folder)  # the stores built here (a 1M store is about 700 MB)


if __name__ == "__main__":
    main()
