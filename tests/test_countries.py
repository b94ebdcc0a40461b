"""Countries as event data spells them: ICEWS names, COW and GDELT codes, historic states."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.io import country, import_gdelt, import_icews
from bilatlog.io._common import _data, country_info

DATA = Path(__file__).parent / "data"


def _known(t: bl.Timeline) -> list[bl.Event]:
    """The events as known now (corrections applied, retractions out)."""
    return [k.event for k in t.events()]


def _icews_names() -> set[str]:
    with (DATA / "icews_countries.tab").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    names = {r["Source Country"] for r in rows} | {r["Target Country"] for r in rows}
    return names - {"NA"}


def test_every_country_name_of_the_icews_sample_is_known():
    """All 148 country names of the ICEWS 2018 sample resolve (among them 'the former
    Yugoslav Republic of Macedonia', which failed on 10 rows), and import with no bad row."""
    names = _icews_names()
    assert len(names) == 148
    codes = {n: country(n) for n in names}
    assert codes["the former Yugoslav Republic of Macedonia"] == "MK"
    assert codes["Occupied Palestinian Territory"] == "PS"
    assert codes["Moldova, Republic of"] == "MD"
    assert codes["Cote d'Ivoire"] == "CI"
    tl = bl.open()
    report = import_icews(tl, DATA / "icews_countries.tab", progress=False)
    assert report.bad == []
    assert report.imported == report.read


@pytest.mark.parametrize(
    ("spelled", "code"),
    [
        ("Korea, South", "KR"),
        ("Korea, North", "KP"),
        ("Bahamas, The", "BS"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Curacao", "CW"),
        ("Curaçao", "CW"),
        ("Sao Tome and Principe", "ST"),
        ("São Tomé and Príncipe", "ST"),
        ("Turkiye", "TR"),
        ("St. Lucia", "LC"),  # COW
        ("Antigua & Barbuda", "AG"),  # COW
        ("Ivory Coast", "CI"),  # COW
        ("united states of america", "US"),
        ("USA", "US"),  # ISO alpha-3 and GDELT
        ("MEX", "MX"),
        ("ROM", "RO"),  # CAMEO's Romania (GDELT)
        ("TMP", "TL"),  # CAMEO's Timor-Leste (GDELT)
        ("MTN", "ME"),  # CAMEO's Montenegro
        ("NA", "NA"),  # Namibia, not a missing value
        ("Kosovo", "XK"),
        ("Taiwan", "TW"),
        ("Somaliland", "SO"),
        ("Palestine", "PS"),
        ("Faeroe Islands", "FO"),  # CAMEO's label (GDELT's lookup table)
    ],
)
def test_inverted_unaccented_and_coded_spellings(spelled, code):
    """Inverted names, unaccented spellings, COW names and GDELT/CAMEO codes all resolve."""
    assert country(spelled) == code


@pytest.mark.parametrize(
    ("spelled", "code", "successor"),
    [
        ("Yugoslavia", "YUG", "RS"),
        ("YU", "YUG", "RS"),
        ("USSR", "SUN", "RU"),
        ("Soviet Union", "SUN", "RU"),
        ("Czechoslovakia", "CSK", "CZ"),
        ("East Germany", "DDR", "DE"),
        ("German Democratic Republic", "DDR", "DE"),
        ("West Germany", "GFR", "DE"),
        ("Zaire", "ZAR", "CD"),
        ("ZR", "ZAR", "CD"),
        ("Serbia and Montenegro", "SCG", "RS"),
        ("SCG", "SCG", "RS"),
        ("South Yemen", "YMD", "YE"),
    ],
)
def test_historic_states_keep_their_own_codes(spelled, code, successor):
    """A historic state is never silently mapped to its successor."""
    found = country(spelled)
    assert found == code
    assert found != successor
    info = country_info(found)
    assert info is not None
    assert info.kind == "historic"


def test_cow_codes_are_read_as_cow_defines_them():
    """COW abbreviations and numbers go through scheme='cow': COW's AUS is Austria."""
    assert country("AUS") == "AU"  # ISO and GDELT: Australia
    assert country("AUS", scheme="cow") == "AT"
    assert country("AUL", scheme="cow") == "AU"
    assert country("260", scheme="cow") == country("GFR", scheme="cow") == "GFR"
    assert country("265", scheme="cow") == "DDR"
    assert country("315", scheme="cow") == "CSK"  # COW's CZE is Czechoslovakia
    assert country("CZE") == "CZ"  # ISO's CZE is Czechia
    assert country("BAV", scheme="cow") == "BAV"  # a state ISO never coded
    with pytest.raises(bl.ValidationError, match="KOR is ISO's South Korea"):
        country("730", scheme="cow")


def test_unknown_and_ambiguous_values_are_refused_by_name():
    """Nothing is guessed: an unknown value and an ambiguous one are errors naming it."""
    with pytest.raises(bl.ValidationError, match="Atlantis"):
        country("Atlantis")
    with pytest.raises(bl.ValidationError, match="CSK or SCG"):
        country("CS")
    with pytest.raises(bl.ValidationError, match="KP or KR"):
        country("Korea")
    assert country(None) is None
    assert country("") is None
    assert country("EUR") is None  # a CAMEO region: no state


def test_every_row_of_the_table_answers_to_its_own_names_and_codes():
    """The shipped table is consistent: each name and code of a row leads back to that row."""
    for r in csv.DictReader(_data("countries.csv").splitlines()):
        if r["kind"] not in ("state", "historic"):
            continue
        for spelled in [r["code"], r["iso3"], *r["codes"].split("|"), *r["names"].split("|")]:
            if spelled:
                assert country(spelled) == r["code"], (spelled, r["code"])
        if r["cow"]:
            assert country(r["cow"], scheme="cow") == r["code"]
            assert country(r["cow_number"], scheme="cow") == r["code"]


def _icews_row(source: str, target: str, event_id: str) -> str:
    where = ["NA", "NA", "NA", "NA", "0", "0"]  # city, district, province, country, lat, lon
    fields = [event_id, "2018-06-01", "A", "Government", source, "Consult", "040", "1", "B",
              "Government", target, "1", "1", "Reuters", *where]  # fmt: skip
    return "\t".join(fields)


def test_a_rejected_row_names_the_value_and_the_dyad_filters_first(tmp_path):
    """An unknown country outside the dyad is filtered out, never bad; inside it, the bad
    row's reason names the column and the value it did not know."""
    header = (DATA / "icews_sample.tab").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "e.tab"
    rows = [
        _icews_row("Atlantis", "France", "1"),  # no dyad member: filtered
        _icews_row("Lemuria", "Atlantis", "2"),  # no known country at all: filtered
        _icews_row("United States", "Mexico", "3"),  # imported
        _icews_row("United States", "Atlantis", "4"),  # may be the dyad: bad, named
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    tl = bl.open()
    report = import_icews(tl, path, between=("US", "MX"), progress=False)
    assert (report.imported, report.filtered, len(report.bad)) == (1, 2, 1)
    assert "Target Country" in report.bad[0].reason
    assert "'Atlantis'" in report.bad[0].reason
    everything = import_icews(bl.open(), path, progress=False)
    assert len(everything.bad) == 3
    assert "'Lemuria'" in everything.bad[1].reason
    with pytest.raises(bl.ValidationError, match="Atlantis"):
        import_icews(bl.open(), path, between=("US", "MX"), strict=True, progress=False)


def test_namibia_is_a_dyad_member(tmp_path):
    """`--between US,NA` means the United States and Namibia, in either direction."""
    header = (DATA / "icews_sample.tab").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "e.tab"
    rows = [_icews_row("Namibia", "United States", "1"), _icews_row("Namibia", "NA", "2")]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    tl = bl.open()
    report = import_icews(tl, path, between="US,NA", progress=False)
    assert (report.imported, report.filtered, report.bad) == (1, 1, [])
    assert _known(tl)[0].actors == ("NA", "US")


def test_gdelt_region_codes_are_no_state_and_no_bad_row(tmp_path):
    """A GDELT actor coded with a CAMEO region (EUR) is kept, with no country actor."""
    f = [""] * 61
    f[0], f[1], f[26], f[25], f[29], f[30] = "1", "20180601", "040", "1", "1", "1.0"
    f[7], f[17], f[60] = "USA", "EUR", "https://example.org/a"
    path = tmp_path / "g.csv"
    path.write_text("\t".join(f) + "\n", encoding="utf-8")
    tl = bl.open()
    report = import_gdelt(tl, path, progress=False)
    assert report.bad == []
    event = _known(tl)[0]
    assert event.actors == ("US",)
    assert event.data["target"]["country"] == "EUR"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Iran (Islamic Republic of)", "IR"),  # the UN's spelling
        ("Bolivia (Plurinational State of)", "BO"),
        ("Korea (South)", "KR"),
        ("Micronesia (Federated States of)", "FM"),
        ("Guinea Bissau", "GW"),  # a hyphen written as a space
        ("Timor Leste", "TL"),
        ("Saint Martin (French part)", "MF"),  # a parenthesis the table itself has
    ],
)
def test_parenthesised_and_unhyphenated_spellings(name, code):
    """UN-style `Name (qualifier)` reads as `Name, qualifier`; a hyphen counts as a space."""
    assert country(name) == code
