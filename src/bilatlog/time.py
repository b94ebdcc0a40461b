"""Dates as researchers know them: `When`, parsed from EDTF, and three-valued `Truth`.

A `When` is a date that may be imprecise ("October 2020"), uncertain ("January
2022?"), approximate ("about October 2020"), a span of unspecified digits
("the 2010s"), a season, a range of which one day is meant ("late 2020",
`[2020-09..2020-12]`), or an interval with known, open or unknown ends.

It keeps its canonical EDTF text, which parses back to an equal value, and its
inclusive `earliest`/`latest` days. Markers `?`, `~` and `%` are kept as flags
and never widen the bounds: bilatlog does not invent precision in either
direction. Comparing imprecise dates has three answers, so `When` has no `<`;
it answers with a `Truth` instead, and has a total `sort_key` for ordering.

This module imports nothing from bilatlog but the error tree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from typing import Final, NoReturn

import attrs

from bilatlog.exceptions import ValidationError

__all__ = ["Precision", "Truth", "When", "as_day"]

_DOCS: Final = "see docs/time-model.md"
_VALID_FORMS: Final = (
    "valid forms: '2021-10-08' (a day), '2020-10' (a month), '2008' (a year), "
    "'2022-01?' (uncertain), '2020-10~' (approximate), '2020-10%' (both), "
    "'201X' (a decade), '2020-XX' (month unspecified), '2021-23' (autumn), "
    "'2008/2021-10-08' (an interval), '2008/..' (ongoing), '2008/' (end unknown), "
    "'[2020-09..2020-12]' (one day in that range)"
)


class Truth(enum.Enum):
    """A three-valued answer: `CERTAIN`, `POSSIBLE` or `NO`.

    Truths combine with `&` (both) and `|` (either), taking the weaker or the
    stronger answer. A `Truth` refuses `bool()`: write `t is Truth.CERTAIN` or
    `t is not Truth.NO`, so that "possible" is never silently read as yes or no.
    """

    NO = "no"
    POSSIBLE = "possible"
    CERTAIN = "certain"

    @property
    def _rank(self) -> int:
        return _TRUTH_RANK[self]

    def __and__(self, other: Truth) -> Truth:
        """Return the weaker of two truths (both must hold)."""
        return self if self._rank <= other._rank else other

    def __or__(self, other: Truth) -> Truth:
        """Return the stronger of two truths (either may hold)."""
        return self if self._rank >= other._rank else other

    def __bool__(self) -> NoReturn:
        """Refuse to collapse three answers into two."""
        msg = (
            f"{self} has three possible values; compare explicitly, e.g. "
            "`truth is Truth.CERTAIN` or `truth is not Truth.NO`"
        )
        raise TypeError(msg)

    @classmethod
    def of(cls, *, certain: bool, possible: bool) -> Truth:
        """Build a truth from the two questions "surely?" and "maybe?"."""
        if certain:
            return cls.CERTAIN
        return cls.POSSIBLE if possible else cls.NO


_TRUTH_RANK: Final = {Truth.NO: 0, Truth.POSSIBLE: 1, Truth.CERTAIN: 2}


class Precision(enum.Enum):
    """How finely a `When` pins its date down."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    RANGE = "range"
    INTERVAL = "interval"


# Northern-hemisphere meteorological seasons (EDTF level 1 codes 21-24).
# Winter runs from December into the next year's February: the honest span,
# wider than the `edtf` package's December-only reading.
_SEASONS: Final = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}
_SEASON_NAMES: Final = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}

_DATE_RE: Final = re.compile(
    r"(?P<year>[0-9]{4}|[0-9]{3}X|[0-9]{2}XX|[0-9]XXX)"
    r"(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?"
    r"(?P<qual>[?~%])?"
)

_MIN: Final = dt.date.min
_MAX: Final = dt.date.max


def _fail(text: object, problem: str, fix: str = _VALID_FORMS) -> NoReturn:
    raise ValidationError("on", text, problem, f"{fix} ({_DOCS}).")


