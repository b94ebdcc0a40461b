"""JSONL-specific promises: torn tails set aside, corruption reported by line, locks honoured."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time

import pytest

import bilatlog as bl
from bilatlog.backends import JsonlBackend, TornTailWarning
from bilatlog.testing import FakeClock, make_event


def fill(path, n_batches=3, size=2):
    b = JsonlBackend(path, clock=FakeClock())
    for k in range(n_batches):
        b.append([make_event(id=f"b{k}-{i}", on="2020") for i in range(size)])
    return b


def test_file_is_one_readable_json_object_per_line(tmp_path):
    """Each line is a JSON object a person can read: position, kind, record, hash."""
    path = tmp_path / "log.jsonl"
    fill(path, 1, 2)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    env = json.loads(lines[0])
    assert env["position"] == 1
    assert env["kind"] == "event"
    assert env["record"]["id"] == "b0-0"
    assert env["batch"] == 2


def test_nothing_is_created_until_the_first_append(tmp_path):
    """Opening a missing file creates nothing; reading it is an empty log."""
    path = tmp_path / "new.jsonl"
    tl = bl.open(path)
    assert tl.position == 0
    assert not path.exists()
    tl.record("talks.held", on="2021-10-08")
    assert path.exists()


@pytest.mark.parametrize("cut", ["mid-line", "whole-lines"])
def test_torn_tail_is_set_aside_by_the_next_writer(tmp_path, cut):
    """A half-written batch is moved to a side file with a warning; nothing is deleted."""
    path = tmp_path / "log.jsonl"
    fill(path, 2, 3)
    good = path.read_bytes()
    # simulate a crash mid-append: a batch of 3 whose tail never reached the disk
    b = JsonlBackend(tmp_path / "other.jsonl", clock=FakeClock())
    fill(tmp_path / "other.jsonl", 3, 3)
    third_batch = (tmp_path / "other.jsonl").read_bytes()[len(good) :]
    lines = third_batch.splitlines(keepends=True)
    torn = lines[0] + lines[1][:10] if cut == "mid-line" else lines[0] + lines[1]
    path.write_bytes(good + torn)
    b.close()

    reader = JsonlBackend(path)
    assert reader.head == 6  # readers ignore the unacknowledged tail
    report = reader.verify()
    assert report.ok
    assert "torn tail" in report.reason
    assert path.read_bytes() == good + torn  # readers change nothing

    writer = JsonlBackend(path, clock=FakeClock())
    with pytest.warns(TornTailWarning, match="moved to"):
        writer.append([make_event(id="after", on="2021")])
    sides = list(tmp_path.glob("log.jsonl.torn-*"))
    assert len(sides) == 1
    assert sides[0].read_bytes() == torn
    assert path.read_bytes().startswith(good)
    assert writer.head == 7
    assert writer.verify().ok


def test_corrupt_line_mid_file_is_an_integrity_error_with_its_line(tmp_path):
    """A broken line before the tail is never skipped: IntegrityError names its line."""
    path = tmp_path / "log.jsonl"
    fill(path, 3, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"v": 1, "position": 3, garbage\n'
    path.write_bytes(b"".join(lines))
    b = JsonlBackend(path)
    with pytest.raises(bl.IntegrityError) as info:
        _ = b.head
    assert info.value.line == 3
    report = b.verify()
    assert not report.ok
    assert report.line == 3
    with pytest.raises(bl.IntegrityError):
        b.append([make_event(on="2020")])
    assert b"garbage" in path.read_bytes()  # the writer did not "repair" it


@pytest.mark.parametrize("damage", ["delete", "swap", "duplicate", "invalid-utf8"])
def test_structural_damage_is_reported(tmp_path, damage):
    """Deleted, reordered, duplicated or undecodable lines are caught with their position."""
    path = tmp_path / "log.jsonl"
    fill(path, 3, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    if damage == "delete":
        del lines[2]
    elif damage == "swap":
        lines[2], lines[3] = lines[3], lines[2]
    elif damage == "duplicate":
        lines.insert(2, lines[2])
    else:
        lines[2] = lines[2].replace(b"b1-0", b"b1-\xff")
    path.write_bytes(b"".join(lines))
    report = JsonlBackend(path).verify()
    assert not report.ok
    assert report.position == (4 if damage == "duplicate" else 3)
    with pytest.raises(bl.IntegrityError):
        list(JsonlBackend(path).read())


def test_every_power_cut_offset_of_the_last_batch(tmp_path):
    """A power cut at any byte of a batch in flight leaves the acknowledged batches intact.

    The store acknowledged two batches; the third was being written (the same
    bytes, from a twin store) when the power went.
    """
    path = tmp_path / "log.jsonl"
    fill(path, 2, 3)
    twin = tmp_path / "twin.jsonl"
    fill(twin, 3, 3)
    data = twin.read_bytes()
    start = len(path.read_bytes())
    assert data[:start] == path.read_bytes()
    for cut in range(start, len(data) + 1):
        path.write_bytes(data[:cut])
        b = JsonlBackend(path)
        expected = 9 if cut == len(data) else 6
        assert b.head == expected, cut
        assert b.verify().ok, cut


def test_reader_waits_for_an_append_in_progress(tmp_path):
    """A reader never sees half of another process's append: it waits for the lock."""
    path = tmp_path / "log.jsonl"
    fill(path, 1, 2)
    other = tmp_path / "full.jsonl"
    fill(other, 2, 2)
    batch = other.read_bytes()[len(path.read_bytes()) :]
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # act as a writer in the middle of its append
    os.pwrite(fd, batch[:15], os.fstat(fd).st_size)
    seen: list[int] = []
    t = threading.Thread(target=lambda: seen.append(JsonlBackend(path).head))
    t.start()
    time.sleep(0.3)
    assert seen == []  # still waiting
    os.pwrite(fd, batch[15:], os.fstat(fd).st_size)
    os.fsync(fd)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    t.join(5)
    assert seen == [4]
