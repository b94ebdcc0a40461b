"""Promises of `Timeline`: state at a date, as known at a date, with honest certainty."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

import bilatlog as bl
from bilatlog import Truth
from bilatlog.testing import FakeClock, make_event, memory_timeline


@pytest.fixture
def tl():
    t = memory_timeline()
    t.record("operations.started", on="2008", track="dea-operations", status="active", id="start")
    t.record(
        "operations.suspended",
        on="2020-10",
        track="dea-operations",
        status="suspended",
        id="susp",
        sources=[bl.Source(outlet="Foreign Policy", published="2021-10-15")],
    )
    return t


@pytest.mark.parametrize(
    ("day", "status", "truth", "possible"),
    [
        ("2020-09-30", "active", Truth.CERTAIN, ("active",)),
        ("2020-10-15", "suspended", Truth.POSSIBLE, ("active", "suspended")),
        ("2020-11-01", "suspended", Truth.CERTAIN, ("suspended",)),
    ],
)
def test_certainty_around_an_imprecise_date(tl, day, status, truth, possible):
    """A suspension dated 2020-10: before, during and after October."""
    s = tl.state_at(day)["dea-operations"]
    assert (s.status, s.truth, s.possible) == (status, truth, possible)


def test_track_absent_before_its_first_event(tl):
    """A track with no event possibly begun by D is absent."""
    assert tl.state_at("2007-12-31").get("dea-operations") is None
    assert "dea-operations" not in tl.state_at("2007-12-31")


def test_imprecise_query_date(tl):
    """state_at("2020"): certain means throughout the year, possible means at some point."""
    s = tl.state_at("2020")["dea-operations"]
    assert s.possible == ("active", "suspended")
    assert s.truth is Truth.POSSIBLE
    assert tl.state_at("2019")["dea-operations"].truth is Truth.CERTAIN


def test_backfilled_events_fold_in_valid_time_order(tl):
    """An event recorded later but dated earlier takes its place in valid time."""
    tl.record("operations.resumed", on="2015-06-01", track="dea-operations", status="restored")
    assert tl.state_at("2016")["dea-operations"].status == "restored"
    assert tl.state_at("2014")["dea-operations"].status == "active"
    assert tl.state_at("2021")["dea-operations"].status == "suspended"


def test_interval_event_holds_over_its_interval_then_the_old_status_resumes(tl):
    """An event dated by an interval holds its status over the interval."""
    tl.record("visas.frozen", on="2012-03/2013-06", track="dea-operations", status="restricted")
    assert tl.state_at("2012-12-01")["dea-operations"].status == "restricted"
    after = tl.state_at("2013-07-01")["dea-operations"]
    assert (after.status, after.truth) == ("active", Truth.CERTAIN)
    assert after.since == bl.When.parse("2013-06")


def test_known_at_forms(tl):
    """known_at takes a position, an aware datetime, or an ISO date (end of that UTC day)."""
    tl.clock.advance(days=30)
    tl.correct("susp", reason="the exact day is reported", on="2020-10-12")
    assert tl.state_at("2020-10-15", known_at=2)["dea-operations"].truth is Truth.POSSIBLE
    assert tl.state_at("2020-10-15", known_at="2021-10-15")["dea-operations"].truth is (
        Truth.POSSIBLE
    )
    instant = dt.datetime(2021, 11, 14, 23, tzinfo=dt.UTC)
    assert tl.state_at("2020-10-15", known_at=instant)["dea-operations"].truth is Truth.CERTAIN
    assert tl.state_at("2020-10-15")["dea-operations"].truth is Truth.CERTAIN
    assert tl.state_at("2020-10-15", known_at=0).get("dea-operations") is None
    with pytest.raises(bl.ValidationError, match="naive"):
        tl.state_at("2021", known_at=dt.datetime(2021, 1, 1))
    with pytest.raises(bl.ValidationError, match="known_at"):
        tl.state_at("2021", known_at="last week")
    with pytest.raises(bl.ValidationError, match="known_at"):
        tl.state_at("2021", known_at=-1)


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"status": "curtailed"}, lambda s: s["dea-operations"].status == "curtailed"),
        ({"track": "dea-visas"}, lambda s: s["dea-visas"].status == "suspended"),
        ({"on": "2021-02"}, lambda s: s["dea-operations"].status == "active"),
        ({"summary": "new words"}, lambda s: s["dea-operations"].events[0].summary == "new words"),
        ({"actors": ["MX"]}, lambda s: s["dea-operations"].events[0].actors == ("MX",)),
        (
            {"changes": {"sources": [{"outlet": "Reuters"}]}},
            lambda s: s["dea-operations"].events[0].sources[0].outlet == "Reuters",
        ),
        ({"data": {"note": 1}}, lambda s: s["dea-operations"].events[0].data == {"note": 1}),
    ],
)
def test_a_correction_changes_any_field_from_its_recording_on(tl, changes, check):
    """Corrections apply from their own recording on; earlier knowledge keeps the original."""
    before = tl.state_at("2021-01-15")
    tl.correct("susp", reason="better source", **changes)
    assert check(tl.state_at("2021-01-15"))
    assert tl.state_at("2021-01-15", known_at=2) == before


def test_retraction_withdraws_from_its_recording_on(tl):
    """A retracted event no longer counts, except as known before the retraction."""
    tl.retract("susp", reason="duplicate of another record")
    assert tl.state_at("2021")["dea-operations"].status == "active"
    assert tl.state_at("2021", known_at=2)["dea-operations"].status == "suspended"


def test_correcting_unknown_or_retracted_events_is_an_error(tl):
    """Nothing is written when a correction names nothing, or a withdrawn event."""
    with pytest.raises(bl.ValidationError, match="not in the store"):
        tl.correct("nope", reason="r", status="x")
    tl.retract("susp", reason="dup")
    with pytest.raises(bl.ValidationError, match="already retracted"):
        tl.correct("susp", reason="r", status="x")
    with pytest.raises(bl.ValidationError, match="already retracted"):
        tl.retract("susp", reason="again")
    assert tl.position == 3


def test_explain_shows_original_corrections_reasons_and_sources(tl):
    """explain() lists each event, its original, each correction with its reason, and sources."""
    tl.correct(
        "susp",
        reason="the exact day is reported",
        on="2020-10-12",
        sources=[bl.Source(outlet="Reuters", url="https://www.reuters.com/x")],
    )
    ex = tl.explain("dea-operations", at="2021-06-01")
    assert ex.state is not None
    assert ex.state.status == "suspended"
    susp = next(e for e in ex.entries if e.event.id == "susp")
    assert susp.original.event.on.edtf == "2020-10"
    assert susp.event.on.edtf == "2020-10-12"
    assert [c.record.reason for c in susp.corrections] == ["the exact day is reported"]
    assert [s.outlet for s in susp.sources] == ["Foreign Policy", "Reuters"]
    earlier = tl.explain("dea-operations", at="2021-06-01", known_at=2)
    assert next(e for e in earlier.entries if e.event.id == "susp").corrections == ()


def test_explain_says_when_a_correction_moved_an_event_to_another_track(tl):
    """The old track's explanation lists the moved event as moved, not as one of its own."""
    tl.correct("susp", reason="belongs to the visas track", track="dea-visas")
    rows = str(tl.explain("dea-operations", "2021")).splitlines()
    [moved] = [r for r in rows if "susp" in r]
    assert "moved to dea-visas" in moved
    [kept] = [r for r in rows if " start " in r]
    assert "moved" not in kept
    assert "moved" not in str(tl.explain("dea-visas", "2021"))
    assert "moved" not in str(tl.explain("dea-operations", "2021", known_at=2))


