"""Dates as researchers know them: `When`, parsed from EDTF, and three-valued `Truth`.

A `When` is a date that may be imprecise ("October 2020"), uncertain ("January
2022?"), approximate ("about October 2020"), a span of unspecified digits
("the 2010s", "25 December of some year in the 1560s"), a season, quarter or
semester, one of a set of dates ("late 2020", `[2020-09..2020-12]`;
`[1667,1668,1670..1672]`), or an interval with known, open or unknown ends.
Date-times keep their text and mean the calendar day as written.

It keeps its canonical EDTF text, which parses back to an equal value, and its
inclusive `earliest`/`latest` days. Markers `?`, `~` and `%` are kept as flags
and never widen the bounds: bilatlog does not invent precision in either
direction. Comparing imprecise dates has three answers, so `When` has no `<`;
it answers with a `Truth` instead, and has a total `sort_key` for ordering.

This module imports nothing from bilatlog but the error tree and its grammar
(`bilatlog._edtf`, which turns text into bounds).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from typing import Final, NoReturn

import attrs

from bilatlog import _edtf
from bilatlog.exceptions import ValidationError

__all__ = ["Precision", "Truth", "When", "as_day", "when_of"]


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
    QUARTER = "quarter"
    QUADRIMESTER = "quadrimester"
    SEMESTER = "semester"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    RANGE = "range"
    SET = "set"
    INTERVAL = "interval"


_MIN: Final = _edtf.MIN
_MAX: Final = _edtf.MAX
_fail = _edtf.fail


def _parse_day_string(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@attrs.frozen(eq=True, repr=False)
class When:
    """A date as researchers know it, parsed from EDTF (levels 0 and 1, and level-2 forms).

    Build one with `When.parse(...)`; do not call the constructor directly.

    Attributes:
        edtf: the canonical EDTF text; `When.parse(w.edtf) == w`.
        precision: how finely the date is known (`Precision`).
        uncertain: the source is unsure (`?` or `%`, on the date or on any part of it).
        approximate: the date is about right (`~` or `%`, likewise).
        gaps: not every day from `earliest` to `latest` is possible: a set with
            gaps (`[1667,1670]`) or unspecified digits before a known part
            (`156X-12-25`: ten Christmas Days). `holds_at` answers NO in a gap.
        start: for an interval, its start as a `When` (None if open or unknown);
            for anything else, the `When` itself.
        end: likewise for the end.
        start_open, end_open: the interval end is `..` (no bound: "still ongoing");
            for a set, it opens with `..` ("on or before") or ends with it
            ("on or after"), and `earliest` or `latest` is None.
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
    gaps: bool = False

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
        if self.is_interval:
            return None if self.start_point is None else self.lo
        return None if self.start_open else self.lo

    @property
    def latest(self) -> dt.date | None:
        """The last day this date may be, inclusive; None for an open or unknown end."""
        if self.is_interval:
            return None if self.end_point is None else self.hi
        return None if self.end_open else self.hi

    @property
    def is_set(self) -> bool:
        """True for the bracketed "one of" forms: `[a..b]`, `[a,b,c..d]`, `[..b]`."""
        return self.precision in (Precision.RANGE, Precision.SET)

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

        `When.parse("2020-10").happened_by("2020-10-15")` is `POSSIBLE`. It only
        grows with `day`: for a set, POSSIBLE from its earliest member on (also in
        a gap: the earlier member may be the one), CERTAIN once the last has passed.
        """
        d = as_day(day)
        lo, hi = self.start_bounds
        return Truth.of(certain=hi <= d, possible=lo <= d)

    def holds_at(self, day: dt.date | str) -> Truth:
        """Answer whether `day` falls within this date (an interval's span, ends inclusive).

        For anything but an interval, the date is one day: `day` may be it if it
        is a possible day (NO in a gap of a set or of `156X-12-25`), and surely
        is it only when it is the one possible day.
        """
        d = as_day(day)
        s_lo, s_hi = self.start_bounds
        e_lo, e_hi = self.end_bounds
        if not self.is_interval:
            possible = s_lo <= d <= e_hi and (not self.gaps or self._may_be(d))
            return Truth.of(certain=s_lo == e_hi == d, possible=possible)
        return Truth.of(certain=s_hi <= d <= e_lo, possible=s_lo <= d <= e_hi)

    def _may_be(self, d: dt.date) -> bool:
        """Whether `d` is one of the days this (gapped) date allows."""
        if self.is_set:
            return _edtf.set_matcher(self.edtf)(d)
        return _edtf.day_matcher(self.edtf)(d)

    def before(self, other: When | str | dt.date) -> Truth:
        """Answer whether this date (all of it) is before `other` (all of it).

        Certain if this one's latest day precedes the other's earliest;
        possible if this one's earliest precedes the other's latest. Gaps do not
        change the answer: the earliest and latest days are themselves possible.
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


def when_of(field: str, value: object) -> When:
    """`When.parse(value)`, its error naming the argument `field` it was given as."""
    try:
        return When.parse(value)  # type: ignore[arg-type]  # parse refuses other types itself
    except ValidationError as e:
        raise ValidationError(field, value, e.problem, e.fix) from None


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


# -- the parser: dates and sets come from `_edtf`, intervals are put together here --------


_PRECISION: Final = {p.value: p for p in Precision}


def _from_parts(
    p: _edtf.DateParts | _edtf.SetParts,
    *,
    uncertain: bool = False,
    approximate: bool = False,
    start_open: bool = False,
    end_open: bool = False,
) -> When:
    """The When of a parsed date or set: its text, precision, bounds and gaps, with its flags."""
    return When(
        edtf=p.text,
        precision=_PRECISION[p.precision],
        lo=p.lo,
        hi=p.hi,
        uncertain=uncertain,
        approximate=approximate,
        gaps=p.gaps,
        start_open=start_open,
        end_open=end_open,
    )


def _from_date(d: _edtf.DateParts) -> When:
    return _from_parts(d, uncertain=d.uncertain, approximate=d.approximate)


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str) -> When:
    s = text.strip()
    if not s:
        _fail(text, "an empty date says nothing.")
    if s.startswith("{"):
        _edtf.refuse_all_of(text, s)
    if s.startswith("["):
        p = _edtf.parse_set(s, text)
        return _from_parts(p, start_open=p.start_open, end_open=p.end_open)
    if "/" in s:
        return _parse_interval(s, text)
    plain = _edtf.plain(s)  # the common forms, without the general grammar's cache
    return _from_date(plain if plain is not None else _edtf.parse_date(s, text))


