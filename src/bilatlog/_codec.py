"""The one codec: records <-> JSON-compatible dicts, stored envelopes, canonical bytes, hashes.

Every stored record is an envelope::

    {"v": 1, "position": 7, "recorded_at": "2021-10-15T00:00:00.000000Z",
     "kind": "event", "record": {...}, "batch_end": 9, "prev": "<hash of 6>",
     "hash": "<sha256>"}

`batch_end` is the last position of the batch the record was appended in, so
which records were acknowledged together is inside the hash (a file backend
reads it to tell a crash's torn tail from damage). Records stored before it
existed have none; they keep their hashes and still read.

`kind` is a stable type tag (`event`, `correction`, `retraction`), never a
Python import path. `v` is the schema version; an older version is upcast on
read by the functions in `Codec.upcasters`, one step at a time. A record from
a newer version than this code knows is refused, never guessed at.

The hash is SHA-256 over the canonical bytes (JSON, sorted keys, no
insignificant whitespace, UTF-8) of the envelope without its `hash` field, which
includes the previous record's hash: change one byte anywhere and the chain
breaks from there on.

There is no global converter: each backend owns a `Codec`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from bilatlog._json import MAX_DEPTH, FrozenDict, thaw
from bilatlog.events import (
    URL_RE,
    Correction,
    Event,
    Record,
    RecordedEvent,
    Retraction,
    Source,
    reading_stored,
)
from bilatlog.exceptions import IntegrityError, ValidationError
from bilatlog.time import When

__all__ = [
    "SCHEMA_VERSION",
    "Codec",
    "Sealed",
    "canonical_bytes",
    "canonical_text",
    "format_instant",
    "hash_envelope",
    "loads",
    "parse_instant",
    "record_hash",
    "reference_converter",
    "stored_line",
]

#: The version of the stored format this code writes.
SCHEMA_VERSION: Final = 1

_KIND_OF: Final[dict[type, str]] = {
    Event: "event",
    Correction: "correction",
    Retraction: "retraction",
}
_CLASS_OF: Final[dict[str, type]] = {v: k for k, v in _KIND_OF.items()}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


try:  # the `fast` extra: the same bytes, an order of magnitude sooner
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the install
    _orjson = None  # type: ignore[assignment]


def _orjson_agrees(value: object) -> bool:
    """Whether orjson writes `value` exactly as the canonical (stdlib) form does.

    They differ only on floats below 1e-4 in magnitude (`1e-05` vs `0.00001`);
    orjson refuses integers beyond 64 bits (and then the stdlib is used).
    """
    t = type(value)
    if t is float:
        return value == 0.0 or abs(value) >= 1e-4  # type: ignore[arg-type]
    if t is dict:
        return all(_orjson_agrees(v) for v in value.values())  # type: ignore[attr-defined]
    if t is list or t is tuple:
        return all(_orjson_agrees(v) for v in value)  # type: ignore[attr-defined]
    return True


def canonical_text(obj: object) -> str:
    """Serialise JSON-compatible data deterministically: sorted keys, compact.

    The canonical form is the standard library's `json` with sorted keys, no
    spaces and raw UTF-8; with orjson installed it is produced faster, byte for
    byte the same (checked by tests/test_codec.py).
    """
    if _orjson is not None and _orjson_agrees(obj):
        try:
            return _orjson.dumps(obj, option=_orjson.OPT_SORT_KEYS).decode("utf-8")
        except TypeError:  # an integer beyond 64 bits
            pass
    return _CANONICAL.encode(obj)


def _names_any(annotation: object, names: set[str]) -> bool:
    """Whether a field's annotation (text, or a type) names one of `names`."""
    return not names.isdisjoint(re.findall(r"[A-Za-z_]\w*", str(annotation)))


def _float_fields(classes: Sequence[type]) -> tuple[str, ...]:
    """The fields of these record classes where a float can be, sorted.

    Derived from their declarations: JSON data (`FrozenDict`, optional or not), a
    `float`, or one of these classes that has such a field (a `Source` with a float
    field would make `sources` one).
    """
    holding = {"FrozenDict", "float"}
    while True:
        more = {c.__name__ for c in classes if any(_names_any(f.type, holding)
                                                   for f in attrs.fields(c))}  # fmt: skip
        if more <= holding:
            break
        holding |= more
    return tuple(sorted({f.name for c in classes for f in attrs.fields(c)
                         if _names_any(f.type, holding)}))  # fmt: skip


