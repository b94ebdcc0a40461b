"""Cross-check bilatlog's bounds against the `edtf` package (a test-only dependency).

Where they differ, it is by design, and each difference is named here:

- `edtf` pads `~` and `?` dates by a fixed year, month or day in its "fuzzy"
  bounds; bilatlog never widens them. We compare with edtf's *strict* bounds,
  which do not pad, and separately show that its fuzzy bounds are wider.
- `edtf` reads winter (`-24`) as December only; bilatlog reads December to
  February, the whole meteorological winter.
- `edtf` fills unknown or open interval ends with guesses (or fails on `..`);
  bilatlog reports them as None.
- bilatlog accepts a qualified season or quarter (`2021-23?`, `2021-34~`), which
  edtf's grammar refuses; edtf fails on `1984-1X` (an unspecified month digit).
- Significant digits (`1950S2`, "some year 1900-1999, estimated 1950"): edtf's
  strict bounds are the estimate, its fuzzy bounds the range; bilatlog's bounds
  are the range, which is what the text allows.
- bilatlog accepts ranges with mixed precision (`[2019-11..2020-02-15]`); edtf
  refuses them.
"""

from __future__ import annotations

import datetime as dt

import edtf
import pytest

from bilatlog import When
from date_table import VALID

# Rows where bilatlog and edtf differ by design (each is tested on its own below),
# or that edtf cannot read.
DIFFERENT = {
    "2021-24": "winter runs to February here",
    "2023-24": "winter runs to February here",
    "2021-30": "southern summer runs to February here",
    "2021-23?": "a qualified season: refused by edtf's grammar",
    "2021-34~": "a qualified quarter: refused by edtf's grammar",
    "1984-1X": "edtf fails on an unspecified month digit",
    "1950S2": "significant digits: our bounds are edtf's fuzzy ones",
    "[2019-11..2020-02-15]": "mixed precision in a range: refused by edtf",
    "[2020-09..2020-10-08]": "mixed precision in a range: refused by edtf",
    "[201X..2021]": "mixed precision in a range: refused by edtf",
    "[2021-21..2021-23]": "seasons in a range: refused by edtf",
}

COMPARABLE = [
    row
    for row in VALID
    if row[0] not in DIFFERENT
    and row[1] is not None  # open or unknown ends: edtf guesses or fails
    and row[2] is not None
]


def _strict(text: str) -> tuple[dt.date, dt.date]:
    e = edtf.parse_edtf(text)
    return (
        edtf.struct_time_to_date(e.lower_strict()),
        edtf.struct_time_to_date(e.upper_strict()),
    )


@pytest.mark.parametrize("row", COMPARABLE, ids=[r[0] for r in COMPARABLE])
def test_bounds_match_edtf_strict_bounds(row):
    """Level 0/1 bounds equal edtf's strict (unpadded) bounds."""
    w = When.parse(row[0])
    assert (w.earliest, w.latest) == _strict(row[0])


def test_edtf_fuzzy_bounds_widen_approximate_dates_and_ours_do_not():
    """By design: edtf pads `~` by a year and a month; bilatlog keeps October 2020 as is."""
    e = edtf.parse_edtf("2020-10~")
    fuzzy_lo = edtf.struct_time_to_date(e.lower_fuzzy())
    w = When.parse("2020-10~")
    assert fuzzy_lo < dt.date(2020, 10, 1)
    assert w.earliest == dt.date(2020, 10, 1)


def test_winter_differs_by_design():
    """By design: edtf's winter is December only; bilatlog's runs to the end of February."""
    lo, hi = _strict("2021-24")
    assert (lo, hi) == (dt.date(2021, 12, 1), dt.date(2021, 12, 31))
    assert When.parse("2021-24").latest == dt.date(2022, 2, 28)


def test_significant_digits_are_edtfs_fuzzy_bounds():
    """By design: '1950S2' is some year 1900-1999; edtf's strict bounds are the estimate."""
    e = edtf.parse_edtf("1950S2")
    w = When.parse("1950S2")
    assert _strict("1950S2") == (dt.date(1950, 1, 1), dt.date(1950, 12, 31))
    assert (w.earliest, w.latest) == (
        edtf.struct_time_to_date(e.lower_fuzzy()),
        edtf.struct_time_to_date(e.upper_fuzzy()),
    )


def test_range_matches_edtf_one_of_a_set():
    """The level-2 range `[a..b]` has the same outer bounds as edtf's OneOfASet."""
    assert (When.parse("[2020-09..2020-12]").earliest, When.parse("[2020-09..2020-12]").latest) == (
        _strict("[2020-09..2020-12]")
    )
