"""Generate src/bilatlog/io/data/countries.csv: countries as event data spells them.

    pip install pycountry          # in any venv (not a bilatlog dependency)
    python scripts/build_countries.py

Sources: ISO 3166-1 (current countries) and ISO 3166-3 (withdrawn codes), from
the `pycountry` package's data (Debian iso-codes, LGPL-2.1); the Correlates of
War State System Membership List v2016 (`scripts/data/cow_states2016.csv`);
the country codes of CAMEO as GDELT uses them; and the spellings of ICEWS,
COW and GDELT, listed below. The output is committed; CI does not run this.

Each row is one code bilatlog uses as an actor: `code` (ISO 3166-1 alpha-2 for
a current country; the ISO 3166-3 alpha-3 for a withdrawn one; the COW
abbreviation for a state ISO never coded), its `kind` (state, historic,
region), a display `name`, the ISO and COW codes, more `codes` accepted as
input, and `names` (pipe-separated). The coding decisions are the `NOTES`
below; each is also written into the row's `note` column.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "bilatlog" / "io" / "data" / "countries.csv"
COW = ROOT / "scripts" / "data" / "cow_states2016.csv"

# -- the coding decisions --------------------------------------------------------------------

NOTES = {
    "XK": "Kosovo: not in ISO 3166-1; XK is the user-assigned code the EU, IMF and ICEWS-era "
    "datasets use (COW 347, KOS). Kept as its own country, never mapped to Serbia.",
    "PS": "Palestine: ISO 3166-1 PS ('Palestine, State of'); ICEWS spells it 'Occupied "
    "Palestinian Territory'; CAMEO's West Bank (WSB) and Gaza Strip (GZS) are parts of it "
    "and map here, their original code kept in the event's data.",
    "TW": "Taiwan: ISO 3166-1 TW (ISO's name 'Taiwan, Province of China' is accepted but not "
    "shown); COW 713 (TAW), ICEWS and GDELT code it apart from China, and so does bilatlog.",
    "SO": "Somalia, and Somaliland: Somaliland has no ISO or COW code; ICEWS, GDELT and COW "
    "code its events under Somalia, and so does bilatlog (the original name stays in the "
    "event's data).",
    "ZAR": "Zaire (1971-1997): ISO 3166-3 ZR/ZAR, kept apart from the DR Congo (CD) so that "
    "joining the two is the analyst's decision. COW 490 codes both as one state and maps to CD.",
    "YUG": "Yugoslavia: ISO 3166-3 YU/YUG (ISO used it until 2003, for the Federal Republic "
    "of Yugoslavia too). COW 345 (YUG), which COW also uses for Serbia after 2006, maps here.",
    "SUN": "The USSR: ISO 3166-3 SU/SUN. COW 365 (RUS) is 'Russia' since 1816 for COW (the "
    "USSR included) and maps to RU, as COW defines it.",
    "CSK": "Czechoslovakia: ISO 3166-3 CS/CSK; COW 315 (CZE, not Czechia's ISO CZE).",
    "SCG": "Serbia and Montenegro (2003-2006): ISO 3166-3 CS/SCG. The former alpha-2 CS was "
    "used for Czechoslovakia too, so CS alone is refused as ambiguous.",
    "DDR": "East Germany: ISO 3166-3 DD/DDR; COW 265 (GDR).",
    "GFR": "West Germany (1949-1990): ISO never gave it a code of its own (DE continued), so "
    "it takes COW's abbreviation GFR (COW 260). 'Federal Republic of Germany', today's "
    "official name, means DE; COW 255 (GMY, Germany before 1945 and since 1990) is DE.",
    "YAR": "North Yemen (1926-1990): no ISO 3166-3 entry of its own (YE continued); COW 678 (YAR).",
    "YMD": "South Yemen: ISO 3166-3 YD/YMD; COW 680 (YPR).",
    "RVN": "South Vietnam (1954-1975): no ISO code of its own; COW 817 (RVN). North Vietnam "
    "is ISO 3166-3 VD/VDR; COW 816 (DRV) is today's Vietnam for COW and maps to VN.",
    "TL": "Timor-Leste: 'East Timor' and CAMEO's TMP (which GDELT uses for events of today) "
    "mean TL; the withdrawn ISO 3166-3 code TP/TPTL for Portuguese Timor is not read.",
    "MM": "Myanmar: 'Burma', a name in current use, means MM; the withdrawn ISO 3166-3 code "
    "BU/BUR/BUMM (the Socialist Republic of the Union of Burma) keeps its own code BUR.",
    "MK": "North Macedonia: ICEWS's 'the former Yugoslav Republic of Macedonia' and COW's "
    "'Macedonia' (COW 343, MAC, not ISO's Macao) mean MK.",
    "NA": "Namibia: NA is its ISO code, not a missing value (a dataset whose missing marker is "
    "NA, like ICEWS, says so in its importer).",
}

# names and codes that event datasets use beyond ISO's own (code -> spellings)
EXTRA_NAMES = {
    "US": ["United States of America", "USA"],
    "GB": ["Britain", "Great Britain", "UK"],
    "RU": ["Russia"],
    "KR": ["South Korea", "Republic of Korea", "Korea, South"],
    "KP": ["North Korea", "Korea, North", "DPRK"],
    "CD": [
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "DR Congo",
        "DRC",
        "Congo-Kinshasa",
        "Congo, Democratic Republic of",
    ],
    "CG": [
        "Republic of the Congo",
        "Republic of Congo",
        "Congo-Brazzaville",
        "People's Republic of the Congo",
    ],
    # CAMEO's labels (GDELT's lookup table) where they differ from ISO's
    "FO": ["Faeroe Islands"],
    "SJ": ["Svalbard and Jan Mayen Islands"],
    "WF": ["Wallis and Futuna Islands"],
    "VI": ["United States Virgin Islands"],
    "SH": ["Saint Helena"],
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "MK": [
        "Macedonia",
        "the former Yugoslav Republic of Macedonia",
        "FYROM",
        "Macedonia, the former Yugoslav Republic of",
    ],
    "SZ": ["Swaziland"],
    "TR": ["Turkey"],
    "TL": ["East Timor"],
    "MM": ["Burma"],
    "VA": ["Holy See", "Vatican", "Vatican City"],
    "PS": [
        "Palestine",
        "Occupied Palestinian Territory",
        "Palestinian Territory",
        "Palestinian Territories",
        "West Bank and Gaza",
        "West Bank",
        "Gaza Strip",
        "Gaza",
    ],
    "TW": ["Republic of China", "Chinese Taipei"],
    "CN": ["People's Republic of China"],
    "SO": ["Somaliland"],
    "FM": ["Micronesia"],
    "BN": ["Brunei"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
    "KN": ["Saint Kitts-Nevis"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "MO": ["Macau"],
    "FK": ["Falkland Islands", "Malvinas"],
    "SY": ["Syria"],
    "LA": ["Laos"],
    "VN": ["Vietnam"],
    "IR": ["Iran"],
    "MD": ["Moldova"],
}
EXTRA_CODES = {  # CAMEO (GDELT) codes that are not ISO alpha-3, and other codes in use
    "RO": ["ROM"],
    "TL": ["TMP"],
    "ME": ["MTN"],
    "IM": ["IMY"],
    "PS": ["WSB", "GZS"],
    "IQ": ["BAG"],  # CAMEO's Baghdad
    "GB": ["UK"],
}
KOSOVO = {"code": "XK", "iso3": "XKX", "name": "Kosovo", "names": ["Republic of Kosovo"]}

# ISO 3166-3 entries: display names (ISO's are "Name, long form") and more spellings
HISTORIC_NAMES = {
    "SUN": ("Soviet Union", ["USSR", "Union of Soviet Socialist Republics"]),
    "CSK": ("Czechoslovakia", ["Czechoslovak Socialist Republic"]),
    "SCG": ("Serbia and Montenegro", ["State Union of Serbia and Montenegro"]),
    "DDR": ("East Germany", ["German Democratic Republic", "GDR"]),
    "YUG": (
        "Yugoslavia",
        ["Federal Republic of Yugoslavia", "Socialist Federal Republic of Yugoslavia"],
    ),
    "ZAR": ("Zaire", ["Republic of Zaire"]),
    "YMD": (
        "South Yemen",
        ["People's Democratic Republic of Yemen", "Democratic Yemen", "Yemen People's Republic"],
    ),
    "VDR": ("North Vietnam", ["Democratic Republic of Vietnam"]),
    "BUR": ("Socialist Republic of the Union of Burma", []),
    "RHO": ("Southern Rhodesia", ["Rhodesia"]),
    "DHY": ("Dahomey", []),
    "HVO": ("Upper Volta", []),
    "BYS": ("Byelorussian SSR", ["Byelorussian Soviet Socialist Republic"]),
    "ANT": ("Netherlands Antilles", []),
    "FXX": ("Metropolitan France", []),
}
SKIP_HISTORIC = {"TMP"}  # East Timor: CAMEO's TMP means today's Timor-Leste (see NOTES["TL"])
# COW states ISO never coded: their COW abbreviation is their code
COW_ONLY_NAMES = {
    "GFR": ("West Germany", ["German Federal Republic", "West Germany"]),
    "YAR": ("North Yemen", ["Yemen Arab Republic"]),
    "RVN": ("South Vietnam", ["Republic of Vietnam"]),
}
# COW codes read as COW defines them (COW ccode -> bilatlog code), where names differ
COW_TO = {
    2: "US",
    200: "GB",
    220: "FR",
    255: "DE",
    260: "GFR",
    265: "DDR",
    315: "CSK",
    316: "CZ",
    345: "YUG",
    365: "RU",
    490: "CD",
    484: "CG",
    437: "CI",
    343: "MK",
    347: "XK",
    678: "YAR",
    679: "YE",
    680: "YMD",
    713: "TW",
    731: "KP",
    732: "KR",
    816: "VN",
    817: "RVN",
    860: "TL",
    572: "SZ",
    402: "CV",
    640: "TR",
    835: "BN",
    812: "LA",
    652: "SY",
    630: "IR",
    359: "MD",
    145: "BO",
    101: "VE",
    510: "TZ",
    987: "FM",
    58: "AG",
    56: "LC",
    57: "VC",
    60: "KN",
    775: "MM",
    552: "ZW",
    420: "GM",
    31: "BS",
}
# refused with a reason rather than given a code
COW_REFUSED = {
    730: "COW 730 (Korea, 1887-1905) has no ISO code, and its COW abbreviation KOR is ISO's "
    "South Korea: record these events with an actor code you choose.",
}
AMBIGUOUS = {  # keys that mean more than one state: refused, naming the candidates
    "CS": ["CSK", "SCG"],
    "Korea": ["KP", "KR"],
}
REGIONS = {  # CAMEO regions (GDELT): no state; importers keep the code in the event's data
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CAU": "Caucasus",
    "CFR": "Central Africa", "CAS": "Central Asia", "CEU": "Central Europe",
    "EIN": "East Indies", "EAF": "Eastern Africa", "EEU": "Eastern Europe", "EUR": "Europe",
    "LAM": "Latin America", "MEA": "Middle East", "MDT": "Mediterranean",
    "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf",
    "SCN": "Scandinavia", "SAM": "South America", "SAS": "South Asia",
    "SEA": "Southeast Asia", "SAF": "Southern Africa", "WAF": "West Africa", "WST": "The West",
}  # fmt: skip


def key(text: str) -> str:
    """The lookup key bilatlog's loader uses (kept in step with io/_common.py)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().replace("&", " and ").replace("\u2019", "'")
    plain = re.sub(r"^st\.?\s+", "saint ", plain.strip())
    plain = re.sub(r"^the\s+", "", plain)
    return re.sub(r"\s+", " ", plain).strip()