def test_plans_never_change_a_status_and_show_until_fulfilled():
    """A planned event is expected (State.planned) until it is due or an actual event fulfils it."""
    t = memory_timeline()
    t.record("framework.announced", on="2021-10-08", track="bicentennial-framework",
             status="announced")  # fmt: skip
    t.record("plan.due", on="2022-01?", track="bicentennial-framework", status="in-force",
             planned=True, id="action-plan")  # fmt: skip
    s = t.state_at("2021-12-01")
    assert s["bicentennial-framework"].status == "announced"
    assert [e.id for e in s.planned] == ["action-plan"]
    assert t.state_at("2022-02-01").planned == ()  # overdue: no longer "expected"
    t.record("plan.adopted", on="2022-01-31", track="bicentennial-framework",
             status="in-force", fulfils="action-plan")  # fmt: skip
    assert t.state_at("2022-01-15").planned != ()
    assert t.state_at("2022-02-01")["bicentennial-framework"].status == "in-force"
    with pytest.raises(bl.ValidationError, match="no planned event"):
        t.record("x.y", on="2022", fulfils="nope")


def test_figures_and_their_corrections():
    """Figures feed State.metrics and series(); corrected figures differ by knowledge."""
    t = memory_timeline()
    metric = "us.overdose-deaths"
    deaths = t.record(
        "figures.reported", on="2020", data={"metric": metric, "value": 93331, "unit": "deaths"}
    )
    t.record("figures.reported", on="2008", data={"metric": metric, "value": 36450})
    t.clock.advance(days=200)
    t.correct(deaths.id, reason="final count", data={"metric": "us.overdose-deaths",
              "value": 91799, "unit": "deaths"})  # fmt: skip
    assert t.state_at("2021-06-01").metrics["us.overdose-deaths"].value == 91799
    assert t.state_at("2021-06-01", known_at=2).metrics["us.overdose-deaths"].value == 93331
    assert t.state_at("2010").metrics["us.overdose-deaths"].value == 36450
    assert [f.value for f in t.series("us.overdose-deaths")] == [36450, 91799]
    assert [f.value for f in t.series("us.overdose-deaths", known_at=2)] == [36450, 93331]
    assert t.state_at("2020-06-01").metrics["us.overdose-deaths"].truth is Truth.POSSIBLE


