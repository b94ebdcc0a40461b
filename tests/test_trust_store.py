"""Trust in the store's bytes: torn tails, raw SQL, decode limits, threads, locks, bad input.

Issue 15, points 3 to 9: only a missing final newline is a torn tail; no way
around SQLite's triggers; derived tables are rebuilt by verify(); nesting and
crafted records never reach a RecursionError or an href; a Timeline shared by
threads stays correct; readers never wait on writers for ever.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.backends import JsonlBackend, SqliteBackend
from bilatlog.testing import FakeClock


def fill(path: Path, batches: int = 2, size: int = 2) -> None:
    b = (
        JsonlBackend(path, clock=FakeClock())
        if path.suffix == ".jsonl"
        else SqliteBackend(path, clock=FakeClock())
    )
    for k in range(batches):
        b.append([bl.Event(id=f"e{k}-{i}", type="talks.held", on="2020", actors=["US"])
                  for i in range(size)])  # fmt: skip
    b.close()


def crafted_line(position: int, prev: str, record: dict, batch: int | None = None) -> str:
    """A JSONL line with a *valid* hash: what someone who read the format can write."""
    env = {"v": 1, "position": position, "recorded_at": "2021-10-15T00:00:00.000000Z",
           "kind": "event", "record": record, "prev": prev}  # fmt: skip
    canonical = json.dumps(env, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.sha256(canonical.encode()).hexdigest()
    return json.dumps({**env, "batch": batch or position, "hash": h}) + "\n"


# -- 3. JSONL: only a missing final newline is a torn tail -----------------------------------


def test_a_damaged_final_line_that_ends_in_a_newline_is_corruption(tmp_path):
    """A final line written whole (newline and all) but damaged is reported at its line."""
    path = tmp_path / "log.jsonl"
    fill(path)
    data = path.read_bytes()
    path.write_bytes(data[:-20] + b"garbage\n")
    with pytest.raises(bl.IntegrityError) as caught:
        JsonlBackend(path).head  # noqa: B018
    assert caught.value.line == 4
    report = JsonlBackend(path).verify()
    assert not report.ok
    assert report.line == 4
    with pytest.raises(bl.IntegrityError):
        JsonlBackend(path).append([bl.Event(type="talks.held", on="2021")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]  # nothing set aside


def test_a_final_line_without_its_newline_is_a_torn_tail(tmp_path):
    """The one shape a crash leaves: readers ignore it, the next writer sets it aside."""
    path = tmp_path / "log.jsonl"
    fill(path, 1)
    twin = tmp_path / "twin.jsonl"
    fill(twin, 2)
    path.write_bytes(twin.read_bytes()[:-10])  # batch 2 in flight when the power went
    b = JsonlBackend(path)
    assert b.head == 2
    assert "torn tail" in b.verify().reason
    with pytest.warns(bl.BilatlogWarning, match="unacknowledged"):
        b.append([bl.Event(type="talks.held", on="2021")])
    assert b.head == 3


def test_an_edited_batch_marker_is_never_a_reason_to_move_records_aside(tmp_path):
    """A batch marker edited to look unfinished: refused (the store remembers its head)."""
    path = tmp_path / "log.jsonl"
    fill(path)
    path.write_text(path.read_text().replace('"batch":4', '"batch":5'))  # lines 3 and 4
    with pytest.raises(bl.IntegrityError) as caught:
        JsonlBackend(path).append([bl.Event(type="talks.held", on="2021")])
    assert caught.value.position == 3
    assert not JsonlBackend(path).verify().ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]


def test_the_batch_marker_is_inside_the_hash(tmp_path):
    """Each line carries its batch's end inside the hash: an edit shows even with no memory."""
    path = tmp_path / "log.jsonl"
    fill(path)
    lines = path.read_bytes().splitlines(keepends=True)
    assert [json.loads(x)["batch_end"] for x in lines] == [2, 2, 4, 4]
    for memory in Path(os.environ["BILATLOG_STATE_DIR"]).iterdir():
        memory.unlink()  # a fresh clone on another machine: no remembered head
    edited = [*lines[:2], *(x.replace(b'"batch":4', b'"batch":5').replace(
        b'"batch_end":4', b'"batch_end":5') for x in lines[2:])]  # fmt: skip
    path.write_bytes(b"".join(edited))
    with pytest.raises(bl.IntegrityError, match="hash") as caught:
        JsonlBackend(path).append([bl.Event(type="talks.held", on="2021")])
    assert caught.value.line == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]


