"""A state's events are decoded on first use: the same events, pickled whole, none after close."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import bilatlog as bl


def _store(path: Path) -> None:
    tl = bl.open(path)
    tl.append([
        bl.Event(type="ops.started", on="2020-01", track="t", status="on"),
        bl.Event(type="ops.stopped", on="2020-03~", track="t", status="off"),
        bl.Event(type="ops.started", on="2020-02", track="u", status="on"),
    ])  # fmt: skip
    tl.close()


def test_state_events_are_the_events_behind_it(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    tl = bl.open(tmp_path / "s.db")
    s = tl.state_at("2020-03-15")
    types = {e.type for e in s["t"].events}
    assert types == {"ops.started", "ops.stopped"}  # possibly either: both behind it
    assert [e.track for e in s["u"].events] == ["u"]
    again = tl.state_at("2020-03-15")
    assert again == s
    assert hash(again["t"]) == hash(s["t"])
    tl.close()


def test_a_pickled_state_carries_its_events(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    tl = bl.open(tmp_path / "s.db")
    ts = tl.state_at("2020-02-15")["t"]
    copy = pickle.loads(pickle.dumps(ts))  # noqa: S301 - our own bytes
    tl.close()
    assert [e.type for e in copy.events] == ["ops.started"]


def test_events_after_close_are_a_storage_error(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    tl = bl.open(tmp_path / "s.db")
    s = tl.state_at("2020-02-15")
    status = s["t"].status
    tl.close()
    assert status == "on"
    with pytest.raises(bl.StorageError, match="before close"):
        _ = s["t"].events


def test_a_kept_answer_follows_the_log(tmp_path: Path) -> None:
    """Asked again after an append, a state says what the log says now (and before, as before)."""
    _store(tmp_path / "s.db")
    tl = bl.open(tmp_path / "s.db")
    before = tl.position
    assert tl.state_at("2020-02-15")["t"].status == "on"
    tl.append([bl.Event(type="ops.paused", on="2020-02-10", track="t", status="paused")])
    assert tl.state_at("2020-02-15")["t"].status == "paused"
    assert tl.state_at("2020-02-15", known_at=before)["t"].status == "on"
    assert tl.state_at("2020-02-15", known_at=before) == tl.state_at("2020-02-15", known_at=before)
    tl.close()


def test_a_kept_history_is_a_new_list_each_time(tmp_path: Path) -> None:
    _store(tmp_path / "s.db")
    tl = bl.open(tmp_path / "s.db")
    first = tl.history("t")
    first.clear()  # the caller's own list
    again = tl.history("t")
    assert [p.status for p in again] == ["on", "off"]
    tl.append([bl.Event(type="ops.resumed", on="2020-05", track="t", status="on")])
    assert [p.status for p in tl.history("t")] == ["on", "off", "on"]
    tl.close()
