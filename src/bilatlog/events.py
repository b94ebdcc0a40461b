"""Immutable records: `Event`, `Source`, `Correction`, `Retraction`, and the stored envelope.

Every record is an `attrs` frozen class with keyword-only, tuple-valued fields;
change one with `attrs.evolve`, which validates again. Invalid values raise a
`ValidationError` naming the field, the value and the rule.

The vocabulary is open: any dotted lower-case type, any track slug, any actor
code. Malformed names are errors; unknown well-formed names are welcome.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import inspect
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from bilatlog._ids import IdGenerator
from bilatlog._json import FrozenDict, JSONValue, check_unicode, freeze_json
from bilatlog.exceptions import RecordKindError, ValidationError
from bilatlog.time import When, when_of

__all__ = [
    "ACTOR_RE",
    "CORRECTABLE_FIELDS",
    "SLUG_RE",
    "URL_RE",
    "Correction",
    "Event",
    "FrozenDict",
    "JSONValue",
    "Record",
    "RecordedEvent",
    "Retraction",
    "Source",
    "_EventFields",
    "cited_sources",
    "new_id",
    "published_after",
    "reading_stored",
]

TYPE_RE: Final = re.compile(r"[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+")
SLUG_RE: Final = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
ACTOR_RE: Final = re.compile(r"[A-Z]{2,3}(?:\.[A-Z0-9][A-Z0-9_-]*)*")
ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
URL_RE: Final = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f]+")

#: True while a stored record is decoded: records written before a rule was added (such
#: as no control characters in a summary) still read as they were written. New input
#: always meets every rule.
reading_stored: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "bilatlog_reading_stored", default=False
)

#: Control characters (C0, DEL, C1) and line/paragraph separators: never in a one-line field.
LINE_CONTROL_RE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: In multi-line text (quotes, reasons), newlines and tabs are fine; other controls are not.
TEXT_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")

#: Make a new, time-sortable, unique event id (UUIDv7 text) from the system's time: the
#: id of a record built outside a timeline. A `Timeline` makes its own (`tl.new_id`).
new_id: Final = IdGenerator()


def _check_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise ValidationError(
            field,
            value,
            "an id is 1-128 characters: letters, digits, and . _ : - (not first).",
            "omit it to get a generated one, or use e.g. 'merida-ended-2021'.",
        )
    return value


def _check_text(field: str, value: object, *, limit: int = 100_000, one_line: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            field,
            value,
            f"expected text, got {type(value).__name__}.",
            f"pass a string, e.g. {field.rsplit('.', 1)[-1]}='...'.",
        )
    check_unicode(field, value)
    bad = (LINE_CONTROL_RE if one_line else TEXT_CONTROL_RE).search(value)
    if bad is not None and not reading_stored.get():
        where = "a one-line field" if one_line else "text"
        raise ValidationError(
            field,
            value[:80],
            f"holds the control character {bad.group()!r} (at {bad.start()}), which {where} "
            "cannot hold: it could fake lines or send terminal codes.",
            "remove it" + (", or put line breaks in a quote or the data." if one_line else "."),
        )
    if len(value) > limit:
        raise ValidationError(
            field, value[:40] + "...", f"longer than {limit:,} characters.", "shorten it."
        )
    return value


def _check_slug(field: str, value: object, example: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not SLUG_RE.fullmatch(value) or len(value) > 200:
        raise ValidationError(
            field,
            value,
            "expected a lower-case slug: letters, digits, single '-' or '_' between them.",
            f"write e.g. {example!r}.",
        )
    return value


def _tuple_of_str(field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            field, value, "expected a list of strings.", f"write e.g. {field}=['US', 'MX']."
        )
    return tuple(value)


# Named converters (not lambdas), so that type checkers see the field types.
def _source_outlet(v: object) -> str:
    return _check_text("source.outlet", v, limit=500, one_line=True)


def _source_title(v: object) -> str:
    return _check_text("source.title", v, limit=1000, one_line=True)


def _source_quote(v: object) -> str:
    return _check_text("source.quote", v, limit=10_000)


def _source_published(v: object) -> When | None:
    return None if v is None else when_of("source.published", v)


def _event_on(v: object) -> When:
    return when_of("on", v)


def _event_track(v: object) -> str | None:
    return _check_slug("track", v, "dea-operations")


def _event_status(v: object) -> str | None:
    return _check_slug("status", v, "suspended")


def _event_summary(v: object) -> str:
    return _check_text("summary", v, limit=10_000, one_line=True)


def _check_bool(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, value, "expected True or False.", f"pass {field}=True.")
    return value


def _event_planned(v: object) -> bool:
    return _check_bool("planned", v)


def _event_announced(v: object) -> When | None:
    return None if v is None else when_of("announced", v)


def _event_fulfils(v: object) -> str | None:
    return None if v is None else _check_id("fulfils", v)


def _record_id(v: object) -> str:
    return _check_id("id", v)


def _record_target(v: object) -> str:
    return _check_id("target", v)


def _record_reason(v: object) -> str:
    return _check_text("reason", v, limit=10_000)


@attrs.frozen(kw_only=True)
class Source:
    """Where a claim comes from.

    At least one of `outlet`, `title` or `url` is required. `url`, when given,
    is an http(s) address. `published` is a `When` (strings are parsed), or None.
    """

    outlet: str = attrs.field(default="", converter=_source_outlet)
    title: str = attrs.field(default="", converter=_source_title)
    url: str = attrs.field(default="")
    published: When | None = attrs.field(default=None, converter=_source_published)
    quote: str = attrs.field(default="", converter=_source_quote)

    @url.validator
    def _check_url(self, _a: attrs.Attribute[str], value: object) -> None:
        _check_text("source.url", value, limit=4000, one_line=True)
        if value and not URL_RE.fullmatch(str(value)):
            raise ValidationError(
                "source.url",
                value,
                "not an http(s) address.",
                "write the full address, e.g. 'https://www.example.org/article'.",
            )

    def __attrs_post_init__(self) -> None:
        """Require something to find the source by."""
        if not (self.outlet or self.title or self.url):
            raise ValidationError(
                "source",
                "",
                "a source needs at least an outlet, a title or a url.",
                "e.g. Source(outlet='Reuters', url='https://...').",
            )
        if self.quote and not (self.outlet or self.url):
            raise ValidationError(
                "source.quote",
                self.quote[:80],
                "a quote needs the outlet or the url it can be checked against.",
                "add outlet='...' or url='https://...'.",
            )


def _to_sources(value: object) -> tuple[Source, ...]:
    if isinstance(value, (Source, str, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(
            "sources", value, "expected a list of Source.", "write sources=[bl.Source(...)]."
        )
    out = []
    for i, s in enumerate(value):
        if isinstance(s, Source):
            out.append(s)
        elif isinstance(s, Mapping):
            try:
                out.append(Source(**s))
            except TypeError as e:
                raise ValidationError(
                    f"sources[{i}]",
                    s,
                    f"not a source ({e}).",
                    "use outlet, title, url, published, quote.",
                ) from None
        else:
            raise ValidationError(f"sources[{i}]", s, "not a Source.", "use bl.Source(...).")
    return tuple(out)


def _to_actors(value: object) -> tuple[str, ...]:
    actors = _tuple_of_str("actors", value)
    for i, a in enumerate(actors):
        if not isinstance(a, str) or not ACTOR_RE.fullmatch(a) or len(a) > 100:
            raise ValidationError(
                f"actors[{i}]",
                a,
                "an actor is an upper-case country code with optional dotted units.",
                "write e.g. 'US', 'MX', 'US.DEA' or 'MX.GN'.",
            )
    if len(set(actors)) != len(actors):
        raise ValidationError("actors", value, "an actor is listed twice.", "list each once.")
    return actors


def _to_data(value: object) -> FrozenDict:
    if value is None:
        return FrozenDict()
    if not isinstance(value, Mapping):
        raise ValidationError(
            "data", value, "expected a dict.", "write e.g. data={'metric': ..., 'value': 1}."
        )
    frozen = freeze_json(value, "data")
    assert isinstance(frozen, FrozenDict)  # noqa: S101 - a Mapping freezes to a FrozenDict
    return frozen


def _check_type(value: object) -> str:
    if not isinstance(value, str) or not TYPE_RE.fullmatch(value) or len(value) > 200:
        raise ValidationError(
            "type",
            value,
            "an event type is a dotted lower-case name.",
            "write e.g. 'operations.suspended' or 'embassies.reopened'.",
        )
    return value


@attrs.frozen(kw_only=True)
class Event:
    """A dated event between states, as a researcher records it.

    Attributes:
        type: a dotted lower-case name, e.g. `operations.suspended`.
        on: when it happened (a `When`; EDTF text or a `date` is parsed).
        track: the track of cooperation it affects (a slug), or None.
        status: the status it puts the track in (a slug), or None; needs a track.
        actors: actor codes, e.g. `("US.DEA", "MX")`.
        summary: one line in your own words.
        data: JSON-compatible figures, e.g. `{"metric": ..., "value": ..., "unit": ...}`.
        sources: where the claim comes from.
        planned: announced for a future date, not (yet) happened: never changes a status.
        announced: for a plan, when it was announced (a `When`), if known: it is
            expected from then on, not before.
        fulfils: the id of a planned event this one carries out, or None.
        id: a stable id; generated (time-sortable) when absent.

    These fields are the record schema: the codec, corrections, `RecordedEvent`
    and `KnownEvent` are made from them (see docs/architecture.md, "The record
    schema"). A field's `metadata` says what is not the rule: `correctable=False`.
    """

    type: str = attrs.field(converter=_check_type)
    on: When = attrs.field(converter=_event_on)
    track: str | None = attrs.field(default=None, converter=_event_track)
    status: str | None = attrs.field(default=None, converter=_event_status)
    actors: tuple[str, ...] = attrs.field(default=(), converter=_to_actors)
    summary: str = attrs.field(default="", converter=_event_summary)
    data: FrozenDict = attrs.field(factory=FrozenDict, converter=_to_data)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_to_sources)
    planned: bool = attrs.field(default=False, converter=_event_planned)
    announced: When | None = attrs.field(default=None, converter=_event_announced)
    fulfils: str | None = attrs.field(default=None, converter=_event_fulfils)
    id: str = attrs.field(factory=new_id, converter=_record_id, metadata={"correctable": False})

    def __attrs_post_init__(self) -> None:
        """Check rules that span fields."""
        if self.status is not None and self.track is None:
            raise ValidationError(
                "status",
                self.status,
                "a status needs the track it applies to.",
                "add track=..., e.g. track='dea-operations'.",
            )
        if self.announced is not None and not self.planned:
            raise ValidationError(
                "announced",
                self.announced.edtf,
                "only a planned event has an announcement date.",
                "add planned=True, or drop announced=.",
            )
        if self.planned and self.fulfils is not None:
            raise ValidationError(
                "fulfils",
                self.fulfils,
                "a planned event cannot fulfil another plan.",
                "record the fulfilment when it happens, with planned=False.",
            )


#: Fields of an `Event` that a `Correction` may change: every field but those marked not.
CORRECTABLE_FIELDS: Final = frozenset(
    f.name for f in attrs.fields(Event) if f.metadata.get("correctable", True)
)
#: Each correctable field's converter: a correction's new value is checked as the event's is
#: (a field without one is checked when the correction is applied, by `attrs.evolve`).
_CHANGE_CONVERTERS: Final[dict[str, Any]] = {
    f.name: f.converter or (lambda v: v)
    for f in attrs.fields(Event)
    if f.name in CORRECTABLE_FIELDS
}


def _to_changes(value: object) -> FrozenDict:
    """Validate a correction's changes field by field, into their stored types."""
    if not isinstance(value, Mapping) or not value:
        raise ValidationError(
            "changes",
            value,
            "a correction must change at least one field.",
            f"pass one of {sorted(CORRECTABLE_FIELDS)}, e.g. on='2020-10-15'.",
        )
    unknown = sorted(set(value) - CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(
            "changes",
            unknown,
            "these fields cannot be corrected.",
            f"correct only {sorted(CORRECTABLE_FIELDS)}.",
        )
    return FrozenDict({k: _CHANGE_CONVERTERS[k](value[k]) for k in sorted(value)})


def _require_reason(kind: str, reason: str, example: str) -> None:
    """A correction or retraction says why: refuse an empty or blank reason."""
    if not reason.strip():
        raise ValidationError(
            "reason", reason, f"a {kind} needs a reason.", f"say why, e.g. reason='{example}'."
        )


@attrs.frozen(kw_only=True)
class Correction:
    """A new record that changes fields of an earlier event, from its own recording on.

    Attributes:
        target: the id of the corrected event.
        changes: field name -> new value, already validated (e.g. `{"on": When(...)}`).
        reason: why, in words (required).
        sources: what supports the correction.
        id: this correction's own id.

    """

    target: str = attrs.field(converter=_record_target)
    changes: FrozenDict = attrs.field(converter=_to_changes)
    reason: str = attrs.field(converter=_record_reason)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_to_sources)
    id: str = attrs.field(factory=new_id, converter=_record_id)

    def __attrs_post_init__(self) -> None:
        """Require a reason."""
        _require_reason("correction", self.reason, "the source gives the exact day")

    def apply(self, event: Event) -> Event:
        """Return `event` with this correction's changes (validated again)."""
        return attrs.evolve(event, **dict(self.changes))


@attrs.frozen(kw_only=True)
class Retraction:
    """A new record that withdraws an earlier event, from its own recording on."""

    target: str = attrs.field(converter=_record_target)
    reason: str = attrs.field(converter=_record_reason)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_to_sources)
    id: str = attrs.field(factory=new_id, converter=_record_id)

    def __attrs_post_init__(self) -> None:
        """Require a reason."""
        _require_reason("retraction", self.reason, "duplicate of an earlier record")


