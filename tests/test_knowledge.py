"""`known_at` resolved once: every accepted form names the same position as its equivalents.

`bilatlog._knowledge.known_position` is the one place a `known_at` value becomes a
position, for the API (`Timeline.resolve_known_at`) and the command line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog import cli
from bilatlog._knowledge import known_position
from bilatlog.testing import FakeClock
from pgtest import postgres_url

START = dt.datetime(2021, 10, 14, 18, tzinfo=dt.UTC)
ZONES = [dt.UTC, dt.timezone(-dt.timedelta(hours=6)), dt.timezone(dt.timedelta(hours=5.5))]
#: each backend finds "the last record at or before an instant" its own way
BACKENDS = ["memory", "jsonl", "sqlite"]
_TMP = Path(tempfile.mkdtemp(prefix="bilatlog-knowledge-"))
_n = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def _remove_the_stores() -> Iterator[None]:
    """The stores the property tests make (Hypothesis examples outlive tmp_path) go at the end."""
    yield
    shutil.rmtree(_TMP, ignore_errors=True)


def _timeline(gaps: list[int], backend: str = "memory") -> bl.Timeline:
    """A log of one record after each gap (in minutes) from START."""
    n = next(_n)
    files = {"memory": None, "jsonl": _TMP / f"k{n}.jsonl", "sqlite": _TMP / f"k{n}.db"}
    target = postgres_url(f"{_TMP}/k{n}") if backend == "postgres" else files[backend]
    clock = FakeClock(START)
    tl = bl.open(target, clock=clock)
    for i, gap in enumerate(gaps):
        clock.advance(minutes=gap)
        tl.record("talks.held", on="2021", id=f"e{i}", actors=["US", "MX"])
    return tl


def _last_at_or_before(tl: bl.Timeline, instant: dt.datetime) -> int:
    """The reference answer: scan the log for the last record stored by `instant`."""
    return max((r.position for r in tl.log() if r.recorded_at <= instant), default=0)


gaps = st.lists(st.integers(0, 36 * 60), max_size=8)
offsets = st.integers(-24 * 60, 5 * 24 * 60)  # minutes from START: before the first record too


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=40)
@given(gaps=gaps, minutes=offsets, seconds=st.integers(0, 59), zone=st.sampled_from(ZONES))
def test_an_instant_its_iso_text_and_its_position_agree(backend, gaps, minutes, seconds, zone):
    """An aware datetime, its ISO text (any offset) and the position it names resolve alike."""
    with _timeline(gaps, backend) as tl:
        instant = (START + dt.timedelta(minutes=minutes, seconds=seconds)).astimezone(zone)
        expected = _last_at_or_before(tl, instant)
        assert tl.resolve_known_at(instant) == expected
        assert tl.resolve_known_at(instant.isoformat()) == expected
        assert tl.resolve_known_at(expected) == expected
        assert known_position(instant.isoformat(), tl.backend, text_positions=True) == expected
        assert tl.state_at("2021", known_at=instant) == tl.state_at("2021", known_at=expected)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=40)
@given(gaps=gaps, days=st.integers(-2, 6))
def test_a_day_its_iso_text_and_the_end_of_that_utc_day_agree(backend, gaps, days):
    """A date, its ISO text and the last instant of that UTC day resolve alike."""
    with _timeline(gaps, backend) as tl:
        day = START.date() + dt.timedelta(days=days)
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        expected = _last_at_or_before(tl, end)
        assert tl.resolve_known_at(day) == expected
        assert tl.resolve_known_at(day.isoformat()) == expected
        assert tl.resolve_known_at(end) == expected
        assert known_position(day.isoformat(), tl.backend, text_positions=True) == expected


@given(gaps=gaps, position=st.integers(0, 20))
def test_a_position_and_its_command_line_text_agree(gaps, position):
    """A position names itself (the head, past it); on the command line, its digits do too,
    up to the head (past it, typed by hand, is refused)."""
    with _timeline(gaps) as tl:
        expected = min(position, tl.position)
        assert tl.resolve_known_at(position) == expected
        if position <= tl.position:
            assert known_position(str(position), tl.backend, text_positions=True) == expected
        else:
            with pytest.raises(bl.ValidationError, match="past the store's head"):
                known_position(str(position), tl.backend, text_positions=True)
        assert tl.resolve_known_at(None) == tl.position


def test_postgres_resolves_every_form_alike():
    """The same equivalences on PostgreSQL, at instants around each record, in three zones."""
    with _timeline([0, 90, 0, 24 * 60], "postgres") as tl:
        recorded = [r.recorded_at for r in tl.log()]
        for at, nudge, zone in itertools.product(recorded, (-1, 0, 1), ZONES):
            instant = (at + dt.timedelta(seconds=nudge)).astimezone(zone)
            expected = _last_at_or_before(tl, instant)
            assert tl.resolve_known_at(instant) == expected
            assert tl.resolve_known_at(instant.isoformat()) == expected
            day = instant.astimezone(dt.UTC).date()
            end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
            assert (
                tl.resolve_known_at(day) == tl.resolve_known_at(end) == _last_at_or_before(tl, end)
            )


@pytest.mark.parametrize(
    ("known_at", "problem"),
    [
        (True, "expected a position, a date or a datetime"),
        (-1, "positions start at 0"),
        (dt.datetime(2021, 10, 15, 10), "a naive datetime is ambiguous"),
        ("2021-10-15T10:00", "a datetime without a UTC offset is ambiguous"),
        ("20211015", "neither a position nor a day"),
        ("2021", "neither a position nor a day"),  # a year is not one day, nor record 2021
        ("7", "neither a position nor a day"),
        ("last week", "expected a position, an aware datetime, or an ISO date"),
        ("2021-10", "expected a position, an aware datetime, or an ISO date"),
        (3.0, "not a float"),
        (bl.When.parse("2021"), "not a When"),
    ],
)
def test_what_is_refused_names_the_field_the_value_and_a_fix(known_at, problem):
    """Every refused form is a ValidationError on known_at, with the value and a fix."""
    with _timeline([0, 60]) as tl:
        with pytest.raises(bl.ValidationError) as info:
            tl.state_at("2021", known_at=known_at)
        assert info.value.field == "known_at"
        assert info.value.value == known_at
        assert problem in info.value.problem
        assert info.value.fix


def test_a_fix_offered_for_an_ambiguous_text_is_itself_accepted():
    """The offset the error proposes makes a text that resolves."""
    with _timeline([0, 60]) as tl:
        with pytest.raises(bl.ValidationError) as info:
            tl.resolve_known_at("2021-10-14T19:00")
        proposed = info.value.fix.split("known_at='")[1].split("'")[0]
        assert tl.resolve_known_at(proposed) == 2


@pytest.mark.parametrize(("text", "day"), [("2021", "2021-12-31"), ("20211014", "2021-10-14")])
def test_digits_that_look_like_a_day_are_offered_that_day(text, day):
    """A year or a compact date as text: the fix offers the day they may mean, which resolves."""
    with _timeline([0, 60]) as tl:
        with pytest.raises(bl.ValidationError) as info:
            tl.resolve_known_at(text)
        proposed = info.value.fix.split("known_at='")[1].split("'")[0]
        assert proposed == day
        assert tl.resolve_known_at(proposed) == tl.resolve_known_at(dt.date.fromisoformat(day))
        assert "position" in info.value.fix  # and says how to ask for a position instead


def test_the_command_line_resolves_known_at_through_the_same_rule(capsys, tmp_path):
    """--known-at: digits are a position ("-1" refused as one); dates, instants as in the API."""
    store = tmp_path / "s.jsonl"
    with bl.open(store, clock=FakeClock(START)) as tl:
        tl.record("operations.suspended", on="2020-10", track="dea-operations",
                  status="suspended", actors=["US.DEA"])  # fmt: skip
    assert cli.main(["--store", str(store), "state", "--at", "2021", "--known-at", "0"]) == 0
    assert "dea-operations" not in capsys.readouterr().out
    assert cli.main(["--store", str(store), "state", "--at", "2021", "--known-at", "1"]) == 0
    assert "dea-operations" in capsys.readouterr().out
    assert cli.main(["--store", str(store), "state", "--at", "2021", "--known-at", "-1"]) == 2
    assert "--known-at -1: positions start at 0" in capsys.readouterr().err
    # typed by hand, a position past the head is a slip or a year: refused, with the year's day
    assert cli.main(["--store", str(store), "state", "--at", "2021", "--known-at", "2021"]) == 2
    err = capsys.readouterr().err
    assert "position 2021 is past the store's head (1)" in err
    assert "--known-at 2021-12-31" in err
    at = ["state", "--at", "2021", "--known-at"]
    assert cli.main(["--store", str(store), *at, "2021-10-14T17:59:59+00:00"]) == 0
    assert "dea-operations" not in capsys.readouterr().out
    assert cli.main(["--store", str(store), *at, "2021-10-14"]) == 0
    assert "dea-operations" in capsys.readouterr().out
