"""Frozen JSON: the immutable, validated form of the JSON data records carry.

`freeze_json` checks JSON-compatible input (finite numbers, 64-bit integers,
string keys, Unicode text, nesting up to `MAX_DEPTH`) and returns it frozen:
dicts become `FrozenDict`, lists tuples. `thaw` turns it back into plain JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, TypeAlias

from bilatlog.exceptions import ValidationError

__all__ = [
    "MAX_DEPTH",
    "FrozenDict",
    "JSONValue",
    "check_unicode",
    "freeze_json",
    "thaw",
]

JSONValue: TypeAlias = "bool | int | float | str | tuple[JSONValue, ...] | FrozenDict | None"

SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")
MAX_DEPTH: Final = 32
MAX_STRING: Final = 1_000_000


class FrozenDict(Mapping[str, "JSONValue"]):
    """An immutable, hashable mapping with string keys: the frozen form of a JSON object."""

    __slots__ = ("_d", "_h")

    def __init__(
        self, items: Mapping[str, JSONValue] | Iterable[tuple[str, JSONValue]] = ()
    ) -> None:
        """Copy `items` into a new immutable mapping."""
        self._d: dict[str, JSONValue] = dict(items)
        self._h: int | None = None

    def __getitem__(self, key: str) -> JSONValue:
        """Return the value for `key`."""
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        """Iterate over keys in insertion order."""
        return iter(self._d)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._d)

    def __contains__(self, key: object) -> bool:
        """Tell whether `key` is a key (fast: no ABC machinery)."""
        return key in self._d

    def get(self, key: str, default: JSONValue = None) -> JSONValue:  # type: ignore[override]
        """Return the value for `key`, or `default` (fast: no ABC machinery)."""
        return self._d.get(key, default)

    def __hash__(self) -> int:
        """Hash by content, independent of key order."""
        if self._h is None:
            self._h = hash(frozenset(self._d.items()))
        return self._h

    def __eq__(self, other: object) -> bool:
        """Compare by content with any mapping."""
        if isinstance(other, FrozenDict):
            return self._d == other._d
        if isinstance(other, Mapping):
            return self._d == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        """Look like the dict it freezes."""
        return f"FrozenDict({self._d!r})"

    def thaw(self) -> dict[str, Any]:
        """Return a plain, mutable, JSON-ready copy (dicts and lists)."""
        out: dict[str, Any] = thaw(self)
        return out


def thaw(value: JSONValue) -> Any:  # noqa: ANN401 - JSON is dynamically typed
    """Turn frozen JSON (FrozenDict, tuples) back into plain dicts and lists."""
    t = type(value)
    if t is FrozenDict:
        # scalars are taken as they are, without a call each (this runs for every append)
        return {k: thaw(v) if type(v) in _FROZEN else v for k, v in value._d.items()}  # type: ignore[union-attr]  # noqa: SLF001
    if t is tuple:
        return [thaw(v) if type(v) in _FROZEN else v for v in value]  # type: ignore[union-attr]
    return value


class _NotPlain(Exception):  # noqa: N818 - internal signal, never raised to users
    """`_freeze_plain` met something it leaves to `freeze_json`'s full path."""


def _frozen_dict(d: dict[str, JSONValue]) -> FrozenDict:
    fd = FrozenDict.__new__(FrozenDict)
    fd._d, fd._h = d, None  # noqa: SLF001 - a fresh dict, owned by the new mapping
    return fd


