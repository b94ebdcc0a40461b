"""PostgreSQL-specific promises: the database enforces them, under real concurrency."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import bilatlog as bl
from bilatlog.backends.postgres import PostgresBackend
from bilatlog.testing import make_event
from pgtest import postgres_url

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")


@pytest.fixture
def url(tmp_path):
    return postgres_url(str(tmp_path))


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.split("?", maxsplit=1)[0], autocommit=True)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {s}.events SET track = 'x'",
        "UPDATE {s}.events SET position = position + 10",
        "DELETE FROM {s}.events WHERE position = 2",
        "TRUNCATE {s}.events CASCADE",
        "TRUNCATE {s}.actors",
        "DELETE FROM {s}.actors",
        "UPDATE {s}.meta SET value = '0'",
        (
            "INSERT INTO {s}.events(position, id, kind, recorded_at, prev_hash, hash, body) "
            "VALUES (10, 'gap', 'event', '2021', '', '', '{{}}')"
        ),
        (  # a gap inside one statement's rows, the first of which follows on
            "INSERT INTO {s}.events(position, id, kind, recorded_at, prev_hash, hash, body) "
            "VALUES (4, 'a', 'event', '2021', '', '', '{{}}'), "
            "(6, 'b', 'event', '2021', '', '', '{{}}')"
        ),
        (  # rows without a gap between them, but not following on from the head
            "INSERT INTO {s}.events(position, id, kind, recorded_at, prev_hash, hash, body) "
            "VALUES (5, 'a', 'event', '2021', '', '', '{{}}'), "
            "(6, 'b', 'event', '2021', '', '', '{{}}')"
        ),
    ],
)
def test_nobody_rewrites_history_through_plain_sql(url, sql):
    """Triggers refuse UPDATE, DELETE, TRUNCATE and gaps, even for a superuser."""
    b = PostgresBackend(url)
    b.append([make_event(on="2020", actors=["US"]) for _ in range(3)])
    schema = b.schema
    with _admin(url) as conn:
        with pytest.raises(psycopg.Error):
            conn.execute(sql.format(s=schema))
        assert conn.execute(f"SELECT COUNT(*) FROM {schema}.events").fetchone()[0] == 3
    assert b.verify().ok
    b.close()


def test_reader_and_writer_roles(url):
    """The setup script's reader cannot append; its writer can append but not rewrite."""
    b = PostgresBackend(url)
    b.append([make_event(on="2020")])
    schema = b.schema
    b.close()
    base = url.split("?")[0]
    subprocess.run(
        ["psql", "-q", "-v", f"schema={schema}", "-v", "writer_password='w'",
         "-v", "reader_password='r'", "-f", str(ROOT / "scripts" / "postgres-roles.sql"), base],
        check=True, capture_output=True,
    )  # fmt: skip
    host = base.split("@", 1)[1]
    reader = PostgresBackend(f"postgresql://bilatlog_reader:r@{host}?schema={schema}")
    assert reader.head == 1
    with pytest.raises(bl.StorageError, match="permission denied") as info:
        reader.append([make_event(on="2021")])
    assert isinstance(info.value.__cause__, psycopg.Error)
    reader.close()
    writer = PostgresBackend(f"postgresql://bilatlog_writer:w@{host}?schema={schema}")
    writer.append([make_event(on="2021")])
    assert writer.head == 2
    writer.close()
    with psycopg.connect(f"postgresql://bilatlog_writer:w@{host}", autocommit=True) as conn:
        with pytest.raises(psycopg.Error):
            conn.execute(f"UPDATE {schema}.events SET track = 'x'")
        with pytest.raises(psycopg.Error):
            conn.execute(f"DELETE FROM {schema}.events")
    assert PostgresBackend(url).verify().ok


def test_eight_processes_gap_free_in_commit_order(url, tmp_path):
    """8 processes append 1,000 events each (half retrying): exactly 8,000, gap-free."""
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                url,
                str(tmp_path / f"ack{i}"),
                f"p{i}",
                "10",
                "100",
                *(["retry"] if i % 2 else []),
            ],
            stderr=subprocess.PIPE,
        )
        for i in range(8)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    b = PostgresBackend(url)
    recs = list(b.read())
    assert len(recs) == 8000
    assert [r.position for r in recs] == list(range(1, 8001))
    assert len({r.id for r in recs}) == 8000
    assert b.verify().ok
    # commit order: recorded_at never decreases along positions
    assert all(a.recorded_at <= c.recorded_at for a, c in itertools.pairwise(recs))
    b.close()


def test_connection_killed_mid_batch_writes_nothing_and_reconnects(url):
    """A batch cut off by a dropped connection leaves nothing; the next append reconnects."""
    b = PostgresBackend(url)
    b.append([make_event(on="2020", id="before")])
    big = [make_event(on="2020", summary="x" * 500) for _ in range(30_000)]
    errors: list[BaseException] = []

    def append() -> None:
        try:
            b.append(big)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    t = threading.Thread(target=append)
    t.start()
    time.sleep(0.5)
    with _admin(url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'bilatlog' AND pid <> pg_backend_pid()"
        )
    t.join(120)
    head = b.head  # a new connection from the pool
    if errors:
        assert isinstance(errors[0], bl.StorageError)
        assert isinstance(errors[0].__cause__, psycopg.Error)
        assert head == 1
    else:  # the batch won the race and committed whole
        assert head == 30_001
    b.append([make_event(on="2021", id="after")])
    assert b.head == head + 1
    assert b.verify().ok
    b.close()