Record: TypeAlias = Event | Correction | Retraction


def cited_sources(record: Record) -> tuple[Source, ...]:
    """Every source a record cites: its own, and for a correction the sources it sets."""
    own = record.sources
    if isinstance(record, Correction):
        changed: object = record.changes.get("sources")
        if isinstance(changed, tuple):
            own = (*own, *(s for s in changed if isinstance(s, Source)))
    return own


def published_after(source: Source, recorded_at: dt.datetime) -> bool:
    """Whether `source` was certainly published after the UTC day of `recorded_at`.

    The one rule for "the dataset could not have known it yet" (promise 7a of
    the store, and `tl.audit()` for stores written before it). A publication
    date counts from its earliest day; a date-time with a zone
    (`2021-10-16T01:00:00+05:00`, `...Z`) names an instant, so it counts from
    that instant's UTC day, the day `recorded_at` is read in.
    """
    published = source.published
    if published is None:
        return False
    day = published.lo
    if "T" in published.edtf:
        instant = dt.datetime.fromisoformat(published.edtf)
        if instant.tzinfo is not None:
            day = instant.astimezone(dt.UTC).date()
    return day > recorded_at.astimezone(dt.UTC).date()


def _attribute_docs(cls: type) -> dict[str, str]:
    """The `Attributes:` section of a class's docstring: field name -> its text."""
    docs: dict[str, str] = {}
    lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
    if "Attributes:" not in lines:  # docstrings stripped (python -OO)
        return docs
    start = lines.index("Attributes:") + 1
    name = ""
    for line in itertools.takewhile(str.strip, lines[start:]):
        head, sep, text = line.strip().partition(": ")
        if sep and line.startswith("    ") and not line.startswith("     "):
            name, docs[head] = head, text
        else:
            docs[name] += " " + line.strip()
    return docs


