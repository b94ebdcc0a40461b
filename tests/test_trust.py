"""Trust: no command destroys or creates a store by accident, heads never go backwards unseen.

Issue 15: read commands open read-only and never create; export, copy and
import refuse the store itself; a missing store names close matches; each
store remembers the head it acknowledged; verify() gives the head and checks a
published one; checkpoints can be signed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.backends import JsonlBackend, SqliteBackend
from bilatlog.checkpoint import Checkpoint
from bilatlog.cli import COMMANDS, main
from bilatlog.testing import FakeClock

READ_COMMANDS = {
    "state": ["--at", "2021"],
    "history": ["dea-operations"],
    "explain": ["dea-operations", "--at", "2021"],
    "diff": ["2020", "2021"],
    "events": [],
    "log": [],
    "plans": [],
    "audit": [],
    "replay": ["--from", "2020", "--to", "2021"],
    "export": ["csv", "--to", "OUT"],
    "verify": [],
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_store(path: Path, n: int = 3) -> bl.Timeline:
    tl = bl.open(path, clock=FakeClock())
    for i in range(n):
        tl.record("operations.suspended", on=f"202{i}", track="dea-operations",
                  status="suspended", id=f"e{i}", actors=["US.DEA", "MX"])  # fmt: skip
    return tl


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- 1. no command destroys data, reads never create --------------------------------------


def test_every_read_command_is_listed_as_not_writing():
    """The read commands this suite checks are exactly the CLI's non-writing commands."""
    assert {n for n, (_, writes, _, _) in COMMANDS.items() if not writes} - {"when"} == set(
        READ_COMMANDS
    )


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_a_read_of_a_missing_store_is_an_error_naming_close_matches(
    command, suffix, tmp_path, capsys, monkeypatch
):
    """A typo is exit 2 with 'did you mean', and no file is created."""
    monkeypatch.chdir(tmp_path)
    make_store(tmp_path / f"relations{suffix}").close()
    before = sorted(p.name for p in tmp_path.iterdir())
    args = [a.replace("OUT", "out.csv") for a in READ_COMMANDS[command]]
    code, out, err = run(capsys, "--store", f"relatoins{suffix}", command, *args)
    assert code == 2
    assert f"no store at relatoins{suffix}; did you mean relations{suffix}?" in err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_read_commands_never_write_the_store(command, suffix, tmp_path, capsys):
    """Every read command leaves the store's bytes as they were."""
    store = tmp_path / "s" / f"relations{suffix}"
    store.parent.mkdir()
    make_store(store).close()
    before = store.read_bytes()
    args = [a.replace("OUT", str(tmp_path / "out.csv")) for a in READ_COMMANDS[command]]
    code, _, err = run(capsys, "--store", str(store), command, *args)
    assert code == (1 if command == "audit" else 0), err  # audit: 1 means findings
    assert store.read_bytes() == before
    assert {p.name for p in store.parent.iterdir()} <= {
        store.name, f"{store.name}-wal", f"{store.name}-shm"
    }  # fmt: skip


