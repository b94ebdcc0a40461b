"""EDTF conformance cases: every example of the specification, and the `edtf` package's cases.

Each case is `(text, level, feature, expected)`, where `expected` is either
`Bounds(earliest, latest, precision, ...)` (ISO days; None for an open or
unknown end) or `Refused(words)`: words the error message must contain.

Sources and licenses:

- `LOC`: every example of the Extended Date/Time Format (EDTF) Specification,
  Library of Congress, 4 February 2019, https://www.loc.gov/standards/datetime/
  (the text is also ISO 8601-2:2019's). A work of the United States
  government, not subject to copyright in the United States (17 U.S.C. 105).
  The bounds are bilatlog's reading of the example's stated meaning.
- `EDTF_PACKAGE`: the level 0, 1 and 2 cases of the `edtf` Python package's
  parser tests (`edtf/parser/tests.py`: EXAMPLES, APPROXIMATE_UNCERTAIN_EXAMPLES,
  BAD_EXAMPLES; https://github.com/ixc/python-edtf), with bilatlog's answer.
  Where it differs from that package's strict bounds, `note` says why.
  Those test cases are used under the MIT License:

      Copyright (c) 2015 The Interaction Consortium
      Copyright (c) 2023 SAW Leipzig

      Permission is hereby granted, free of charge, to any person obtaining a copy
      of this software and associated documentation files (the "Software"), to deal
      in the Software without restriction, including without limitation the rights
      to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
      copies of the Software, and to permit persons to whom the Software is
      furnished to do so, subject to the following conditions:

      The above copyright notice and this permission notice shall be included in all
      copies or substantial portions of the Software.

      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
      OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
      SOFTWARE.
"""

from __future__ import annotations

from typing import NamedTuple


class Bounds(NamedTuple):
    """An accepted date: its strict bounds, precision and flags."""

    earliest: str | None
    latest: str | None
    precision: str
    uncertain: bool = False
    approximate: bool = False
    gaps: bool = False
    note: str = ""


class Refused(NamedTuple):
    """A refused date: words its error message must contain, and why."""

    words: str
    note: str = ""


B, R = Bounds, Refused
OUT_OF_RANGE = "years outside 0001-9999 are refused: Python's date has no year 0 or BCE"
WINTER = "winter (and southern summer) runs from December to February; edtf reads December only"
OPEN = "an open or unknown end has no bound; edtf puts a guess there"
ALL_OF = "'{..}' (all of) is refused: one event has one date"
SIG = "bounds are the range the digits allow; edtf's strict bounds are the estimate"
X_FIRST = "a year's first digit must be given; 'XXXX' ranges over years before 0001"