#: Where a float can be in a record (`data`, `changes` today): the canonical bytes check these.
_JSON_FIELDS: Final = _float_fields([*_KIND_OF, Source])


def _canonical_envelope_bytes(env: Mapping[str, Any], record: Mapping[str, Any]) -> bytes:
    """The canonical UTF-8 bytes of an envelope, checking only where floats can be (data, changes).

    orjson writes a float below 1e-4 in magnitude either as `0.0000...` or with
    `e-`: when its bytes hold neither, no such float is there and they are the
    canonical bytes; otherwise the floats are looked at (a string holding
    `e-` only costs that look).
    """
    if _orjson is not None:
        try:
            out: bytes = _orjson.dumps(env, option=_orjson.OPT_SORT_KEYS)
        except TypeError:  # an integer beyond 64 bits
            pass
        else:
            if (b"e-" not in out and b"0.0000" not in out) or all(
                _orjson_agrees(record[k]) for k in _JSON_FIELDS if k in record
            ):
                return out
    return _CANONICAL.encode(env).encode("utf-8")


def canonical_bytes(obj: object) -> bytes:
    """Serialise JSON-compatible data deterministically: sorted keys, compact, UTF-8."""
    return canonical_text(obj).encode("utf-8")


def loads(text: str | bytes) -> Any:  # noqa: ANN401 - JSON
    """Parse stored JSON text (with orjson when installed).

    orjson would read an integer beyond 64 bits as a float; bilatlog never
    stores one (`Event.data` refuses them), and what it reads back is checked
    against its hash first, so the two parsers agree on everything it reads.
    """
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass  # let the standard library say what is wrong, in its words
    try:
        return json.loads(text)
    except RecursionError:
        # never a RecursionError: too deep to parse is bad JSON, like any other
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None


