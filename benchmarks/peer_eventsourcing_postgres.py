"""The peer on PostgreSQL: eventsourcing 9.x appends, one aggregate, a save every 1,000 events.

Runs in the peer's own virtual environment (eventsourcing[postgres]), against the
server given by BILATLOG_TEST_POSTGRES_URL (scripts/with-postgres starts one):

    scripts/with-postgres /tmp/peer-es/bin/python -O \
        benchmarks/peer_eventsourcing_postgres.py 100000

With `--sqlite`, the same appends go to a file-backed SQLite database in a
temporary folder instead (eventsourcing.sqlite, WAL), for a side-by-side run
with only the appends (`benchmarks/write_path.py` runs both).

Prints one JSON line: events per second (median of ROUNDS runs, 3 by default).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from urllib.parse import urlsplit

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Relationship(Aggregate):
    def __init__(self, name: str) -> None:
        self.name = name
        self.status: dict[str, str] = {}

    @event("StatusChanged")
    def change_status(self, track: str, status: str, occurred_on: str) -> None:
        self.status[track] = status
        self.last_on = occurred_on


def sqlite_env() -> dict[str, str]:
    folder = tempfile.mkdtemp(prefix="peer-es-")
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{folder}/peer.db"}


def postgres_env(schema: str) -> dict[str, str]:
    raw = os.environ["BILATLOG_TEST_POSTGRES_URL"]
    url = urlsplit(raw)
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_SCHEMA": schema,
        "CREATE_TABLE": "y",
    }


def run(n: int, batch: int, schema: str) -> tuple[float, float]:
    env = sqlite_env() if "--sqlite" in sys.argv else postgres_env(schema)
    app = Application(env=env)
    agg = Relationship("US-MX")
    app.save(agg)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        agg.change_status(f"track-{i % 1000}", "active", f"20{10 + i % 12}-01-01")
        if (i + 1) % batch == 0:
            app.save(agg)
    app.save(agg)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    app.close()
    return n / elapsed, n / cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
    rounds = int(os.environ.get("ROUNDS", "3"))
    runs = [run(n, 1000, f"peer_{uuid.uuid4().hex[:8]}") for _ in range(rounds)]
    eps = [wall for wall, _ in runs]
    cpu = [c for _, c in runs]
    backend = "sqlite" if "--sqlite" in sys.argv else "postgres"
    print(json.dumps({"peer": "eventsourcing", "backend": backend, "n": n,
                      "append_eps_median": round(statistics.median(eps), 1),
                      # per second of this process's CPU (on SQLite, the database's work too)
                      "append_cpu_eps_median": round(statistics.median(cpu), 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
