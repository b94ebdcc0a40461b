"""Promises of `bilatlog.time`: EDTF parsing, bounds, three-valued answers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog import Precision, Truth, When
from date_table import INVALID, VALID

D = dt.date.fromisoformat


def test_table_sizes():
    """The issue asks for at least 60 valid and 60 invalid cases."""
    assert len(VALID) >= 60
    assert len(INVALID) >= 60


@pytest.mark.parametrize(("text", "lo", "hi", "precision", "uncertain", "approximate"), VALID)
def test_valid_dates_have_their_bounds(text, lo, hi, precision, uncertain, approximate):
    """Each valid EDTF string means exactly the days and flags in the table."""
    w = When.parse(text)
    assert w.earliest == (D(lo) if lo else None)
    assert w.latest == (D(hi) if hi else None)
    assert w.precision is Precision(precision)
    assert w.uncertain is uncertain
    assert w.approximate is approximate
    assert w.edtf == text
    assert When.parse(w.edtf) == w


@pytest.mark.parametrize(("text", "words"), INVALID)
def test_invalid_dates_are_refused_with_help(text, words):
    """Invalid dates raise ValidationError quoting the input and showing valid forms."""
    with pytest.raises(bl.ValidationError) as info:
        When.parse(text)
    msg = str(info.value)
    assert words in msg
    assert repr(text) in msg
    assert "Fix:" in msg
    assert isinstance(info.value, ValueError)
    assert info.value.field == "on"
    assert info.value.value == text


def test_whitespace_is_stripped_from_canonical_text():
    """Surrounding whitespace is not part of the date."""
    assert When.parse(" 2020-10 ").edtf == "2020-10"


def test_accepts_a_date_and_refuses_a_datetime():
    """A `datetime.date` is a day; a datetime is refused (valid time has no hours)."""
    assert When.parse(dt.date(2021, 10, 8)) == When.parse("2021-10-08")
    with pytest.raises(bl.ValidationError, match="time of day"):
        When.parse(dt.datetime(2021, 10, 8, tzinfo=dt.UTC))
    with pytest.raises(bl.ValidationError, match="got int"):
        When.parse(2021)  # type: ignore[arg-type]


def test_no_less_than():
    """Ordering imprecise dates has three answers, so `<` is not offered."""
    with pytest.raises(TypeError):
        _ = When.parse("2020") < When.parse("2021")  # type: ignore[operator]


def test_truth_refuses_bool_and_combines():
    """Truth cannot be read as a bool; & and | take the weaker and stronger answer."""
    with pytest.raises(TypeError, match="three possible values"):
        bool(Truth.POSSIBLE)
    assert (Truth.CERTAIN & Truth.POSSIBLE) is Truth.POSSIBLE
    assert (Truth.NO | Truth.POSSIBLE) is Truth.POSSIBLE
    assert (Truth.NO & Truth.CERTAIN) is Truth.NO


@pytest.mark.parametrize(
    ("when", "day", "truth"),
    [
        ("2020-10", "2020-09-30", Truth.NO),
        ("2020-10", "2020-10-01", Truth.POSSIBLE),
        ("2020-10", "2020-10-15", Truth.POSSIBLE),
        ("2020-10", "2020-10-31", Truth.CERTAIN),
        ("2020-10", "2020-11-01", Truth.CERTAIN),
        ("2021-10-08", "2021-10-07", Truth.NO),
        ("2021-10-08", "2021-10-08", Truth.CERTAIN),
        ("2020-10~", "2020-10-15", Truth.POSSIBLE),
        ("2008/2021", "2008-06-01", Truth.POSSIBLE),
        ("../2021", "1900-01-01", Truth.CERTAIN),
        ("/2021", "1900-01-01", Truth.POSSIBLE),
        ("/2021", "2022-01-01", Truth.CERTAIN),
    ],
)
def test_happened_by(when, day, truth):
    """Whether it has happened by D is certain, possible or no, from the bounds alone."""
    assert When.parse(when).happened_by(day) is truth


@pytest.mark.parametrize(
    ("a", "b", "truth"),
    [
        ("2020-09", "2020-10", Truth.CERTAIN),
        ("2020-10", "2020-10-15", Truth.POSSIBLE),
        ("2020-10-15", "2020-10", Truth.POSSIBLE),
        ("2020-10-31", "2020-10", Truth.NO),
        ("2021", "2020", Truth.NO),
        ("2020-10-08", "2020-10-08", Truth.NO),
        ("2008/..", "2030", Truth.POSSIBLE),
    ],
)
def test_before(a, b, truth):
    """A is certainly before B if it ends before B starts; possibly if it starts before B ends."""
    assert When.parse(a).before(b) is truth


@pytest.mark.parametrize(
    ("when", "day", "truth"),
    [
        ("2008/2021-10-08", "2007-12-31", Truth.NO),
        ("2008/2021-10-08", "2008-06-01", Truth.POSSIBLE),
        ("2008/2021-10-08", "2009-01-01", Truth.CERTAIN),
        ("2008/2021-10-08", "2021-10-08", Truth.CERTAIN),
        ("2008/2021-10-08", "2021-10-09", Truth.NO),
        ("2008/..", "2900-01-01", Truth.CERTAIN),
        ("2008/", "2900-01-01", Truth.POSSIBLE),
        ("2020-10", "2020-10-10", Truth.POSSIBLE),
        ("2020-10-10", "2020-10-10", Truth.CERTAIN),
    ],
)
def test_holds_at(when, day, truth):
    """An interval holds, ends inclusive: certainly inside both ends, possibly at the edges."""
    assert When.parse(when).holds_at(day) is truth


def test_interval_parts():
    """An interval exposes its ends as Whens, and says which ends are open or unknown."""
    w = When.parse("2008/..")
    assert w.is_interval
    assert w.start == When.parse("2008")
    assert w.end is None
    assert w.end_open
    assert not w.end_unknown
    u = When.parse("2008/")
    assert u.end_unknown
    assert not u.end_open
    assert When.parse("2020").start == When.parse("2020")


def test_sort_key_is_total_and_hash_is_by_value():
    """sort_key orders by earliest, latest, then text; equal values hash equal."""
    texts = ["2021", "2020-10", "2020-10-15", "[2020-09..2020-12]", "2020-10~", "../2008"]
    ordered = sorted((When.parse(t) for t in texts), key=lambda w: w.sort_key)
    assert [w.edtf for w in ordered] == [
        "../2008",
        "[2020-09..2020-12]",
        "2020-10",
        "2020-10~",
        "2020-10-15",
        "2021",
    ]
    assert {When.parse("2020-10"), When.parse("2020-10")} == {When.parse("2020-10")}


def test_describe_reads_well():
    """describe() gives a readable phrase for tables and notebooks."""
    assert When.parse("2020-10~").describe() == "October 2020 (approximate)"
    assert When.parse("2021-10-08").describe() == "8 October 2021"
    assert When.parse("2008/..").describe() == "2008 - ongoing"
    assert When.parse("201X").describe() == "the 2010s"
    assert When.parse("2021-24").describe() == "winter 2021"


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("late October 2020", "2020-10"),
        ("October 8, 2021", "2021-10-08"),
        ("about March 2019", "2019-03~"),
        ("in 2008", "2008"),
        ("no date here", None),
    ],
)
def test_suggest_never_fills_from_today(text, suggestion):
    """suggest() proposes EDTF for free text, never filling missing parts from today."""
    assert When.suggest(text) == suggestion


# -- properties ----------------------------------------------------------------


@st.composite
def edtf_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(1, 9998))
    kind = draw(st.sampled_from(["y", "m", "d", "x", "xx", "s", "mxx", "dxx"]))
    if kind == "y":
        text = f"{year:04d}"
    elif kind == "m":
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}"
    elif kind == "d":
        day = draw(st.dates(dt.date(1, 1, 1), dt.date(9998, 12, 31)))
        text = day.isoformat()
    elif kind == "x":
        text = f"{max(year // 10, 1):03d}X"
    elif kind == "xx":
        text = f"{max(year // 100, 1):02d}XX"
    elif kind == "s":
        text = f"{year:04d}-{draw(st.integers(21, 24))}"
    elif kind == "mxx":
        text = f"{year:04d}-XX"
    else:
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}-XX"
    return text + draw(st.sampled_from(["", "?", "~", "%"]))


@st.composite
def edtf_any(draw: st.DrawFn) -> str:
    a = draw(edtf_dates())
    shape = draw(st.sampled_from(["date", "interval", "open", "unknown", "range"]))
    if shape == "date":
        return a
    b = draw(edtf_dates())
    wa, wb = When.parse(a), When.parse(b)
    if wb.hi < wa.lo:
        a, b = b, a
        wa, wb = wb, wa
    if wb.hi < wa.lo:  # still crossing (nested bounds): use a single date
        return a
    if shape == "interval":
        return f"{a}/{b}"
    if shape == "open":
        return f"{a}/.."
    if shape == "unknown":
        return f"/{b}"
    return f"[{a.rstrip('?~%')}..{b.rstrip('?~%')}]"


@given(edtf_any())
def test_every_when_round_trips_with_ordered_bounds(text):
    """Any generated EDTF text parses, its canonical text parses back equal, earliest <= latest."""
    w = When.parse(text)
    again = When.parse(w.edtf)
    assert again == w
    assert hash(again) == hash(w)
    assert (again.earliest, again.latest) == (w.earliest, w.latest)
    assert w.lo <= w.hi
    s_lo, s_hi = w.start_bounds
    e_lo, e_hi = w.end_bounds
    assert s_lo <= s_hi
    assert e_lo <= e_hi


@given(edtf_dates(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_happened_by_agrees_with_bounds(text, day):
    """happened_by is CERTAIN iff latest <= day, NO iff day < earliest."""
    w = When.parse(text)
    truth = w.happened_by(day)
    assert (truth is Truth.CERTAIN) == (w.hi <= day)
    assert (truth is Truth.NO) == (day < w.lo)
