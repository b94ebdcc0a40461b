"""The bundled US-Mexico dataset tells the article's story, with sources and honest knowledge."""

from __future__ import annotations

import pytest

import bilatlog as bl
from bilatlog import Truth

REQUIRED_TRACKS = [
    "merida-initiative",
    "dea-operations",
    "dea-visas",
    "federal-police",
    "national-guard",
    "bicentennial-framework",
    "security-dialogue",
]


@pytest.fixture(scope="module")
def tl():
    return bl.examples.us_mexico()


def test_size_sources_and_integrity(tl):
    """At least 60 events, every one with a source; the file verifies."""
    events = list(tl.events())
    assert len(events) >= 60
    assert all(r.event.sources for r in events)
    assert all(r.event.summary for r in events)
    assert tl.verify().ok
    assert set(REQUIRED_TRACKS) <= set(tl.tracks())


def test_mid_2021_merida_active_dea_suspended(tl):
    """On 2021-06-01 Mérida is active and DEA operations are suspended or curtailed."""
    s = tl.state_at("2021-06-01")
    assert s["merida-initiative"].status == "active"
    assert s["merida-initiative"].truth is Truth.CERTAIN
    assert s["dea-operations"].status in {"suspended", "curtailed"}
    assert s["dea-visas"].status == "blocked"  # "none this year": possibly, from 2021-01-01
    assert s["dea-visas"].truth is Truth.POSSIBLE
    assert s["federal-police"].status == "dissolved"
    assert s["security-cooperation"].status == "lowest-in-15-years"
    assert s["national-guard"].status == "operational"
    assert s.get("bicentennial-framework") is None


def test_end_2021_merida_ended_bicentennial_launched(tl):
    """On 2021-12-31 Mérida has ended and the Bicentennial Framework is launched, not yet
    finalized; visas for DEA agents resume, and nothing says DEA operations did."""
    s = tl.state_at("2021-12-31")
    assert s["merida-initiative"].status == "ended"
    assert s["merida-initiative"].since == bl.When.parse("2021-10-08")
    assert s["bicentennial-framework"].status == "launched"
    assert s["security-dialogue"].status == "active"
    assert s["security-cooperation"].status == "talking-again"
    assert s["dea-visas"].status == "resuming"
    assert s["dea-operations"].status == "suspended"
    assert [e.id for e in s.planned] == ["action-plan-due"]


def test_the_framework_is_announced_not_in_force_on_the_day_of_the_dialogue(tl):
    """On 2021-10-08 the Bicentennial Framework is announced, before any specifics."""
    s = tl.state_at("2021-10-08")
    assert s["bicentennial-framework"].status == "announced"
    assert [h.status for h in tl.history("bicentennial-framework")] == [
        "announced",
        "launched",
        "implementing",
    ]


def test_dea_operations_begin_with_their_first_sourced_event(tl):
    """No invented start: the DEA track begins with the foreign-agents law of 2020-12-18."""
    assert tl.state_at("2020-12-17").get("dea-operations") is None
    assert tl.state_at("2020-12-18")["dea-operations"].status == "restricted"


def test_article_view_versus_today(tl):
    """As the article knew it, 2020 overdose deaths were 93,331; today, the corrected count."""
    then = tl.state_at("2021-12-31", known_at="2021-10-15").metrics["us.overdose-deaths"]
    now = tl.state_at("2021-12-31").metrics["us.overdose-deaths"]
    assert then.value == 93331
    assert now.value == 91799
    assert [f.value for f in tl.series("us.overdose-deaths")] == [36450, 91799]
    troops = [f.value for f in tl.series("mx.troops-deployed-domestically")]
    assert troops == [69000, 125000]
    guard = {f.value: f.event.data["definition"] for f in tl.series("mx.national-guard-strength")}
    assert set(guard) == {70000, 102593, 90000}  # two definitions, not an error and its fix
    assert len(set(guard.values())) == 3
    homicides = tl.series("mx.homicides")
    assert [f.value for f in homicides] == [14006, 36773]
    then = tl.series("mx.homicides", known_at="2021-10-15")
    assert [f.value for f in then] == [14006, 36579]
    # the article did not yet know events that became public later
    assert tl.state_at("2021-12-31", known_at="2021-10-15").get("dea-visas").status == "blocked"


def test_plans_fulfilled_and_announced(tl):
    """The action plan is expected from its announcement until it is adopted."""
    assert tl.state_at("2021-06-01").planned == ()
    assert [e.id for e in tl.state_at("2021-10-20").planned] == ["action-plan-due"]
    assert tl.state_at("2022-02-01", known_at="2021-10-15").planned == ()  # due date passed
    assert tl.state_at("2022-02-01")["bicentennial-framework"].status == "implementing"


def test_the_copy_is_in_memory_and_extendable(tl):
    """us_mexico() returns a copy: appending never touches the bundled file."""
    copy = bl.examples.us_mexico()
    before = bl.examples.dataset_path().read_bytes()
    copy.record("dialogue.held", on="2024-10", track="security-dialogue", status="active")
    assert copy.position == tl.position + 1
    assert bl.examples.dataset_path().read_bytes() == before