def _parse_day_string(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@attrs.frozen(eq=True, repr=False)
class When:
    """A date as researchers know it, parsed from EDTF (levels 0 and 1, and `[a..b]`).

    Build one with `When.parse(...)`; do not call the constructor directly.

    Attributes:
        edtf: the canonical EDTF text; `When.parse(w.edtf) == w`.
        precision: how finely the date is known (`Precision`).
        uncertain: the source is unsure (`?` or `%`).
        approximate: the date is about right (`~` or `%`).
        start: for an interval, its start as a `When` (None if open or unknown);
            for anything else, the `When` itself.
        end: likewise for the end.
        start_open, end_open: the interval end is `..` (no bound: "still ongoing").
        start_unknown, end_unknown: the interval end is empty (it exists, unknown).

    """

    edtf: str
    precision: Precision
    lo: dt.date
    hi: dt.date
    uncertain: bool = False
    approximate: bool = False
    start_point: When | None = None
    end_point: When | None = None
    start_open: bool = False
    end_open: bool = False
    start_unknown: bool = False
    end_unknown: bool = False

    # -- construction -------------------------------------------------------

    @classmethod
    def parse(cls, value: str | dt.date | When) -> When:
        """Parse EDTF text (or take a `datetime.date`, or a `When`) into a `When`.

        Raises:
            ValidationError: when the text is not a valid EDTF date of the
                supported levels, or names a day that does not exist.

        """
        if isinstance(value, When):
            return value
        if isinstance(value, dt.datetime):
            _fail(
                value,
                "a datetime carries a time of day and a zone, which valid time does not use.",
                f"pass its date: When.parse(x.date()), e.g. '{value.date().isoformat()}'",
            )
        if isinstance(value, dt.date):
            return _parse_text(value.isoformat())
        if not isinstance(value, str):
            _fail(value, f"expected EDTF text or a datetime.date, got {type(value).__name__}.")
        return _parse_text(value)

    @classmethod
    def suggest(cls, text: str) -> str | None:
        """Propose an EDTF string for free text such as "late October 2020".

        Only a suggestion for a person to check: nothing fills missing parts
        from today's date, and nothing is stored. Returns None when the text
        names no recognisable date.
        """
        return _suggest(text)

    # -- bounds -------------------------------------------------------------

    @property
    def earliest(self) -> dt.date | None:
        """The first day this date may be, inclusive; None for an open or unknown start."""
        return None if self.is_interval and self.start_point is None else self.lo

    @property
    def latest(self) -> dt.date | None:
        """The last day this date may be, inclusive; None for an open or unknown end."""
        return None if self.is_interval and self.end_point is None else self.hi

    @property
    def is_interval(self) -> bool:
        """True for `a/b` intervals, which span time, rather than name one moment."""
        return self.precision is Precision.INTERVAL

    @property
    def start(self) -> When | None:
        """The start of an interval (None if open or unknown); the date itself otherwise."""
        return self.start_point if self.is_interval else self

    @property
    def end(self) -> When | None:
        """The end of an interval (None if open or unknown); the date itself otherwise."""
        return self.end_point if self.is_interval else self

    @property
    def start_bounds(self) -> tuple[dt.date, dt.date]:
        """Earliest and latest possible start day, with `date.min`/`date.max` for no bound."""
        if not self.is_interval:
            return self.lo, self.hi
        if self.start_point is not None:
            return self.start_point.lo, self.start_point.hi
        if self.start_open:  # `../x`: began before any date we could name
            return _MIN, _MIN
        # unknown start: any day up to the latest possible end
        return _MIN, self.end_bounds[1]

    @property
    def end_bounds(self) -> tuple[dt.date, dt.date]:
        """Earliest and latest possible last day, with `date.min`/`date.max` for no bound."""
        if not self.is_interval:
            return self.lo, self.hi
        if self.end_point is not None:
            return self.end_point.lo, self.end_point.hi
        if self.end_open:  # `x/..`: still ongoing, never ends
            return _MAX, _MAX
        start_lo = self.start_point.lo if self.start_point is not None else _MIN
        return start_lo, _MAX

    @property
    def sort_key(self) -> tuple[dt.date, dt.date, str]:
        """A total order: earliest, then latest, then the EDTF text."""
        return (self.lo, self.hi, self.edtf)

    # -- three-valued questions ------------------------------------------------

    def happened_by(self, day: dt.date | str) -> Truth:
        """Answer whether this date (an interval's start) has come by `day`, inclusive.

        `When.parse("2020-10").happened_by("2020-10-15")` is `POSSIBLE`.
        """
        d = as_day(day)
        lo, hi = self.start_bounds
        return Truth.of(certain=hi <= d, possible=lo <= d)

    def holds_at(self, day: dt.date | str) -> Truth:
        """Answer whether `day` falls within this date (an interval's span, ends inclusive)."""
        d = as_day(day)
        s_lo, s_hi = self.start_bounds
        e_lo, e_hi = self.end_bounds
        if not self.is_interval:
            # one day in [lo, hi]: certain only when that is a single day
            return Truth.of(certain=s_lo == e_hi == d, possible=s_lo <= d <= e_hi)
        return Truth.of(certain=s_hi <= d <= e_lo, possible=s_lo <= d <= e_hi)

    def before(self, other: When | str | dt.date) -> Truth:
        """Answer whether this date (all of it) is before `other` (all of it).

        Certain if this one's latest day precedes the other's earliest;
        possible if this one's earliest precedes the other's latest.
        """
        o = When.parse(other)
        return Truth.of(certain=self.hi < o.lo, possible=self.lo < o.hi)

    def __repr__(self) -> str:
        """Show the EDTF text and the bounds it means."""
        lo = self.earliest.isoformat() if self.earliest else ".."
        hi = self.latest.isoformat() if self.latest else ".."
        return f"When({self.edtf!r}: {lo} .. {hi})"

    def __str__(self) -> str:
        """Return the canonical EDTF text."""
        return self.edtf

    def describe(self) -> str:
        """Return a readable form: "October 2020 (approximate)", "2008 - ongoing"."""
        return _describe(self)


def as_day(value: dt.date | str) -> dt.date:
    """Turn a query day (a `date` or ISO `YYYY-MM-DD` text) into a `date`, strictly."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        day = _parse_day_string(value)
        if day is not None:
            return day
    raise ValidationError(
        "day",
        value,
        "expected one day as a datetime.date or 'YYYY-MM-DD'.",
        "pass e.g. '2021-06-01'.",
    )


# -- the parser ----------------------------------------------------------------


def _year_bounds(text: str, year: str) -> tuple[int, int, Precision]:
    xs = year.count("X")
    if xs == 0:
        y = int(year)
        lo_y, hi_y, prec = y, y, Precision.YEAR
    else:
        base = int(year[: 4 - xs])
        span = 10**xs
        lo_y, hi_y = base * span, base * span + span - 1
        prec = {1: Precision.DECADE, 2: Precision.CENTURY, 3: Precision.MILLENNIUM}[xs]
    if lo_y < 1:
        _fail(
            text,
            "years before 0001 are outside the calendar bilatlog uses (Python's date).",
            "use a year from 0001 to 9999",
        )
    return lo_y, hi_y, prec


def _parse_date(text: str, whole: str) -> When:
    m = _DATE_RE.fullmatch(text)
    if m is None:
        if text.startswith("-"):
            _fail(whole, "years before 0001 are outside the calendar bilatlog uses.")
        if re.fullmatch(r"\+?Y?[0-9]{5,}.*", text):
            _fail(whole, "years beyond 9999 (or before 1) are not supported.")
        if re.fullmatch(r"[0-9X]{4}.*", text) and "X" in text[:4]:
            _fail(whole, "unspecified digits (X) must be the last digits of the year.")
        _fail(whole, "not an EDTF date bilatlog understands.")
    year, month, day, qual = m.group("year", "month", "day", "qual")
    lo_y, hi_y, prec = _year_bounds(whole, year)
    if "X" in year and month is not None:
        _fail(whole, "a year with unspecified digits cannot have a month or day.")
    if month is None:
        lo, hi = dt.date(lo_y, 1, 1), dt.date(hi_y, 12, 31)
    elif month == "XX":
        if day is not None and day != "XX":
            _fail(whole, "a day cannot be given when the month is unspecified (XX).")
        lo, hi = dt.date(lo_y, 1, 1), dt.date(hi_y, 12, 31)
    else:
        mo = int(month)
        if mo in _SEASONS:
            if day is not None:
                _fail(whole, f"a season ({_SEASON_NAMES[mo]}) cannot have a day.")
            first, last = _SEASONS[mo]
            end_y = lo_y + (last - 1) // 12
            end_m = (last - 1) % 12 + 1
            if end_y > 9999:
                _fail(whole, "that winter ends after 9999.")
            lo = dt.date(lo_y, first, 1)
            hi = dt.date(end_y, end_m, calendar.monthrange(end_y, end_m)[1])
            prec = Precision.SEASON
        elif not 1 <= mo <= 12:
            _fail(whole, f"month {month} does not exist (01-12, or 21-24 for seasons).")
        elif day is None or day == "XX":
            lo = dt.date(lo_y, mo, 1)
            hi = dt.date(lo_y, mo, calendar.monthrange(lo_y, mo)[1])
            prec = Precision.MONTH
        else:
            try:
                lo = hi = dt.date(lo_y, mo, int(day))
            except ValueError:
                _fail(whole, f"{year}-{month} has no day {day}.")
            prec = Precision.DAY
    return When(
        edtf=text,
        precision=prec,
        lo=lo,
        hi=hi,
        uncertain=qual in ("?", "%"),
        approximate=qual in ("~", "%"),
    )


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str) -> When:
    s = text.strip()
    if not s:
        _fail(text, "an empty date says nothing.")
    if s.startswith("["):
        return _parse_range(s, text)
    if "/" in s:
        return _parse_interval(s, text)
    return _parse_date(s, text)


def _parse_range(s: str, whole: str) -> When:
    m = re.fullmatch(r"\[([^\[\].,]+)\.\.([^\[\].,]+)\]", s)
    if m is None:
        _fail(
            whole,
            "only the level-2 range '[a..b]' (one day between a and b) is supported "
            "among bracketed forms.",
            "write e.g. '[2020-09..2020-12]'; for 'all of' sets record separate events",
        )
    a, b = _parse_date(m.group(1), whole), _parse_date(m.group(2), whole)
    if b.hi < a.lo:
        _fail(whole, f"the range ends ({b.edtf}) before it starts ({a.edtf}).")
    if a.uncertain or a.approximate or b.uncertain or b.approximate:
        _fail(whole, "qualifiers (?, ~, %) inside a range are not supported.", "drop them")
    return When(
        edtf=f"[{a.edtf}..{b.edtf}]",
        precision=Precision.RANGE,
        lo=a.lo,
        hi=b.hi,
    )


def _parse_interval(s: str, whole: str) -> When:
    parts = s.split("/")
    if len(parts) != 2:
        _fail(whole, "an interval has exactly one '/'.")
    a_text, b_text = parts
    a = None if a_text in ("", "..") else _parse_date(a_text, whole)
    b = None if b_text in ("", "..") else _parse_date(b_text, whole)
    if a is None and b is None:
        _fail(whole, "an interval needs at least one known end.")
    if a is not None and b is not None and b.hi < a.lo:
        _fail(whole, f"the interval ends ({b.edtf}) before it starts ({a.edtf}).")
    return When(
        edtf=f"{a_text}/{b_text}",
        precision=Precision.INTERVAL,
        lo=a.lo if a is not None else _MIN,
        hi=b.hi if b is not None else _MAX,
        uncertain=any(p is not None and p.uncertain for p in (a, b)),
        approximate=any(p is not None and p.approximate for p in (a, b)),
        start_point=a,
        end_point=b,
        start_open=a_text == "..",
        end_open=b_text == "..",
        start_unknown=a_text == "",
        end_unknown=b_text == "",
    )


# -- readable forms and suggestions -----------------------------------------------


def _describe(w: When) -> str:
    if w.is_interval:
        start = w.start_point.describe() if w.start_point else ("open" if w.start_open else "?")
        if w.end_point is not None:
            end = w.end_point.describe()
        else:
            end = "ongoing" if w.end_open else "end unknown"
        return f"{start} - {end}"
    if w.precision is Precision.RANGE:
        return f"some day {w.lo.isoformat()} to {w.hi.isoformat()}"
    text = {
        Precision.DAY: lambda: w.lo.strftime("%d %B %Y").lstrip("0"),
        Precision.MONTH: lambda: w.lo.strftime("%B %Y"),
        Precision.SEASON: lambda: f"{_SEASON_NAMES[int(w.edtf[5:7])]} {w.lo.year}",
        Precision.YEAR: lambda: str(w.lo.year),
        Precision.DECADE: lambda: f"the {w.lo.year}s",
        Precision.CENTURY: lambda: f"{w.lo.year}-{w.hi.year}",
        Precision.MILLENNIUM: lambda: f"{w.lo.year}-{w.hi.year}",
    }[w.precision]()
    flags = [n for n, on in (("uncertain", w.uncertain), ("approximate", w.approximate)) if on]
    return f"{text} ({', '.join(flags)})" if flags else text


_QUALIFIER_WORDS: Final = re.compile(
    r"\b(about|around|circa|ca\.?|approximately|c\.)\b", re.IGNORECASE
)


def _suggest(text: str) -> str | None:
    from dateutil import parser as du  # noqa: PLC0415 - only the suggester needs it

    # Parse twice with different defaults: a field that changes was not in the text.
    d1, d2 = dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2)  # noqa: DTZ001 - day fields only
    try:
        a = du.parse(text, default=d1, fuzzy=True)
        b = du.parse(text, default=d2, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if a.year != b.year:
        return None
    out = f"{a.year:04d}"
    if a.month == b.month:
        out += f"-{a.month:02d}"
        if a.day == b.day:
            out += f"-{a.day:02d}"
    if _QUALIFIER_WORDS.search(text):
        out += "~"
    return out
