#!/usr/bin/env python3
# Adapted from the shared peer harness (shared/tools/peer_eventsourcing_bench.py); unchanged
# logic, kept here so benchmarks/compare.py can run it on a fresh clone.
"""Peer benchmark: the Python ``eventsourcing`` library (9.x) on SQLite.

Purpose
-------
Give ``bilatlog`` a reference point measured on the same machine with the same
workload shape. The workload is bilatlog-flavoured: one aggregate per
bilateral "relationship" (e.g. US-Mexico security cooperation), carrying
dated events such as "DEA operations: suspended".

What is measured (all on a file-backed SQLite database in a temp directory,
using eventsourcing's own ``eventsourcing.sqlite`` persistence module, which
opens the file in WAL mode and leaves ``PRAGMA synchronous`` at SQLite's
default):

(a) append throughput, events/second, end to end (aggregate command methods ->
    domain events -> JSON mapping -> SQLite INSERT -> COMMIT):
      one_agg_batch   one aggregate, N events, ``app.save()`` every --batch events
      many_agg_tx     N/--agg-size small aggregates, one ``app.save()`` (one
                      transaction) per aggregate
      many_agg_batch  the same small aggregates, saved --batch/--agg-size at a
                      time (so ~--batch events per transaction)
      one_agg_batch_snap  as one_agg_batch, with automatic snapshots every
                      --snapshot-interval versions (the snapshotting cost)
    ``save_share`` is the fraction of wall time spent inside ``app.save()``;
    ``bytes_per_event`` is the database size (WAL checkpointed) / events.

(b) read-back throughput from the application notification log (the global,
    totally ordered log), pages of --batch, events/second:
      raw          notifications only (no decoding), count per topic
      decode_fold  decode each notification into a domain event and fold it
                   into a dict projection: count per event type and latest
                   status per (relationship, track)

(c) "as of" reconstruction of the big aggregate (N events), milliseconds,
    median and min of --repeats runs:
      version_nosnap   repository.get(id, version=v)  (replays v events)
      version_snap     same, with snapshots every --snapshot-interval
      current_nosnap / current_snap   repository.get(id)  (latest state)
      date_scan        "as of business date": eventsourcing has no time-based
                       read, so fetch the aggregate's events and fold until
                       occurred_on > cutoff (what a user has to write).
    v is chosen mid-way between snapshots (v % interval == interval // 2 - 1)
    so the snapshot case replays a typical, not a best-case, tail. Every
    as-of result is checked against the others (same version, same state).

Python's assert flag matters for (c): Repository.get() asserts
isinstance(event, <runtime Protocol>) for every replayed event (~30 us each on
the reference machine); ``python -O`` skips it. The header's ``python_asserts``
records which mode was used; compare like with like.

Output: one compact JSON line on stdout; progress notes go to stderr.

Usage::

    python3 -m venv /tmp/peer-es && /tmp/peer-es/bin/pip install eventsourcing
    /tmp/peer-es/bin/python ../shared/tools/peer_eventsourcing_bench.py [N] [options]

N defaults to 100_000. Run ``--help`` for the options.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from importlib.metadata import version as pkg_version
from typing import Any, Callable
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

# --------------------------------------------------------------------------
# Domain model (kept deliberately small; the same shape is easy to mirror in
# bilatlog so both sides do comparable work per event).
# --------------------------------------------------------------------------

TRACKS = [
    "dea_operations", "extradition", "border_security", "arms_trafficking",
    "fentanyl_precursors", "intelligence_sharing", "military_cooperation",
    "migration_enforcement", "financial_intelligence", "judicial_cooperation",
]
STATUSES = ["active", "suspended", "under_review", "expanded", "restricted"]
BASE_DATE = datetime(2006, 12, 1)  # start of the synthetic timeline


class Relationship(Aggregate):
    """One bilateral relationship; state = latest status per cooperation track."""

    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name
        self.status: dict[str, str] = {}
        self.incidents = 0
        self.last_occurred_on: str | None = None

    @event("TrackStatusChanged")
    def change_status(self, track: str, status: str, occurred_on: str) -> None:
        self.status[track] = status
        self.last_occurred_on = occurred_on

    @event("IncidentRecorded")
    def record_incident(self, track: str, severity: int, occurred_on: str) -> None:
        self.incidents += 1
        self.last_occurred_on = occurred_on


def make_inputs(n: int) -> list[tuple[int, str, str, str]]:
    """Pre-generate n command inputs (kind, track, status, occurred_on) so that
    input generation is not timed. occurred_on increases by one hour per event,
    so business time is monotonic in version (needed for the date scan)."""
    out = []
    for i in range(n):
        kind = 1 if i % 3 == 2 else 0  # 2/3 status changes, 1/3 incidents
        out.append((
            kind,
            TRACKS[i % len(TRACKS)],
            STATUSES[(i // 7) % len(STATUSES)],
            (BASE_DATE + timedelta(hours=i)).isoformat(),
        ))
    return out


def apply_input(agg: Relationship, inp: tuple[int, str, str, str], i: int) -> None:
    kind, track, status, occurred_on = inp
    if kind == 0:
        agg.change_status(track=track, status=status, occurred_on=occurred_on)
    else:
        agg.record_incident(track=track, severity=i % 5, occurred_on=occurred_on)


# --------------------------------------------------------------------------
# Applications: one plain, one with automatic snapshotting. log_section_size
# caps how many notifications one notification_log.select() may return
# (library default is 10), so raise it to the read page size.
# --------------------------------------------------------------------------


def make_app_classes(page: int, snapshot_interval: int) -> tuple[type, type]:
    class BilatApp(Application[UUID]):
        log_section_size = page

    class BilatSnapApp(Application[UUID]):
        log_section_size = page
        snapshotting_intervals = {Relationship: snapshot_interval}

    return BilatApp, BilatSnapApp


def open_app(cls: type, db_path: str) -> Application[UUID]:
    """Construct an application on a file-backed SQLite database."""
    return cls(env={
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": db_path,
    })


def db_bytes(db_path: str) -> int:
    """On-disk size of a database once its WAL has been checkpointed into the
    main file (call after the applications are closed)."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(os.path.getsize(p) for p in (db_path, db_path + "-wal")
               if os.path.exists(p))