def _links(tmp_path: Path, store: Path) -> dict[str, str]:
    """Ways to name the store: as given, through .., a symbolic link, a hard link."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sym").symlink_to(store)
    os.link(store, tmp_path / "hard")
    return {
        "same": str(store),
        "dotdot": str(tmp_path / "sub" / ".." / store.name),
        "symlink": str(tmp_path / "sym"),
        "hardlink": str(tmp_path / "hard"),
    }


@pytest.mark.parametrize("how", ["same", "dotdot", "symlink", "hardlink"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "timelinejs", "plover", "bilatlog"])
@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_export_refuses_the_store_itself(how, fmt, suffix, tmp_path, capsys):
    """`export --to` the store (however it is named) is refused, and the store is unchanged."""
    store = tmp_path / f"s{suffix}"
    make_store(store).close()
    target = _links(tmp_path, store)[how]
    before = store.read_bytes()
    code, _, err = run(capsys, "--store", str(store), "export", fmt, "--to", target)
    assert code == 2
    assert "is the store being exported" in err
    assert store.read_bytes() == before
    assert bl.open(store, readonly=True).verify().ok


@pytest.mark.parametrize("how", ["same", "dotdot", "symlink", "hardlink"])
@pytest.mark.parametrize("kind", ["bilatlog", "icews", "plover"])
def test_import_refuses_the_store_itself(how, kind, tmp_path, capsys):
    """`import FORMAT <the store>` is refused, and the store is unchanged."""
    store = tmp_path / "s.jsonl"
    make_store(store).close()
    target = _links(tmp_path, store)[how]
    before = store.read_bytes()
    code, _, err = run(capsys, "--store", str(store), "import", kind, target)
    assert code == 2
    assert "is the store itself" in err
    assert store.read_bytes() == before


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_copy_refuses_the_store_itself(suffix, tmp_path, capsys):
    """`copy <the store>` is refused, whether named as given, through .. or by a link."""
    store = tmp_path / f"s{suffix}"
    make_store(store).close()
    names = _links(tmp_path, store)
    before = store.read_bytes()
    for target in [*names.values(), f"sqlite:///{store}" if suffix == ".db" else str(store)]:
        code, _, err = run(capsys, "--store", str(store), "copy", target)
        assert code == 2, target
        assert "is the store" in err
    assert store.read_bytes() == before


def test_the_api_exporters_refuse_the_store_too(tmp_path):
    """bilatlog.io's exporters refuse to write over the store they read."""
    from bilatlog import io  # noqa: PLC0415

    store = tmp_path / "s.jsonl"
    tl = make_store(store)
    before = store.read_bytes()
    for export in (io.export_csv, io.export_jsonl, io.export_timelinejs, io.export_plover):
        with pytest.raises(bl.ValidationError, match="is the store being exported"):
            export(tl, store)
    assert store.read_bytes() == before


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_open_readonly_refuses_writes_and_never_creates(suffix, tmp_path):
    """bl.open(path, readonly=True): a missing store is an error; writes are refused."""
    with pytest.raises(bl.StorageError, match="no store at"):
        bl.open(tmp_path / f"missing{suffix}", readonly=True)
    assert list(tmp_path.iterdir()) == []
    store = tmp_path / f"s{suffix}"
    make_store(store).close()
    before = store.read_bytes()
    with bl.open(store, readonly=True) as tl:
        assert tl.position == 3
        assert tl.state_at("2022")["dea-operations"].status == "suspended"
        with pytest.raises(bl.StorageError, match="read-only"):
            tl.record("talks.held", on="2021")
        assert tl.verify().ok
    assert store.read_bytes() == before


def test_readonly_is_never_a_writable_store(tmp_path):
    """readonly=True with no store (memory), or with a backend open for writing, is refused."""
    from bilatlog.backends import MemoryBackend  # noqa: PLC0415

    with pytest.raises(bl.ValidationError, match="no existing store to open read-only") as info:
        bl.open(None, readonly=True)
    assert info.value.field == "readonly"
    writable = MemoryBackend()
    with pytest.raises(bl.ValidationError, match="open for writing"):
        bl.open(writable, readonly=True)
    assert writable.head == 0  # nothing written
    with pytest.raises(bl.ValidationError, match="expected True or False"):
        bl.open(None, readonly="no")  # a string would be true
    store = tmp_path / "s.db"
    make_store(store).close()
    with bl.open(SqliteBackend(store, readonly=True), readonly=True) as tl:  # read-only already
        assert tl.position == 3


def test_sqlite_readonly_is_enforced_by_sqlite_itself(tmp_path):
    """A read-only SQLite connection cannot write even with raw SQL (mode=ro, query_only)."""
    store = tmp_path / "s.db"
    make_store(store).close()
    b = SqliteBackend(store, readonly=True)
    with pytest.raises(sqlite3.Error):
        b._db.execute("INSERT INTO bilatlog_meta VALUES ('x', 'y')")
    b.close()


def test_a_file_that_is_not_a_store_is_refused_readonly(tmp_path):
    """An SQLite file without bilatlog's tables is refused, not answered as empty."""
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(bl.StorageError, match="not a bilatlog store"):
        bl.open(other, readonly=True)


@pytest.mark.parametrize("target", ["sqlite:///", "sqlite://", "sqlite:"])
def test_sqlite_url_without_a_path_is_refused(target, capsys):
    """`sqlite:///` names no file: refused, never a database that vanishes."""
    if target == "sqlite:":
        with pytest.raises(bl.ValidationError):
            bl.open(target)
        return
    with pytest.raises(bl.ValidationError, match="names no file"):
        bl.open(target)
    code, _, err = run(capsys, "--store", target, "record", "talks.held", "--on", "2021")
    assert code == 2
    assert "names no file" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_a_directory_or_fifo_is_refused_at_open(suffix, tmp_path):
    """Opening a FIFO would hang and a directory cannot be a store: both refused at once."""
    folder = tmp_path / f"dir{suffix}"
    folder.mkdir()
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    for path, words in ((folder, "a directory"), (fifo, "a FIFO")):
        for readonly in (False, True):
            with pytest.raises(bl.StorageError, match=words):
                bl.open(path, readonly=readonly)


