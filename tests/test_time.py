"""Promises of `bilatlog.time`: EDTF parsing, bounds, three-valued answers."""

from __future__ import annotations

import datetime as dt
import re

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


# -- level 2: sets and unspecified digits have gaps ------------------------------


@pytest.mark.parametrize(
    ("when", "day", "happened", "holds"),
    [
        # one of the years 1667, 1668, 1670, 1671, 1672: 1669 is a gap
        ("[1667,1668,1670..1672]", "1666-12-31", Truth.NO, Truth.NO),
        ("[1667,1668,1670..1672]", "1667-01-01", Truth.POSSIBLE, Truth.POSSIBLE),
        ("[1667,1668,1670..1672]", "1669-06-01", Truth.POSSIBLE, Truth.NO),
        ("[1667,1668,1670..1672]", "1671-06-01", Truth.POSSIBLE, Truth.POSSIBLE),
        ("[1667,1668,1670..1672]", "1672-12-30", Truth.POSSIBLE, Truth.POSSIBLE),
        ("[1667,1668,1670..1672]", "1672-12-31", Truth.CERTAIN, Truth.POSSIBLE),
        ("[1667,1668,1670..1672]", "1673-01-01", Truth.CERTAIN, Truth.NO),
        # on or before / on or after
        ("[..1760-12-03]", "1000-01-01", Truth.POSSIBLE, Truth.POSSIBLE),
        ("[..1760-12-03]", "1760-12-03", Truth.CERTAIN, Truth.POSSIBLE),
        ("[..1760-12-03]", "1760-12-04", Truth.CERTAIN, Truth.NO),
        ("[1760-12..]", "1760-11-30", Truth.NO, Truth.NO),
        ("[1760-12..]", "2500-01-01", Truth.POSSIBLE, Truth.POSSIBLE),
        ("[1760-01,1760-02,1760-12..]", "1760-06-01", Truth.POSSIBLE, Truth.NO),
        ("[1760-01,1760-02,1760-12..]", "1761-06-01", Truth.POSSIBLE, Truth.POSSIBLE),
        # 25 December of some year of the 1560s
        ("156X-12-25", "1560-12-24", Truth.NO, Truth.NO),
        ("156X-12-25", "1565-12-25", Truth.POSSIBLE, Truth.POSSIBLE),
        ("156X-12-25", "1565-12-26", Truth.POSSIBLE, Truth.NO),
        ("156X-12-25", "1569-12-25", Truth.CERTAIN, Truth.POSSIBLE),
        # the 25th of some month of 1560
        ("1560-XX-25", "1560-06-25", Truth.POSSIBLE, Truth.POSSIBLE),
        ("1560-XX-25", "1560-06-24", Truth.POSSIBLE, Truth.NO),
        # a single day with a qualified component is still that one day
        ("2004-06-~11", "2004-06-11", Truth.CERTAIN, Truth.CERTAIN),
        ("2004-?06-11", "2004-06-10", Truth.NO, Truth.NO),
    ],
)
def test_gaps_answer_no_for_holds_at_but_keep_happened_by_monotone(when, day, happened, holds):
    """happened_by only grows (POSSIBLE from the first member, CERTAIN after the last); a gap is
    not a day the date may be, so holds_at says NO there."""
    w = When.parse(when)
    assert w.happened_by(day) is happened
    assert w.holds_at(day) is holds


@pytest.mark.parametrize(
    ("a", "b", "truth"),
    [
        ("[1667,1668,1670..1672]", "1669", Truth.POSSIBLE),  # 1667 or 1668 would be before
        ("[1667,1668,1670..1672]", "1673", Truth.CERTAIN),
        ("[1667,1668,1670..1672]", "1667", Truth.POSSIBLE),  # 1667-01-01 before 1667-12-31
        ("[1667,1668,1670..1672]", "1666", Truth.NO),
        ("1666", "[1667,1670]", Truth.CERTAIN),
        ("1668", "[1667,1670]", Truth.POSSIBLE),
        ("[1760-12..]", "1900", Truth.POSSIBLE),
        ("[..1760-12-03]", "1760-12-04", Truth.CERTAIN),
        ("156X-12-25", "1569-12-26", Truth.CERTAIN),
        ("156X-12-25", "1565", Truth.POSSIBLE),
    ],
)
def test_before_uses_the_first_and_last_possible_day(a, b, truth):
    """Gaps do not change `before`: the earliest and latest days are themselves possible."""
    assert When.parse(a).before(b) is truth


