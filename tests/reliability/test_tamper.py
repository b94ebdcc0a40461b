"""Tamper evidence: changed, deleted, inserted or reordered records are reported where they are."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog._codec import hash_envelope
from bilatlog.backends import JsonlBackend, SqliteBackend
from bilatlog.backends.postgres import PostgresBackend
from bilatlog.testing import FakeClock
from pgtest import postgres_url


def fill(backend) -> None:
    for k in range(3):
        backend.append([bl.Event(id=f"t{k}-{i}", type="talks.held", on="2020",
                                 summary=f"event {k}-{i}") for i in range(2)])  # fmt: skip


def _forged(position: int) -> tuple:
    record = {"id": f"forged-{position}", "type": "talks.held", "on": "2020"}
    envelope = {"v": 1, "position": position, "kind": "event", "prev": "", "record": record,
                "recorded_at": "2021-10-15T00:00:00.000000Z"}  # fmt: skip
    body = json.dumps(envelope, sort_keys=True, separators=(",", ":"))
    return (position, f"forged-{position}", "event", "talks.held", None, None, 737425, 737790,
            None, "2021-10-15T00:00:00.000000Z", "", "0" * 64, body)  # fmt: skip


SQL = {
    "change": ["UPDATE {t} SET body = replace(body, 'event 1-0', 'event X-0') WHERE position = 3"],
    "delete": ["DELETE FROM {a} WHERE position = 3", "DELETE FROM {t} WHERE position = 3"],
    "reorder": [
        "UPDATE {t} SET position = -1 WHERE position = 3",
        "UPDATE {t} SET position = 3 WHERE position = 4",
        "UPDATE {t} SET position = 4 WHERE position = -1",
    ],
    "insert": ["INSERT"],
}


def _sqlite_tamper(path: Path, how: str) -> None:
    db = sqlite3.connect(path)
    for trig in ("bilatlog_bilatlog_events_no_update", "bilatlog_bilatlog_events_no_delete",
                 "bilatlog_bilatlog_actors_no_delete", "bilatlog_events_gapless"):  # fmt: skip
        db.execute(f"DROP TRIGGER {trig}")  # what someone with the file could do
    db.execute("PRAGMA foreign_keys=OFF")
    for sql in SQL[how]:
        if sql == "INSERT":
            db.execute(f"INSERT INTO bilatlog_events VALUES ({','.join('?' * 13)})", _forged(7))
        else:
            db.execute(sql.format(t="bilatlog_events", a="bilatlog_actors"))
    db.commit()
    db.close()


def _postgres_tamper(url: str, how: str) -> None:
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?", maxsplit=1)[0], autocommit=True) as conn:  # a superuser
        for table in ("events", "actors"):
            conn.execute(f"ALTER TABLE {schema}.{table} DISABLE TRIGGER ALL")
        for sql in SQL[how]:
            if sql == "INSERT":
                conn.execute(f"INSERT INTO {schema}.events VALUES ({','.join(['%s'] * 13)})",
                             _forged(7))  # fmt: skip
            else:
                conn.execute(sql.format(t=f"{schema}.events", a=f"{schema}.actors"))
        for table in ("events", "actors"):
            conn.execute(f"ALTER TABLE {schema}.{table} ENABLE TRIGGER ALL")


def _jsonl_tamper(path: Path, how: str) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    if how == "change":
        lines[2] = lines[2].replace(b"event 1-0", b"event X-0")
    elif how == "delete":
        del lines[2]
    elif how == "reorder":
        lines[2], lines[3] = lines[3], lines[2]
    else:
        lines.insert(2, lines[2].replace(b"t1-0", b"t9-9"))
    path.write_bytes(b"".join(lines))


EXPECTED = {"change": 3, "delete": 3, "reorder": 3, "insert": 7}


@pytest.mark.parametrize("how", sorted(SQL))
@pytest.mark.parametrize("backend", ["jsonl", "sqlite", "postgres"])
def test_tampering_is_reported_at_the_first_bad_position(backend, how, tmp_path):
    """verify() names the first bad position; reads of the damaged record fail loudly."""
    if backend == "jsonl":
        b = JsonlBackend(tmp_path / "log.jsonl", clock=FakeClock())
        fill(b)
        _jsonl_tamper(tmp_path / "log.jsonl", how)
        fresh = JsonlBackend(tmp_path / "log.jsonl")
        expected = 3  # the line after the damage no longer follows on
    elif backend == "sqlite":
        b = SqliteBackend(tmp_path / "log.db", clock=FakeClock())
        fill(b)
        b.close()
        _sqlite_tamper(tmp_path / "log.db", how)
        fresh = SqliteBackend(tmp_path / "log.db")
        expected = EXPECTED[how]
    else:
        url = postgres_url(str(tmp_path))
        b = PostgresBackend(url, clock=FakeClock())
        fill(b)
        b.close()
        _postgres_tamper(url, how)
        fresh = PostgresBackend(url)
        expected = EXPECTED[how]
    report = fresh.verify()
    assert not report.ok
    assert report.position == expected, report
    with pytest.raises(bl.IntegrityError):
        list(fresh.read())
    if backend != "jsonl":  # (a damaged JSONL file is refused when opened)
        # questions read only the records their answer shows, each checked as it is read: an
        # answer showing the damaged record fails loudly, at its position; a row slipped into
        # the log behind the index is in no answer (verify() reports it, above)
        try:
            shown = len(bl.Timeline(fresh).events())
        except bl.IntegrityError as e:
            assert e.position == expected  # noqa: PT017 - either outcome is checked
        else:
            assert how == "insert"
            assert shown == 6
    fresh.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_flipped_byte_is_caught_or_refused(data):
    """Flip any byte of a JSONL log: verify() fails, reading refuses, or a torn tail is reported."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "log.jsonl"
        fill(JsonlBackend(path, clock=FakeClock()))
        original = path.read_bytes()
        offset = data.draw(st.integers(0, len(original) - 1))
        new = data.draw(st.integers(0, 255).filter(lambda b: b != original[offset]))
        damaged = bytearray(original)
        damaged[offset] = new
        path.write_bytes(bytes(damaged))
        b = JsonlBackend(path)
        report = b.verify()
        refused = False
        try:
            records = list(b.read())
        except bl.IntegrityError:
            refused = True
        else:
            # what still reads back is exactly the original records that precede the damage
            assert len(records) < 6 or not report.ok or report.reason
        assert refused or not report.ok or "torn tail" in report.reason