# fmt: off
LOC: list[tuple[str, int, str, Bounds | Refused]] = [
    # Level 0 -- date
    ("1985-04-12", 0, "date", B("1985-04-12", "1985-04-12", "day")),
    ("1985-04", 0, "date", B("1985-04-01", "1985-04-30", "month")),
    ("1985", 0, "date", B("1985-01-01", "1985-12-31", "year")),
    # Level 0 -- date and time: the calendar day as written (local date of the offset)
    ("1985-04-12T23:20:30", 0, "date and time", B("1985-04-12", "1985-04-12", "day")),
    ("1985-04-12T23:20:30Z", 0, "date and time", B("1985-04-12", "1985-04-12", "day")),
    ("1985-04-12T23:20:30-04", 0, "date and time", B("1985-04-12", "1985-04-12", "day")),
    ("1985-04-12T23:20:30+04:30", 0, "date and time", B("1985-04-12", "1985-04-12", "day")),
    ("2005-09-24T10:00:00", 0, "extended format", B("2005-09-24", "2005-09-24", "day")),
    ("20050924T100000", 0, "extended format", R("extended format", "basic format is excluded")),
    # Level 0 -- time interval
    ("1964/2008", 0, "time interval", B("1964-01-01", "2008-12-31", "interval")),
    ("2004-06/2006-08", 0, "time interval", B("2004-06-01", "2006-08-31", "interval")),
    ("2004-02-01/2005-02-08", 0, "time interval", B("2004-02-01", "2005-02-08", "interval")),
    ("2004-02-01/2005-02", 0, "time interval", B("2004-02-01", "2005-02-28", "interval")),
    ("2004-02-01/2005", 0, "time interval", B("2004-02-01", "2005-12-31", "interval")),
    ("2005/2006-02", 0, "time interval", B("2005-01-01", "2006-02-28", "interval")),
    # Level 1 -- letter-prefixed calendar year (only for years of more than four digits)
    ("Y170000002", 1, "letter-prefixed year", R("beyond 9999", OUT_OF_RANGE)),
    ("Y-170000002", 1, "letter-prefixed year", R("before 0001", OUT_OF_RANGE)),
    # Level 1 -- seasons
    ("2001-21", 1, "season", B("2001-03-01", "2001-05-31", "season")),
    # Level 1 -- qualification of a date (complete)
    ("1984?", 1, "qualified date", B("1984-01-01", "1984-12-31", "year", uncertain=True)),
    ("2004-06~", 1, "qualified date", B("2004-06-01", "2004-06-30", "month", approximate=True)),
    ("2004-06-11%", 1, "qualified date",
     B("2004-06-11", "2004-06-11", "day", uncertain=True, approximate=True)),
    # Level 1 -- unspecified digits from the right
    ("201X", 1, "unspecified digits", B("2010-01-01", "2019-12-31", "decade")),
    ("20XX", 1, "unspecified digits", B("2000-01-01", "2099-12-31", "century")),
    ("2004-XX", 1, "unspecified digits", B("2004-01-01", "2004-12-31", "year")),
    ("1985-04-XX", 1, "unspecified digits", B("1985-04-01", "1985-04-30", "month")),
    ("1985-XX-XX", 1, "unspecified digits", B("1985-01-01", "1985-12-31", "year")),
    # Level 1 -- extended interval: open (..) and unknown (empty) ends
    ("1985-04-12/..", 1, "extended interval", B("1985-04-12", None, "interval")),
    ("1985-04/..", 1, "extended interval", B("1985-04-01", None, "interval")),
    ("1985/..", 1, "extended interval", B("1985-01-01", None, "interval")),
    ("../1985-04-12", 1, "extended interval", B(None, "1985-04-12", "interval")),
    ("../1985-04", 1, "extended interval", B(None, "1985-04-30", "interval")),
    ("../1985", 1, "extended interval", B(None, "1985-12-31", "interval")),
    ("1985-04-12/", 1, "extended interval", B("1985-04-12", None, "interval")),
    ("1985-04/", 1, "extended interval", B("1985-04-01", None, "interval")),
    ("1985/", 1, "extended interval", B("1985-01-01", None, "interval")),
    ("/1985-04-12", 1, "extended interval", B(None, "1985-04-12", "interval")),
    ("/1985-04", 1, "extended interval", B(None, "1985-04-30", "interval")),
    ("/1985", 1, "extended interval", B(None, "1985-12-31", "interval")),
    # Level 1 -- negative calendar year
    ("-1985", 1, "negative year", R("before 0001", OUT_OF_RANGE)),
    # Level 2 -- exponential year
    ("Y-17E7", 2, "exponential year", R("before 0001", OUT_OF_RANGE)),
    # Level 2 -- significant digits
    ("1950S2", 2, "significant digits", B("1900-01-01", "1999-12-31", "century")),
    ("Y171010000S3", 2, "significant digits", R("beyond 9999", OUT_OF_RANGE)),
    ("Y3388E2S3", 2, "significant digits", R("beyond 9999", OUT_OF_RANGE)),
    # Level 2 -- sub-year groupings (the example, then every code of the table)
    ("2001-34", 2, "sub-year grouping", B("2001-04-01", "2001-06-30", "quarter")),
    ("2001-22", 2, "sub-year grouping", B("2001-06-01", "2001-08-31", "season")),
    ("2001-23", 2, "sub-year grouping", B("2001-09-01", "2001-11-30", "season")),
    ("2001-24", 2, "sub-year grouping", B("2001-12-01", "2002-02-28", "season", note=WINTER)),
    ("2001-25", 2, "sub-year grouping", B("2001-03-01", "2001-05-31", "season")),
    ("2001-26", 2, "sub-year grouping", B("2001-06-01", "2001-08-31", "season")),
    ("2001-27", 2, "sub-year grouping", B("2001-09-01", "2001-11-30", "season")),
    ("2001-28", 2, "sub-year grouping", B("2001-12-01", "2002-02-28", "season", note=WINTER)),
    ("2001-29", 2, "sub-year grouping", B("2001-09-01", "2001-11-30", "season")),
    ("2001-30", 2, "sub-year grouping", B("2001-12-01", "2002-02-28", "season", note=WINTER)),
    ("2001-31", 2, "sub-year grouping", B("2001-03-01", "2001-05-31", "season")),
    ("2001-32", 2, "sub-year grouping", B("2001-06-01", "2001-08-31", "season")),
    ("2001-33", 2, "sub-year grouping", B("2001-01-01", "2001-03-31", "quarter")),
    ("2001-35", 2, "sub-year grouping", B("2001-07-01", "2001-09-30", "quarter")),
    ("2001-36", 2, "sub-year grouping", B("2001-10-01", "2001-12-31", "quarter")),
    ("2001-37", 2, "sub-year grouping", B("2001-01-01", "2001-04-30", "quadrimester")),
    ("2001-38", 2, "sub-year grouping", B("2001-05-01", "2001-08-31", "quadrimester")),
    ("2001-39", 2, "sub-year grouping", B("2001-09-01", "2001-12-31", "quadrimester")),
    ("2001-40", 2, "sub-year grouping", B("2001-01-01", "2001-06-30", "semester")),
    ("2001-41", 2, "sub-year grouping", B("2001-07-01", "2001-12-31", "semester")),
    # Level 2 -- set representation: one of a set
    ("[1667,1668,1670..1672]", 2, "one of a set", B("1667-01-01", "1672-12-31", "set", gaps=True)),
    ("[..1760-12-03]", 2, "one of a set", B(None, "1760-12-03", "range")),
    ("[1760-12..]", 2, "one of a set", B("1760-12-01", None, "range")),
    ("[1760-01,1760-02,1760-12..]", 2, "one of a set", B("1760-01-01", None, "set", gaps=True)),
    ("[1667,1760-12]", 2, "one of a set", B("1667-01-01", "1760-12-31", "set", gaps=True)),
    ("[..1984]", 2, "one of a set", B(None, "1984-12-31", "range")),
    # Level 2 -- set representation: all members
    ("{1667,1668,1670..1672}", 2, "all members", R("one event has one date", ALL_OF)),
    ("{1960,1961-12}", 2, "all members", R("record one event per date", ALL_OF)),
    ("{..1984}", 2, "all members", R("one event has one date", ALL_OF)),
    # Level 2 -- qualification: group (right of a component) and individual (left of it)
    ("2004-06~-11", 2, "group qualification",
     B("2004-06-11", "2004-06-11", "day", approximate=True)),
    ("2004?-06-11", 2, "group qualification",
     B("2004-06-11", "2004-06-11", "day", uncertain=True)),
    ("?2004-06-~11", 2, "individual qualification",
     B("2004-06-11", "2004-06-11", "day", uncertain=True, approximate=True)),
    ("2004-%06-11", 2, "individual qualification",
     B("2004-06-11", "2004-06-11", "day", uncertain=True, approximate=True)),
    # Level 2 -- unspecified digit anywhere within a component
    ("156X-12-25", 2, "unspecified digit", B("1560-12-25", "1569-12-25", "decade", gaps=True)),
    ("15XX-12-25", 2, "unspecified digit", B("1500-12-25", "1599-12-25", "century", gaps=True)),
    ("XXXX-12-XX", 2, "unspecified digit", R("first digit of a year", X_FIRST)),
    ("1XXX-XX", 2, "unspecified digit", B("1000-01-01", "1999-12-31", "millennium")),
    ("1XXX-12", 2, "unspecified digit", B("1000-12-01", "1999-12-31", "millennium", gaps=True)),
    ("1984-1X", 2, "unspecified digit", B("1984-10-01", "1984-12-31", "year")),
    # Level 2 -- interval with qualified or unspecified parts
    ("2004-06-~01/2004-06-~20", 2, "interval",
     B("2004-06-01", "2004-06-20", "interval", approximate=True)),
    ("2004-06-XX/2004-07-03", 2, "interval", B("2004-06-01", "2004-07-03", "interval")),
]