def _event_property(name: str, doc: str) -> property:
    def read(self: _EventFields) -> Any:  # noqa: ANN401 - the field's own type
        return getattr(self._event_for(name), name)

    read.__name__ = name
    read.__doc__ = f"The event's `{name}`: {doc}"
    return property(read)


class _EventFields:
    """Every field of an `Event` but its id, read through `self.event` (as in `ev.on.earliest`).

    The properties are made from `Event`'s fields (below the class); the stubs
    here are what type checkers see of them (tests/test_schema.py checks that
    they name every field).
    """

    __slots__ = ()

    def _event_for(self, field: str) -> Event:  # noqa: ARG002 - names the field in errors
        return self.event  # type: ignore[attr-defined, no-any-return]

    if TYPE_CHECKING:

        @property
        def type(self) -> str: ...
        @property
        def on(self) -> When: ...
        @property
        def track(self) -> str | None: ...
        @property
        def status(self) -> str | None: ...
        @property
        def actors(self) -> tuple[str, ...]: ...
        @property
        def summary(self) -> str: ...
        @property
        def data(self) -> FrozenDict: ...
        @property
        def sources(self) -> tuple[Source, ...]: ...
        @property
        def planned(self) -> bool: ...
        @property
        def announced(self) -> When | None: ...
        @property
        def fulfils(self) -> str | None: ...