# -- 2. heads that cannot go backwards ---------------------------------------------------------


@pytest.mark.parametrize("suffix", [None, ".jsonl", ".db"])
def test_verify_gives_the_head_and_checks_an_expected_one(suffix, tmp_path):
    """report.position/head_hash is the head; expect= catches a rollback or a fork."""
    tl = make_store(tmp_path / f"s{suffix}") if suffix else bl.open(clock=FakeClock())
    if not suffix:
        tl.record("talks.held", on="2021", id="a")
        tl.record("talks.held", on="2021", id="b")
        tl.record("talks.held", on="2021", id="c")
    report = tl.verify()
    assert (report.position, report.head_hash) == (3, next(iter(tl.backend.read(3))).hash)
    assert tl.verify(expect=(3, report.head_hash)).ok
    assert tl.verify(expect=f"3:{report.head_hash}").ok
    second = next(iter(tl.backend.read(2, 2))).hash
    assert tl.verify(expect=(2, second)).ok  # an earlier published head is still held
    ahead = tl.verify(expect=(4, "a" * 64))
    assert not ahead.ok
    assert "rolled back" in ahead.reason
    forked = tl.verify(expect=(2, "b" * 64))
    assert not forked.ok
    assert forked.position == 2
    assert "forked" in forked.reason
    with pytest.raises(bl.ValidationError, match="expect"):
        tl.verify(expect=(3, "short"))
    empty = bl.open().verify()
    assert (empty.position, empty.head_hash) == (0, "")
    assert bl.open().verify(expect=(0, "")).ok


def test_cli_verify_expect(tmp_path, capsys):
    """`bilatlog verify --expect POSITION:HASH` exits 0 only when the store holds that head."""
    store = tmp_path / "s.jsonl"
    make_store(store).close()
    code, out, _ = run(capsys, "--store", str(store), "verify", "--format", "json")
    row = json.loads(out)[0]
    assert code == 0
    assert row["position"] == 3
    head = f"{row['position']}:{row['head_hash']}"
    assert run(capsys, "--store", str(store), "verify", "--expect", head)[0] == 0
    code, _, err = run(capsys, "--store", str(store), "verify", "--expect", f"9:{'a' * 64}")
    assert code == 2
    assert "rolled back" in err
    code, _, err = run(capsys, "--store", str(store), "verify", "--expect", "junk")
    assert code == 2
    assert "--expect junk" in err


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "timelinejs", "plover"])
def test_every_export_records_its_head(fmt, tmp_path, capsys):
    """An export writes <file>.head.json (and prints it); verify --expect accepts it."""
    store = tmp_path / "s.jsonl"
    make_store(store).close()
    out = tmp_path / f"out.{fmt}"
    code, printed, err = run(capsys, "--store", str(store), "export", fmt, "--to", str(out),
                             "--known-at", "2", "--format", "json")  # fmt: skip
    assert code == 0, err
    head = Checkpoint.from_text((tmp_path / f"out.{fmt}.head.json").read_text())
    assert head.position == 2
    assert json.loads(printed)[0]["head_hash"] == head.head_hash
    assert bl.open(store).verify(expect=head).ok
    if fmt == "timelinejs":
        assert json.loads(out.read_text())["bilatlog"]["head_hash"] == head.head_hash


def _older_copy(path: Path) -> bytes:
    return path.read_bytes()


def test_jsonl_replaced_by_an_older_copy_is_refused(tmp_path):
    """A checkout or an editor putting back an older file: IntegrityError, never an answer."""
    path = tmp_path / "s.jsonl"
    tl = make_store(path, 2)
    old = path.read_bytes()
    tl.record("talks.held", on="2022", id="later")
    tl.close()
    path.write_bytes(old)  # replaced: same path, a shorter (intact) log
    with pytest.raises(bl.IntegrityError, match="acknowledged position 3") as caught:
        bl.open(path).state_at("2022")
    assert "delete" in caught.value.fix  # how to accept a deliberate restore
    report = JsonlBackend(path).verify()
    assert not report.ok
    assert "acknowledged position 3" in report.reason
    with pytest.raises(bl.IntegrityError):
        bl.open(path).record("talks.held", on="2023")
    assert path.read_bytes() == old  # nothing written, nothing moved aside
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.jsonl"]


def test_jsonl_forked_is_refused(tmp_path):
    """Another log of the same length in the store's place: a fork, refused."""
    path = tmp_path / "s.jsonl"
    make_store(path, 2).close()
    other = tmp_path / "other.jsonl"
    tl = bl.open(other, clock=FakeClock())
    tl.record("talks.held", on="2020", id="x")
    tl.record("talks.held", on="2020", id="y")
    shutil.copyfile(other, path)
    with pytest.raises(bl.IntegrityError, match="fork"):
        bl.open(path).position  # noqa: B018


