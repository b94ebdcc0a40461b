"""The arguments of questions: checked, and names checked against the store.

The filters of `tl.events(...)` and `tl.log(...)`, a track, a span (`between`,
`diff`, `replay`) and a step (`replay(every=...)`). An argument that is
malformed (`track="DEA Ops"`, `actor="us"`, `kinds="event"`, a span that ends
before it starts) is a `ValidationError`. A well-formed name that the store has
never held, at any time, is an `UnknownNameError` (also a `KeyError`) with
the closest names it does hold; a name held only after `known_at` is simply
an empty answer. (`known_at` itself: `bilatlog._knowledge`.)
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from bilatlog.backends import Query
from bilatlog.backends._contract import actor_matches, compile_type_pattern
from bilatlog.events import ACTOR_RE, SLUG_RE, Correction, Event
from bilatlog.exceptions import UnknownNameError, ValidationError
from bilatlog.projections.known import EventFilter
from bilatlog.time import When, when_of

if TYPE_CHECKING:
    from bilatlog.backends import Backend

__all__ = [
    "EVENT_KINDS",
    "LOG_KINDS",
    "Filters",
    "check_filters",
    "check_held",
    "check_kinds",
    "check_name",
    "check_span",
    "check_step",
    "replay_days",
]

#: The record kinds of the log.
LOG_KINDS: Final = ("event", "correction", "retraction")
#: The kinds of the events as known.
EVENT_KINDS: Final = ("event", "planned")


def check_kinds(kinds: object, allowed: tuple[str, ...], *, where: str) -> frozenset[str]:
    """Validate a `kinds=` argument: an iterable (not a string) of allowed kind names."""
    if isinstance(kinds, str) or not isinstance(kinds, Iterable):
        raise ValidationError(
            "kinds",
            kinds,
            "expected a list of kinds, not one string.",
            f"pass e.g. kinds=({kinds!r},)." if isinstance(kinds, str) else
            f"pass e.g. kinds={allowed[:1]!r}.",
        )  # fmt: skip
    out = frozenset(kinds)
    bad = sorted(str(k) for k in out if k not in allowed)
    if bad or not out:
        hint = ""
        if where == "events" and set(bad) & {"correction", "retraction"}:
            hint = " Corrections and retractions are in tl.log(kinds=...)."
        raise ValidationError(
            "kinds",
            bad or list(out),
            f"{where}() knows the kinds {', '.join(allowed)}.",
            f"pass some of {list(allowed)}.{hint}",
        )
    return out


def check_name(field: str, value: object, *, required: bool = False) -> str | None:
    """Validate a track, type (glob) or actor filter; return it unchanged.

    None is no filter, unless `required` (the track of `history` or `explain`).
    """
    if value is None and not required:
        return None
    if field == "track":
        ok = isinstance(value, str) and SLUG_RE.fullmatch(value) is not None
        example = "track='dea-operations'"
    elif field == "actor":
        ok = isinstance(value, str) and ACTOR_RE.fullmatch(value) is not None
        example = "actor='US' or actor='US.DEA' (upper case)"
    elif not isinstance(value, str):
        ok, example = False, "type='operations.*'"
    else:
        compile_type_pattern(value)  # raises a ValidationError of its own
        return value
    if not ok:
        what = {"track": "a track slug", "actor": "an actor code", "type": "a type pattern"}[field]
        raise ValidationError(field, value, f"expected {what}.", f"pass e.g. {example}.")
    return value if isinstance(value, str) else None


def check_span(field: str, value: object, start: When, end: When) -> None:
    """Refuse a span that ends before it starts: its answer would be empty, not honest."""
    if end.hi < start.lo:
        raise ValidationError(
            field,
            value,
            f"the span ends ({end.edtf}) before it starts ({start.edtf}).",
            "give the earlier date first.",
        )


#: The steps `replay(every=...)` knows by name.
_STEPS: Final = {
    "year": relativedelta(years=1),
    "month": relativedelta(months=1),
    "week": relativedelta(weeks=1),
    "day": relativedelta(days=1),
}


def check_step(every: object) -> relativedelta:
    """A step of `replay`: a name in `_STEPS`, or a relativedelta forward by whole days or more."""
    if isinstance(every, relativedelta):
        parts = (every.years, every.months, every.days)
        if min(parts) < 0 or not any(parts) or every.hours or every.minutes or every.seconds:
            raise ValidationError(
                "every",
                every,
                "the step must move forward by whole days or more.",
                "use relativedelta(months=3) or 'month'.",
            )
        return every
    step = _STEPS.get(every) if isinstance(every, str) else None
    if step is None:
        raise ValidationError(
            "every",
            every,
            "not a step bilatlog knows.",
            f"use one of {sorted(_STEPS)} or a dateutil relativedelta.",
        )
    return step


def replay_days(first: dt.date, last: dt.date, every: object) -> list[dt.date]:
    """The days `replay` visits: from `first` by the step `every` (month ends clamped)."""
    step = check_step(every)
    days: list[dt.date] = []
    while (day := first + step * len(days)) <= last:
        days.append(day)
    return days


@attrs.frozen(kw_only=True)
class Filters:
    """The checked filters of one `events()` or `log()` question."""

    kinds: frozenset[str]
    track: str | None
    type: str | None
    actor: str | None
    window: tuple[When, When] | None

    def names(self) -> dict[str, str | None]:
        """The filters that name something the store may never have held."""
        return {"track": self.track, "type": self.type, "actor": self.actor}

    def keep(self) -> EventFilter:
        """What `events()` keeps, on the corrected fields."""
        w = self.window
        return EventFilter(
            track=self.track,
            type=compile_type_pattern(self.type),
            actor=self.actor,
            window=None if w is None else (w[0].lo, w[1].hi),
            planned=None if len(self.kinds) == len(EVENT_KINDS) else "planned" in self.kinds,
        )

    def query(self, *, stop: int) -> Query:
        """The backend's query for these filters, of the records up to position `stop`."""
        return Query(track=self.track, type=self.type, actor=self.actor, between=self.window,
                     stop=stop, kinds=self.kinds)  # fmt: skip