def format_instant(instant: dt.datetime) -> str:
    """Format an aware datetime as UTC ISO text with microseconds and a `Z`."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.lru_cache(maxsize=4096)  # a batch shares one instant: parse it once
def parse_instant(text: str) -> dt.datetime:
    """Parse what `format_instant` wrote."""
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


# -- the fast paths -------------------------------------------------------------------
#
# Events are written and read far more often than anything else, so their dicts are
# made by hand-written straight-line functions (cattrs' generated hooks are several
# times slower, a loop over the fields about four times: ~1 us more per record on the
# write path). The cattrs converter (`reference_converter`) is their reference:
# tests/test_codec_reference.py checks that they agree on every record, and
# tests/test_schema.py that they carry every field of `Event`.
#
# They are used only while they know every field: a field added to `Event` or `Source`
# that they do not name below makes the codec write and read through the reference
# instead (`FAST_PATHS` False), so the new field is stored and read back from its one
# declaration; catching the fast paths up is then a matter of speed, not correctness.

#: The fields the fast paths below handle, per record class.
_FAST_FIELDS: Final[dict[type, frozenset[str]]] = {
    Event: frozenset(
        [
            "type",
            "on",
            "track",
            "status",
            "actors",
            "summary",
            "data",
            "sources",
            "planned",
            "announced",
            "fulfils",
            "id",
        ]
    ),
    Source: frozenset(["outlet", "title", "url", "published", "quote"]),
}


def _covers(cls: type, known: frozenset[str]) -> bool:
    """Whether a fast path that handles the fields `known` handles every field of `cls`."""
    return {f.name for f in attrs.fields(cls)} <= known


#: Whether the fast paths know every field of the records they stand for.
FAST_PATHS: Final = all(_covers(cls, known) for cls, known in _FAST_FIELDS.items())


def _unstructure_source(s: Source) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.outlet:
        out["outlet"] = s.outlet
    if s.title:
        out["title"] = s.title
    if s.url:
        out["url"] = s.url
    if s.published is not None:
        out["published"] = s.published.edtf
    if s.quote:
        out["quote"] = s.quote
    return out


def _unstructure_event(e: Event) -> dict[str, Any]:
    # Hand-written for speed (it runs for every append); omits fields at their default,
    # exactly as the generated hooks for the other records do.
    out: dict[str, Any] = {"id": e.id, "type": e.type, "on": e.on.edtf}
    if e.track is not None:
        out["track"] = e.track
    if e.status is not None:
        out["status"] = e.status
    if e.actors:
        out["actors"] = list(e.actors)
    if e.summary:
        out["summary"] = e.summary
    if e.data._d:  # noqa: SLF001 - FrozenDict's own dict (len() would go through the ABC)
        out["data"] = thaw(e.data)
    if e.sources:
        out["sources"] = [_unstructure_source(s) for s in e.sources]
    if e.planned:
        out["planned"] = True
    if e.announced is not None:
        out["announced"] = e.announced.edtf
    if e.fulfils is not None:
        out["fulfils"] = e.fulfils
    return out


_EMPTY = FrozenDict()
_set = object.__setattr__


def _freeze_trusted(value: Any, depth: int = 0) -> Any:  # noqa: ANN401 - JSON
    t = type(value)
    if t is dict or t is list:
        if depth > MAX_DEPTH:
            # deeper than input may be: not what a writer validated (the validating path
            # then says so as an IntegrityError)
            raise ValueError(f"data nested deeper than {MAX_DEPTH} levels")
        if t is dict:
            return FrozenDict({k: _freeze_trusted(v, depth + 1) for k, v in value.items()})
        return tuple(_freeze_trusted(v, depth + 1) for v in value)
    return value


def _trusted_source(d: dict[str, Any]) -> Source:
    url = d.get("url", "")
    if url and not (type(url) is str and URL_RE.fullmatch(url) and url.isprintable()):
        # never let a crafted store put a javascript: (or any non-http) address in an href
        raise ValueError("source.url is not an http(s) address")
    s = object.__new__(Source)
    _set(s, "outlet", d.get("outlet", ""))
    _set(s, "title", d.get("title", ""))
    _set(s, "url", url)
    published = d.get("published")
    _set(s, "published", None if published is None else When.parse(published))
    _set(s, "quote", d.get("quote", ""))
    return s


def _trusted_event(d: dict[str, Any]) -> Event:
    """Rebuild an event from bytes whose hash was checked: no field validators run."""
    e = object.__new__(Event)
    _set(e, "type", d["type"])
    _set(e, "on", When.parse(d["on"]))
    _set(e, "track", d.get("track"))
    _set(e, "status", d.get("status"))
    actors = d.get("actors")
    _set(e, "actors", tuple(actors) if actors else ())
    _set(e, "summary", d.get("summary", ""))
    data = d.get("data")
    _set(e, "data", _freeze_trusted(data) if data else _EMPTY)
    sources = d.get("sources")
    _set(e, "sources", tuple(_trusted_source(s) for s in sources) if sources else ())
    _set(e, "planned", d.get("planned", False))
    announced = d.get("announced")
    _set(e, "announced", None if announced is None else When.parse(announced))
    _set(e, "fulfils", d.get("fulfils"))
    _set(e, "id", d["id"])
    return e


def reference_converter() -> cattrs.Converter:
    """The reference: cattrs' own unstructuring of every record, fields at their default left out.

    The codec's converter is this one with the hand-written fast paths for events
    and sources in place of cattrs' (tests/test_codec_reference.py checks that
    the two agree on every record).
    """
    return _converter(fast=False)


def _converter(*, fast: bool) -> cattrs.Converter:
    """Every record's converter: cattrs' hooks; with `fast`, the fast paths for events, sources.

    A hook the fast paths replace is not generated (cattrs generates code for each,
    and every backend builds a codec).
    """
    c = cattrs.Converter()
    c.register_unstructure_hook(When, lambda w: w.edtf)
    c.register_unstructure_hook(FrozenDict, thaw)
    hooks: dict[type, Callable[..., Any]] = (
        {Source: _unstructure_source, Event: _unstructure_event} if fast else {}
    )
    for cls in (Source, Event, Retraction):
        hook = hooks.get(cls)
        if hook is None:
            hook = make_dict_unstructure_fn(cls, c, _cattrs_omit_if_default=True)
        c.register_unstructure_hook(cls, hook)
    c.register_unstructure_hook(
        Correction,
        make_dict_unstructure_fn(
            Correction,
            c,
            _cattrs_omit_if_default=True,
            changes=override(
                unstruct_hook=lambda ch: {k: _unstructure_change(c, v) for k, v in ch.items()}
            ),
        ),
    )
    return c


def _unstructure_change(c: cattrs.Converter, value: object) -> Any:  # noqa: ANN401
    return c.unstructure(value)


def _make_converter() -> cattrs.Converter:
    """The codec's converter: the reference, with the fast paths for events and sources."""
    return _converter(fast=FAST_PATHS)