def test_a_copy_keeps_its_batches_and_hashes(tmp_path):
    """JSONL -> SQLite -> JSONL: same hashes, same batches (the markers are in the hash)."""
    src = tmp_path / "a.jsonl"
    fill(src, 3, 3)
    mid = bl.open(tmp_path / "b.db")
    mid.copy_from(bl.open(src), batch=2)
    back = bl.open(tmp_path / "c.jsonl")
    back.copy_from(mid, batch=2)
    assert (tmp_path / "c.jsonl").read_bytes() == src.read_bytes()
    assert back.verify().ok


def test_a_verbatim_copy_never_cuts_a_batch(tmp_path, capsys):
    """Exporting a store as known mid-batch is refused, naming the batch end; whole works."""
    from bilatlog.cli import main  # noqa: PLC0415

    src = tmp_path / "a.jsonl"
    fill(src, 2, 3)
    code = main(["--store", str(src), "export", "bilatlog", "--to", str(tmp_path / "b.jsonl"),
                 "--known-at", "5"])  # fmt: skip
    assert code == 2
    assert "--known-at 6" in capsys.readouterr().err
    assert not (tmp_path / "b.jsonl").exists()
    with pytest.raises(bl.IntegrityError, match="where a batch ends"):
        JsonlBackend(tmp_path / "c.jsonl").copy_in(list(JsonlBackend(src).read(1, 5)))
    code = main(["--store", str(src), "export", "bilatlog", "--to", str(tmp_path / "b.jsonl"),
                 "--known-at", "3"])  # fmt: skip
    assert code == 0
    assert bl.open(tmp_path / "b.jsonl").verify(expect=bl.open(src).checkpoint()).ok is False
    assert bl.open(tmp_path / "b.jsonl").position == 3