def test_jsonl_cut_at_a_line_end_inside_an_acknowledged_batch_is_refused(tmp_path):
    """Removing the last line of an acknowledged batch is corruption, never a torn tail."""
    path = tmp_path / "s.jsonl"
    tl = bl.open(path, clock=FakeClock())
    tl.append([bl.Event(type="talks.held", on="2020", id=f"a{i}") for i in range(3)])
    tl.close()
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]))
    for _ in range(2):
        with pytest.raises(bl.IntegrityError):
            bl.open(path).record("talks.held", on="2021")
    assert path.read_bytes() == b"".join(lines[:2])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.jsonl"]  # nothing moved aside


def test_jsonl_wiped_is_refused(tmp_path):
    """A store deleted and started again at the same path is refused, naming how to accept it."""
    path = tmp_path / "s.jsonl"
    make_store(path, 2).close()
    path.unlink()
    with pytest.raises(bl.IntegrityError, match="acknowledged position 2"):
        bl.open(path).record("talks.held", on="2021")
    assert not path.exists()


def test_sqlite_tables_dropped_and_recreated_is_refused(tmp_path):
    """Dropping the tables (triggers cannot stop DROP) and starting over: IntegrityError on open."""
    path = tmp_path / "s.db"
    make_store(path).close()
    db = sqlite3.connect(path)
    for table in ("bilatlog_actors", "bilatlog_events", "bilatlog_meta"):
        db.execute(f"DROP TABLE {table}")
    db.commit()
    db.close()
    with pytest.raises(bl.IntegrityError, match="acknowledged position 3"):
        bl.open(path)


def test_sqlite_replaced_by_an_older_copy_is_refused(tmp_path):
    """`cp backup.db relations.db` with an older backup: refused on open."""
    path = tmp_path / "s.db"
    tl = make_store(path, 2)
    tl.close()
    shutil.copyfile(path, tmp_path / "backup.db")
    tl = bl.open(path, clock=FakeClock())
    tl.record("talks.held", on="2022", id="later")
    tl.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "backup.db", path)
    with pytest.raises(bl.IntegrityError, match="acknowledged position 3"):
        bl.open(path)
    with pytest.raises(bl.IntegrityError):
        bl.open(path, readonly=True)


def test_a_restore_on_purpose_is_accepted_after_forgetting_the_head(tmp_path):
    """The fix the error names works: delete the remembered head, and the store opens."""
    path = tmp_path / "s.jsonl"
    tl = make_store(path, 2)
    old = path.read_bytes()
    tl.record("talks.held", on="2022")
    tl.close()
    path.write_bytes(old)
    with pytest.raises(bl.IntegrityError) as caught:
        bl.open(path).position  # noqa: B018
    Path(caught.value.fix.split("delete ", 1)[1].split(" (", 1)[0]).unlink()
    assert bl.open(path).position == 2


def test_checkpoints_round_trip_and_check(tmp_path):
    """checkpoint(): position, head hash, recorded_at; as text and back; verify(expect=...)."""
    tl = make_store(tmp_path / "s.jsonl")
    cp = tl.checkpoint()
    head = next(iter(tl.backend.read(3, 3)))
    assert (cp.position, cp.head_hash, cp.recorded_at) == (3, head.hash, head.recorded_at)
    assert Checkpoint.from_text(cp.text()) == cp
    assert tl.verify(expect=cp).ok
    assert bl.open().checkpoint() == Checkpoint(position=0, head_hash="")
    with pytest.raises(bl.ValidationError, match="checkpoint"):
        Checkpoint.from_text('{"kind": "other"}')


def test_checkpoints_can_be_signed_with_ed25519(tmp_path):
    """With the sign extra, a checkpoint is signed; a changed one, or another key, fails."""
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    key = ed25519.Ed25519PrivateKey.generate()
    tl = make_store(tmp_path / "s.jsonl")
    cp = tl.checkpoint(key=key)
    again = Checkpoint.from_text(cp.text())
    assert again.signature_ok(key.public_key())
    forged = Checkpoint.from_text(cp.text().replace('"position":3', '"position":2'))
    assert not forged.signature_ok(key.public_key())
    assert not again.signature_ok(ed25519.Ed25519PrivateKey.generate().public_key())
    assert not tl.checkpoint().signature_ok(key.public_key())
    with pytest.raises(bl.ValidationError, match="Ed25519"):
        tl.checkpoint(key="not a key")