def test_history_and_diff(tl):
    """history() gives status periods with truth; diff() gives changes with the events behind."""
    h = tl.history("dea-operations")
    assert [(p.status, p.start.edtf, p.end and p.end.edtf) for p in h] == [
        ("active", "2008", "2020-10"),
        ("suspended", "2020-10", None),
    ]
    assert all(p.truth is Truth.CERTAIN for p in h)
    [change] = tl.diff("2018-01-01", "2021-12-31")
    assert (change.before.status, change.after.status) == ("active", "suspended")
    assert [e.id for e in change.events] == ["susp"]
    assert tl.diff("2010", "2011") == []


def test_replay_both_ends_inclusive(tl):
    """replay() yields one state per step, from the first day of start to the last day of end."""
    days = [d for d, _ in tl.replay("2018", "2021", every="year")]
    assert days == [dt.date(y, 1, 1) for y in (2018, 2019, 2020, 2021)]
    monthly = list(tl.replay("2020-09-30", "2020-12-31", every="month"))
    assert [d.isoformat() for d, _ in monthly] == [
        "2020-09-30", "2020-10-30", "2020-11-30", "2020-12-30",
    ]  # fmt: skip
    assert [s["dea-operations"].status for _, s in monthly] == ["active", *["suspended"] * 3]
    q = list(tl.replay("2020-01-31", "2020-05-31", every=relativedelta(months=1)))
    assert [d.isoformat() for d, _ in q][:2] == ["2020-01-31", "2020-02-29"]  # clamped
    with pytest.raises(bl.ValidationError, match="every"):
        list(tl.replay("2020", "2021", every="fortnight"))
    with pytest.raises(bl.ValidationError, match="every"):
        list(tl.replay("2020", "2021", every=relativedelta(months=-1)))


@pytest.mark.parametrize(
    ("ask", "field"),
    [
        (lambda tl: list(tl.replay("2022", "2006")), "end"),
        (lambda tl: list(tl.replay("2021-10-08", "2021-10-07", every="day")), "end"),
        (lambda tl: tl.events(between=("2022", "2020")), "between"),
        (lambda tl: list(tl.log(between=("2022", "2020-10"))), "between"),
        (lambda tl: tl.diff("2021-12-31", "2018-01-01"), "b"),
    ],
)
def test_a_span_that_ends_before_it_starts_is_an_error(tl, ask, field):
    """Reversed dates are refused, naming the field, not answered with nothing."""
    with pytest.raises(bl.ValidationError, match="before it starts") as info:
        ask(tl)
    assert info.value.field == field
    assert "earlier date first" in info.value.fix
    # the same dates in order, and overlapping imprecise ends, still answer
    assert [d.month for d, _ in tl.replay("2020", "2020-06", every="month")] == [1, 2, 3, 4, 5, 6]
    assert tl.events(between=("2020-10", "2020-10-15")).ids() == ["susp"]
    assert [c.track for c in tl.diff("2018-01-01", "2021-12-31")] == ["dea-operations"]