def _parse_interval(s: str, whole: str) -> When:
    parts = s.split("/")
    if len(parts) != 2:
        _fail(whole, "an interval has exactly one '/'.")
    a_text, b_text = parts
    if a_text.startswith(("[", "{")) or b_text.startswith(("[", "{")):
        _fail(
            whole,
            "the ends of an interval are dates, not sets.",
            "write the interval from the earliest to the latest day, e.g. '1667/1672'",
        )
    a = None if a_text in ("", "..") else _edtf.parse_date(a_text, whole, allow_time=False)
    b = None if b_text in ("", "..") else _edtf.parse_date(b_text, whole, allow_time=False)
    if a is None and b is None:
        _fail(whole, "an interval needs at least one known end.")
    if a is not None and b is not None and b.hi < a.lo:
        _fail(
            whole,
            f"the interval ends ({b.text}) before it starts ({a.text}).",
            f"write the earlier date first: '{b_text}/{a_text}'",
        )
    return When(
        edtf=f"{a_text}/{b_text}",
        precision=Precision.INTERVAL,
        lo=a.lo if a is not None else _MIN,
        hi=b.hi if b is not None else _MAX,
        uncertain=any(p is not None and p.uncertain for p in (a, b)),
        approximate=any(p is not None and p.approximate for p in (a, b)),
        start_point=None if a is None else _from_date(a),
        end_point=None if b is None else _from_date(b),
        start_open=a_text == "..",
        end_open=b_text == "..",
        start_unknown=a_text == "",
        end_unknown=b_text == "",
    )


# -- readable forms and suggestions -----------------------------------------------


def _day_text(d: dt.date) -> str:
    return d.strftime("%d %B %Y").lstrip("0")


def _fills_its_unit(w: When) -> bool:
    """Whether the bounds are a whole month or year (not so for `1984-1X`, `2004-06-1X`)."""
    if w.precision is Precision.MONTH:
        return w.lo.day == 1 and (w.hi + dt.timedelta(days=1)).day == 1
    if w.precision is Precision.YEAR:
        return (w.lo.month, w.lo.day, w.hi.month, w.hi.day) == (1, 1, 12, 31)
    return True


def _describe(w: When) -> str:
    if w.is_interval:
        start = w.start_point.describe() if w.start_point else ("open" if w.start_open else "?")
        if w.end_point is not None:
            end = w.end_point.describe()
        else:
            end = "ongoing" if w.end_open else "end unknown"
        return f"{start} - {end}"
    if w.is_set:
        if w.precision is Precision.SET:
            members = ", ".join(p.strip() for p in w.edtf[1:-1].split(","))
            return f"one of {members}"
        if w.start_open:
            return f"some day on or before {w.hi.isoformat()}"
        if w.end_open:
            return f"some day on or after {w.lo.isoformat()}"
        return f"some day {w.lo.isoformat()} to {w.hi.isoformat()}"
    d = _edtf.parse_date(w.edtf, w.edtf)
    if d.gaps:
        text = f"a day matching {d.text} ({_day_text(w.lo)} to {_day_text(w.hi)})"
    elif d.code is not None:
        name = _edtf.SUB_YEAR[d.code][3]
        base, _, where = name.partition(" (")
        year = w.lo.year
        text = f"{base} of {year}" if w.precision is not Precision.SEASON else f"{base} {year}"
        text += f" ({where}" if where else ""
    elif not _fills_its_unit(w):  # `1984-1X`: October to December
        text = f"some day {_day_text(w.lo)} to {_day_text(w.hi)}"
    else:
        text = {
            Precision.DAY: lambda: _day_text(w.lo),
            Precision.MONTH: lambda: w.lo.strftime("%B %Y"),
            Precision.YEAR: lambda: str(w.lo.year),
            Precision.DECADE: lambda: f"the {w.lo.year}s",
            Precision.CENTURY: lambda: f"{w.lo.year}-{w.hi.year}",
            Precision.MILLENNIUM: lambda: f"{w.lo.year}-{w.hi.year}",
        }[w.precision]()
        if d.time is not None:
            text += f", {d.time}"
        if "S" in d.text:
            text += f" (estimated {d.text[:4]})"
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