def _names(*names: str | None) -> list[str]:
    out: list[str] = []
    for n in names:
        if not n:
            continue
        for variant in (n, re.sub(r"\s*\([^)]*\)", "", n).strip()):
            if variant and variant not in out:
                out.append(variant)
    return out


def main() -> None:
    rows = _iso_rows()
    _add_cow(rows)
    for code, name in REGIONS.items():
        rows[code] = {
            "code": code, "kind": "region", "name": name, "iso2": "", "iso3": "", "numeric": "",
            "cow": "", "cow_number": "", "codes": [], "names": [],
        }  # fmt: skip
    _check(rows)
    _write(rows)


def _iso_rows() -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        common = getattr(c, "common_name", None)
        rows[code] = {
            "code": code, "kind": "state", "name": common or c.name, "iso2": code,
            "iso3": c.alpha_3, "numeric": c.numeric, "cow": "", "cow_number": "",
            "codes": list(EXTRA_CODES.get(code, [])),
            "names": _names(c.name, common, getattr(c, "official_name", None),
                            *EXTRA_NAMES.get(code, [])),
        }  # fmt: skip
    for code, names in EXTRA_NAMES.items():
        assert code in rows or code == "XK", code
        del names
    rows["XK"] = {
        "code": "XK", "kind": "state", "name": KOSOVO["name"], "iso2": "XK", "iso3": "XKX",
        "numeric": "", "cow": "", "cow_number": "", "codes": ["XKX"],
        "names": _names(KOSOVO["name"], *KOSOVO["names"]),
    }  # fmt: skip
    reused = {c.alpha_2 for c in pycountry.countries}
    current3 = {c.alpha_3 for c in pycountry.countries}
    for h in pycountry.historic_countries:
        if h.alpha_3 in SKIP_HISTORIC or h.alpha_3 in current3:
            continue  # ATF: ISO gave the withdrawn code to a current territory
        display, more = HISTORIC_NAMES.get(h.alpha_3, (h.name.split(",")[0].strip(), []))
        codes = [h.alpha_4]
        if h.alpha_2 not in reused and h.alpha_2 not in AMBIGUOUS:
            codes.append(h.alpha_2)
        names = _names(display, h.name, *more)
        if h.alpha_3 == "BUR":
            names = _names(display, h.name)  # "Burma" itself is today's Myanmar (NOTES["MM"])
        rows[h.alpha_3] = {
            "code": h.alpha_3, "kind": "historic", "name": display, "iso2": "",
            "iso3": h.alpha_3, "numeric": getattr(h, "numeric", ""), "cow": "",
            "cow_number": "", "codes": codes, "names": names,
        }  # fmt: skip
    return rows