class Sealed(NamedTuple):
    """A record ready to store: the decoded view, the envelope, and its canonical text."""

    record: RecordedEvent
    envelope: dict[str, Any]
    body: str  # canonical JSON of the envelope without its hash; SHA-256 of it is the hash


class Codec:
    """Turns records and envelopes into JSON-compatible dicts and back.

    Args:
        upcasters: `{old_version: fn}`; `fn` takes an envelope dict of
            `old_version` and returns one of `old_version + 1`.

    """

    def __init__(self, upcasters: Mapping[int, Upcaster] | None = None) -> None:
        """Build the converter; one per backend, no global state."""
        self._c = _make_converter()
        self.upcasters: dict[int, Upcaster] = dict(upcasters or {})

    # -- records --------------------------------------------------------------

    def record_to_dict(self, record: Record) -> dict[str, Any]:
        """Unstructure an `Event`, `Correction` or `Retraction` (without its kind tag)."""
        out: dict[str, Any] = self._c.unstructure(record)
        return out

    def record_from_dict(
        self, kind: str, data: Mapping[str, Any], *, stored: bool = False
    ) -> Record:
        """Structure a record of the given kind; raises `ValidationError` on bad content.

        `stored=True` for records read from a store: rules added after a record
        was written (see `bilatlog.events.reading_stored`) do not refuse it.
        """
        cls = _CLASS_OF.get(kind)
        if cls is None:
            raise ValidationError(
                "kind", kind, "unknown record kind.", f"use one of {sorted(_CLASS_OF)}."
            )
        if not isinstance(data, Mapping):
            raise ValidationError(
                "record", data, "expected a JSON object.", "store records as written by bilatlog."
            )
        token = reading_stored.set(stored)
        try:
            record: Record = cls(**data)
        except TypeError as e:
            raise ValidationError(
                "record", dict(data), f"does not fit a {kind} ({e}).", "check the field names."
            ) from None
        finally:
            reading_stored.reset(token)
        return record

    @staticmethod
    def kind_of(record: Record) -> str:
        """Return the stable type tag of a record."""
        return _KIND_OF[type(record)]

    # -- envelopes ------------------------------------------------------------

    def seal(
        self, record: Record, *, position: int, recorded_at: dt.datetime, prev_hash: str
    ) -> Sealed:
        """Wrap a record in its envelope and compute its chained hash."""
        return self.seal_batch(
            [record], first=position, recorded_at=recorded_at, prev_hash=prev_hash
        )[0]

    def seal_batch(
        self,
        records: Sequence[Record],
        *,
        first: int,
        recorded_at: dt.datetime,
        prev_hash: str,
        batch_end: int | bool | None = True,
    ) -> list[Sealed]:
        """Seal consecutive records from position `first`, chaining each to the one before.

        `batch_end`: True (a new batch: its last position goes into every
        envelope), an int (re-sealing records of a batch that ends there), or
        None (re-sealing a record stored before envelopes carried it).
        """
        end = first + len(records) - 1 if batch_end is True else batch_end or None
        at_text = format_instant(recorded_at)
        at = parse_instant(at_text)  # exactly what a reader will see: microseconds, UTC
        out: list[Sealed] = []
        unstructure = self._c.unstructure
        fast = FAST_PATHS
        position = first
        for record in records:
            cls = type(record)
            data = _unstructure_event(record) if fast and cls is Event else unstructure(record)  # type: ignore[arg-type]
            env: dict[str, Any] = {
                "v": SCHEMA_VERSION,
                "position": position,
                "recorded_at": at_text,
                "kind": _KIND_OF[cls],
                "record": data,
                "prev": prev_hash,
            }
            if end is not None:
                env["batch_end"] = end
            raw = _canonical_envelope_bytes(env, data)
            this_hash = record_hash(raw)
            env["hash"] = this_hash
            # built directly: every field is what this codec just made (no validators to run)
            rec = object.__new__(RecordedEvent)
            _set(rec, "record", record)
            _set(rec, "position", position)
            _set(rec, "recorded_at", at)
            _set(rec, "hash", this_hash)
            _set(rec, "prev_hash", prev_hash)
            _set(rec, "schema_version", SCHEMA_VERSION)
            _set(rec, "batch", end)
            out.append(Sealed(rec, env, raw.decode("utf-8")))
            prev_hash = this_hash
            position += 1
        return out

    def open_envelope(self, env: Mapping[str, Any], *, trusted: bool = False) -> RecordedEvent:
        """Decode a stored envelope, upcasting older versions.

        With `trusted=True` (for records whose hash the caller has just checked
        against their bytes, so they are exactly what a writer validated), events
        are rebuilt without re-running every field validator. `verify()` never
        uses it.

        Raises:
            IntegrityError: the envelope is malformed, from a future version, or
                holds a record that does not validate.

        """
        if trusted and FAST_PATHS and env.get("v") == SCHEMA_VERSION and env.get("kind") == "event":
            try:
                rec = object.__new__(RecordedEvent)
                _set(rec, "record", _trusted_event(env["record"]))
                _set(rec, "position", env["position"])
                _set(rec, "recorded_at", parse_instant(env["recorded_at"]))
                _set(rec, "hash", env["hash"])
                _set(rec, "prev_hash", env["prev"])
                _set(rec, "schema_version", SCHEMA_VERSION)
                _set(rec, "batch", env.get("batch_end"))
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # fall back to the validating path, which says what is wrong
            else:
                return rec
        env = self.upcast(env)
        try:
            position = env["position"]
            record = self.record_from_dict(env["kind"], env["record"], stored=True)
            return RecordedEvent(
                record=record,
                position=position,
                recorded_at=parse_instant(env["recorded_at"]),
                hash=env["hash"],
                prev_hash=env["prev"],
                schema_version=env["v"],
                batch=env.get("batch_end"),
            )
        except (KeyError, TypeError, ValueError) as e:
            pos = env.get("position") if isinstance(env.get("position"), int) else None
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise IntegrityError(f"stored record does not decode: {detail}", position=pos) from e

    def upcast(self, env: Mapping[str, Any]) -> dict[str, Any]:
        """Bring an envelope of an older schema version up to `SCHEMA_VERSION`."""
        if not isinstance(env, Mapping):
            raise IntegrityError(f"a stored record is not a JSON object: {env!r:.80}")
        out = dict(env)
        v = out.get("v")
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise IntegrityError(f"stored record has no valid schema version: v={v!r}")
        if v > SCHEMA_VERSION:
            raise IntegrityError(
                f"stored record has schema version {v}, newer than this bilatlog knows "
                f"({SCHEMA_VERSION}); upgrade bilatlog to read it",
                position=out.get("position") if isinstance(out.get("position"), int) else None,
            )
        while v < SCHEMA_VERSION:
            step = self.upcasters.get(v)
            if step is None:
                raise IntegrityError(f"no upcaster from schema version {v}")
            out = step(out)
            v += 1
            out["v"] = v
        return out