def test_schema_names_are_checked(url):
    """A schema name that is not a plain identifier is refused before any SQL runs."""
    with pytest.raises(bl.ValidationError, match="schema"):
        PostgresBackend(url.split("?")[0] + "?schema=Robert'); DROP TABLE x;--")


def test_two_timelines_share_a_database(url):
    """Two schemas in one database are two independent timelines."""
    base = url.split("?")[0]
    a = bl.open(base + "?schema=" + url.rsplit("=", 1)[1] + "_a")
    c = bl.open(base + "?schema=" + url.rsplit("=", 1)[1] + "_c")
    a.record("talks.held", on="2021")
    assert (a.position, c.position) == (1, 0)
    a.close()
    c.close()


def test_move_jsonl_to_postgres_to_sqlite_and_back_with_identical_hashes(url, tmp_path):
    """Moving a timeline between backends keeps every record: identical hashes, same answers."""
    original = bl.examples.us_mexico()
    jsonl = bl.open(tmp_path / "a.jsonl")
    jsonl.copy_from(original)
    pg = bl.open(url)
    assert pg.copy_from(jsonl) == original.position
    db = bl.open(tmp_path / "b.db")
    db.copy_from(pg)
    back = bl.open(tmp_path / "c.jsonl")
    back.copy_from(db)
    hashes = [r.hash for r in original.backend.read()]
    for tl in (jsonl, pg, db, back):
        assert [r.hash for r in tl.backend.read()] == hashes
        assert tl.verify().ok
    assert back.state_at("2021-12-31", known_at="2021-10-15") == original.state_at(
        "2021-12-31", known_at="2021-10-15"
    )
    assert pg.copy_from(jsonl) == 0  # already there: nothing to do
    other = bl.open(tmp_path / "other.jsonl")
    other.record("talks.held", on="2021")
    with pytest.raises(bl.IntegrityError, match="not a prefix"):
        other.copy_from(pg)


def _roles(url: str, schema: str) -> str:
    """Run the roles script for `schema`; return host:port/db for the role URLs."""
    base = url.split("?", maxsplit=1)[0]
    subprocess.run(
        ["psql", "-q", "-v", f"schema={schema}", "-v", "writer_password='w'",
         "-v", "reader_password='r'", "-f", str(ROOT / "scripts" / "postgres-roles.sql"), base],
        check=True, capture_output=True,
    )  # fmt: skip
    return base.split("@", 1)[1]


def test_a_reader_cannot_stall_the_writers(url):
    """The reader role cannot take the writers' lock; its advisory locks block nobody."""
    b = PostgresBackend(url)
    b.append([make_event(on="2020")])
    schema, key = b.schema, b._lock_key
    b.close()
    host = _roles(url, schema)
    with psycopg.connect(f"postgresql://bilatlog_reader:r@{host}") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SELECT id FROM {schema}.writer_lock FOR UPDATE")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"LOCK TABLE {schema}.writer_lock IN ACCESS EXCLUSIVE MODE")
        conn.rollback()
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))  # the old schema-derived key
        conn.execute(f"LOCK TABLE {schema}.events IN ACCESS SHARE MODE")  # all SELECT allows
        writer = PostgresBackend(f"postgresql://bilatlog_writer:w@{host}?schema={schema}",
                                 timeout=5)  # fmt: skip
        writer.append([make_event(on="2021")])  # not stalled
        assert writer.head == 2
        writer.close()
    with psycopg.connect(f"postgresql://bilatlog_writer:w@{host}", autocommit=True) as conn:
        for sql in (f"UPDATE {schema}.writer_lock SET id = 2", f"DELETE FROM {schema}.writer_lock"):
            with pytest.raises(psycopg.Error):
                conn.execute(sql)


def test_readonly_never_creates_and_never_writes(url):
    """readonly=True: a missing schema is an error (not created); writes are refused."""
    with pytest.raises(bl.StorageError, match="no store at"):
        PostgresBackend(url, readonly=True)
    with psycopg.connect(url.split("?")[0]) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (url.rsplit("=", 1)[1],)
        ).fetchone()
    assert row is None
    PostgresBackend(url).append([make_event(on="2020")])
    tl = bl.open(url, readonly=True)
    assert tl.position == 1
    with pytest.raises(bl.StorageError):
        tl.record("talks.held", on="2021")
    assert tl.verify().ok
    tl.close()


def test_messages_show_the_url_once_without_the_password(url):
    """A refused connection names the store once, with user, host and port, never the password."""
    schema = url.rsplit("=", 1)[1]
    bad = f"postgresql://someone:s3cret-pw@127.0.0.1:1/db?schema={schema}"
    with pytest.raises(bl.StorageError) as caught:
        PostgresBackend(bad, timeout=2)
    text = str(caught.value)
    assert "s3cret-pw" not in text
    assert text.count("postgresql://someone@127.0.0.1:1/db") == 1, text
    assert "s3cret-pw" not in repr(caught.value)


def test_a_postgres_log_rolled_back_is_refused(url):
    """The schema dropped and recreated (a restore of an older dump): IntegrityError on open."""
    b = PostgresBackend(url)
    b.append([make_event(on="2020") for _ in range(3)])
    schema = b.schema
    b.close()
    with _admin(url) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
    with pytest.raises(bl.IntegrityError, match="acknowledged position 3"):
        PostgresBackend(url)