def fs_type(path: str) -> str:
    """Filesystem type of the mount holding path (Linux only, best effort)."""
    try:
        best, kind = "", "unknown"
        real = os.path.realpath(path)
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                mnt, typ = parts[1], parts[2]
                if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
                    best, kind = mnt, typ
        return kind
    except OSError:
        return "unknown"


def eps(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float("inf")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def check(ok: bool, what: str) -> None:
    """Correctness check that still runs under `python -O` (unlike assert)."""
    if not ok:
        raise RuntimeError(f"benchmark self-check failed: {what}")


# --------------------------------------------------------------------------
# (a) Append
# --------------------------------------------------------------------------


def append_one_aggregate(app: Application[UUID], inputs: list, batch: int) -> dict[str, Any]:
    """One aggregate, len(inputs) events in total (the Opened event counts as
    one), saved every `batch` events. Returns timings and the aggregate id."""
    gc.collect()
    save_s = 0.0
    t0 = time.perf_counter()
    agg = Relationship(name="US-MX security cooperation")
    pending = 1
    for i, inp in enumerate(inputs[1:], start=1):
        apply_input(agg, inp, i)
        pending += 1
        if pending == batch:
            s0 = time.perf_counter()
            app.save(agg)
            save_s += time.perf_counter() - s0
            pending = 0
    if pending:
        s0 = time.perf_counter()
        app.save(agg)
        save_s += time.perf_counter() - s0
    total_s = time.perf_counter() - t0
    check(agg.version == len(inputs), "aggregate version after append")
    return {"id": agg.id, "events": len(inputs), "s": total_s, "save_s": save_s}


def append_many_aggregates(app: Application[UUID], inputs: list, agg_size: int,
                           aggs_per_save: int) -> dict[str, Any]:
    """len(inputs)//agg_size aggregates of agg_size events each (Opened +
    agg_size-1 changes); app.save() is called with aggs_per_save aggregates at
    a time, i.e. one transaction per call."""
    gc.collect()
    n_aggs = len(inputs) // agg_size
    save_s = 0.0
    t0 = time.perf_counter()
    group: list[Relationship] = []
    k = 0
    for a in range(n_aggs):
        agg = Relationship(name=f"relationship-{a}")
        k += 1
        for _ in range(agg_size - 1):
            apply_input(agg, inputs[k], k)
            k += 1
        group.append(agg)
        if len(group) == aggs_per_save:
            s0 = time.perf_counter()
            app.save(*group)
            save_s += time.perf_counter() - s0
            group = []
    if group:
        s0 = time.perf_counter()
        app.save(*group)
        save_s += time.perf_counter() - s0
    total_s = time.perf_counter() - t0
    return {"events": n_aggs * agg_size, "aggregates": n_aggs, "s": total_s, "save_s": save_s}


def summarize_append(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "events": r["events"],
        "eps": eps(r["events"], r["s"]),
        "s": round(r["s"], 3),
        "save_share": round(r["save_s"] / r["s"], 3),
    }


# --------------------------------------------------------------------------
# (b) Read back from the notification log and fold into a projection
# --------------------------------------------------------------------------


def read_raw(app: Application[UUID], page: int) -> dict[str, Any]:
    """Page through the notification log; count notifications per topic without
    decoding them."""
    gc.collect()
    counts: Counter[str] = Counter()
    n = 0
    t0 = time.perf_counter()
    start = 1
    while True:
        items = app.notification_log.select(start=start, limit=page)
        if not items:
            break
        for note in items:
            counts[note.topic] += 1
        n += len(items)
        start = items[-1].id + 1
    s = time.perf_counter() - t0
    return {"events": n, "eps": eps(n, s), "s": round(s, 3), "topics": len(counts)}


def read_decode_fold(app: Application[UUID], page: int) -> dict[str, Any]:
    """Page through the notification log, decode every notification into its
    domain event, and fold into a dict projection:
      per_type[event class name] -> count
      latest[(relationship id, track)] -> latest status"""
    gc.collect()
    per_type: Counter[str] = Counter()
    latest: dict[tuple[UUID, str], str] = {}
    to_event = app.mapper.to_domain_event
    status_cls = Relationship.TrackStatusChanged
    n = 0
    t0 = time.perf_counter()
    start = 1
    while True:
        items = app.notification_log.select(start=start, limit=page)
        if not items:
            break
        for note in items:
            ev = to_event(note)
            per_type[type(ev).__name__] += 1
            if type(ev) is status_cls:
                latest[(ev.originator_id, ev.track)] = ev.status
        n += len(items)
        start = items[-1].id + 1
    s = time.perf_counter() - t0
    return {"events": n, "eps": eps(n, s), "s": round(s, 3),
            "types": len(per_type), "latest_keys": len(latest)}


# --------------------------------------------------------------------------
# (c) "As of" reconstruction
# --------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeats: int) -> tuple[Any, dict[str, float]]:
    """Run fn `repeats` times; return the last result and median/min in ms."""
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return result, {"median_ms": round(statistics.median(times), 2),
                    "min_ms": round(min(times), 2)}


def as_of_date(app: Application[UUID], agg_id: UUID, cutoff: str) -> Relationship | None:
    """State of the aggregate as of a business date: fold stored events in
    version order until the first one dated after the cutoff. (eventsourcing
    can bound reads by version only, so all rows are fetched from SQLite;
    decoding stops at the cutoff.)"""
    agg = None
    for ev in app.events.get(agg_id):
        occurred_on = getattr(ev, "occurred_on", None)
        if occurred_on is not None and occurred_on > cutoff:
            break
        agg = ev.mutate(agg)
    return agg


def same_state(a: Relationship, b: Relationship) -> bool:
    return (a.version == b.version and a.status == b.status
            and a.incidents == b.incidents and a.last_occurred_on == b.last_occurred_on)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", nargs="?", type=int, default=100_000, help="events per scenario (default 100000)")
    p.add_argument("--batch", type=int, default=1000, help="events per save for batched appends; read page size (default 1000)")
    p.add_argument("--agg-size", type=int, default=10, help="events per small aggregate (default 10)")
    p.add_argument("--snapshot-interval", type=int, default=1000, help="snapshot every k versions (default 1000)")
    p.add_argument("--repeats", type=int, default=5, help="repeats for as-of timings (default 5)")
    p.add_argument("--dir", default=None, help="parent directory for the temp databases (default: system temp)")
    p.add_argument("--keep", action="store_true", help="keep the databases instead of deleting them")
    args = p.parse_args(argv)

    n, batch, k = args.n, args.batch, args.snapshot_interval
    if n < max(batch, k, args.agg_size) or batch % args.agg_size:
        p.error("need n >= batch, snapshot interval and agg size; batch must be a multiple of agg size")

    workdir = tempfile.mkdtemp(prefix="peer-es-bench-", dir=args.dir)
    fs = fs_type(workdir)
    paths = {name: os.path.join(workdir, f"{name}.sqlite")
             for name in ("one", "many_tx", "many_batch", "one_snap")}
    BilatApp, BilatSnapApp = make_app_classes(batch, k)
    inputs = make_inputs(n)
    result: dict[str, Any] = {}
    apps: list[Application[UUID]] = []
    try:
        # ---- (a) append ---------------------------------------------------
        log(f"[a] one aggregate, {n} events, save every {batch}")
        app_one = open_app(BilatApp, paths["one"]); apps.append(app_one)
        r_one = append_one_aggregate(app_one, inputs, batch)

        log(f"[a] {n // args.agg_size} aggregates x {args.agg_size} events, one transaction each")
        app_many = open_app(BilatApp, paths["many_tx"]); apps.append(app_many)
        r_many_tx = append_many_aggregates(app_many, inputs, args.agg_size, 1)

        log(f"[a] same aggregates, {batch // args.agg_size} per transaction")
        app_many_b = open_app(BilatApp, paths["many_batch"]); apps.append(app_many_b)
        r_many_b = append_many_aggregates(app_many_b, inputs, args.agg_size, batch // args.agg_size)

        log(f"[a] one aggregate with automatic snapshots every {k} versions")
        app_snap = open_app(BilatSnapApp, paths["one_snap"]); apps.append(app_snap)
        r_snap = append_one_aggregate(app_snap, inputs, batch)

        appended = {"one_agg_batch": (r_one, "one"), "many_agg_tx": (r_many_tx, "many_tx"),
                    "many_agg_batch": (r_many_b, "many_batch"),
                    "one_agg_batch_snap": (r_snap, "one_snap")}
        result["append"] = {name: summarize_append(r) for name, (r, _) in appended.items()}

        # ---- (b) read back ------------------------------------------------
        # Fresh application objects, so nothing is served from memory.
        log("[b] read notification log (many-aggregate database)")
        app_read = open_app(BilatApp, paths["many_tx"]); apps.append(app_read)
        raw = read_raw(app_read, batch)
        fold = read_decode_fold(app_read, batch)
        check(raw["events"] == fold["events"] == r_many_tx["events"], "all events read back")
        result["read"] = {"raw": raw, "decode_fold": fold}

        # ---- (c) as-of reconstruction ------------------------------------
        agg_id, snap_id = r_one["id"], r_snap["id"]  # same events, different ids
        v = (n // 2) // k * k + k // 2 - 1  # mid-way between two snapshots
        v = max(1, min(v, n))
        cutoff = inputs[v - 1][3]  # occurred_on of the event at version v
        log(f"[c] as-of: version {v} of {n}; cutoff date {cutoff}")
        app_q = open_app(BilatApp, paths["one"]); apps.append(app_q)
        app_qs = open_app(BilatSnapApp, paths["one_snap"]); apps.append(app_qs)
        a_ns, t_v_ns = timed(lambda: app_q.repository.get(agg_id, version=v), args.repeats)
        a_s, t_v_s = timed(lambda: app_qs.repository.get(snap_id, version=v), args.repeats)
        c_ns, t_c_ns = timed(lambda: app_q.repository.get(agg_id), args.repeats)
        c_s, t_c_s = timed(lambda: app_qs.repository.get(snap_id), args.repeats)
        d_ns, t_d = timed(lambda: as_of_date(app_q, agg_id, cutoff), args.repeats)
        # Correctness checks: all routes agree.
        check(a_ns.version == v and same_state(a_ns, a_s), "as-of version, with/without snapshots")
        check(same_state(a_ns, d_ns), "as-of date scan equals as-of version")
        check(c_ns.version == n and same_state(c_ns, c_s), "current state, with/without snapshots")
        n_snaps = len(list(app_qs.snapshots.get(snap_id))) if app_qs.snapshots else 0
        result["as_of"] = {
            "aggregate_events": n, "version": v, "snapshots_stored": n_snaps,
            "version_nosnap": t_v_ns, "version_snap": t_v_s,
            "current_nosnap": t_c_ns, "current_snap": t_c_s,
            "date_scan": t_d,
        }
        # What the library's connections run with (it sets WAL, not synchronous).
        probe = sqlite3.connect(paths["one"])
        sync = probe.execute("PRAGMA synchronous").fetchone()[0]
        journal = probe.execute("PRAGMA journal_mode").fetchone()[0]
        probe.close()
        # Storage cost per event (snapshot rows included for one_agg_batch_snap).
        for a in apps:
            a.close()
        apps.clear()
        for name, (r, key) in appended.items():
            result["append"][name]["bytes_per_event"] = round(db_bytes(paths[key]) / r["events"], 1)
    finally:
        for a in apps:
            a.close()
        if args.keep:
            log(f"databases kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    # ---- environment, so numbers can be compared like with like -----------
    header = {
        "bench": "peer_eventsourcing",
        "lib": "eventsourcing", "lib_version": pkg_version("eventsourcing"),
        "backend": "eventsourcing.sqlite (file)",
        "sqlite_version": sqlite3.sqlite_version,
        "sqlite_journal_mode": journal, "sqlite_synchronous": sync,
        "python": platform.python_version(), "platform": platform.platform(),
        # Asserts matter: Repository.get() asserts isinstance(event, a runtime
        # Protocol) per replayed event; `python -O` skips that.
        "python_asserts": not sys.flags.optimize,
        "cpus": os.cpu_count(), "fs": fs,
        "n": n, "batch": batch, "agg_size": args.agg_size,
        "snapshot_interval": k, "repeats": args.repeats,
    }
    print(json.dumps({**header, **result}, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
