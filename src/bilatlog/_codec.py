"""The one codec: records <-> JSON-compatible dicts, stored envelopes, canonical bytes, hashes.

Every stored record is an envelope::

    {"v": 1, "position": 7, "recorded_at": "2021-10-15T00:00:00.000000Z",
     "kind": "event", "record": {...}, "prev": "<hash of 6>", "hash": "<sha256>"}

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
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from bilatlog.events import (
    Correction,
    Event,
    FrozenDict,
    Record,
    RecordedEvent,
    Retraction,
    Source,
    thaw,
)
from bilatlog.exceptions import IntegrityError, ValidationError
from bilatlog.time import When

__all__ = ["SCHEMA_VERSION", "Codec", "canonical_bytes", "format_instant", "parse_instant"]

#: The version of the stored format this code writes.
SCHEMA_VERSION: Final = 1

_KIND_OF: Final[dict[type, str]] = {
    Event: "event",
    Correction: "correction",
    Retraction: "retraction",
}
_CLASS_OF: Final[dict[str, type]] = {v: k for k, v in _KIND_OF.items()}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def canonical_bytes(obj: object) -> bytes:
    """Serialise JSON-compatible data deterministically: sorted keys, compact, UTF-8."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def format_instant(instant: dt.datetime) -> str:
    """Format an aware datetime as UTC ISO text with microseconds and a `Z`."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> dt.datetime:
    """Parse what `format_instant` wrote."""
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _make_converter() -> cattrs.Converter:
    c = cattrs.Converter()
    c.register_unstructure_hook(When, lambda w: w.edtf)
    c.register_structure_hook(When, lambda v, _t: When.parse(v))
    c.register_unstructure_hook(FrozenDict, thaw)
    c.register_structure_hook(FrozenDict, lambda v, _t: v)  # the class converter freezes it
    for cls in (Source, Event, Retraction):  # Source first: Event embeds it
        c.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, c, _cattrs_omit_if_default=True)
        )
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

    def record_from_dict(self, kind: str, data: Mapping[str, Any]) -> Record:
        """Structure a record of the given kind; raises `ValidationError` on bad content."""
        cls = _CLASS_OF.get(kind)
        if cls is None:
            raise ValidationError(
                "kind", kind, "unknown record kind.", f"use one of {sorted(_CLASS_OF)}."
            )
        if not isinstance(data, Mapping):
            raise ValidationError("record", data, "expected a JSON object.")
        try:
            record: Record = cls(**data)
        except TypeError as e:
            raise ValidationError(
                "record", dict(data), f"does not fit a {kind} ({e}).", "check the field names."
            ) from None
        return record

    @staticmethod
    def kind_of(record: Record) -> str:
        """Return the stable type tag of a record."""
        return _KIND_OF[type(record)]

    # -- envelopes ------------------------------------------------------------

    def seal(
        self, record: Record, *, position: int, recorded_at: dt.datetime, prev_hash: str
    ) -> tuple[RecordedEvent, dict[str, Any]]:
        """Wrap a record in its envelope and compute its chained hash.

        Returns the `RecordedEvent` and the envelope dict to store.
        """
        env: dict[str, Any] = {
            "v": SCHEMA_VERSION,
            "position": position,
            "recorded_at": format_instant(recorded_at),
            "kind": self.kind_of(record),
            "record": self.record_to_dict(record),
            "prev": prev_hash,
        }
        env["hash"] = hash_envelope(env)
        rec = RecordedEvent(
            record=record,
            position=position,
            recorded_at=parse_instant(env["recorded_at"]),
            hash=env["hash"],
            prev_hash=prev_hash,
            schema_version=SCHEMA_VERSION,
        )
        return rec, env

    def open_envelope(self, env: Mapping[str, Any]) -> RecordedEvent:
        """Decode a stored envelope, upcasting older versions.

        Raises:
            IntegrityError: the envelope is malformed, from a future version, or
                holds a record that does not validate.

        """
        env = self.upcast(env)
        try:
            position = env["position"]
            record = self.record_from_dict(env["kind"], env["record"])
            return RecordedEvent(
                record=record,
                position=position,
                recorded_at=parse_instant(env["recorded_at"]),
                hash=env["hash"],
                prev_hash=env["prev"],
                schema_version=env["v"],
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


def hash_envelope(env: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over an envelope's canonical bytes without its `hash` field."""
    body = {k: v for k, v in env.items() if k != "hash"}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()
