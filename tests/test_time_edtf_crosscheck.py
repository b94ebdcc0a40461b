"""Cross-check bilatlog's bounds against the `edtf` package (a test-only dependency).

Where they differ, it is by design, and each difference is named here:

- `edtf` pads `~` and `?` dates by a fixed year, month or day in its "fuzzy"
  bounds; bilatlog never widens them. We compare with edtf's *strict* bounds,
  which do not pad, and separately show that its fuzzy bounds are wider.
- `edtf` reads winter (`-24`) as December only; bilatlog reads December to
  February, the whole meteorological winter.
- `edtf` fills unknown or open interval ends with guesses (or fails on `..`);
  bilatlog reports them as None.
- bilatlog accepts a qualified season (`2021-23?`), which edtf's grammar refuses.
"""

from __future__ import annotations

import datetime as dt

import edtf
import pytest

from bilatlog import When
from date_table import VALID

COMPARABLE = [
    row
    for row in VALID
    if not row[0].startswith("[")  # level 2 ranges: compared below on their own
    and not row[0].endswith("/")
    and not row[0].startswith("/")
    and ".." not in row[0]
    and "-24" not in row[0]
    and row[0] != "2021-23?"  # a qualified season: accepted here, refused by edtf's grammar
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


def test_range_matches_edtf_one_of_a_set():
    """The level-2 range `[a..b]` has the same outer bounds as edtf's OneOfASet."""
    assert (When.parse("[2020-09..2020-12]").earliest, When.parse("[2020-09..2020-12]").latest) == (
        _strict("[2020-09..2020-12]")
    )