# -- the attack matrix: every way around the chain that issue 15 found, one row each -----------
#
# Each attack returns the store to open afterwards. The promise: opening it raises
# IntegrityError, or (where the damage is only visible to a full check) verify() is not
# ok — never a quiet answer. Records are never moved aside.


def _jsonl_store(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    fill(JsonlBackend(path, clock=FakeClock()))
    return path


def _sqlite_store(tmp_path: Path) -> Path:
    path = tmp_path / "log.db"
    b = SqliteBackend(path, clock=FakeClock())
    fill(b)
    b.close()
    return path


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _rehashed(line: bytes, **changes: object) -> bytes:
    env = {**json.loads(line), **changes}
    env.pop("hash")
    env["hash"] = hash_envelope(env)
    return (json.dumps(env) + "\n").encode()


def jsonl_older_copy(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    path.write_bytes(b"".join(_lines(path)[:4]))  # a checkout of an older, intact file
    return path


def jsonl_truncated_tail(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    path.write_bytes(b"".join(_lines(path)[:5]))  # the last line of an acknowledged batch
    return path


def jsonl_cut_mid_line(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    path.write_bytes(path.read_bytes()[:-40])  # looks like a torn tail, but was acknowledged
    return path


def jsonl_forked(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    other = tmp_path / "other.jsonl"
    b = JsonlBackend(other, clock=FakeClock())
    b.append([bl.Event(id=f"o{i}", type="talks.held", on="2021") for i in range(6)])
    path.write_bytes(other.read_bytes())
    return path


def jsonl_wiped(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    path.unlink()
    return path


def jsonl_batch_marker_edited(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    lines = _lines(path)
    path.write_bytes(
        b"".join([*lines[:4], *(x.replace(b'"batch":6', b'"batch":8') for x in lines[4:])])
    )
    return path


def jsonl_damaged_final_line(tmp_path: Path) -> Path:
    path = _jsonl_store(tmp_path)
    lines = _lines(path)
    lines[-1] = lines[-1][:-25] + b"\n"
    path.write_bytes(b"".join(lines))
    return path


def jsonl_other_format(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    path.write_text("id,type,on\ne1,talks.held,2020\n")
    return path


def jsonl_rehashed_rewrite(tmp_path: Path) -> Path:
    """The whole chain recomputed after a change: only the remembered head sees it."""
    path = _jsonl_store(tmp_path)
    lines = _lines(path)
    prev = json.loads(lines[1])["hash"]
    out = lines[:2]
    for line in lines[2:]:
        env = json.loads(line)
        if env["position"] == 3:
            env["record"]["summary"] = "rewritten history"
        new = _rehashed(json.dumps({**env, "prev": prev}).encode())
        prev = json.loads(new)["hash"]
        out.append(new)
    path.write_bytes(b"".join(out))
    return path


def jsonl_javascript_url(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    record = {"id": "x", "type": "talks.held", "on": "2020",
              "sources": [{"outlet": "o", "url": "javascript:alert(1)"}]}  # fmt: skip
    env = {"v": 1, "position": 1, "recorded_at": "2021-10-15T00:00:00.000000Z",
           "kind": "event", "record": record, "prev": "", "batch": 1}  # fmt: skip
    path.write_text(json.dumps({**env, "hash": hash_envelope(env)}) + "\n")
    return path


def jsonl_deep_nesting(tmp_path: Path) -> Path:
    path = tmp_path / "log.jsonl"
    path.write_text('{"v":1,"position":1,"record":' + "[" * 100_000 + "]" * 100_000 + "}\n")
    return path


def _sqlite_sql(*statements: str, drop: tuple[str, ...] = (), actors: bool = False) -> object:
    def attack(tmp_path: Path) -> Path:
        path = _sqlite_store(tmp_path)
        if actors:
            b = SqliteBackend(path, clock=FakeClock())
            b.append([bl.Event(id="with-actors", type="talks.held", on="2021", actors=["US.DEA"])])
            b.close()
        db = sqlite3.connect(path)
        for trigger in drop:
            db.execute(f"DROP TRIGGER {trigger}")
        for sql in statements:
            with contextlib.suppress(sqlite3.DatabaseError):  # refused by a trigger
                db.execute(sql)
        db.commit()
        db.close()
        return path

    return attack


def sqlite_dropped_and_recreated(tmp_path: Path) -> Path:
    path = _sqlite_store(tmp_path)
    db = sqlite3.connect(path)
    for table in ("bilatlog_actors", "bilatlog_events", "bilatlog_meta"):
        db.execute(f"DROP TABLE {table}")
    db.commit()
    db.close()
    return path


def sqlite_older_copy(tmp_path: Path) -> Path:
    path = tmp_path / "log.db"
    b = SqliteBackend(path, clock=FakeClock())
    b.append([bl.Event(id="a", type="talks.held", on="2020")])
    b.close()
    old = path.read_bytes()
    b = SqliteBackend(path, clock=FakeClock())
    b.append([bl.Event(id="b", type="talks.held", on="2020")])
    b.close()
    path.write_bytes(old)
    return path


_REPLACE = (
    "INSERT OR REPLACE INTO bilatlog_events SELECT 7, id, kind, type, track, status, lo, hi, "
    "target, recorded_at, prev_hash, hash, body FROM bilatlog_events WHERE position = 2"
)

ATTACKS = {
    "jsonl: replaced by an older copy": (jsonl_older_copy, "open"),
    "jsonl: acknowledged last line removed": (jsonl_truncated_tail, "open"),
    "jsonl: acknowledged batch cut mid-line": (jsonl_cut_mid_line, "open"),
    "jsonl: replaced by another log (fork)": (jsonl_forked, "open"),
    "jsonl: deleted and started again": (jsonl_wiped, "open"),
    "jsonl: batch markers edited to look unfinished": (jsonl_batch_marker_edited, "open"),
    "jsonl: damaged final line with its newline": (jsonl_damaged_final_line, "open"),
    "jsonl: a file in another format": (jsonl_other_format, "open"),
    "jsonl: history rewritten and the chain recomputed": (jsonl_rehashed_rewrite, "open"),
    "jsonl: crafted javascript: url with a valid hash": (jsonl_javascript_url, "open"),
    "jsonl: nesting 100,000 deep": (jsonl_deep_nesting, "open"),
    "sqlite: INSERT OR REPLACE over an id": (_sqlite_sql(_REPLACE), "intact"),
    "sqlite: INSERT OR REPLACE into bilatlog_meta": (
        _sqlite_sql("INSERT OR REPLACE INTO bilatlog_meta VALUES ('schema_version', '0')"),
        "intact",
    ),
    "sqlite: an actor row inserted by hand": (
        _sqlite_sql("INSERT INTO bilatlog_actors VALUES ('CN', 2)"),
        "verify",
    ),
    "sqlite: an actor row deleted (trigger dropped)": (
        _sqlite_sql(
            "DELETE FROM bilatlog_actors WHERE actor = 'US'",
            actors=True,
            drop=("bilatlog_bilatlog_actors_no_delete",),
        ),
        "verify",
    ),
    "sqlite: tables dropped and recreated": (sqlite_dropped_and_recreated, "open"),
    "sqlite: replaced by an older copy": (sqlite_older_copy, "open"),
    "sqlite: last rows deleted (triggers dropped)": (
        _sqlite_sql(
            "DELETE FROM bilatlog_events WHERE position > 4",
            drop=("bilatlog_bilatlog_events_no_delete",),
        ),
        "open",
    ),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_matrix(attack, tmp_path):
    """Each attack is refused on open, or found by verify(), or cannot change a row at all."""
    make, outcome = ATTACKS[attack]
    path = make(tmp_path)
    before = path.read_bytes() if path.exists() else None
    if outcome == "intact":
        b = SqliteBackend(path)
        assert b.verify().ok
        assert [r.id for r in b.read()] == [f"t{k}-{i}" for k in range(3) for i in range(2)]
        return
    if outcome == "verify":
        report = SqliteBackend(path).verify()
        assert not report.ok
        assert report.position is not None
        return

    def use() -> None:
        tl = bl.open(path)
        tl.state_at("2020")
        tl.record("talks.held", on="2021")

    with pytest.raises(bl.IntegrityError):
        use()
    after = path.read_bytes() if path.exists() else None
    assert after == before  # refused: nothing written, nothing moved aside
    assert not any(".torn-" in p.name for p in tmp_path.iterdir())


PG_ATTACKS = {
    "postgres: an actor row inserted (superuser)": (
        "INSERT INTO {s}.actors VALUES ('CN', 2)", "verify"),
    "postgres: last rows deleted (superuser, triggers off)": (
        "DELETE FROM {s}.events WHERE position > 4", "open"),
    "postgres: schema dropped and recreated": ("DROP SCHEMA {s} CASCADE", "open"),
}  # fmt: skip


@pytest.mark.parametrize("attack", sorted(PG_ATTACKS))
def test_postgres_attack_matrix(attack, tmp_path):
    """The same promise on PostgreSQL, against a superuser who disables the triggers."""
    sql, outcome = PG_ATTACKS[attack]
    url = postgres_url(str(tmp_path))
    b = PostgresBackend(url, clock=FakeClock())
    fill(b)
    schema = b.schema
    b.close()
    with psycopg.connect(url.split("?", maxsplit=1)[0], autocommit=True) as conn:
        if not sql.startswith("DROP"):
            for table in ("events", "actors"):
                conn.execute(f"ALTER TABLE {schema}.{table} DISABLE TRIGGER ALL")
        conn.execute(sql.format(s=schema))
        if not sql.startswith("DROP"):
            for table in ("events", "actors"):
                conn.execute(f"ALTER TABLE {schema}.{table} ENABLE TRIGGER ALL")
    if outcome == "verify":
        report = PostgresBackend(url).verify()
        assert not report.ok
        assert report.position == 2
    else:
        with pytest.raises(bl.IntegrityError):
            PostgresBackend(url)


# -- the index attack matrix: the derived bitemporal index (issue 14) against the trust rules --
#
# The index is derived data. The promise: raw SQL cannot change it past its guards (the one
# write allowed closes a version, once, by its event's fix); past them (guards dropped),
# verify() reports the row; and a damaged, stale, linked or missing index never stops the
# log or changes an answer once rebuilt.

OPEN = 2**62


def _indexed_store(path: Path) -> Path:
    tl = bl.open(path, clock=FakeClock())
    a = tl.record("x.y", on="2020-01", track="t", status="active", actors=["US.DEA"])
    tl.record("x.y", on="2021-03-02", track="t", status="ended")
    tl.correct(a.id, reason="exact day", on="2020-01-15")
    b = tl.record("x.y", on="2019", track="u", status="active")
    tl.retract(b.id, reason="duplicate")  # position 5: a retraction, which opens no version
    tl.state_at("2020")  # (a JSONL log files its sidecar)
    tl.close()
    return path


def _answers(path: Path) -> list[object]:
    """What the questions answer (ids aside: each store draws its own)."""
    with bl.open(path) as tl:
        return [
            sorted((track, s.status, str(s.truth), s.since.edtf) for track, s in state.items())
            for at in ("2019-06-01", "2020-01-10", "2020-06-01", "2022")
            for known in (3, None)
            for state in [tl.state_at(at, known_at=known)]
        ]


_FORGED = (f"INSERT INTO bilatlog_versions VALUES (5, {OPEN}, 4, 'u', 'forged', 1, 737060, "
           "737060, '2019-01-01', 737060, NULL, NULL, NULL, NULL)")  # fmt: skip


def _index_sql(*statements: str, unguard: bool = False) -> object:
    def attack(tmp_path: Path) -> Path:
        path = _indexed_store(tmp_path / "t.db")
        db = sqlite3.connect(path)
        if unguard:
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'bilatlog_versions'"
            ).fetchall():
                db.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            try:
                db.execute(sql)
            except sqlite3.DatabaseError as e:
                attack.refused = "bilatlog" in str(e)  # type: ignore[attr-defined] # a guard's
        db.commit()
        db.close()
        return path

    attack.refused = False  # type: ignore[attr-defined]
    return attack


def _sidecar(change: object, *, log: object = None) -> object:
    def attack(tmp_path: Path) -> Path:
        path = _indexed_store(tmp_path / "t.jsonl")
        side = tmp_path / "t.jsonl.index.db"
        change(side)  # type: ignore[operator]
        if log is not None:
            log(path)  # type: ignore[operator]
        return path

    return attack


def _forge_sidecar(side: Path) -> None:
    db = sqlite3.connect(side)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    db.execute("UPDATE bilatlog_versions SET status = 'forged' WHERE sys_from = 2")
    db.commit()
    db.close()


def _link_sidecar_to_another_database(side: Path) -> None:
    side.unlink()
    other = side.with_name("precious.db")
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE precious(x)")
    db.commit()
    db.close()
    side.symlink_to(other.name)


def _folder_for_sidecar(side: Path) -> None:
    side.unlink()
    side.mkdir()


def _other_logs_sidecar(side: Path) -> None:
    other = _indexed_store(side.parent / "o.jsonl")  # same shape, other hashes
    side.write_bytes((other.parent / "o.jsonl.index.db").read_bytes())


def _appended_by_an_older_bilatlog(path: Path) -> None:
    JsonlBackend(path).append([bl.Event(id="late", type="x.y", on="2022-06", track="t",
                                        status="restored")])  # fmt: skip


def _nothing(_side: Path) -> None:
    pass


INDEX_ATTACKS = {
    "sqlite index: a version's status UPDATEd": (
        _index_sql("UPDATE bilatlog_versions SET status = 'forged' WHERE sys_from = 2"), "refused"),
    "sqlite index: a version DELETEd": (
        _index_sql("DELETE FROM bilatlog_versions WHERE sys_from = 2"), "refused"),
    "sqlite index: INSERT OR REPLACE over a version": (
        _index_sql("INSERT OR REPLACE INTO bilatlog_versions SELECT * FROM bilatlog_versions "
                   "WHERE sys_from = 2"), "refused"),
    "sqlite index: a forged version in a retraction's free slot": (_index_sql(_FORGED), "refused"),
    "sqlite index: a version closed twice": (
        _index_sql("UPDATE bilatlog_versions SET sys_to = 5 WHERE sys_from = 1"), "refused"),
    "sqlite index: a version reopened": (
        _index_sql(f"UPDATE bilatlog_versions SET sys_to = {OPEN} WHERE sys_from = 4"),
        "refused"),
    "sqlite index: a version changed (guards dropped)": (
        _index_sql("UPDATE bilatlog_versions SET status = 'ended' WHERE sys_from = 3",
                   unguard=True), "verify"),
    "sqlite index: a version keyed 0 slipped in (guards dropped)": (
        _index_sql(_FORGED.replace("VALUES (5,", "VALUES (0,"), unguard=True), "verify"),
    "sqlite index: a version keyed -7 slipped in (guards dropped)": (
        _index_sql(_FORGED.replace("VALUES (5,", "VALUES (-7,"), unguard=True), "verify"),
    "sqlite index: dropped and recreated with a forged row": (
        _index_sql("CREATE TABLE keep AS SELECT * FROM bilatlog_versions",
                   "DROP TABLE bilatlog_versions",
                   "CREATE TABLE bilatlog_versions AS SELECT * FROM keep",
                   "UPDATE bilatlog_versions SET status = 'forged' WHERE sys_from = 4",
                   "DROP TABLE keep"), "verify"),
    "sqlite index: guards dropped (put back on open)": (_index_sql(unguard=True), "answers"),
    "sqlite index: table dropped (rebuilt on open)": (
        _index_sql("DROP TABLE bilatlog_versions"), "answers"),
    "sqlite index: table renamed away with its guards": (
        _index_sql("ALTER TABLE bilatlog_versions RENAME TO old_versions"), "answers"),
    "sqlite index: a column added": (
        _index_sql("ALTER TABLE bilatlog_versions ADD COLUMN z TEXT"), "answers"),
    "sqlite index: a query index dropped": (
        _index_sql("DROP INDEX bilatlog_versions_track"), "answers"),
    "jsonl sidecar: a version forged in it (guards dropped)": (_sidecar(_forge_sidecar), "verify"),
    "jsonl sidecar: another log's, of the same length": (_sidecar(_other_logs_sidecar), "answers"),
    "jsonl sidecar: stale (the log appended by an older bilatlog)": (
        _sidecar(_nothing, log=_appended_by_an_older_bilatlog), "answers"),
    "jsonl sidecar: cut short": (
        _sidecar(lambda s: s.write_bytes(s.read_bytes()[:3000])), "answers"),
    "jsonl sidecar: not a database": (
        _sidecar(lambda s: s.write_bytes(b"not a database " * 100)), "answers"),
    "jsonl sidecar: a link to the log itself": (
        _sidecar(lambda s: (s.unlink(), s.symlink_to("t.jsonl"))), "answers"),
    "jsonl sidecar: a link to another database": (
        _sidecar(_link_sidecar_to_another_database), "answers"),
    "jsonl sidecar: a folder in its place": (_sidecar(_folder_for_sidecar), "answers"),
    "jsonl sidecar: deleted": (_sidecar(lambda s: s.unlink()), "answers"),
}  # fmt: skip


@pytest.mark.parametrize("attack", sorted(INDEX_ATTACKS))
def test_index_attack_matrix(attack, tmp_path):
    """Each attack on the index is refused by the database, found by verify(), or answered
    past (rebuilt from the log): never a quiet wrong answer from a store that verifies."""
    make, outcome = INDEX_ATTACKS[attack]
    suffix = ".jsonl" if attack.startswith("jsonl") else ".db"
    reference = _indexed_store(tmp_path / f"reference{suffix}")
    want = _answers(reference)
    if "older bilatlog" in attack:
        _appended_by_an_older_bilatlog(reference)
        want = _answers(reference)
    (tmp_path / "attacked").mkdir()
    path = make(tmp_path / "attacked")
    others = {p.name: p.read_bytes() for p in path.parent.iterdir()
              if p.is_file() and not p.is_symlink() and p.name.startswith("precious")}  # fmt: skip
    if outcome == "refused":
        assert make.refused
        with bl.open(path) as tl:
            assert tl.verify().ok
        assert _answers(path) == want
    elif outcome == "verify":
        with bl.open(path) as tl:
            report = tl.verify()
            assert not report.ok
            assert report.position is not None
            assert "derived" in report.reason
            tl.reindex(progress=False)
            assert tl.verify().ok
        assert _answers(path) == want
    else:
        assert _answers(path) == want
        with bl.open(path) as tl:
            assert tl.verify().ok
            tl.record("x.y", on="2023", track="t", status="restored")  # and it takes appends
            assert tl.verify().ok
        if suffix == ".db":  # and its guards hold again
            db = sqlite3.connect(path)
            with pytest.raises(sqlite3.DatabaseError, match="bilatlog"):
                db.execute("UPDATE bilatlog_versions SET status = 'forged' WHERE sys_from = 2")
            db.close()
    for name, data in others.items():  # nothing written through a link into another file
        assert (path.parent / name).read_bytes() == data
