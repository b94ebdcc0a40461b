"""The error tree: every error bilatlog raises derives from `BilatlogError`.

```
BilatlogError
├── ValidationError (also a ValueError)      bad input: field, value, fix
├── UnknownNameError (also a KeyError)       a track, type or actor never held
├── RecordKindError (also an AttributeError) an event field asked of a correction
└── StorageError                             the store could not do what was asked
    ├── ConcurrencyError                     the head moved (expected vs actual position)
    └── IntegrityError                       stored data contradicts the store's promises
BilatlogWarning (a UserWarning)
```

Errors carry what went wrong as attributes, so research tools can react without
parsing messages, and a message that says what to do about it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BilatlogError",
    "BilatlogWarning",
    "ConcurrencyError",
    "IntegrityError",
    "RecordKindError",
    "StorageError",
    "UnknownNameError",
    "ValidationError",
]


class BilatlogError(Exception):
    """The root of every error bilatlog raises."""


class ValidationError(BilatlogError, ValueError):
    """Input that bilatlog does not understand: nothing was written.

    Attributes:
        field: the name of the offending field (`"on"`, `"actors[1]"`, `"line 12"`).
        value: the value as given.
        fix: what to do instead, with an example.

    """

    def __init__(self, field: str, value: Any, problem: str, fix: str = "") -> None:  # noqa: ANN401
        self.field = field
        self.value = value
        self.problem = problem
        self.fix = fix
        message = f"{field}={value!r}: {problem}"
        if fix:
            message += f" Fix: {fix}"
        super().__init__(message)


class StorageError(BilatlogError):
    """The store could not do what was asked; nothing partial was written."""


class ConcurrencyError(StorageError):
    """The head of the log was not where the caller expected it.

    Attributes:
        expected: the position the caller passed as `expected_position`.
        actual: the head position found in the store.

    """

    def __init__(self, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"expected the log to end at position {expected}, but it ends at {actual}: "
            "another writer appended first. Fix: re-read what changed since "
            f"position {expected}, decide again, and retry with expected_position={actual}."
        )


class IntegrityError(StorageError):
    """Stored data breaks a promise of the store (chain, positions, ids, format).

    Attributes:
        position: the first position where the problem shows, if known.
        line: the line number in a file backend, if known.
        reason: what is wrong, in words.
        fix: what to do about it.

    """

    #: What to do when stored data is damaged, unless the error knows better.
    RESTORE: str = (
        "nothing was changed or skipped; restore the store from a backup or version control "
        "(git, pg_dump), then run verify()."
    )

    def __init__(
        self,
        reason: str,
        *,
        position: int | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.reason = reason
        self.position = position
        self.line = line
        self.fix = fix if fix is not None else ("" if "Fix:" in reason else self.RESTORE)
        where = []
        if position is not None:
            where.append(f"position {position}")
        if line is not None:
            where.append(f"line {line}")
        prefix = f"at {', '.join(where)}: " if where else ""
        suffix = f" Fix: {self.fix}" if self.fix else ""
        super().__init__(prefix + reason.rstrip(".") + "." + suffix)


class RecordKindError(BilatlogError, AttributeError):
    """A field asked of a record of another kind (an event field of a correction, ...).

    Attributes:
        field: the field asked for.
        kind: the record's kind (`"event"`, `"correction"`, `"retraction"`).
        position: the record's position.

    """

    def __init__(self, field: str, kind: str, position: int, has: str) -> None:
        self.field = field
        self.kind = kind
        self.position = position
        article = "an" if kind[0] in "aeiou" else "a"
        super().__init__(
            f"position {position} holds {article} {kind}, which has no {field!r}. "
            f"{article.capitalize()} {kind} has {has}."
        )


class UnknownNameError(BilatlogError, KeyError):
    """A track, type or actor that the store has never held.

    Attributes:
        kind: what was asked for (`"track"`, `"type"`, `"actor"`).
        name: the name as given.
        suggestions: held names that look like it, closest first.

    """

    def __init__(self, kind: str, name: str, suggestions: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        message = f"no {kind} {name!r}"
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        else:
            message += " in this store"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        """The message itself (KeyError would quote it)."""
        return self.message


class BilatlogWarning(UserWarning):
    """The base of every warning bilatlog emits."""
