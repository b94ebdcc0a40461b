"""What every importer shares: country codes, CAMEO -> PLOVER, the bad-row report, batching."""

from __future__ import annotations

import csv
import functools
import gc
import re
import unicodedata
from collections.abc import Callable, Generator, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from bilatlog.backends._writing import gc_paused
from bilatlog.events import Event
from bilatlog.exceptions import IntegrityError, ValidationError
from bilatlog.time import When

if TYPE_CHECKING:
    from bilatlog.timeline import Timeline

__all__ = [
    "CAMEO_ONLY",
    "PLOVER_RENAMED",
    "PLOVER_TYPES",
    "BadRow",
    "Country",
    "ImportReport",
    "PloverType",
    "cameo_to_plover",
    "coded_type",
    "country",
    "country_info",
    "country_key",
    "dyad_sides",
    "in_window",
    "normalise_dyad",
    "open_text",
    "parse_day",
    "run_import",
    "window",
]

#: The 16 PLOVER event types, by quad class.
PLOVER_QUADS: Final = {
    "AGREE": "verbal-cooperation",
    "CONSULT": "verbal-cooperation",
    "SUPPORT": "verbal-cooperation",
    "CONCEDE": "verbal-cooperation",
    "COOPERATE": "material-cooperation",
    "AID": "material-cooperation",
    "RETREAT": "material-cooperation",
    "REQUEST": "verbal-conflict",
    "ACCUSE": "verbal-conflict",
    "REJECT": "verbal-conflict",
    "THREATEN": "verbal-conflict",
    "PROTEST": "material-conflict",
    "MOBILIZE": "material-conflict",
    "SANCTION": "material-conflict",
    "COERCE": "material-conflict",
    "ASSAULT": "material-conflict",
}
PLOVER_TYPES: Final = frozenset(PLOVER_QUADS)

#: Older PLOVER names (the 2016 gold-standard records) and what they became.
PLOVER_RENAMED: Final = {
    "DEMAND": ("REQUEST", "demand"),
    "DISAPPROVE": ("ACCUSE", "disapprove"),
    "FIGHT": ("ASSAULT", "fight"),
    "INVESTIGATE": ("ACCUSE", "investigate"),
}


def _data(name: str) -> str:
    return (resources.files("bilatlog.io") / "data" / name).read_text(encoding="utf-8")


@attrs.frozen
class Country:
    """One row of the country table: the code bilatlog uses as an actor, and what it stands for.

    Attributes:
        code: the actor code: ISO 3166-1 alpha-2 for a current country (`MX`), the
            ISO 3166-3 alpha-3 for a withdrawn one (`YUG`, `SUN`, `DDR`), or the
            COW abbreviation for a state ISO never coded (`GFR`, `BAV`).
        kind: `state`, `historic` or `region` (a CAMEO region such as `EUR`).
        name: the name bilatlog shows.
        iso3: the ISO alpha-3 code, if any.
        cow: the Correlates of War abbreviation and number, if any.
        note: the coding decision behind the row, where there was one.
    """

    code: str
    kind: str
    name: str
    iso3: str
    cow: str
    cow_number: int | None
    note: str


@attrs.frozen
class _Table:
    rows: dict[str, Country]
    keys: dict[str, str]  # lookup key (code or normalised name) -> code
    cow: dict[str, str]  # COW abbreviation or number -> code
    ambiguous: dict[str, tuple[str, ...]]
    refused: dict[str, str]


