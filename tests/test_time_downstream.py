"""Every EDTF form bilatlog reads goes through the store, the queries and the figures.

The forms are the accepted cases of the conformance table (`edtf_conformance.py`).
"""

from __future__ import annotations

import datetime as dt

import pytest

import bilatlog as bl
from bilatlog import Precision, Truth
from bilatlog.testing import FakeClock, memory_timeline
from edtf_conformance import EDTF_PACKAGE, LOC, Bounds

FORMS = sorted({c[0] for c in LOC + EDTF_PACKAGE if isinstance(c[3], Bounds)})


@pytest.mark.parametrize("suffix", [".jsonl", ".db"])
def test_every_form_is_stored_and_read_back_unchanged(tmp_path, suffix):
    """Each form is recorded, the store reopened, and each date reads back equal."""
    path = tmp_path / f"forms{suffix}"
    with bl.open(path, clock=FakeClock()) as tl:
        for i, text in enumerate(FORMS):
            tl.record("dated.form", on=text, id=f"form-{i}")
    with bl.open(path) as tl:
        back = {e.id: e.on for e in tl.events()}
    assert {k: v.edtf for k, v in back.items()} == {f"form-{i}": t for i, t in enumerate(FORMS)}
    assert all(back[f"form-{i}"] == bl.When.parse(t) for i, t in enumerate(FORMS))


def test_every_form_can_date_a_status_and_be_queried():
    """state_at, history and events(between=...) answer over events of every form."""
    tl = memory_timeline()
    for i, text in enumerate(FORMS):
        tl.record("status.set", on=text, track=f"t{i}", status="on", id=f"s{i}")
    for day in ("1000-01-01", "1667-06-01", "1985-04-12", "2004-06-11", "2100-01-01"):
        state = tl.state_at(day)
        for track in state:
            assert state[track].truth in (Truth.CERTAIN, Truth.POSSIBLE)
    in_1985 = {e.on.edtf for e in tl.events(between=("1985", "1985"))}
    assert {"1985", "1985-04-12T23:20:30Z", "[..1984]"} - in_1985 == {"[..1984]"}
    assert all(tl.history(f"t{i}") for i in range(len(FORMS)))


def test_quarterly_figures_carry_quarter_bounds():
    """tl.series on quarterly figures gives each figure its quarter as earliest..latest."""
    tl = memory_timeline()
    for code, value in zip((33, 34, 35, 36), (120, 135, 150, 110), strict=True):
        tl.record(
            "figures.reported",
            on=f"2021-{code}",
            data={"metric": "mx.homicides", "value": value, "unit": "cases"},
        )
    series = tl.series("mx.homicides")
    spans = [(f.on.earliest, f.on.latest) for f in series]
    assert spans == [
        (dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
        (dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
        (dt.date(2021, 7, 1), dt.date(2021, 9, 30)),
        (dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
    ]
    assert all(f.on.precision is Precision.QUARTER for f in series)
    assert [f.value for f in series] == [120, 135, 150, 110]
    mid_q2 = tl.state_at("2021-05-15").metrics["mx.homicides"]
    assert (mid_q2.value, mid_q2.truth) == (135, Truth.POSSIBLE)


def test_a_status_dated_by_a_set_is_possible_from_its_first_member():
    """Suspended in 1667 or 1670: possibly suspended in the gap, certainly after 1670."""
    tl = memory_timeline()
    tl.record("operations.started", on="1600", track="trade", status="open")
    tl.record("operations.suspended", on="[1667,1670]", track="trade", status="closed")
    assert tl.state_at("1666-06-01")["trade"].status == "open"
    gap = tl.state_at("1668-06-01")["trade"]
    assert (gap.truth, gap.possible) == (Truth.POSSIBLE, ("open", "closed"))
    after = tl.state_at("1671-01-01")["trade"]
    assert (after.status, after.truth) == ("closed", Truth.CERTAIN)