def _add_cow(rows: dict[str, dict[str, object]]) -> None:
    by_key: dict[str, str] = {}
    for code, row in rows.items():
        for n in row["names"]:  # type: ignore[attr-defined]
            by_key.setdefault(key(n), code)
    with COW.open(encoding="utf-8") as f:
        cow = {int(r["ccode"]): r for r in csv.DictReader(f)}
    for number, r in sorted(cow.items()):
        if number in COW_REFUSED:
            continue
        abb, name = r["stateabb"], r["statenme"]
        code = COW_TO.get(number) or by_key.get(key(name))
        if code is None and abb in COW_ONLY_NAMES:
            code = abb
        if code is None:  # a state ISO never coded (Baden, Bavaria, ...): COW's abbreviation
            code = abb
            display, more = COW_ONLY_NAMES.get(abb, (name, []))
            rows[code] = {
                "code": code, "kind": "historic", "name": display, "iso2": "", "iso3": "",
                "numeric": "", "cow": "", "cow_number": "", "codes": [],
                "names": _names(display, name, *more),
            }  # fmt: skip
        elif code not in rows:
            display, more = COW_ONLY_NAMES[abb]
            rows[code] = {
                "code": code, "kind": "historic", "name": display, "iso2": "", "iso3": "",
                "numeric": "", "cow": "", "cow_number": "", "codes": [],
                "names": _names(display, name, *more),
            }  # fmt: skip
        row = rows[code]
        if row["cow"]:
            sys.exit(f"two COW states map to {code}: {row['cow']} and {abb}")
        row["cow"], row["cow_number"] = abb, number
        if key(name) not in by_key and name != "Korea":
            row["names"] = [*row["names"], name]  # type: ignore[misc]
            by_key[key(name)] = code