def country_key(text: str) -> str:
    """A name as the table looks it up: case, accents, `&`, hyphens, `St.`, first `the` ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().replace("&", " and ").replace("\u2019", "'").replace("-", " ")
    plain = re.sub(r"^st\.?\s+", "saint ", plain.strip())
    plain = re.sub(r"^the\s+", "", plain)
    return re.sub(r"\s+", " ", plain).strip()


@functools.cache
def _table() -> _Table:
    rows: dict[str, Country] = {}
    keys: dict[str, str] = {}
    cow: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    refused: dict[str, str] = {}
    for r in csv.DictReader(_data("countries.csv").splitlines()):
        code, kind = r["code"], r["kind"]
        if kind == "ambiguous":
            ambiguous[code if code.isupper() else country_key(code)] = tuple(r["names"].split("|"))
            continue
        if kind == "refused":
            refused[r["cow_number"]] = r["note"]
            continue
        number = int(r["cow_number"]) if r["cow_number"] else None
        rows[code] = Country(code, kind, r["name"], r["iso3"], r["cow"], number, r["note"])
        for k in (code, r["iso3"], *r["codes"].split("|")):
            if k:
                keys[k] = code
        for name in r["names"].split("|"):
            if name:
                keys[country_key(name)] = code
        if r["cow"]:
            cow[r["cow"]] = cow[str(number)] = code
    return _Table(rows, keys, cow, ambiguous, refused)


def _unknown(scheme: str | None) -> tuple[str, str]:
    what = "a COW code" if scheme == "cow" else "a country bilatlog knows"
    fix = (
        "use a name (Mexico, 'Korea, South'), an ISO 3166 code (MX, MEX), a GDELT/CAMEO "
        "code, or pass scheme='cow' for COW codes; see docs/how-to/interop.md#countries."
    )
    return f"not {what}.", fix


def country(value: str | None, *, scheme: str | None = None) -> str | None:
    """The bilatlog actor code for a country as event data spells it; None if missing.

    Without a scheme: a name in English as ICEWS, COW, GDELT or ISO spell it
    (case, accents and `the` ignored; `Korea, South` read as `South Korea`), an
    ISO 3166-1 alpha-2 or alpha-3 code, an ISO 3166-3 code of a withdrawn
    country, or a CAMEO country code as GDELT uses it. `NA` is Namibia. With
    `scheme="cow"`: a Correlates of War abbreviation (`GMY`) or number (`255`),
    read as COW defines them (COW's `AUS` is Austria, not Australia).

    Historic states keep their own codes (Yugoslavia is `YUG`, the USSR `SUN`,
    East Germany `DDR`, West Germany `GFR`): never their successor's. A CAMEO
    region (`EUR`, `AFR`) names no state and gives None.

    Raises:
        ValidationError: a country given but not known, or ambiguous (never guessed).
    """
    if value is None:
        return None
    if scheme is not None and scheme != "cow":
        raise ValidationError("scheme", scheme, "not a country scheme.", "use None or 'cow'.")
    found, problem = _resolve(value, scheme)
    if problem is not None:
        raise ValidationError("country", value, problem[0], problem[1])
    return found


@functools.lru_cache(maxsize=8192)
def _resolve(value: str, scheme: str | None) -> tuple[str | None, tuple[str, str] | None]:
    """`(code, None)`, or `(None, (problem, fix))`; cached: event data repeats its countries."""
    text = value.strip()
    if text in ("", "---"):
        return None, None
    table = _table()
    if scheme == "cow":
        if text in table.refused:
            return None, (table.refused[text], "see the COW note.")
        found = table.cow.get(text)
        return (found, None) if found is not None else (None, _unknown(scheme))
    found = table.keys.get(text) if text.isupper() else None
    if found is None:
        candidates = table.ambiguous.get(text) or table.ambiguous.get(country_key(text))
        if candidates:
            return None, (
                f"is ambiguous: it may mean {' or '.join(candidates)}.",
                "give the name or the alpha-3 code.",
            )
        k = country_key(text)
        found = table.keys.get(k)
        if found is None and k.endswith(")") and " (" in k:  # "Iran (Islamic Republic of)"
            head, _, tail = k[:-1].partition(" (")
            found = table.keys.get(country_key(f"{head}, {tail}"))
            k = f"{head}, {tail}"
        if found is None and "," in k:  # "Korea, South" -> "south korea"
            head, _, tail = k.partition(",")
            found = table.keys.get(country_key(f"{tail} {head}"))
    if found is None:
        return None, _unknown(scheme)
    return (None if table.rows[found].kind == "region" else found), None


def country_info(code: str) -> Country | None:
    """The table's row for an actor code (`MX`, `YUG`, `GFR`), or None."""
    return _table().rows.get(code)


@attrs.frozen
class PloverType:
    """A PLOVER event type, with the mode and context a CAMEO code implies."""

    event: str
    mode: str | None
    context: str | None

    @property
    def quad(self) -> str:
        """The PLOVER quad class: verbal/material cooperation/conflict."""
        return PLOVER_QUADS[self.event]

    @property
    def type_name(self) -> str:
        """The bilatlog event type: `plover.<event>`."""
        return f"plover.{self.event.lower()}"


_CAMEO_LINE: Final = re.compile(r"^(\d{2,4}):\s*([A-Z]*)\s*(?:,([^,#]*))?(?:,([^#]*))?")


@functools.cache
def _cameo_table() -> dict[str, PloverType]:
    table: dict[str, PloverType] = {}
    for line in _data("CAMEO2PLOVER-2021.txt").splitlines():
        m = _CAMEO_LINE.match(line)
        if m is None or not m.group(2):
            continue
        mode = (m.group(3) or "").strip() or None
        context = (m.group(4) or "").strip() or None
        table[m.group(1)] = PloverType(m.group(2), mode, context)
    return table


def cameo_to_plover(code: str) -> PloverType:
    """Map a CAMEO code (a string: `010` is not `10`) to its PLOVER type.

    A code the table lacks takes its nearest listed parent (`0234` -> `023`).

    Raises:
        ValidationError: not a CAMEO code, or no listed parent.
    """
    table = _cameo_table()
    if not isinstance(code, str) or not re.fullmatch(r"\d{2,4}", code):
        raise ValidationError(
            "CAMEO code", code, "not a CAMEO code.", "CAMEO codes are 2-4 digits, e.g. '040'."
        )
    for n in range(len(code), 1, -1):
        found = table.get(code[:n])
        if found is not None:
            return found
    raise ValidationError(
        "CAMEO code", code, "has no PLOVER type in the CAMEO->PLOVER table.", "check the code."
    )


#: CAMEO roots the CAMEO->PLOVER table leaves out (PLOVER does not code them as events).
CAMEO_ONLY: Final = {"01": "cameo.statement", "02": "cameo.appeal"}


def coded_type(code: str) -> tuple[str, PloverType | None]:
    """The bilatlog type for a CAMEO code: `plover.<event>`, or `cameo.<root>` without PLOVER.

    CAMEO 01 (public statements) and 02 (appeals) have no PLOVER category in
    the 2021 table; their events are kept as `cameo.statement` and
    `cameo.appeal`, with no `data["plover"]`, rather than forced into one.
    """
    if isinstance(code, str) and len(code) >= 2 and code[:2] in CAMEO_ONLY and code.isdigit():
        return CAMEO_ONLY[code[:2]], None
    p = cameo_to_plover(code)
    return p.type_name, p


@attrs.frozen
class BadRow:
    """A row that was not imported, and why."""

    line: int
    reason: str
    text: str


@attrs.define
class ImportReport:
    """What an import did.

    Attributes:
        dataset, file: what was read.
        read: data rows read.
        imported: new events written.
        already_present: events skipped because their id was already stored (re-imports).
        filtered: rows outside the dyad or date filter.
        skipped: rows that are not events (e.g. PLOVER DOCUMENT records).
        repaired: tolerated malformations (a repeated header, stray tabs), with line numbers.
        bad: rows refused, with line and reason (the default mode keeps going).
    """

    dataset: str
    file: str
    read: int = 0
    imported: int = 0
    already_present: int = 0
    filtered: int = 0
    skipped: int = 0
    repaired: list[BadRow] = attrs.Factory(list)
    bad: list[BadRow] = attrs.Factory(list)

    def summary(self) -> str:
        """One line for people."""
        text = (
            f"{self.dataset} {Path(self.file).name}: {self.read} rows read, {self.imported} "
            f"imported, {self.already_present} already present, {self.filtered} filtered out, "
            f"{self.skipped} skipped, {len(self.repaired)} repaired, {len(self.bad)} bad"
        )
        if self.bad:
            first = self.bad[0]
            text += f" (first: line {first.line}: {first.reason})"
        return text


def run_import(
    tl: Timeline,
    rows: Iterable[tuple[int, Any]],
    convert: Callable[[int, Any], Event | None],
    report: ImportReport,
    *,
    strict: bool,
    batch: int = 1000,
    progress: bool | None = None,
) -> ImportReport:
    """Convert rows to events and append them in atomic batches.

    `convert(line, row)` returns an event, None for a row filtered out, or
    raises `ValidationError` for a bad row; an event the store refuses (a rule
    of the store, e.g. a source published after the record's `recorded_at`) is
    a bad row too. In strict mode the first bad row stops the import with a
    ValidationError naming its line (for a refusal by the store, the lines of
    its batch), and nothing of the batch it was in is written. `progress`: a
    progress bar (None: only when someone watches a terminal or a notebook;
    False: never).
    """
    pending: dict[str, tuple[int, Event]] = {}

    def refuse(line: int, e: Event, reason: str) -> None:
        if strict:
            raise ValidationError(f"line {line}", e.id, reason, "give each record its own id.")
        report.bad.append(BadRow(line, reason, e.summary[:200]))

    def flush() -> None:
        if not pending:
            return
        before, refused = tl.position, 0
        try:
            _append_repeats_refused(tl, pending, refuse)
        except ValidationError as store_rule:
            if store_rule.field in _NOT_A_ROW:
                raise  # the store's own fault (its clock), which no row can fix
            # a store rule refused the batch whole (nothing written), e.g. a source published
            # after the record's recorded_at, on the first try or on the rest after a repeated
            # id: strict stops here, naming the batch's lines; otherwise it goes in parts
            # around the events refused, which are bad rows
            refused = _append_each(
                tl, list(pending.values()), report, refuse, store_rule, strict=strict
            )
        written = tl.position - before
        report.imported += written
        report.already_present += len(pending) - written - refused
        pending.clear()

    from bilatlog._progress import progress as bar  # noqa: PLC0415 - display helper

    with gc_paused():  # converting rows makes many small objects and no cycles
        for line, row in bar(rows, desc=f"{report.dataset} rows", enabled=progress):
            report.read += 1
            try:
                event = convert(line, row)
            except ValidationError as e:
                if strict:
                    raise ValidationError(
                        f"line {line}", e.value, e.problem, e.fix or "fix or remove the row."
                    ) from None
                report.bad.append(BadRow(line, f"{e.field}: {e.problem}", _excerpt(row)))
                continue
            if event is None:
                continue
            first = pending.get(event.id)
            if first is not None:
                if first[1] != event:
                    refuse(
                        line, event, f"id {event.id!r} repeats line {first[0]} with other content"
                    )
                else:
                    report.already_present += 1
                continue
            pending[event.id] = (line, event)
            if len(pending) >= batch:
                flush()
                gc.collect(1)  # the young generations, once a batch (a batch makes no cycles)
    flush()
    return report


def _append_repeats_refused(
    tl: Timeline, pending: dict[str, tuple[int, Event]], refuse: Callable[[int, Event, str], None]
) -> None:
    """Append the batch; an id stored before with other content is refused, the rest appended.

    Such an id fails the whole batch (nothing written): it is found, taken out
    of `pending` and refused, then the rest is appended (the first try costs
    nothing when none repeats). A store rule's ValidationError goes to the caller.
    """
    try:
        tl.append([e for _, e in pending.values()])
    except IntegrityError:
        for event_id, (line, e) in list(pending.items()):
            stored = tl.get(event_id)
            if stored is not None and stored.record != e:
                refuse(line, e, f"id {event_id!r} repeats an imported record with other content")
                del pending[event_id]
        tl.append([e for _, e in pending.values()])


#: What a store refuses for a reason of its own, not a record's: no row is bad for it.
_NOT_A_ROW: Final = frozenset({"clock", "expected_position"})


def _append_each(
    tl: Timeline,
    pending: list[tuple[int, Event]],
    report: ImportReport,
    refuse: Callable[[int, Event, str], None],
    error: ValidationError,
    *,
    strict: bool,
) -> int:
    """After the store refused a batch with `error`: stop (strict), or append around its refusals.

    In strict mode the error is raised again, naming the batch's lines and
    the field the store refused.
    Otherwise the batch is appended in halves, and a half the store refuses
    in halves again, down to the events it refuses alone: those are bad rows
    (a few appends per refused event, not one per event). The events keep
    their order. Returns how many were refused.
    """
    if strict:
        where = f"lines {pending[0][0]}-{pending[-1][0]}, {error.field}"  # the batch, its field
        raise ValidationError(where, error.value, error.problem, error.fix) from None
    return _in_halves(tl, pending, report, refuse)


def _in_halves(
    tl: Timeline,
    part: list[tuple[int, Event]],
    report: ImportReport,
    refuse: Callable[[int, Event, str], None],
) -> int:
    """Append the two halves of a refused `part` in turn (`_append_parts`); how many refused."""
    half = len(part) // 2
    return _append_parts(tl, part[:half], report, refuse) + _append_parts(
        tl, part[half:], report, refuse
    )


def _append_parts(
    tl: Timeline,
    part: list[tuple[int, Event]],
    report: ImportReport,
    refuse: Callable[[int, Event, str], None],
) -> int:
    """Append `part` whole, or its halves in turn; an event refused alone is a bad row."""
    if not part:
        return 0
    try:
        tl.append([e for _, e in part])
    except ValidationError as why:
        if why.field in _NOT_A_ROW:
            raise
        if len(part) == 1:
            line, event = part[0]
            report.bad.append(BadRow(line, f"{why.field}: {why.problem}", event.summary[:200]))
            return 1
    except IntegrityError:
        if len(part) == 1:
            line, event = part[0]
            refuse(line, event, f"id {event.id!r} repeats an imported record with other content")
            return 1
    else:
        return 0
    return _in_halves(tl, part, report, refuse)


def _excerpt(row: object) -> str:
    """A bad row as the report shows it: a list of fields tab-joined (a JSON list: its items)."""
    text = "\t".join(str(f) for f in row) if isinstance(row, list) else str(row)
    return text[:200]


def open_text(path: str | Path) -> Generator[str, None, None]:
    """Stream a text file's lines (UTF-8, undecodable bytes shown as U+FFFD).

    A leading byte order mark (spreadsheets write one) is dropped: it would
    otherwise stick to the first column's name.
    """
    with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as f:
        yield from f


def parse_day(field: str, value: str) -> When:
    """A day as an importer meets it: `YYYY-MM-DD` or `YYYYMMDD`."""
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return When.parse(text)
    except ValidationError as e:
        raise ValidationError(
            field, value, e.problem, "dates are YYYY-MM-DD or YYYYMMDD."
        ) from None


def in_dyad(between: tuple[str, str] | None, a: str | None, b: str | None) -> bool:
    """Whether {a, b} is the dyad, in either direction (always, with no dyad)."""
    if between is None:
        return True
    return {a, b} == set(between) if between[0] != between[1] else a == b == between[0]


def normalise_dyad(between: Sequence[str] | str | None) -> tuple[str, str] | None:
    """`("US", "MX")`, `"US,MX"` or country names -> a pair of alpha-2 codes."""
    if between is None:
        return None
    parts = between.split(",") if isinstance(between, str) else list(between)
    if len(parts) != 2:
        raise ValidationError(
            "between", between, "a dyad is two countries.", "pass e.g. between='US,MX'."
        )
    codes = [country(p.strip()) for p in parts]
    if codes[0] is None or codes[1] is None:
        raise ValidationError(
            "between", between, "a dyad names two countries.", "pass e.g. between='US,MX'."
        )
    return codes[0], codes[1]


def dyad_sides(
    dyad: tuple[str, str] | None, *sides: tuple[str, str | None]
) -> tuple[str | None, ...] | None:
    """The countries of a row's sides (`(column, value)` each), or None if outside the dyad.

    The dyad filters before the country check: a row none of whose known
    countries is in the dyad is outside it, whatever its other values. A row
    that may be in the dyad (a known side is a member) but names a country
    bilatlog does not know is refused, naming the column and the value.

    Raises:
        ValidationError: an unknown country on a row that may be in the dyad.
    """
    codes: list[str | None] = []
    unknown: list[tuple[str, str | None, ValidationError]] = []
    known: list[str | None] = []
    for column, value in sides:
        try:
            code = country(value)
        except ValidationError as error:
            unknown.append((column, value, error))
            codes.append(None)
            continue
        codes.append(code)
        known.append(code)
    if dyad is not None and not any(c in dyad for c in known if c is not None):
        return None
    if unknown:
        column, value, first = unknown[0]
        raise ValidationError(column, value, f"{value!r} is {first.problem}", first.fix)
    return tuple(codes) if in_dyad(dyad, *codes[:2]) else None


def window(dates: tuple[str, str] | None) -> tuple[When, When] | None:
    """A date filter `(start, end)` as Whens (EDTF; both ends inclusive)."""
    if dates is None:
        return None
    return When.parse(dates[0]), When.parse(dates[1])


def in_window(w: tuple[When, When] | None, on: When) -> bool:
    """Whether an event's date may fall within the window."""
    return w is None or (on.lo <= w[1].hi and on.hi >= w[0].lo)