class CountByStatus:
    """A user's projection: how many status events, by status, with certainty."""

    def initial(self):
        return {}

    def apply(self, state, event, truth):
        if event.status is None:
            return state
        key = (event.status, truth.value)
        return {**state, key: state.get(key, 0) + 1}


def test_custom_projection(tl):
    """A user's projection runs with the same order, certainty and knowledge rules."""
    assert tl.project(CountByStatus(), at="2020-10-15") == {
        ("active", "certain"): 1,
        ("suspended", "possible"): 1,
    }
    assert tl.project(CountByStatus(), at="2020-09-01") == {("active", "certain"): 1}
    assert tl.project(CountByStatus(), known_at=1) == {("active", "certain"): 1}
    with pytest.raises(bl.ValidationError, match="not a Projection"):
        tl.project(object())  # type: ignore[arg-type]


def test_events_filters(tl):
    """events() filters by track, type glob, actor, valid-time window and knowledge."""
    tl.append([make_event(id="x1", type="visas.revoked", on="2021-03", actors=["US.DEA"])])
    assert [r.id for r in tl.events(type="operations.*")] == ["start", "susp"]
    assert [r.id for r in tl.events(actor="US")] == ["x1"]
    assert [r.id for r in tl.events(between=("2020", "2020"))] == ["susp"]
    assert [r.id for r in tl.events(known_at=1)] == ["start"]
    with pytest.raises(bl.ValidationError, match="between"):
        list(tl.events(between="2020"))  # type: ignore[arg-type]


def test_testing_helpers():
    """bilatlog.testing gives an in-memory timeline, event builders and a fake clock."""
    clock = FakeClock(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    t = memory_timeline(clock)
    a = t.append([make_event()])[0]
    clock.advance(days=1)
    b = t.append([make_event()])[0]
    assert b.recorded_at - a.recorded_at == dt.timedelta(days=1)
    assert a.id != b.id


def test_with_block_closes(tmp_path):
    """`with bl.open(...) as tl:` closes the store at the end."""
    with bl.open(tmp_path / "x.db") as t:
        t.record("talks.held", on="2021-10-08")
        assert t.position == 1
    with bl.open(tmp_path / "x.db") as t:
        assert "position=1" in repr(t)


def test_a_reopened_sql_timeline_answers_like_the_one_it_was_copied_from(tmp_path):
    """Indexed from stored text (events decoded only when asked for), answers do not change."""
    source = bl.examples.us_mexico()
    copy = bl.open(tmp_path / "copy.db")
    copy.copy_from(source)
    copy.close()
    fresh = bl.open(tmp_path / "copy.db")
    for at in ("2008-06-01", "2020-10-15", "2021", "2021-12-31", "2022-06-01"):
        for known in (None, "2021-10-15", 10):
            a, b = source.state_at(at, known_at=known), fresh.state_at(at, known_at=known)
            assert dict(a) == dict(b)
            assert a.planned == b.planned
            assert a.metrics == b.metrics
    for track in source.tracks():
        ex_a = source.explain(track, at="2022-06-01")
        ex_b = fresh.explain(track, at="2022-06-01")
        assert ex_a.entries == ex_b.entries
        assert source.history(track) == fresh.history(track)
    metric = "us.overdose-deaths"
    assert source.series(metric) == fresh.series(metric)
    assert source.series(metric, known_at="2021-10-15") == fresh.series(
        metric, known_at="2021-10-15"
    )
    assert len(source.series(metric)) >= 2  # (so the comparisons above can fail)
    assert source.state_at("2021-12-01").planned  # a plan is still expected then
    assert [s.planned for _, s in source.replay("2020", "2022", every="month")] == [
        s.planned for _, s in fresh.replay("2020", "2022", every="month")
    ]