def check_filters(
    *,
    kinds: object,
    allowed: tuple[str, ...],
    where: str,
    track: object,
    type: object,  # noqa: A002 - mirrors the filter
    actor: object,
    between: object,
) -> Filters:
    """Check the filters of `events()` or `log()` (`where`), the same rules for both."""
    wanted = check_kinds(kinds, allowed, where=where)
    names = check_name("track", track), check_name("type", type), check_name("actor", actor)
    return Filters(kinds=wanted, track=names[0], type=names[1], actor=names[2],
                   window=_window(between))  # fmt: skip


def _window(between: Any) -> tuple[When, When] | None:  # noqa: ANN401 - checked here
    """`between=(start, end)`: both dates, in order."""
    if between is None:
        return None
    try:
        start, end = between
    except (TypeError, ValueError):
        raise ValidationError(
            "between", between, "expected (start, end).", "pass ('2019', '2022')."
        ) from None
    window = when_of("between", start), when_of("between", end)
    check_span("between", between, *window)
    return window


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


def _held_somewhere(backend: Backend, tracks: Collection[str], field: str, name: str) -> bool:
    """Whether the log holds `name` in any record, original or corrected (cheap paths first)."""
    if field == "track" and name in tracks:
        return True
    query = Query(**{field: name}, kinds=frozenset({"event"}))  # type: ignore[arg-type]
    if next(iter(backend.query(query)), None) is not None:
        return True
    regex = re.compile(_translate(name)) if field == "type" else None
    for rec in backend.query(Query(kinds=frozenset({"correction"}))):
        c = rec.record
        assert isinstance(c, Correction)  # noqa: S101 - the query asked for corrections
        value = c.changes.get(field if field != "actor" else "actors")
        if field == "track" and value == name:
            return True
        if regex is not None and isinstance(value, str) and regex.fullmatch(value):
            return True
        if (
            field == "actor"
            and isinstance(value, tuple)
            and any(isinstance(a, str) and actor_matches(a, name) for a in value)
        ):
            return True
    return False


def _translate(pattern: str) -> str:
    regex = compile_type_pattern(pattern)
    assert regex is not None  # noqa: S101 - a pattern was given
    return regex.pattern


#: how many stored events to read, at most, looking for a name to suggest
SUGGEST_SCAN: Final = 100_000


def _held_names(backend: Backend, field: str) -> list[str]:
    """Names of this kind in the log (the error path only: to suggest one; best effort)."""
    names: set[str] = set()
    for rec in itertools.islice(backend.query(Query(kinds=frozenset({"event"}))), SUGGEST_SCAN):
        e = rec.record
        assert isinstance(e, Event)  # noqa: S101 - the query asked for events
        if field == "track" and e.track:
            names.add(e.track)
        elif field == "type":
            names.add(e.type)
            names.add(e.type.split(".", 1)[0] + ".*")
        elif field == "actor":
            for a in e.actors:
                parts = a.split(".")
                names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(names)


def check_held(backend: Backend, tracks: Collection[str], field: str, name: str | None) -> None:
    """Raise `UnknownNameError` when the store has never held `name` (a track, type or actor)."""
    if name is None or _held_somewhere(backend, tracks, field, name):
        return
    import difflib  # noqa: PLC0415 - only on this error path

    close: tuple[str, ...] = ()
    if field == "track":  # the tracks with a status are in memory already
        close = tuple(difflib.get_close_matches(name, sorted(tracks), n=1, cutoff=0.6))
    if not close:
        candidates = _held_names(backend, field)
        family = field == "type" and "." not in name  # `visas`: every type has a dot
        candidates = [c for c in candidates if family or _is_glob(c) == _is_glob(name)]
        close = tuple(difflib.get_close_matches(name, candidates, n=1, cutoff=0.6))
    what = "type matching" if field == "type" and _is_glob(name) else field
    raise UnknownNameError(what, name, close)