@pytest.mark.parametrize(
    "content",
    [
        b"id,type,on\n1,talks.held,2020\n",
        b"PK\x03\x04binary\x00\x01\n",
        b"[1, 2, 3]\n",
        b'{"not": "an envelope"}\n',
        b"\xef\xbb\xbf{}\n",
    ],
    ids=["csv", "zip", "array", "object", "bom"],
)
def test_a_file_in_another_format_is_reported_at_line_1(content, tmp_path):
    """A CSV (or anything else) named .jsonl is corruption at line 1, never a torn tail."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(content)
    with pytest.raises(bl.IntegrityError) as caught:
        JsonlBackend(path).head  # noqa: B018
    assert caught.value.line == 1
    assert path.read_bytes() == content
    with pytest.raises(bl.IntegrityError):
        JsonlBackend(path).append([bl.Event(type="talks.held", on="2021")])
    assert path.read_bytes() == content


def test_fixtures_and_todays_files_still_load(tmp_path):
    """The pinned format-v1 envelopes and the bundled example still load and verify."""
    from bilatlog.backends._records import verify_envelopes  # noqa: PLC0415

    root = Path(__file__).parent.parent / "fixtures"
    for name in ("format-v1.jsonl", "us_mexico_security.jsonl"):
        envelopes = [json.loads(x) for x in (root / name).read_text().splitlines()]
        assert verify_envelopes(envelopes, bl.open().backend.codec).ok, name
    assert bl.examples.us_mexico().verify().ok
    path = tmp_path / "today.jsonl"
    fill(path)
    assert bl.open(path, readonly=True).verify().ok


# -- 4. SQLite: no way around the triggers --------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        (
            "INSERT OR REPLACE INTO bilatlog_events SELECT 5, id, kind, type, track, status, "
            "lo, hi, target, recorded_at, prev_hash, hash, body FROM bilatlog_events "
            "WHERE position = 1"
        ),
        "REPLACE INTO bilatlog_events SELECT * FROM bilatlog_events WHERE position = 2",
        "INSERT OR REPLACE INTO bilatlog_meta(key, value) VALUES ('schema_version', '0')",
        "INSERT OR REPLACE INTO bilatlog_actors(actor, position) VALUES ('US', 1)",
        "INSERT OR IGNORE INTO bilatlog_meta(key, value) VALUES ('schema_version', '0')",
        "UPDATE bilatlog_meta SET value = '0'",
        "DELETE FROM bilatlog_meta",
        "UPDATE OR REPLACE bilatlog_events SET position = 1 WHERE position = 2",
    ],
    ids=[
        "replace-by-id",
        "replace-row",
        "replace-meta",
        "replace-actor",
        "ignore-meta",
        "update-meta",
        "delete-meta",
        "update-or-replace",
    ],
)
def test_sqlite_replace_cannot_get_past_the_triggers(sql, tmp_path):
    """INSERT OR REPLACE (which deletes without DELETE triggers) and friends change nothing."""
    path = tmp_path / "log.db"
    fill(path)
    db = sqlite3.connect(path)
    before = db.execute("SELECT * FROM bilatlog_events ORDER BY position").fetchall()
    meta = db.execute("SELECT * FROM bilatlog_meta").fetchall()
    try:
        db.execute(sql)
        db.commit()
    except sqlite3.DatabaseError:
        db.rollback()
    assert db.execute("SELECT * FROM bilatlog_events ORDER BY position").fetchall() == before
    assert db.execute("SELECT * FROM bilatlog_meta").fetchall() == meta
    db.close()
    assert SqliteBackend(path).verify().ok


@pytest.mark.parametrize("change", ["add", "remove"])
def test_sqlite_verify_rebuilds_the_actors_table(change, tmp_path):
    """An actor row added (or removed, triggers dropped) by hand is found by verify()."""
    path = tmp_path / "log.db"
    fill(path)
    db = sqlite3.connect(path)
    if change == "add":
        db.execute("INSERT INTO bilatlog_actors(actor, position) VALUES ('CN', 2)")
    else:
        db.execute("DROP TRIGGER bilatlog_bilatlog_actors_no_delete")
        db.execute("DELETE FROM bilatlog_actors WHERE position = 3")
    db.commit()
    db.close()
    b = SqliteBackend(path)
    report = b.verify()
    assert not report.ok
    assert report.position == (2 if change == "add" else 3)
    assert "actors table" in report.reason


# -- 5. limits on what is decoded ------------------------------------------------------------


def _deep(n: int) -> object:
    value: object = 1
    for _ in range(n):
        value = {"x": value}
    return value


def test_deep_nesting_is_a_validation_error_on_input():
    """Data nested deeper than the documented limit (32) is refused, never a RecursionError."""
    for depth in (40, 5_000, 100_000):
        with pytest.raises(bl.ValidationError, match="nested deeper than 32"):
            bl.Event(type="talks.held", on="2020", data={"d": _deep(depth)})


@pytest.mark.parametrize("depth", [40, 600, 100_000])
def test_deep_nesting_in_a_stored_file_is_an_integrity_error(depth, tmp_path):
    """A crafted line nested deep (with a valid hash) is IntegrityError on open and verify."""
    path = tmp_path / "log.jsonl"
    if depth < 1000:
        line = crafted_line(1, "", {"id": "d", "type": "a.b", "on": "2020", "data": _deep(depth)})
    else:
        line = '{"v":1,"position":1,"record":' + "[" * depth + "]" * depth + "}\n"
    path.write_text(line)
    with pytest.raises(bl.IntegrityError):
        bl.open(path).state_at("2020")
    assert not JsonlBackend(path).verify().ok


def test_deep_nesting_in_an_sqlite_body_is_an_integrity_error(tmp_path):
    """A body made deep by hand (its hash recomputed) is refused on read, not a RecursionError."""
    path = tmp_path / "log.db"
    fill(path, 1, 1)
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER bilatlog_bilatlog_events_no_update")
    body = '{"v":1,"record":' + "[" * 100_000 + "]" * 100_000 + "}"
    db.execute("UPDATE bilatlog_events SET body = ?, hash = ?",
               (body, hashlib.sha256(body.encode()).hexdigest()))  # fmt: skip
    db.commit()
    db.close()
    with pytest.raises(bl.IntegrityError, match="different record"):
        SqliteBackend(path)  # the remembered head: this record is not the one acknowledged
    for memory in Path(os.environ["BILATLOG_STATE_DIR"]).iterdir():
        memory.unlink()  # a reader with no memory of it still never sees a RecursionError
    b = SqliteBackend(path)
    with pytest.raises(bl.IntegrityError):
        list(b.read())
    assert not b.verify().ok


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "https://ok.org/\x1b[2J", "ftp://x"]
)
def test_a_crafted_url_never_reaches_an_href(url, tmp_path):
    """A file with a valid hash but a non-http source URL is refused before anything renders."""
    path = tmp_path / "log.jsonl"
    record = {"id": "x", "type": "talks.held", "on": "2020",
              "sources": [{"outlet": "o", "url": url}]}  # fmt: skip
    path.write_text(crafted_line(1, "", record))
    tl = bl.open(path)
    with pytest.raises(bl.IntegrityError, match="url"):
        tl._repr_html_()
    with pytest.raises(bl.IntegrityError):
        list(tl.events())


# -- 6. threads -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [None, ".jsonl", ".db"])
def test_one_timeline_shared_by_threads_stays_correct(suffix, tmp_path):
    """4 writing and 4 reading threads on one Timeline: every answer counts each event once.

    (Without the timeline's lock, a JSONL timeline of this size answers with
    duplicates in most runs: the index caught up in two threads at once.)
    """
    tl = bl.open(tmp_path / f"log{suffix}" if suffix else None)
    per_writer, errors, seen = 100, [], []

    def write(w: int) -> None:
        try:
            for i in range(per_writer):
                tl.record("talks.held", on=f"20{10 + i % 10}", id=f"w{w}-{i}", track="talks",
                          status="held")  # fmt: skip
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def read() -> None:
        try:
            for _ in range(40):
                known = tl.position
                events = list(tl.events(known_at=known))
                seen.append((known, len(events), len({e.event.id for e in events})))
                tl.state_at("2015")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    threads += [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(n == unique <= known for known, n, unique in seen)
    assert [n for known, n, _ in seen if n != known] == []
    assert len(list(tl.events())) == tl.position == 4 * per_writer
    assert tl.verify().ok


# -- 7. readers never wait on writers ----------------------------------------------------------


def test_sqlite_reads_do_not_wait_for_a_write_transaction(tmp_path):
    """Another connection holds BEGIN IMMEDIATE: opening, reading and verifying still work."""
    path = tmp_path / "log.db"
    fill(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for readonly in (True, False):
            b = SqliteBackend(path, timeout=0.2, readonly=readonly)  # would fail if it waited
            assert b.head == 4
            assert len(list(b.read())) == 4
            assert b.verify().ok
            b.close()
        with pytest.raises(bl.StorageError, match="could not lock"):
            SqliteBackend(path, timeout=0.2).append([bl.Event(type="talks.held", on="2021")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_held_jsonl_lock_ends_in_a_storage_error(tmp_path):
    """A lock held for ever (a stopped writer) ends reads, appends and verify in a StorageError."""
    path = tmp_path / "log.jsonl"
    fill(path)
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        b = JsonlBackend(path, lock_timeout=0.2)
        for call in (lambda: b.head, b.verify,
                     lambda: b.append([bl.Event(type="talks.held", on="2021")])):  # fmt: skip
            with pytest.raises(bl.StorageError, match=r"within 0\.2 s"):
                call()
    finally:
        os.close(fd)
    assert JsonlBackend(path, lock_timeout=0.2).head == 4


# -- 9. every bad input is a typed error --------------------------------------------------------


@pytest.mark.parametrize("batch", [None, 5, "event", b"x", {"type": "a.b"}], ids=repr)
def test_append_of_something_that_is_not_a_batch(batch):
    """tl.append(None), tl.append(5), a string, a dict: ValidationError, nothing written."""
    tl = bl.open()
    with pytest.raises(bl.ValidationError, match="events="):
        tl.append(batch)
    with pytest.raises(bl.ValidationError, match="Event"):
        tl.append([batch])
    assert tl.position == 0


def test_a_quote_needs_an_outlet_or_a_url():
    """A quote with neither outlet nor url cannot be checked: refused."""
    with pytest.raises(bl.ValidationError, match=r"source\.quote"):
        bl.Source(title="A report", quote="we will cooperate")
    assert bl.Source(outlet="Reuters", quote="we will cooperate").quote


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\n", "\r", "\x7f", "\x85", "\u2028"], ids=repr)
@pytest.mark.parametrize("field", ["summary", "outlet", "title", "url"])
def test_one_line_fields_refuse_control_characters(char, field):
    """NUL, ESC, newlines: never in a summary, outlet, title or url (they could fake a row)."""
    if field == "summary":
        make = lambda: bl.Event(type="talks.held", on="2020", summary=f"a{char}b")  # noqa: E731
    elif field == "url":
        make = lambda: bl.Source(url=f"https://example.org/{char}x")  # noqa: E731
    else:
        make = lambda: bl.Source(**{field: f"a{char}b"})  # noqa: E731
    with pytest.raises(bl.ValidationError, match=r"control character|http"):
        make()


def test_quotes_and_reasons_keep_their_line_breaks_but_not_escape_codes():
    """Multi-line text may hold newlines and tabs; NUL and ESC are refused there too."""
    assert bl.Source(outlet="o", quote="line one\nline two\ttabbed").quote
    for char in ("\x00", "\x1b"):
        with pytest.raises(bl.ValidationError, match="control character"):
            bl.Source(outlet="o", quote=f"a{char}b")


def test_stored_records_written_before_the_rule_still_read(tmp_path):
    """A summary with a newline, stored by an older bilatlog, still opens and verifies."""
    path = tmp_path / "log.jsonl"
    path.write_text(crafted_line(1, "", {"id": "x", "type": "talks.held", "on": "2020",
                                         "summary": "two\nlines"}))  # fmt: skip
    tl = bl.open(path)
    assert next(iter(tl.events())).event.summary == "two\nlines"
    assert tl.verify().ok
