"""`tl.audit()` and `bilatlog audit`: each check on a crafted timeline, and the bundled dataset."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import bilatlog as bl
from bilatlog.audit import CHECKS, Audit
from bilatlog.backends.memory import MemoryBackend
from bilatlog.cli import main
from bilatlog.testing import FakeClock, memory_timeline

SRC = bl.Source(outlet="Reuters", url="https://www.reuters.com/x", published="2020-01-01")


def clean() -> bl.Timeline:
    """A small timeline that passes every check."""
    tl = memory_timeline()
    tl.record("operations.started", on="2008", track="dea-operations", status="active",
              sources=[SRC], id="start")  # fmt: skip
    tl.record("figures.reported", on="2020", sources=[SRC], id="troops",
              data={"metric": "mx.troops", "value": 80000, "unit": "troops"})  # fmt: skip
    tl.correct("start", reason="exact year", on="2008-12", sources=[SRC])
    return tl


def found(report: Audit) -> list[tuple[str, str]]:
    return [(f.check, f.record_id) for f in report]


def test_a_clean_timeline_has_nothing_to_report():
    """No findings: an empty, falsy report."""
    report = clean().audit()
    assert report == []
    assert not report
    assert str(report) == "nothing found\n"


def test_unsourced_events_and_revisions():
    """Events, corrections and retractions that cite no source are findings, each named."""
    tl = clean()
    tl.record("talks.held", on="2019", track="security-dialogue", status="active", id="bare")
    tl.correct("troops", reason="rounded", data={"metric": "mx.troops", "value": 8e4,
               "unit": "troops"}, id="fix-bare")  # fmt: skip
    tl.retract("bare", reason="no source", id="drop-bare")
    report = tl.audit()
    assert found(report) == [
        ("unsourced-revision", "fix-bare"),
        ("unsourced-revision", "drop-bare"),
    ]  # the retracted event is no longer claimed, so it is not "unsourced"
    assert found(tl.audit(known_at=5)) == [("unsourced-event", "bare"),
                                            ("unsourced-revision", "fix-bare")]  # fmt: skip
    assert "cites no source" in report[0].message
    assert report[0].position == 5


def test_figures_without_units():
    """A figure (metric and value) with no unit is a finding."""
    tl = clean()
    tl.record("figures.reported", on="2021", sources=[SRC], id="bare-figure",
              data={"metric": "mx.troops", "value": 90000})  # fmt: skip
    report = tl.audit()
    assert found(report) == [("figure-without-unit", "bare-figure")]
    assert "'mx.troops' = 90000 has no unit" in report[0].message


def test_a_track_given_two_statuses_for_one_day():
    """Two events putting a track in different statuses for the same date conflict."""
    tl = clean()
    tl.record("operations.suspended", on="2020-10-15", track="dea-operations",
              status="suspended", sources=[SRC], id="a")  # fmt: skip
    tl.record("operations.restricted", on="2020-10-15", track="dea-operations",
              status="restricted", sources=[SRC], id="b")  # fmt: skip
    tl.record("operations.restricted", on="2020-10-16", track="dea-operations",
              status="restricted", sources=[SRC], id="c")  # fmt: skip
    report = tl.audit()
    assert found(report) == [("conflicting-status", "a")]
    assert "restricted and suspended for 2020-10-15" in report[0].message
    assert "a (suspended), b (restricted)" in report[0].message


@pytest.mark.parametrize("other", ["2020-10-15T09:30:00Z", "2020-10-15~", "2020-10-15?"])
def test_the_same_day_written_another_way_is_the_same_date(other):
    """A day given with a time, or with a qualifier, still conflicts with the plain day."""
    tl = clean()
    tl.record("operations.suspended", on="2020-10-15", track="dea-operations",
              status="suspended", sources=[SRC], id="a")  # fmt: skip
    tl.record("operations.restricted", on=other, track="dea-operations",
              status="restricted", sources=[SRC], id="b")  # fmt: skip
    report = tl.audit()
    assert found(report) == [("conflicting-status", "a")]
    assert f"a (suspended), b (restricted, {other})" in report[0].message


def test_overdue_plans():
    """A plan whose date passed (by the store's clock) with nothing fulfilling it."""
    tl = clean()  # the fake clock says 2021-10-15
    tl.record("review.planned", on="2020", track="dea-operations", status="reviewed",
              planned=True, sources=[SRC], id="late")  # fmt: skip
    tl.record("review.planned", on="2022", track="dea-operations", status="reviewed",
              planned=True, sources=[SRC], id="ahead")  # fmt: skip
    report = tl.audit()
    assert found(report) == [("overdue-plan", "late")]
    assert "was due by 2020-12-31" in report[0].message


def test_sources_newer_than_the_records_citing_them():
    """Stores written before the provenance rule: a source published after its record."""
    old = MemoryBackend(clock=FakeClock())
    future = bl.Source(outlet="Tomorrow", published="2022-03-01")
    # built around the write path, as a store written by an older bilatlog would be
    [sealed] = old.codec.seal_batch(
        [bl.Event(type="talks.held", on="2021", sources=[future], id="early")],
        first=1,
        recorded_at=dt.datetime(2021, 10, 15, tzinfo=dt.UTC),
        prev_hash="",
    )
    tl = memory_timeline()
    tl.backend.copy_in([sealed.record])
    report = tl.audit()
    assert found(report) == [("source-after-record", "early")]
    assert report[0].message == (
        "cites 'Tomorrow', published 2022-03-01, but was stored 2021-10-15: "
        "it could not have known it yet."
    )


@pytest.mark.parametrize(
    ("published", "after"),
    [
        ("2021-10-16T01:00:00+05:00", False),  # 2021-10-15T20:00Z: before the record
        ("2021-10-15T23:00:00-05:00", True),  # 2021-10-16T04:00Z: the next UTC day
        ("2021-10-16T01:00:00", True),  # no zone: the calendar day as written
        ("2021-10-15T22:00:00Z", False),  # the same UTC day
        ("2021-10-16", True),
    ],
)
def test_a_publication_time_with_a_zone_is_read_at_its_utc_day(published, after):
    """The record is refused, and the audit finds it, exactly when the source is later."""
    recorded = dt.datetime(2021, 10, 15, 21, 0, tzinfo=dt.UTC)
    source = bl.Source(outlet="Wire", published=published)
    tl = memory_timeline(FakeClock(recorded))
    if after:
        with pytest.raises(bl.ValidationError, match="could not have known it yet"):
            tl.record("talks.held", on="2021", sources=[source], id="new")
        assert tl.position == 0
    else:
        assert tl.record("talks.held", on="2021", sources=[source], id="new").position == 1
    old = MemoryBackend(clock=FakeClock())  # a store written before the rule
    [sealed] = old.codec.seal_batch(
        [bl.Event(type="talks.held", on="2021", sources=[source], id="early")],
        first=1,
        recorded_at=recorded,
        prev_hash="",
    )
    legacy = memory_timeline()
    legacy.backend.copy_in([sealed.record])
    assert found(legacy.audit()) == ([("source-after-record", "early")] if after else [])


def test_every_check_is_named_and_the_report_has_views():
    """Each finding's check is one of CHECKS; HTML and frame views show every finding."""
    tl = clean()
    tl.record("figures.reported", on="2019", id="bare", sources=[SRC],
              data={"metric": "<b>x</b>", "value": 1})  # fmt: skip
    report = tl.audit()
    assert {f.check for f in report} <= set(CHECKS)
    page = report._repr_html_()
    assert "figure-without-unit" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page
    frame = report.to_frame()
    assert list(frame.columns) == ["check", "position", "record", "why"]
    assert frame["record"].tolist() == ["bare"]
    assert report.by_check() == {"figure-without-unit": list(report)}


def test_cli_audit_exits_non_zero_when_it_finds_anything(capsys, tmp_path):
    """bilatlog audit: 0 and "nothing" when clean, 1 with a table of findings otherwise."""
    store = tmp_path / "audit.jsonl"
    with bl.open(store) as out:
        out.copy_from(clean())
    assert main(["--store", str(store), "audit"]) == 0
    assert capsys.readouterr().out == "(nothing)\n"
    with bl.open(store) as out:
        out.record("talks.held", on="2019", id="bare")
    assert main(["--store", str(store), "--format", "json", "audit"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)[0]["check"] == "unsourced-event"
    assert "1 finding (unsourced-event: 1)" in err


def test_the_bundled_dataset_passes_its_audit_but_for_the_gap_it_states():
    """The bundled US-Mexico dataset has nothing for a careful reader to question, but one
    gap it states: the Supreme Court's return of the Guard to civilian control, due on
    2024-01-01, whose fate its research does not record (so no event fulfils the plan)."""
    report = bl.examples.us_mexico().audit()
    assert [(f.check, f.record_id) for f in report] == [("overdue-plan", "guard-return-planned")]


def test_bilatlog_audit_on_the_bundled_dataset_names_that_gap_alone(capsys):
    """`bilatlog audit` (the bundled dataset) reports the one overdue plan and exits 1."""
    code = main(["audit"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "guard-return-planned" in out
    assert out.count("overdue-plan") == 1
    for check in ("unsourced-event", "figure-without-unit", "unsourced-revision",
                  "conflicting-status", "source-after-record"):  # fmt: skip
        assert check not in out
