"""SQLite-specific promises: append-only enforced by the database itself."""

from __future__ import annotations

import sqlite3

import pytest

import bilatlog as bl
from bilatlog.backends import SqliteBackend
from bilatlog.testing import FakeClock, make_event


@pytest.fixture
def db(tmp_path):
    b = SqliteBackend(tmp_path / "log.db", clock=FakeClock())
    b.append([make_event(id=f"s{i}", on="2020", actors=["US.DEA"]) for i in range(3)])
    b.close()
    conn = sqlite3.connect(tmp_path / "log.db")
    yield conn
    conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE bilatlog_events SET summary_changed = 1",
        "UPDATE bilatlog_events SET track = 'x' WHERE position = 2",
        "UPDATE bilatlog_events SET position = position + 10",
        "DELETE FROM bilatlog_events WHERE position = 3",
        "DELETE FROM bilatlog_events",
        "UPDATE bilatlog_actors SET actor = 'MX'",
        "DELETE FROM bilatlog_actors",
        "UPDATE bilatlog_meta SET value = '0'",
        "DELETE FROM bilatlog_meta",
        (
            "INSERT INTO bilatlog_events(position, id, kind, recorded_at, prev_hash, hash, body) "
            "VALUES (10, 'gap', 'event', '2021', '', '', '{}')"
        ),
        (
            "INSERT INTO bilatlog_events(position, id, kind, recorded_at, prev_hash, hash, body) "
            "VALUES (2, 'renumber', 'event', '2021', '', '', '{}')"
        ),
    ],
)
def test_raw_sql_cannot_rewrite_history(db, sql):
    """Triggers refuse UPDATE, DELETE, gaps and re-numbering, whoever sends the SQL."""
    with pytest.raises(sqlite3.DatabaseError):
        db.execute(sql)
    assert db.execute("SELECT COUNT(*) FROM bilatlog_events").fetchone()[0] == 3


def test_queries_use_indexes(tmp_path):
    """A query for one track or one period is answered from an index, not a full scan."""
    b = SqliteBackend(tmp_path / "log.db")
    plans = [
        " ".join(
            str(r)
            for r in b._db.execute(
                "EXPLAIN QUERY PLAN SELECT position FROM bilatlog_events WHERE " + where, params
            )
        )
        for where, params in [
            ("track = ? AND position >= ?", ("t", 1)),
            ("lo >= ? AND lo <= ? AND hi >= ?", (1, 1, 1)),
            ("type GLOB ?", ("operations.*",)),
        ]
    ]
    for plan in plans:
        assert "USING" in plan, plan
    b.close()


def test_verify_catches_a_changed_index_column(tmp_path):
    """An indexed column edited behind the store's back (triggers dropped) is caught."""
    b = SqliteBackend(tmp_path / "log.db", clock=FakeClock())
    b.append([make_event(id=f"s{i}", on="2020", track="t") for i in range(3)])
    b._db.execute("DROP TRIGGER bilatlog_bilatlog_events_no_update")
    b._db.execute("UPDATE bilatlog_events SET track = 'other' WHERE position = 2")
    report = b.verify()
    assert not report.ok
    assert report.position == 2
    assert "indexed column" in report.reason


def test_unknown_targets_are_refused(tmp_path):
    """bl.open names what it accepts; an unreachable PostgreSQL server is a StorageError."""
    with pytest.raises(bl.StorageError, match="connection failed") as info:
        bl.open("postgresql://me@127.0.0.1:1/db")
    assert info.value.__cause__ is not None
    with pytest.raises(bl.ValidationError, match="cannot tell"):
        bl.open(tmp_path / "relations.txt")
    assert isinstance(bl.open(f"sqlite:///{tmp_path / 'x.db'}").backend, SqliteBackend)
    assert isinstance(bl.open(tmp_path / "x.sqlite").backend, SqliteBackend)


def test_a_row_changed_behind_the_stores_back_fails_on_read(tmp_path):
    """Reads check each row's hash: a changed row is an IntegrityError, not a silent answer."""
    b = SqliteBackend(tmp_path / "log.db", clock=FakeClock())
    b.append([make_event(id=f"s{i}", on="2020", track="t") for i in range(3)])
    b._db.execute("DROP TRIGGER bilatlog_bilatlog_events_no_update")
    b._db.execute(
        "UPDATE bilatlog_events SET body = replace(body, '2020', '2021') WHERE position = 2"
    )
    with pytest.raises(bl.IntegrityError) as info:
        list(b.read())
    assert info.value.position == 2


def test_missing_values_are_stored_as_null(tmp_path):
    """Columns a record leaves empty are NULL in the log and the index, not a float.

    Appends bind them as NaN (faster than None in Python's sqlite3), which SQLite stores
    as NULL; a build that kept the NaN as a REAL would put 'real' here.
    """
    b = SqliteBackend(tmp_path / "log.db", clock=FakeClock())
    [e] = b.append([make_event(id="e", on="2020")])  # no track, status, metric or plan
    b.append([bl.Correction(target=e.id, changes={"on": "2021"}, reason="year")])
    log = b._db.execute(
        "SELECT typeof(type), typeof(track), typeof(status), typeof(lo), typeof(target) "
        "FROM bilatlog_events ORDER BY position"
    ).fetchall()
    assert log == [("text", "null", "null", "integer", "null"),
                   ("null", "null", "null", "null", "text")]  # fmt: skip
    index = b._db.execute(
        "SELECT typeof(track), typeof(status), typeof(end_lo), typeof(end_hi), typeof(metric), "
        "typeof(fulfils) FROM bilatlog_versions ORDER BY sys_from"
    ).fetchall()
    assert index == [("null",) * 6] * 2
    assert b.verify().ok
    b.close()
