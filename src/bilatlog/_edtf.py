"""The EDTF grammar: from text to strict bounds. Private; `bilatlog.time.When` is its face.

This module reads one date (levels 0, 1 and the level-2 component forms) or one
"one of" set, and returns its strict bounds: the first and last day the text
allows, never widened by `?`, `~` or `%`. Intervals (`a/b`) are put together
from two dates in `bilatlog.time`. Nothing here knows `When`.

Forms (see docs/time-model.md for the full table):

- level 0: `1985-04-12`, `1985-04`, `1985`, date-times `1985-04-12T23:20:30`
  with `Z`, `-04` or `+04:30` (the calendar day as written: the local date);
- level 1: `?`, `~`, `%` after the date; `X` for the rightmost digits; seasons 21-24;
- level 2: a qualifier on one component (`2004-?06-11`, `2004-06~-11`); `X`
  anywhere (`156X-12-25`, `1560-XX-25`); sub-year groupings 25-41 (hemisphere
  seasons, quarters, quadrimesters, semesters); significant digits (`1950S2`);
  "one of" sets (`[1667,1668,1670..1672]`, `[..1760-12-03]`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Final, NamedTuple, NoReturn

from bilatlog.exceptions import ValidationError

_DOCS: Final = "see docs/time-model.md"
VALID_FORMS: Final = (
    "valid forms: '2021-10-08' (a day), '2020-10' (a month), '2008' (a year), "
    "'2021-10-08T09:30:00Z' (a time: its calendar day is kept), "
    "'2022-01?' (uncertain), '2020-10~' (approximate), '2020-10%' (both), "
    "'2004-?06-11' (one part uncertain), '201X' (a decade), '2020-XX' (month unspecified), "
    "'156X-12-25' (a day in some year of the 1560s), '2021-23' (autumn), "
    "'2021-34' (second quarter), '2021-41' (second semester), "
    "'2008/2021-10-08' (an interval), '2008/..' (ongoing), '2008/' (end unknown), "
    "'[2020-09..2020-12]' (one day in that range), '[1667,1668,1670..1672]' (one of those)"
)

MIN: Final = dt.date.min
MAX: Final = dt.date.max
_ONE_DAY: Final = dt.timedelta(days=1)

# Sub-year groupings (EDTF level 1 codes 21-24, level 2 codes 25-41): code ->
# (first month, number of months, precision, name). Months past 12 run into the
# next year. Seasons are meteorological. 21-24 ("independent of location" in the
# specification) are read as the northern-hemisphere seasons 25-28, and winter
# runs from December into the next February: the whole season, where the `edtf`
# package reads winter as December only.
SUB_YEAR: Final = {
    21: (3, 3, "season", "spring"),
    22: (6, 3, "season", "summer"),
    23: (9, 3, "season", "autumn"),
    24: (12, 3, "season", "winter"),
    25: (3, 3, "season", "spring (northern hemisphere)"),
    26: (6, 3, "season", "summer (northern hemisphere)"),
    27: (9, 3, "season", "autumn (northern hemisphere)"),
    28: (12, 3, "season", "winter (northern hemisphere)"),
    29: (9, 3, "season", "spring (southern hemisphere)"),
    30: (12, 3, "season", "summer (southern hemisphere)"),
    31: (3, 3, "season", "autumn (southern hemisphere)"),
    32: (6, 3, "season", "winter (southern hemisphere)"),
    33: (1, 3, "quarter", "first quarter"),
    34: (4, 3, "quarter", "second quarter"),
    35: (7, 3, "quarter", "third quarter"),
    36: (10, 3, "quarter", "fourth quarter"),
    37: (1, 4, "quadrimester", "first quadrimester"),
    38: (5, 4, "quadrimester", "second quadrimester"),
    39: (9, 4, "quadrimester", "third quadrimester"),
    40: (1, 6, "semester", "first semester"),
    41: (7, 6, "semester", "second semester"),
}

_Q = r"[?~%]"
_DATE_RE: Final = re.compile(
    rf"(?P<yl>{_Q})?(?P<year>[0-9X]{{4}})(?P<yr>{_Q})?"
    rf"(?:-(?P<ml>{_Q})?(?P<month>[0-9X]{{2}})(?P<mr>{_Q})?"
    rf"(?:-(?P<dl>{_Q})?(?P<day>[0-9X]{{2}})(?P<dr>{_Q})?)?)?"
)
_DATETIME_RE: Final = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})"
    r"(?P<zone>Z|[+-](?P<zh>[0-9]{2})(?::(?P<zm>[0-9]{2}))?)?"
)
_SIGNIFICANT_RE: Final = re.compile(r"(?P<year>[0-9]{4})S(?P<digits>[0-9]+)")
_YEAR_PRECISION: Final = {3: "decade", 2: "century", 1: "millennium"}


class DateParts(NamedTuple):
    """One parsed date: its text, strict bounds, precision and flags."""

    text: str
    precision: str  # a `Precision` value
    lo: dt.date
    hi: dt.date
    uncertain: bool = False
    approximate: bool = False
    gaps: bool = False  # some day between lo and hi is not a possible day
    code: int | None = None  # a sub-year grouping (21-41), if any
    time: str | None = None  # the time of day of a date-time, as written


class SetParts(NamedTuple):
    """One parsed "one of" set `[..]`: its outer bounds and which ends are open."""

    text: str
    precision: str  # "range" for one range `[a..b]`, `[..b]`, `[a..]`; "set" otherwise
    lo: dt.date
    hi: dt.date
    gaps: bool
    start_open: bool
    end_open: bool


def fail(text: object, problem: str, fix: str = VALID_FORMS) -> NoReturn:
    """Raise the one error for a date not understood, naming the text and the fix."""
    raise ValidationError("on", text, problem, f"{fix} ({_DOCS}).")


# -- one date -------------------------------------------------------------------------


def _why_not(text: str, whole: str) -> NoReturn:
    """Explain why `text` is not a date this grammar reads."""
    if text.startswith("-") or re.fullmatch(r"Y-[0-9].*", text):
        fail(
            whole,
            "years before 0001 are outside the calendar bilatlog uses (Python's date, "
            "0001-9999); dates BCE are not supported.",
            "use a year from 0001 to 9999",
        )
    if re.fullmatch(r"Y[0-9]{1,4}", text):
        fail(
            whole,
            "the 'Y' prefix is only for years of more than four digits.",
            f"write the year without it, e.g. '{int(text[1:]):04d}'",
        )
    basic = re.fullmatch(
        r"([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2}))?", text
    )
    if basic is not None:
        y, mo, d, h, mi, sec = basic.groups()
        fix = f"{y}-{mo}-{d}" + (f"T{h}:{mi}:{sec}" if h is not None else "")
        fail(
            whole,
            "not an EDTF date: EDTF requires the extended format, with '-' between "
            "the parts of a date and ':' between those of a time (no basic format).",
            f"write '{fix}'",
        )
    if re.fullmatch(r"\+?Y?[0-9]{5,}.*|Y[0-9]+E[0-9]+.*", text):
        fail(whole, "years beyond 9999 (or before 0001) are not supported.")
    if re.fullmatch(r"[0-9]{4}-?Q[1-4]", text):
        q = int(text[-1])
        fail(
            whole,
            "quarters are written with the EDTF codes 33-36.",
            f"write e.g. '{text[:4]}-{32 + q}' for quarter {q}",
        )
    zoned = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})([^.,].*)", text)
    if zoned is not None:  # a whole time, then something that is not a zone
        base, zone = zoned.groups()
        plain_zone = re.fullmatch(r"([+-][0-9]{2})([0-9]{2})", zone)
        if re.fullmatch(r"(Z|[+-][0-9]{2}(:[0-9]{2})?)?[?~%]+", zone):
            fail(
                whole,
                "a date-time cannot be qualified: '?', '~' and '%' apply to dates.",
                f"qualify the day, e.g. '{base[:10]}{zone[-1]}'",
            )
        if zone == "z":
            fix = f"write '{base}Z'"
        elif plain_zone is not None:
            fix = f"write '{base}{plain_zone[1]}:{plain_zone[2]}'"
        else:
            fix = f"write e.g. '{base}Z', '{base}-05' or '{base}+05:30'"
        fail(whole, f"{zone!r} is not a time zone: EDTF writes 'Z', '+hh' or '+hh:mm'.", fix)
    if re.fullmatch(r"[0-9X]{4}-[0-9]{2}-[0-9]{2}T.*", text):
        fail(
            whole,
            "a time of day must be complete to the second, with an optional zone "
            "(EDTF level 0); fractions of a second are not part of EDTF.",
            f"write e.g. '{text[:10]}T09:30:00', '{text[:10]}T09:30:00Z' or "
            f"'{text[:10]}T09:30:00+05:00'",
        )
    if re.fullmatch(r"[0-9X]{4}(-[0-9X]{2}){0,2}[?~%]{2,}", text):
        fail(whole, "not an EDTF date: one qualifier per place; '%' means both '?' and '~'.")
    fail(whole, "not an EDTF date bilatlog understands.")


def _year_candidates(year: str, whole: str) -> list[int]:
    if year[0] == "X":
        fail(
            whole,
            "the first digit of a year must be given: 'X' there would range over ten "
            "millennia, years before 0001 among them.",
            "give the first digit, e.g. '1XXX', or leave the date out",
        )
    lo = int(year.replace("X", "0"))
    if lo < 1:
        fail(
            whole,
            "years before 0001 are outside the calendar bilatlog uses (Python's date, "
            + ("0001-9999), and this pattern includes 0000." if "X" in year else "0001-9999)."),
            "use a year from 0001 to 9999",
        )
    if "X" not in year:
        return [lo]
    pattern = re.compile(year.replace("X", "[0-9]"))
    return [y for y in range(lo, int(year.replace("X", "9")) + 1) if pattern.fullmatch(f"{y:04d}")]


def _candidates(pattern: str, values: range) -> list[int]:
    rx = re.compile(pattern.replace("X", "[0-9]"))
    return [v for v in values if rx.fullmatch(f"{v:02d}")]


def _contiguous(values: list[int]) -> bool:
    return values == list(range(values[0], values[-1] + 1))


def _flags(m: re.Match[str], whole: str) -> tuple[bool, bool]:
    """Combine the qualifiers: right of a component covers it and all to its left."""
    marks: list[str] = []
    for left, right in (("yl", "yr"), ("ml", "mr"), ("dl", "dr")):
        if m.group(left) and m.group(right):
            fail(
                whole,
                "a component has qualifiers on both sides.",
                "use one qualifier per component; '%' means both '?' and '~'",
            )
        marks.extend(q for q in (m.group(left), m.group(right)) if q)
    return any(q in "?%" for q in marks), any(q in "~%" for q in marks)


def _sub_year(text: str, whole: str, year: str, code: int, flags: tuple[bool, bool]) -> DateParts:
    if "X" in year:
        fail(
            whole,
            "a season, quarter, quadrimester or semester needs its year; "
            "unspecified digits (X) are not supported with them.",
            "give the year, e.g. '2021-34'",
        )
    first, months, precision, name = SUB_YEAR[code]
    y = int(year)
    last = first + months - 1
    end_y, end_m = y + (last - 1) // 12, (last - 1) % 12 + 1
    if end_y > 9999:
        fail(whole, f"that {name.split(' ')[0]} ends after 9999.", "use a year up to 9999")
    return DateParts(
        text=text,
        precision=precision,
        lo=dt.date(y, first, 1),
        hi=dt.date(end_y, end_m, calendar.monthrange(end_y, end_m)[1]),
        uncertain=flags[0],
        approximate=flags[1],
        code=code,
    )


def _first_day(
    years: list[int], months: list[int], days: list[int] | None, *, reverse: bool
) -> dt.date | None:
    """The first (or last) valid day among the candidates, searching in order."""
    for y in reversed(years) if reverse else years:
        for mo in reversed(months) if reverse else months:
            n = calendar.monthrange(y, mo)[1]
            if days is None:
                return dt.date(y, mo, n if reverse else 1)
            for d in reversed(days) if reverse else days:
                if d <= n:
                    return dt.date(y, mo, d)
    return None


_PLAIN_RE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%]?)")
_PLAIN_PRECISION: Final = ("year", "month", "day")


def plain(text: str) -> DateParts | None:
    """The common forms (`2021-10-08`, `2020-10~`, `2008?`), read directly; None otherwise."""
    m = _PLAIN_RE.fullmatch(text)
    if m is None:
        return None
    year, month, day, q = m.groups()
    y = int(year)
    if y < 1 or (month is not None and not 1 <= int(month) <= 12):
        return None  # refused, or a sub-year grouping: the general path says which
    if month is None:
        lo, hi, k = dt.date(y, 1, 1), dt.date(y, 12, 31), 0
    elif day is None:
        mo = int(month)
        lo, hi, k = dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]), 1
    else:
        try:
            lo = hi = dt.date(y, int(month), int(day))
        except ValueError:
            return None
        k = 2
    return DateParts(text, _PLAIN_PRECISION[k], lo, hi, q in ("?", "%"), q in ("~", "%"))


@functools.lru_cache(maxsize=16384)
def parse_date(text: str, whole: str, *, allow_time: bool = True) -> DateParts:
    """Parse one date (no interval, no set) into strict bounds, or refuse it."""
    simple = plain(text)
    if simple is not None:
        return simple
    dtm = _DATETIME_RE.fullmatch(text)
    if dtm is not None:
        return _parse_datetime(dtm, text, whole, allow_time=allow_time)
    sig = _SIGNIFICANT_RE.fullmatch(text)
    if sig is not None:
        return _parse_significant(sig, text, whole)
    m = _DATE_RE.fullmatch(text)
    if m is None:
        _why_not(text, whole)
    year, month, day = m.group("year", "month", "day")
    flags = _flags(m, whole)
    years = _year_candidates(year, whole)
    if month is not None and "X" not in month and int(month) in SUB_YEAR:
        if day is not None:
            fail(whole, f"a {SUB_YEAR[int(month)][2]} ({text[5:7]}) cannot have a day.")
        return _sub_year(text, whole, year, int(month), flags)
    months = list(range(1, 13)) if month is None else _candidates(month, range(1, 13))
    if not months:
        fail(
            whole,
            f"month {month} does not exist (01-12; 21-32 for seasons, 33-36 quarters, "
            "37-39 quadrimesters, 40-41 semesters).",
        )
    days = None if day is None else _candidates(day, range(1, 32))
    if days == []:
        fail(whole, f"{year}-{month} has no day {day}.")
    lo = _first_day(years, months, days, reverse=False)
    hi = _first_day(years, months, days, reverse=True)
    if lo is None or hi is None:
        fail(whole, f"{year}-{month} has no day {day}.")
    # Precision and gaps follow the first component that is not one value: everything
    # finer than it must be wholly unspecified for the days to be contiguous.
    parts = [(years, year), (months, month), (days, day)]
    given = [(vals, pat) for vals, pat in parts if pat is not None]
    k = next((i for i, (vals, _) in enumerate(given) if vals is not None and len(vals) > 1), None)
    if k is None:
        precision = ("year", "month", "day")[len(given) - 1]
        gaps = False
    else:
        precision = _YEAR_PRECISION.get(year.find("X"), "millennium") if k == 0 else "month"
        precision = "year" if k == 1 else precision
        vals = given[k][0]
        gaps = not (vals is not None and _contiguous(vals)) or any(
            pat != "XX" for _, pat in given[k + 1 :]
        )
    return DateParts(
        text=text,
        precision=precision,
        lo=lo,
        hi=hi,
        uncertain=flags[0],
        approximate=flags[1],
        gaps=gaps,
    )


def _parse_datetime(m: re.Match[str], text: str, whole: str, *, allow_time: bool) -> DateParts:
    if not allow_time:
        fail(
            whole,
            "the ends of an interval and the members of a set are dates: EDTF excludes "
            "the time of day there.",
            f"write the calendar day, e.g. '{m.group('date')}'",
        )
    day = parse_date(m.group("date"), whole)
    h, mi, s = int(m.group("h")), int(m.group("mi")), int(m.group("s"))
    if h > 23 or mi > 59 or s > 59:
        fail(
            whole,
            f"{text[11:19]} is not a time of day.",
            "write a time from 00:00:00 to 23:59:59",
        )
    zh, zm = m.group("zh"), m.group("zm")
    if zh is not None and (int(zh) > 23 or (zm is not None and int(zm) > 59)):
        fail(whole, f"{m.group('zone')} is not a time shift.", "write one from -23:59 to +23:59")
    return day._replace(text=text, time=text[11:])


def _parse_significant(m: re.Match[str], text: str, whole: str) -> DateParts:
    n = int(m.group("digits"))
    year = int(m.group("year"))
    if not 1 <= n <= 4:
        fail(
            whole,
            f"a four-digit year has 1 to 4 significant digits, not {n}.",
            "write e.g. '1950S2' (some year 1900-1999, estimated 1950)",
        )
    span = 10 ** (4 - n)
    lo_y = year // span * span
    if lo_y < 1:
        fail(
            whole,
            "years before 0001 are outside the calendar bilatlog uses, and this estimate "
            "may be one of them.",
            "use more significant digits or a later year",
        )
    precision = {4: "year", 3: "decade", 2: "century", 1: "millennium"}[n]
    return DateParts(
        text=text,
        precision=precision,
        lo=dt.date(lo_y, 1, 1),
        hi=dt.date(lo_y + span - 1, 12, 31),
    )


@functools.lru_cache(maxsize=4096)
def day_matcher(text: str) -> Callable[[dt.date], bool]:
    """For a date with gaps (`156X-12-25`), a test of whether a day is one it allows."""
    m = _DATE_RE.fullmatch(text)
    if m is None:  # no gaps in any other form
        return _any_day
    parts = [p for p in m.group("year", "month", "day") if p is not None]
    rx = re.compile("-".join(p.replace("X", "[0-9]") for p in parts))
    width = len("-".join(parts))
    return lambda day: rx.fullmatch(day.isoformat()[:width]) is not None


# -- one of a set ---------------------------------------------------------------------


def refuse_all_of(whole: str, s: str) -> NoReturn:
    """Refuse `{..}`: "all of" these dates is several events, not one."""
    members = [p.strip() for p in s[1:-1].split(",") if p.strip()]
    example = ", ".join(f"on={p!r}" for p in members[:3] if ".." not in p)
    fail(
        whole,
        "'{..}' means all of these dates (EDTF 'multiple dates'), but one event has one "
        "date: a record that happened on several dates is several events.",
        "record one event per date"
        + (f" ({example})" if example else "")
        + "; for one date that may be any of them, write '[..]' ('one of')",
    )


def _member(p: str, whole: str) -> DateParts:
    d = parse_date(p, whole, allow_time=False)
    if d.uncertain or d.approximate:
        fail(whole, "qualifiers (?, ~, %) inside a set are not supported.", "drop them")
    return d


@functools.lru_cache(maxsize=4096)
def parse_set(s: str, whole: str) -> SetParts:
    """Parse a "one of" set `[a,b,c..d]`, `[..d]`, `[a..]` into outer bounds."""
    if re.search(r"[\[\]{}/]", s[1:-1]) or not s.endswith("]"):
        fail(
            whole,
            "a set is one pair of brackets holding dates, ranges 'a..b' and open ends "
            "'..b' (first) or 'a..' (last), separated by commas.",
            "write e.g. '[1667,1668,1670..1672]' or '[..1760-12-03]'",
        )
    if re.search(r"\s", s[1:-1].replace(", ", ",")):
        fail(
            whole,
            "a set has no spaces, but for one after a comma.",
            "write e.g. '[1667,1668]' or '[1667, 1668]'",
        )
    members = [p.strip() for p in s[1:-1].split(",")]
    if any(not p for p in members):
        fail(whole, "a set needs dates between its commas.", "write e.g. '[1667,1668]'")
    spans: list[tuple[dt.date, dt.date]] = []
    gaps = start_open = end_open = False
    ranges = 0
    for i, p in enumerate(members):
        if ".." not in p:
            d = _member(p, whole)
            spans.append((d.lo, d.hi))
            gaps = gaps or d.gaps
            continue
        ranges += 1
        a_text, _, b_text = p.partition("..")
        if (not a_text and not b_text) or ".." in b_text:
            fail(whole, f"'{p}' is not a range.", "write e.g. '1670..1672'")
        if not a_text and i != 0:
            fail(
                whole,
                "'..' opens only the first member of a set ('on or before').",
                "write e.g. '[..1760-12-03]' or '[..1667,1670]'",
            )
        if not b_text and i != len(members) - 1:
            fail(
                whole,
                "'..' ends only the last member of a set ('on or after').",
                "write e.g. '[1760-12..]' or '[1667,1760-12..]'",
            )
        a = _member(a_text, whole) if a_text else None
        b = _member(b_text, whole) if b_text else None
        if any(e is not None and e.gaps for e in (a, b)):
            fail(
                whole,
                "the ends of a range cannot have gaps (X before a given digit or part).",
                "list such dates as members of their own, e.g. '[156X-12-25,1570..1572]'",
            )
        lo = a.lo if a is not None else MIN
        hi = b.hi if b is not None else MAX
        if hi < lo:
            fail(
                whole,
                f"the range {p} ends ({b_text}) before it starts ({a_text}).",
                "write the earlier date first",
            )
        start_open = start_open or a is None
        end_open = end_open or b is None
        spans.append((lo, hi))
    spans.sort()
    reach = spans[0][1]
    for lo, hi in spans[1:]:
        gaps = gaps or lo > reach + _ONE_DAY
        reach = max(reach, hi)
    return SetParts(
        text=s,
        precision="range" if len(members) == ranges == 1 else "set",
        lo=spans[0][0],
        hi=max(hi for _, hi in spans),
        gaps=gaps,
        start_open=start_open,
        end_open=end_open,
    )


def _within(
    lo: dt.date, hi: dt.date, match: Callable[[dt.date], bool]
) -> Callable[[dt.date], bool]:
    return lambda day: lo <= day <= hi and match(day)


def _any_day(_day: dt.date) -> bool:
    return True


@functools.lru_cache(maxsize=4096)
def set_matcher(s: str) -> Callable[[dt.date], bool]:
    """For a set, a test of whether a day is one of its members' days."""
    tests: list[Callable[[dt.date], bool]] = []
    for p in (p.strip() for p in s[1:-1].split(",")):
        a_text, dots, b_text = p.partition("..")
        if not dots:
            d = parse_date(p, s, allow_time=False)
            tests.append(_within(d.lo, d.hi, day_matcher(p) if d.gaps else _any_day))
            continue
        lo = parse_date(a_text, s, allow_time=False).lo if a_text else MIN
        hi = parse_date(b_text, s, allow_time=False).hi if b_text else MAX
        tests.append(_within(lo, hi, _any_day))
    return lambda day: any(t(day) for t in tests)