def _write(rows: dict[str, dict[str, object]]) -> None:
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "kind", "name", "iso2", "iso3", "numeric", "cow", "cow_number",
                    "codes", "names", "note"])  # fmt: skip
        for code in sorted(rows, key=lambda c: (rows[c]["kind"] != "state", c)):
            row = rows[code]
            w.writerow([
                code, row["kind"], row["name"], row["iso2"], row["iso3"], row["numeric"],
                row["cow"], row["cow_number"], "|".join(row["codes"]),  # type: ignore[arg-type]
                "|".join(dict.fromkeys(row["names"])), NOTES.get(code, ""),  # type: ignore[arg-type]
            ])  # fmt: skip
        for k, candidates in AMBIGUOUS.items():
            w.writerow([k, "ambiguous", "", "", "", "", "", "", "", "|".join(candidates), ""])
        for number, reason in COW_REFUSED.items():
            w.writerow([f"COW {number}", "refused", "", "", "", "", "", number, "", "", reason])
    print(f"wrote {len(rows)} codes to {OUT.relative_to(ROOT)}")


def _check(rows: dict[str, dict[str, object]]) -> None:
    """No input key may mean two codes, unless it is listed in AMBIGUOUS."""
    seen: dict[str, str] = {}
    clashes = []
    for code, row in rows.items():
        keys = [code, str(row["iso3"]), *row["codes"]]  # type: ignore[misc]
        keys += [key(n) for n in row["names"]]  # type: ignore[attr-defined]
        for k in keys:
            if not k:
                continue
            if k in seen and seen[k] != code:
                clashes.append(f"{k!r}: {seen[k]} and {code}")
            seen.setdefault(k, code)
    for row in rows.values():
        if row["kind"] == "historic" and len(str(row["code"])) == 3:
            assert str(row["code"]) not in {str(r["iso3"]) for r in rows.values()
                                            if r["kind"] == "state"}, row["code"]  # fmt: skip
    if clashes:
        sys.exit("ambiguous keys:\n  " + "\n  ".join(clashes))


if __name__ == "__main__":
    main()
