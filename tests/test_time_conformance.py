"""EDTF conformance: every example of the LoC specification and of the `edtf` package's tests.

The cases and their licenses are in `edtf_conformance.py`. Each case gives the
bounds bilatlog reads (strict: never widened by `?`, `~` or `%`) or words of
the refusal message.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog import Precision, When
from edtf_conformance import EDTF_PACKAGE, LOC, OUT_OF_RANGE, Bounds, Refused

D = dt.date.fromisoformat
CASES = [("loc", *c) for c in LOC] + [("edtf", *c) for c in EDTF_PACKAGE]
ACCEPTED = [c for c in CASES if isinstance(c[4], Bounds)]
REFUSED = [c for c in CASES if isinstance(c[4], Refused)]


def _id(case: tuple[object, ...]) -> str:
    return f"{case[0]}-L{case[2]}-{case[1]}"


@pytest.mark.parametrize("case", ACCEPTED, ids=[_id(c) for c in ACCEPTED])
def test_accepted_forms_have_their_bounds_and_round_trip(case):
    """Each accepted example means exactly its bounds, precision and flags, and keeps its text."""
    _, text, _, _, expected = case
    w = When.parse(text)
    assert w.earliest == (D(expected.earliest) if expected.earliest else None)
    assert w.latest == (D(expected.latest) if expected.latest else None)
    assert w.precision is Precision(expected.precision)
    assert (w.uncertain, w.approximate) == (expected.uncertain, expected.approximate)
    assert w.gaps is expected.gaps
    assert w.edtf == text
    again = When.parse(w.edtf)
    assert again == w
    assert hash(again) == hash(w)


@pytest.mark.parametrize("case", REFUSED, ids=[_id(c) for c in REFUSED])
def test_refused_forms_say_why(case):
    """Each refused example raises a ValidationError with the reason and a fix."""
    _, text, _, _, expected = case
    with pytest.raises(bl.ValidationError) as info:
        When.parse(text)
    assert expected.words in str(info.value)
    assert "Fix:" in str(info.value)
    assert info.value.value == text


def test_every_level_0_and_1_example_of_the_specification_is_accepted():
    """Levels 0 and 1 are whole; the only refusals are years outside 0001-9999, by design."""
    loc = [c for c in CASES if c[0] == "loc" and c[2] <= 1 and c[3] != "extended format"]
    refused = {c[1]: c[4] for c in loc if isinstance(c[4], Refused)}
    assert sorted(refused) == ["-1985", "Y-170000002", "Y170000002"]
    assert all(r.note == OUT_OF_RANGE for r in refused.values())
    accepted = [c for c in loc if isinstance(c[4], Bounds)]
    # 3 dates, 4 date-times, 6 intervals; 1 season, 3 qualified, 5 unspecified, 12 intervals
    assert len([c for c in accepted if c[2] == 0]) == 13
    assert len([c for c in accepted if c[2] == 1]) == 21


def test_every_sub_year_code_of_the_specification_is_read():
    """Codes 21 to 41 (seasons, quarters, quadrimesters, semesters) all parse, none other."""
    codes = {int(c[1][5:]) for c in ACCEPTED if c[3] in ("season", "sub-year grouping")}
    assert set(range(21, 42)) <= codes
    for bad in ("2001-20", "2001-42", "2001-99"):
        with pytest.raises(bl.ValidationError, match="does not exist"):
            When.parse(bad)


def test_sort_key_is_total_over_every_form():
    """Every accepted form sorts by (earliest, latest, text), with no two keys ambiguous."""
    whens = [When.parse(c[1]) for c in ACCEPTED]
    keys = [w.sort_key for w in whens]
    assert all(isinstance(k[0], dt.date) and isinstance(k[1], dt.date) for k in keys)
    ordered = sorted(whens, key=lambda w: w.sort_key)
    shuffled = whens[:]
    random.Random(20).shuffle(shuffled)
    assert sorted(shuffled, key=lambda w: w.sort_key) == ordered
    distinct = {w.edtf: w.sort_key for w in whens}
    assert len(set(distinct.values())) == len(distinct)


DOC = Path(__file__).parent.parent / "docs" / "time-model.md"
ROW = re.compile(
    r"\| ([012]) \| ([^|]+) \| `([^`]*)`(?: †)? \| [^|]+ \| ([^|]+) \| ([^|]+) \| ([^|]+) \|"
)
DOC_ROWS = ROW.findall(DOC.read_text(encoding="utf-8"))


def test_the_documented_table_covers_every_feature():
    """docs/time-model.md has a row for every feature of the specification's examples."""
    features = {c[2] for c in LOC if c[2] not in ("extended format", "negative year")}
    assert features <= {f.strip() for _, f, *_ in DOC_ROWS} | {"negative year"}
    assert len(DOC_ROWS) >= 55


@pytest.mark.parametrize("row", DOC_ROWS, ids=[r[2] for r in DOC_ROWS])
def test_the_documented_table_is_what_the_code_does(row):
    """Each row of the docs' conformance table: the bounds and precision, or a refusal."""
    _, _, text, lo, hi, precision = (x.strip() for x in row)
    if lo == "refused":
        with pytest.raises(bl.ValidationError):
            When.parse(text)
        return
    w = When.parse(text)
    assert w.earliest == (None if lo == "None" else D(lo))
    assert w.latest == (None if hi == "None" else D(hi))
    assert w.precision is Precision(precision)