@st.composite
def one_of_sets(draw: st.DrawFn) -> tuple[str, list[tuple[dt.date, dt.date]]]:
    """A set text and its members' spans, drawn from years (with gaps between them)."""
    years = sorted(draw(st.sets(st.integers(1900, 1960), min_size=1, max_size=5)))
    parts, spans = [], []
    for y in years:
        if draw(st.booleans()):
            parts.append(str(y))
            spans.append((dt.date(y, 1, 1), dt.date(y, 12, 31)))
        else:
            m = draw(st.integers(1, 12))
            last = (dt.date(y + m // 12, m % 12 + 1, 1)) - dt.timedelta(days=1)
            parts.append(f"{y}-{m:02d}")
            spans.append((dt.date(y, m, 1), last))
    sep = draw(st.sampled_from([",", ", "]))
    return "[" + sep.join(parts) + "]", spans


@given(one_of_sets(), st.dates(dt.date(1899, 1, 1), dt.date(1962, 1, 1)), st.integers(0, 4000))
def test_a_set_is_one_of_its_members(drawn, day, later):
    """holds_at is possible exactly on member days; happened_by never falls as days pass."""
    text, spans = drawn
    w = When.parse(text)
    assert w.edtf == text
    assert When.parse(w.edtf) == w
    inside = any(lo <= day <= hi for lo, hi in spans)
    assert (w.holds_at(day) is not Truth.NO) == inside
    rank = {Truth.NO: 0, Truth.POSSIBLE: 1, Truth.CERTAIN: 2}
    d2 = day + dt.timedelta(days=later)
    assert rank[w.happened_by(day)] <= rank[w.happened_by(d2)]
    assert (w.happened_by(day) is Truth.CERTAIN) == (day >= max(hi for _, hi in spans))
    assert (w.happened_by(day) is Truth.NO) == (day < min(lo for lo, _ in spans))


# -- level 0 date-times -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2004-01-01T01:00:00+05:00", "2004-01-01"),  # 2003-12-31 in UTC: not converted
        ("2004-01-01T23:00:00-05:00", "2004-01-01"),  # 2004-01-02 in UTC: not converted
        ("2004-01-01T23:59:59Z", "2004-01-01"),
        ("2004-02-29T12:00:00-04", "2004-02-29"),
    ],
)
def test_a_date_time_is_the_calendar_day_as_written(text, day):
    """The local date of the offset given, day precision, the text kept exactly."""
    w = When.parse(text)
    assert (w.earliest, w.latest, w.precision) == (D(day), D(day), Precision.DAY)
    assert w.edtf == text
    assert w != When.parse(day)  # a different text is a different value...
    assert w.sort_key[:2] == When.parse(day).sort_key[:2]  # ...on the same day


def test_a_date_time_names_a_real_day():
    """The calendar part is checked like any date."""
    with pytest.raises(bl.ValidationError, match="no day 30"):
        When.parse("2021-02-30T10:00:00Z")


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("2021-10-08T09:30:00+0530", "write '2021-10-08T09:30:00+05:30'"),
        ("2021-10-08T09:30:00z", "write '2021-10-08T09:30:00Z'"),
        ("2021-10-08T09:30:00 UTC", "write e.g. '2021-10-08T09:30:00Z'"),
    ],
)
def test_a_zone_written_another_way_is_named_as_the_zone(text, fix):
    """A whole time with a zone EDTF does not write: the message names the zone, not seconds."""
    with pytest.raises(bl.ValidationError, match="is not a time zone") as info:
        When.parse(text)
    assert fix in info.value.fix
    assert "fractions of a second" not in str(info.value)


@pytest.mark.parametrize("text", ["2021-10-08T09:30:00?", "2021-10-08T09:30:00Z~",
                                  "2021-10-08T09:30:00+05:30%"])  # fmt: skip
def test_a_qualified_date_time_is_refused_saying_qualifiers_are_for_dates(text):
    """`?`, `~`, `%` after a time: the message says so and shows the qualified day."""
    with pytest.raises(bl.ValidationError, match="cannot be qualified") as info:
        When.parse(text)
    assert info.value.fix.startswith(f"qualify the day, e.g. '2021-10-08{text[-1]}'")


def test_an_interval_the_wrong_way_round_says_which_way_is_right():
    """The fix names the interval written the right way, not the list of every form."""
    with pytest.raises(bl.ValidationError, match="ends") as info:
        When.parse("2001-36/2001-34")
    assert info.value.fix.startswith("write the earlier date first: '2001-34/2001-36'")
    assert "valid forms" not in info.value.fix
    assert When.parse("2001-34/2001-36").latest == dt.date(2001, 12, 31)


