"""Promises and their fate: `State.overdue`, `tl.plans()`, plans in history, explain, HTML, CLI."""

from __future__ import annotations

import json

import pytest

import bilatlog as bl
from bilatlog.cli import main
from bilatlog.projections import PlanFate
from bilatlog.testing import memory_timeline

SRC = bl.Source(outlet="Reuters", published="2019-01-01")


@pytest.fixture
def tl() -> bl.Timeline:
    """Three plans on one track: one kept, one broken, one still ahead."""
    tl = memory_timeline()
    tl.record("visas.blocked", on="2019-03", track="dea-visas", status="blocked",
              sources=[SRC], id="blocked")  # fmt: skip
    tl.record("visas.resumption-planned", on="2020-06", track="dea-visas", status="issued",
              planned=True, sources=[SRC], id="kept", summary="visas by June 2020")  # fmt: skip
    tl.record("visas.issued", on="2020-06-20", track="dea-visas", status="issued",
              fulfils="kept", sources=[SRC], id="issued")  # fmt: skip
    tl.record("review.planned", on="2020", track="dea-visas", status="reviewed",
              planned=True, sources=[SRC], id="broken", summary="a review in 2020")  # fmt: skip
    tl.record("talks.planned", on="2030-01", track="dea-visas", status="talking",
              planned=True, sources=[SRC], id="ahead")  # fmt: skip
    return tl


def fates(found: list[PlanFate]) -> dict[str, str]:
    return {f.plan.id: f.fate for f in found}


def test_plans_list_every_plan_with_its_fate(tl):
    """Fulfilled (by what), overdue (since its latest date), or expected."""
    found = tl.plans(at="2021-06-01")
    assert fates(found) == {"kept": "fulfilled", "broken": "overdue", "ahead": "expected"}
    broken, kept, ahead = found  # valid-time order: "2020" starts before "2020-06"
    assert kept.fulfilled_by is not None
    assert kept.fulfilled_by.id == "issued"
    assert kept.truth is bl.Truth.CERTAIN
    assert kept.describe() == "fulfilled by issued (2020-06-20)"
    assert broken.overdue
    assert str(broken.overdue_since) == "2020-12-31"
    assert broken.describe() == "overdue since 2020-12-31"
    assert ahead.describe() == "expected 2030-01"
    assert [f.plan.id for f in tl.plans(track="dea-visas", at="2021")] == [
        "broken", "kept", "ahead",
    ]  # fmt: skip


def test_a_plan_is_overdue_only_once_its_whole_date_has_passed(tl):
    """Inside its date a plan is still expected; the day after its latest date, overdue."""
    assert fates(tl.plans(at="2020-12-31"))["broken"] == "expected"
    assert fates(tl.plans(at="2021-01-01"))["broken"] == "overdue"
    assert fates(tl.plans(at="2020-06-10"))["kept"] == "expected"  # before its fulfilment


def test_fate_is_as_known_at(tl):
    """Before the fulfilment was recorded, the kept plan was overdue in 2021."""
    assert fates(tl.plans(at="2021-06-01", known_at=2))["kept"] == "overdue"
    assert fates(tl.plans(at="2021-06-01", known_at=3))["kept"] == "fulfilled"


def test_state_lists_overdue_plans(tl):
    """State.overdue: plans whose date fully passed by D with nothing fulfilling them."""
    assert [e.id for e in tl.state_at("2021-06-01").overdue] == ["broken"]
    assert tl.state_at("2020-06-01").overdue == ()
    assert [e.id for e in tl.state_at("2021-06-01", known_at=2).overdue] == ["kept"]
    assert [e.id for e in tl.state_at("2021-06-01").planned] == ["ahead"]


def test_history_and_explain_tell_each_plans_fate(tl):
    """history() carries the track's plans with their fate today; explain() at its date."""
    history = tl.history("dea-visas")
    assert fates(list(history.plans)) == {
        "kept": "fulfilled", "broken": "overdue", "ahead": "expected",
    }  # fmt: skip
    text = str(history)
    assert "fulfilled by issued (2020-06-20)" in text
    assert "overdue since 2020-12-31" in text
    why = tl.explain("dea-visas", "2021-06-01")
    assert fates(list(why.plans))["broken"] == "overdue"
    # a plan never changes a status: it is not one of the events behind the state
    assert [e.event.id for e in why.entries] == ["blocked", "issued"]


def test_html_views_show_the_fate(tl):
    """The notebook views of state, history and explain show overdue and fulfilled plans."""
    state = tl.state_at("2021-06-01")._repr_html_()
    assert "Overdue" in state
    assert "a review in 2020" in state
    history = tl.history("dea-visas")._repr_html_()
    assert "overdue since 2020-12-31" in history
    assert "fulfilled by issued" in history
    assert "overdue since 2020-12-31" in tl.explain("dea-visas", "2021-06-01")._repr_html_()


def test_cli_shows_plans_with_their_fate(tl, capsys, tmp_path):
    """bilatlog plans, state and history show each plan's fate."""
    store = tmp_path / "plans.jsonl"
    with bl.open(store) as out:
        out.copy_from(tl)
    assert main(["--store", str(store), "--format", "json", "plans", "--at", "2021-06-01"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["fate"]) for r in rows] == [
        ("broken", "overdue"), ("kept", "fulfilled"), ("ahead", "expected"),
    ]  # fmt: skip
    assert rows[1]["detail"] == "fulfilled by issued (2020-06-20)"
    assert main(["--store", str(store), "state", "--at", "2021-06-01"]) == 0
    out = capsys.readouterr().out
    assert "(planned) reviewed" in out
    assert "overdue" in out
    assert main(["--store", str(store), "history", "dea-visas"]) == 0
    assert "overdue since 2020-12-31" in capsys.readouterr().out


def test_the_bundled_plan_of_2024_is_overdue():
    """In the bundled dataset, the National Guard's return to civilian control is overdue."""
    tl = bl.examples.us_mexico()
    overdue = [f for f in tl.plans(at="2024-06-01") if f.overdue]
    assert [f.plan.track for f in overdue] == ["national-guard"]
    assert [e.track for e in tl.state_at("2024-06-01").overdue] == ["national-guard"]


def test_a_correction_can_only_make_an_event_fulfil_a_plan(tl):
    """`fulfils` set by a correction names a planned event, as for a new event; nothing written."""
    head = tl.position
    for bad in ("no-such-plan", "blocked"):  # missing, and an event that is not a plan
        with pytest.raises(bl.ValidationError, match="names no planned event") as info:
            tl.correct("issued", reason="wrong plan", fulfils=bad)
        assert info.value.field == "fulfils"
        with pytest.raises(bl.ValidationError, match="names no planned event"):
            tl.append([bl.Correction(target="issued", changes={"fulfils": bad}, reason="r")])
    assert tl.position == head
    tl.correct("issued", reason="it carried out the review", fulfils="broken")
    assert fates(tl.plans(at="2021-06-01")) == {
        "kept": "overdue", "broken": "fulfilled", "ahead": "expected",
    }  # fmt: skip