#: Envelope keys the hash does not cover: the hash itself, and the JSONL line's legacy batch
#: marker (records written since carry the same number inside the hash, as `batch_end`).
UNHASHED_KEYS: Final = frozenset({"hash", "batch"})


def record_hash(body: bytes | str) -> str:
    """A record's hash: SHA-256 (hex) of its envelope's canonical bytes, without the hash.

    The one place the hash is computed: sealing, reading a stored row back and
    `verify()` all come here (`hash_envelope` for an envelope as a dict).
    """
    return hashlib.sha256(body.encode("utf-8") if type(body) is str else body).hexdigest()  # type: ignore[arg-type]


def hash_envelope(env: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over an envelope's canonical bytes without its `hash` field."""
    body = {k: v for k, v in env.items() if k not in UNHASHED_KEYS}
    try:
        return record_hash(canonical_bytes(body))
    except (RecursionError, ValueError, TypeError) as e:
        # what was read is not what a writer wrote (too deep, or not JSON data at all)
        raise IntegrityError(f"the stored record cannot be hashed ({e})") from None


def stored_line(sealed: Sealed, batch_end: int) -> str:
    """Return the JSONL line for a sealed record: its canonical body plus hash and batch marker."""
    return f'{sealed.body[:-1]},"batch":{batch_end},"hash":"{sealed.envelope["hash"]}"}}\n'