_EVENT_DOCS: Final = _attribute_docs(Event)
for _f in attrs.fields(Event):
    if _f.name != "id":  # every record has one: its holders say whose it is
        setattr(_EventFields, _f.name, _event_property(_f.name, _EVENT_DOCS.get(_f.name, "")))
del _f


_KINDS: Final[dict[type, str]] = {
    Event: "event",
    Correction: "correction",
    Retraction: "retraction",
}
_HAS: Final[dict[type, str]] = {
    Event: ", ".join(f.name for f in attrs.fields(Event) if f.name != "id") + " (use .event)",
    Correction: "target, changes, reason and sources (see tl.get(c.target) for the event)",
    Retraction: "target, reason and sources (see tl.get(r.target) for the event)",
}


@attrs.frozen(kw_only=True)
class RecordedEvent(_EventFields):
    """A record as the store holds it: the domain record plus its envelope.

    Attributes:
        record: the `Event`, `Correction` or `Retraction`.
        position: its place in the log (1, 2, 3, ... with no gaps).
        recorded_at: when the store accepted it (aware UTC).
        hash: SHA-256 (hex) over its canonical bytes, chained to `prev_hash`.
        prev_hash: the hash of the record before ("" for position 1).
        schema_version: the stored format's version.
        batch: the last position of the batch it was appended in (inside the
            hash), or None for a record stored before bilatlog recorded it.

    """

    record: Record
    position: int
    recorded_at: dt.datetime
    hash: str
    prev_hash: str
    schema_version: int
    batch: int | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def id(self) -> str:
        """The record's id."""
        return self.record.id

    @property
    def kind(self) -> str:
        """The record's kind: `"event"`, `"correction"` or `"retraction"`."""
        return _KINDS[type(self.record)]

    @property
    def event(self) -> Event:
        """The domain event (`RecordKindError` for a correction or retraction)."""
        r = self.record
        if not isinstance(r, Event):
            raise RecordKindError("event", self.kind, self.position, _HAS[type(r)])
        return r

    @property
    def is_event(self) -> bool:
        """True when this holds an `Event` (not a correction or retraction)."""
        return isinstance(self.record, Event)

    def _event_for(self, field: str) -> Event:
        r = self.record
        if not isinstance(r, Event):
            raise RecordKindError(field, self.kind, self.position, _HAS[type(r)])
        return r

    def _revision(self, field: str) -> Correction | Retraction:
        r = self.record
        if isinstance(r, Event) or (field == "changes" and isinstance(r, Retraction)):
            raise RecordKindError(field, self.kind, self.position, _HAS[type(r)])
        return r

    # Every field of the record, as in `ev.on.earliest` or `c.reason`.
    @property
    def sources(self) -> tuple[Source, ...]:
        """The record's own sources (an event's, or a correction's or retraction's)."""
        return self.record.sources

    @property
    def target(self) -> str:
        """The id of the event a correction or retraction revises."""
        return self._revision("target").target

    @property
    def reason(self) -> str:
        """Why a correction or retraction was recorded."""
        return self._revision("reason").reason

    @property
    def changes(self) -> FrozenDict:
        """A correction's new field values."""
        revision = self._revision("changes")
        assert isinstance(revision, Correction)  # noqa: S101 - _revision checked it
        return revision.changes