# -- level 2 forms: what they read like, what they refuse ---------------------------


def test_all_of_is_refused_with_the_reason_and_the_fix():
    """'{..}' is several dates; the message says one event has one date, and what to do."""
    with pytest.raises(bl.ValidationError) as info:
        When.parse("{1960,1961-12}")
    msg = str(info.value)
    assert "one event has one date" in msg
    assert "record one event per date (on='1960', on='1961-12')" in msg
    assert "'[..]' ('one of')" in msg


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2021-34", "second quarter of 2021"),
        ("2021-41", "second semester of 2021"),
        ("2021-29", "spring 2021 (southern hemisphere)"),
        ("156X-12-25", "a day matching 156X-12-25 (25 December 1560 to 25 December 1569)"),
        ("1984-1X", "some day 1 October 1984 to 31 December 1984"),
        ("[1667, 1668, 1670..1672]", "one of 1667, 1668, 1670..1672"),
        ("[..1760-12-03]", "some day on or before 1760-12-03"),
        ("2001-02-03T09:30:01", "3 February 2001, 09:30:01"),
        ("1950S2", "1900-1999 (estimated 1950)"),
        ("?2004-06-~11", "11 June 2004 (uncertain, approximate)"),
    ],
)
def test_level_2_forms_read_well(text, words):
    """describe() names quarters, semesters, sets and patterns in words."""
    assert When.parse(text).describe() == words


def test_quarters_follow_the_specification_codes():
    """33-36 are the four quarters, 37-39 the quadrimesters, 40-41 the semesters."""
    quarters = [When.parse(f"2021-{c}") for c in (33, 34, 35, 36)]
    assert [(q.lo.month, q.hi.month) for q in quarters] == [(1, 3), (4, 6), (7, 9), (10, 12)]
    assert all(q.precision is Precision.QUARTER for q in quarters)
    thirds = [When.parse(f"2021-{c}") for c in (37, 38, 39)]
    assert [(q.lo.month, q.hi.month) for q in thirds] == [(1, 4), (5, 8), (9, 12)]
    halves = [When.parse(f"2021-{c}") for c in (40, 41)]
    assert [(q.lo.month, q.hi.month) for q in halves] == [(1, 6), (7, 12)]


@st.composite
def level2_dates(draw: st.DrawFn) -> str:
    """Level-0 date-times and level-2 single dates: qualified parts, X anywhere, groupings."""
    kind = draw(st.sampled_from(["time", "qualified", "pattern", "grouping"]))
    day = draw(st.dates(dt.date(1000, 1, 1), dt.date(9998, 12, 31)))
    if kind == "time":
        zone = draw(st.sampled_from(["", "Z", "+05:00", "-04", "-11:30"]))
        return f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:30:59{zone}"
    if kind == "grouping":
        q = draw(st.sampled_from(["", "?", "~", "%"]))
        return f"{day.year:04d}-{draw(st.integers(21, 41))}{q}"
    parts = [f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"][: draw(st.integers(1, 3))]
    if kind == "pattern":
        # hide some digits (never the year's first), keeping at least one valid day
        chars = [list(p) for p in parts]
        for i, p in enumerate(chars):
            for j in range(len(p)):
                if (i, j) != (0, 0) and draw(st.integers(0, 3)) == 0:
                    p[j] = "X"
        return "-".join("".join(p) for p in chars)
    quals = [draw(st.sampled_from(["", "", "?", "~", "%"])) for _ in parts]
    left = [draw(st.booleans()) for _ in parts]
    return "-".join(q + p if lf else p + q for p, q, lf in zip(parts, quals, left, strict=True))


@given(level2_dates())
def test_level_2_dates_round_trip_with_strict_bounds(text):
    """Each form parses, keeps its text, and its earliest and latest days are possible days."""
    w = When.parse(text)  # a pattern keeps the drawn day possible, so it always parses
    assert w.edtf == text
    assert When.parse(w.edtf) == w
    assert w.lo <= w.hi
    assert w.holds_at(w.lo) is not Truth.NO
    assert w.holds_at(w.hi) is not Truth.NO
    if "X" in text and (w.hi - w.lo).days <= 800:
        pattern = re.compile(text.replace("X", "[0-9]"))
        days = [w.lo + dt.timedelta(days=i) for i in range((w.hi - w.lo).days + 1)]
        possible = [d for d in days if w.holds_at(d) is not Truth.NO]
        assert possible == [d for d in days if pattern.fullmatch(d.isoformat()[: len(text)])]
        assert w.gaps is (len(possible) != len(days))