EDTF_PACKAGE: list[tuple[str, int, str, Bounds | Refused]] = [
    # EXAMPLES, level 0
    ("2001-02-03", 0, "date", B("2001-02-03", "2001-02-03", "day")),
    ("2008-12", 0, "date", B("2008-12-01", "2008-12-31", "month")),
    ("2008", 0, "date", B("2008-01-01", "2008-12-31", "year")),
    ("-0999", 0, "negative year", R("before 0001", OUT_OF_RANGE)),
    ("0000", 0, "year zero", R("before 0001", OUT_OF_RANGE)),
    ("2001-02-03T09:30:01", 0, "date and time", B("2001-02-03", "2001-02-03", "day")),
    ("2004-01-01T10:10:10Z", 0, "date and time", B("2004-01-01", "2004-01-01", "day")),
    ("2004-01-01T10:10:10+05:00", 0, "date and time", B("2004-01-01", "2004-01-01", "day")),
    ("1985-04-12T23:20:30", 0, "date and time", B("1985-04-12", "1985-04-12", "day")),
    ("1964/2008", 0, "time interval", B("1964-01-01", "2008-12-31", "interval")),
    ("2004-06/2006-08", 0, "time interval", B("2004-06-01", "2006-08-31", "interval")),
    ("2004-02-01/2005-02-08", 0, "time interval", B("2004-02-01", "2005-02-08", "interval")),
    ("2004-02-01/2005-02", 0, "time interval", B("2004-02-01", "2005-02-28", "interval")),
    ("2004-02-01/2005", 0, "time interval", B("2004-02-01", "2005-12-31", "interval")),
    ("2005/2006-02", 0, "time interval", B("2005-01-01", "2006-02-28", "interval")),
    ("-2005/-1999-02", 0, "time interval", R("before 0001", OUT_OF_RANGE)),
    # EXAMPLES, level 1 (edtf's fuzzy bounds pad qualified dates; these are the strict ones)
    ("1984?", 1, "qualified date", B("1984-01-01", "1984-12-31", "year", uncertain=True)),
    ("2004-06-11?", 1, "qualified date", B("2004-06-11", "2004-06-11", "day", uncertain=True)),
    ("2004-06?", 1, "qualified date", B("2004-06-01", "2004-06-30", "month", uncertain=True)),
    ("1984~", 1, "qualified date", B("1984-01-01", "1984-12-31", "year", approximate=True)),
    ("1984%", 1, "qualified date",
     B("1984-01-01", "1984-12-31", "year", uncertain=True, approximate=True)),
    ("199X", 1, "unspecified digits", B("1990-01-01", "1999-12-31", "decade")),
    ("19XX", 1, "unspecified digits", B("1900-01-01", "1999-12-31", "century")),
    ("1999-XX", 1, "unspecified digits", B("1999-01-01", "1999-12-31", "year")),
    ("1999-01-XX", 1, "unspecified digits", B("1999-01-01", "1999-01-31", "month")),
    ("1999-XX-XX", 1, "unspecified digits", B("1999-01-01", "1999-12-31", "year")),
    ("-01XX", 1, "unspecified digits", R("before 0001", OUT_OF_RANGE)),
    ("-0275~", 1, "qualified date", R("before 0001", OUT_OF_RANGE)),
    ("-0001~", 1, "qualified date", R("before 0001", OUT_OF_RANGE)),
    ("0000~", 1, "qualified date", R("before 0001", OUT_OF_RANGE)),
    ("16XX~", 1, "unspecified digits",
     B("1600-01-01", "1699-12-31", "century", approximate=True)),
    ("16XX%", 1, "unspecified digits",
     B("1600-01-01", "1699-12-31", "century", uncertain=True, approximate=True)),
    ("1XXX", 1, "unspecified digits", B("1000-01-01", "1999-12-31", "millennium")),
    ("1XXX~", 1, "unspecified digits",
     B("1000-01-01", "1999-12-31", "millennium", approximate=True)),
    ("156X~", 1, "unspecified digits", B("1560-01-01", "1569-12-31", "decade", approximate=True)),
    ("-01XX~", 1, "unspecified digits", R("before 0001", OUT_OF_RANGE)),
    ("/2006", 1, "extended interval", B(None, "2006-12-31", "interval", note=OPEN)),
    ("2004-06-01/", 1, "extended interval", B("2004-06-01", None, "interval", note=OPEN)),
    ("../2006", 1, "extended interval", B(None, "2006-12-31", "interval")),
    ("2004-01-01/..", 1, "extended interval", B("2004-01-01", None, "interval")),
    ("1984~/2004-06", 1, "extended interval",
     B("1984-01-01", "2004-06-30", "interval", approximate=True)),
    ("1984/2004-06~", 1, "extended interval",
     B("1984-01-01", "2004-06-30", "interval", approximate=True)),
    ("1984?/2004%", 1, "extended interval",
     B("1984-01-01", "2004-12-31", "interval", uncertain=True, approximate=True)),
    ("1984~/2004~", 1, "extended interval",
     B("1984-01-01", "2004-12-31", "interval", approximate=True)),
    ("1984-06?/2004-08?", 1, "extended interval",
     B("1984-06-01", "2004-08-31", "interval", uncertain=True)),
    ("1984-06-02?/2004-08-08~", 1, "extended interval",
     B("1984-06-02", "2004-08-08", "interval", uncertain=True, approximate=True)),
    ("1984-06-02?/", 1, "extended interval",
     B("1984-06-02", None, "interval", uncertain=True, note=OPEN)),
    ("Y170000002", 1, "letter-prefixed year", R("beyond 9999", OUT_OF_RANGE)),
    ("Y-170000002", 1, "letter-prefixed year", R("before 0001", OUT_OF_RANGE)),
    ("2001-21", 1, "season", B("2001-03-01", "2001-05-31", "season")),
    ("2003-22", 1, "season", B("2003-06-01", "2003-08-31", "season")),
    ("2000-23", 1, "season", B("2000-09-01", "2000-11-30", "season")),
    ("2010-24", 1, "season", B("2010-12-01", "2011-02-28", "season", note=WINTER)),
    # EXAMPLES, level 2
    ("2004-06-11%", 2, "qualification",
     B("2004-06-11", "2004-06-11", "day", uncertain=True, approximate=True)),
    ("2004?-06-11", 2, "qualification", B("2004-06-11", "2004-06-11", "day", uncertain=True)),
    ("2004-06~-11", 2, "qualification", B("2004-06-11", "2004-06-11", "day", approximate=True)),
    ("2004-06-~11", 2, "qualification", B("2004-06-11", "2004-06-11", "day", approximate=True)),
    ("2004-%06", 2, "qualification",
     B("2004-06-01", "2004-06-30", "month", uncertain=True, approximate=True)),
    ("2004-?06-?11", 2, "qualification", B("2004-06-11", "2004-06-11", "day", uncertain=True)),
    ("2004?-06-~11", 2, "qualification",
     B("2004-06-11", "2004-06-11", "day", uncertain=True, approximate=True)),
    ("?2004-%06", 2, "qualification",
     B("2004-06-01", "2004-06-30", "month", uncertain=True, approximate=True)),
    ("2004?-%06", 2, "qualification",
     B("2004-06-01", "2004-06-30", "month", uncertain=True, approximate=True)),
    ("2004?-~06-~04", 2, "qualification",
     B("2004-06-04", "2004-06-04", "day", uncertain=True, approximate=True)),
    ("2011-~06-~04", 2, "qualification", B("2011-06-04", "2011-06-04", "day", approximate=True)),
    ("156X-12-25", 2, "unspecified digit", B("1560-12-25", "1569-12-25", "decade", gaps=True)),
    ("15XX-12-25", 2, "unspecified digit", B("1500-12-25", "1599-12-25", "century", gaps=True)),
    ("1560-XX-25", 2, "unspecified digit", B("1560-01-25", "1560-12-25", "year", gaps=True)),
    ("15XX-12-XX", 2, "unspecified digit", B("1500-12-01", "1599-12-31", "century", gaps=True)),
    ("XXXX-XX-23", 2, "unspecified digit", R("first digit of a year", X_FIRST)),
    ("[1667, 1668, 1670..1672]", 2, "one of a set",
     B("1667-01-01", "1672-12-31", "set", gaps=True)),
    ("[..1760-12-03]", 2, "one of a set", B(None, "1760-12-03", "range")),
    ("[1760-12..]", 2, "one of a set", B("1760-12-01", None, "range")),
    ("[1760-01, 1760-02, 1760-12..]", 2, "one of a set",
     B("1760-01-01", None, "set", gaps=True)),
    ("[1667, 1760-12]", 2, "one of a set", B("1667-01-01", "1760-12-31", "set", gaps=True)),
    ("{1667,1668, 1670..1672}", 2, "multiple dates", R("one event has one date", ALL_OF)),
    ("{1960, 1961-12}", 2, "multiple dates", R("one event has one date", ALL_OF)),
    ("196X", 2, "unspecified digits", B("1960-01-01", "1969-12-31", "decade")),
    ("2004-06-~01/2004-06-~20", 2, "interval",
     B("2004-06-01", "2004-06-20", "interval", approximate=True)),
    ("2004-06-XX/2004-07-03", 2, "interval", B("2004-06-01", "2004-07-03", "interval")),
    ("Y17E7", 2, "exponential year", R("beyond 9999", OUT_OF_RANGE)),
    ("Y-17E7", 2, "exponential year", R("before 0001", OUT_OF_RANGE)),
    ("1950S2", 2, "significant digits", B("1900-01-01", "1999-12-31", "century", note=SIG)),
    ("1953S2", 2, "significant digits", B("1900-01-01", "1999-12-31", "century", note=SIG)),
    ("1953S3", 2, "significant digits", B("1950-01-01", "1959-12-31", "decade", note=SIG)),
    ("Y17101E4S3", 2, "significant digits", R("beyond 9999", OUT_OF_RANGE)),
    ("Y3388E2S3", 2, "significant digits", R("beyond 9999", OUT_OF_RANGE)),
    ("Y171010000S3", 2, "significant digits", R("beyond 9999", OUT_OF_RANGE)),
    ("2001-29", 2, "sub-year grouping", B("2001-09-01", "2001-11-30", "season")),
    ("2001-34", 2, "sub-year grouping", B("2001-04-01", "2001-06-30", "quarter")),
    # APPROXIMATE_UNCERTAIN_EXAMPLES (flags; '%' is both uncertain and approximate here)
    ("2004?-06-04", 2, "qualification", B("2004-06-04", "2004-06-04", "day", uncertain=True)),
    ("?1945/1959", 2, "qualification",
     B("1945-01-01", "1959-12-31", "interval", uncertain=True)),
    ("?1945", 2, "qualification", B("1945-01-01", "1945-12-31", "year", uncertain=True)),
    ("?1945-01", 2, "qualification", B("1945-01-01", "1945-01-31", "month", uncertain=True)),
    ("?1945-01-01", 2, "qualification", B("1945-01-01", "1945-01-01", "day", uncertain=True)),
    ("~1945/1959", 2, "qualification",
     B("1945-01-01", "1959-12-31", "interval", approximate=True)),
    ("~1945", 2, "qualification", B("1945-01-01", "1945-12-31", "year", approximate=True)),
    ("~1945-01", 2, "qualification", B("1945-01-01", "1945-01-31", "month", approximate=True)),
    ("~1945-01-01", 2, "qualification", B("1945-01-01", "1945-01-01", "day", approximate=True)),
    ("%1945/1959", 2, "qualification",
     B("1945-01-01", "1959-12-31", "interval", uncertain=True, approximate=True)),
    ("%1945", 2, "qualification",
     B("1945-01-01", "1945-12-31", "year", uncertain=True, approximate=True)),
    ("%1945-01", 2, "qualification",
     B("1945-01-01", "1945-01-31", "month", uncertain=True, approximate=True)),
    ("%1945-01-01", 2, "qualification",
     B("1945-01-01", "1945-01-01", "day", uncertain=True, approximate=True)),
    # BAD_EXAMPLES
    ("", 0, "bad", R("empty")),
    ("not a edtf string", 0, "bad", R("not an EDTF date")),
    ("Y17E7-12-26", 2, "bad", R("beyond 9999")),
    ("2016-13-08", 0, "bad", R("month 13 does not exist")),
    ("2016-02-39", 0, "bad", R("no day 39")),
    ("-0000-01-01", 1, "bad", R("before 0001")),
    ("2004-(06)?-11", 2, "bad (old spec)", R("not an EDTF date")),
    ("2004-06-(11)~", 2, "bad (old spec)", R("not an EDTF date")),
    ("2004-(06)%", 2, "bad (old spec)", R("not an EDTF date")),
    ("2004-(06-11)?", 2, "bad (old spec)", R("not an EDTF date")),
    ("2004?-06-(11)~", 2, "bad (old spec)", R("not an EDTF date")),
    ("(2004-(06)~)?", 2, "bad (old spec)", R("not an EDTF date")),
    ("(2004)?-06-04~", 2, "bad (old spec)", R("not an EDTF date")),
    ("(2011)-06-04~", 2, "bad (old spec)", R("not an EDTF date")),
    ("2011-(06-04)~", 2, "bad (old spec)", R("not an EDTF date")),
    ("2004-06-(01)~/2004-06-(20)~", 2, "bad (old spec)", R("not an EDTF date")),
]
# fmt: on