def _freeze_plain(value: object, depth: int) -> JSONValue:
    """`freeze_json` for plain, valid data (exact dict, list, str, int, float, bool, None).

    Checks what `freeze_json` checks, without building field paths; on anything
    else or anything wrong it raises `_NotPlain`, and `freeze_json` redoes the
    work with the messages.
    """
    if depth > MAX_DEPTH:
        raise _NotPlain
    if type(value) is str:
        if (not value.isascii() and SURROGATE_RE.search(value)) or len(value) > MAX_STRING:
            raise _NotPlain
        return value
    if type(value) is dict or type(value) is FrozenDict:
        if depth >= MAX_DEPTH:  # its values would be too deep: let the checked path say so
            raise _NotPlain
        items = value._d if type(value) is FrozenDict else value  # noqa: SLF001
        out: dict[str, JSONValue] = {}
        for k, v in items.items():
            if type(k) is not str or (not k.isascii() and SURROGATE_RE.search(k)):
                raise _NotPlain
            # scalars without a call each (what _freeze_checked accepts, checked the same way)
            if isinstance(v, str):
                if (not v.isascii() and SURROGATE_RE.search(v)) or len(v) > MAX_STRING:
                    raise _NotPlain
                out[k] = v
            elif v is None or v is True or v is False:
                out[k] = v
            elif isinstance(v, int):
                if not -(2**63) <= v < 2**64:
                    raise _NotPlain
                out[k] = v
            elif isinstance(v, float):
                if not math.isfinite(v):
                    raise _NotPlain
                out[k] = v
            else:
                out[k] = _freeze_plain(v, depth + 1)
        return _frozen_dict(out)
    if type(value) is int:
        if not -(2**63) <= value < 2**64:
            raise _NotPlain
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise _NotPlain
        return value
    if value is None or type(value) is bool:
        return value
    if type(value) is list or type(value) is tuple:
        return tuple(_freeze_plain(v, depth + 1) for v in value)
    raise _NotPlain


_FROZEN: Final = frozenset({FrozenDict, tuple})


def freeze_json(value: object, field: str, depth: int = 0) -> JSONValue:
    """Validate JSON-compatible data and return it frozen (dicts -> FrozenDict, lists -> tuples).

    Accepts None, bool, int, finite float, str, lists/tuples and dicts with
    string keys. Rejects NaN, infinity, bytes, sets and any other object.
    """
    try:
        return _freeze_plain(value, depth)
    except (_NotPlain, RecursionError):
        return _freeze_checked(value, field, depth)


def _freeze_checked(value: object, field: str, depth: int = 0) -> JSONValue:
    """`freeze_json`, field by field, naming the field of anything wrong."""
    if depth > MAX_DEPTH:
        raise ValidationError(
            field, "...", f"nested deeper than {MAX_DEPTH} levels.", "flatten the structure."
        )
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**64:
            raise ValidationError(
                field,
                value,
                "integers beyond 64 bits are not portable JSON (most tools lose their digits).",
                "store it as a string, e.g. '18446744073709551616'.",
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(
                field, value, "NaN and infinity are not JSON numbers.", "use null for unknown."
            )
        return value
    if isinstance(value, str):
        check_unicode(field, value)
        if len(value) > MAX_STRING:
            raise ValidationError(
                field,
                value[:40] + "...",
                f"a string longer than {MAX_STRING:,} characters.",
                "store large texts elsewhere and cite them as a source.",
            )
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_freeze_checked(v, f"{field}[{i}]", depth + 1) for i, v in enumerate(value))
    if isinstance(value, Mapping):
        out: dict[str, JSONValue] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValidationError(
                    field, k, "JSON object keys must be strings.", f"use {str(k)!r} as the key."
                )
            check_unicode(f"{field}[key]", k)
            out[k] = _freeze_checked(v, f"{field}.{k}", depth + 1)
        return FrozenDict(out)
    raise ValidationError(
        field,
        value,
        f"{type(value).__name__} is not JSON-compatible.",
        "use numbers, strings, booleans, null, lists and string-keyed dicts.",
    )


def check_unicode(field: str, value: str) -> None:
    if not value.isascii() and SURROGATE_RE.search(value):
        raise ValidationError(
            field,
            value,
            "holds a lone surrogate, which is not Unicode text (a decoding error upstream?).",
            "decode the source text as UTF-8, or replace the broken character.",
        )
