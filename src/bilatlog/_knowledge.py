"""Knowledge positions: how a `known_at` value becomes a position in the log, once.

Every question takes `known_at`, "as the dataset stood then". `known_position`
turns the forms a user may give into a `Position`, the number of records the
log held then, and nothing below it sees anything else:

- `None`: now (the head);
- an `int`: that position (0 is the empty log; past the head means the head);
- an aware `datetime`, or ISO datetime text with a UTC offset: the last record
  stored at or before that instant (0 before the first record);
- a `date`, or ISO date text `YYYY-MM-DD`: the end of that UTC day.

The API (`Timeline.resolve_known_at`) and the command line (`--known-at`, where
every value is text and digits name a position) both call it.
"""

from __future__ import annotations

import datetime as dt
from typing import NewType, Protocol

from bilatlog.exceptions import ValidationError
from bilatlog.time import as_day

__all__ = ["KnownAt", "Position", "known_position"]

#: A knowledge position: how many records the log held (0: none yet).
Position = NewType("Position", int)

#: How to say "as the dataset stood at": a position, an aware datetime, or an ISO
#: date (meaning the end of that UTC day); None is now.
KnownAt = int | dt.datetime | dt.date | str | None

_FORMS = "expected a position, an aware datetime, or an ISO date"
_EXAMPLE = "pass e.g. known_at='2021-10-15' (the end of that UTC day)."


class KnowledgeLog(Protocol):
    """What resolving needs of a log: its head and the position at an instant."""

    @property
    def head(self) -> int:
        """The head position."""
        ...

    def position_at(self, instant: dt.datetime) -> int:
        """The last position recorded at or before `instant` (0 if none)."""
        ...


def known_position(
    known_at: KnownAt, log: KnowledgeLog, *, text_positions: bool = False
) -> Position:
    """Turn a `known_at` value into the position of the log it names.

    Args:
        known_at: see the module: None, a position, an aware datetime, a date,
            or ISO date or datetime text.
        log: the log asked (a backend).
        text_positions: text of digits is a position (the command line), and
            one past the head is refused (a slip, or a year: `--known-at 2021`);
            in the API digits as text are refused, as `"2021"` would silently
            mean record 2021.

    Raises:
        ValidationError: on `known_at`: a bool, a negative position, a naive
            datetime (or ISO text without an offset), or anything else.
    """
    if known_at is None:
        return Position(log.head)
    if isinstance(known_at, str) and text_positions and _is_integer(known_at):
        if int(known_at) > log.head:  # typed by hand: past the head is a slip, or a year
            raise ValidationError(
                "known_at",
                known_at,
                f"position {known_at} is past the store's head ({log.head}).",
                _past_fix(known_at),
            )
        known_at = int(known_at)  # and so "-1" is refused as a position
    if isinstance(known_at, bool):
        raise ValidationError(
            "known_at",
            known_at,
            "expected a position, a date or a datetime.",
            "pass e.g. known_at='2021-10-15' or known_at=tl.position.",
        )
    if isinstance(known_at, int):
        if known_at < 0:
            raise ValidationError(
                "known_at", known_at, "positions start at 0 (empty).", "pass tl.position or less."
            )
        return Position(min(known_at, log.head))
    if isinstance(known_at, dt.datetime):
        if known_at.utcoffset() is None:
            raise ValidationError(
                "known_at",
                known_at,
                "a naive datetime is ambiguous.",
                "pass an aware one, e.g. datetime(2021, 10, 15, tzinfo=timezone.utc).",
            )
        return Position(log.position_at(known_at))
    if isinstance(known_at, str):
        return _from_text(known_at, log)
    if isinstance(known_at, dt.date):
        return _end_of(known_at, log)
    raise ValidationError(
        "known_at", known_at, f"{_FORMS}, not a {type(known_at).__name__}.", _EXAMPLE
    )


def _past_fix(text: str) -> str:
    """The fix for a position past the head, typed as text: the year it may be, or now."""
    if len(text) == 4:
        return (
            f"for the dataset as it stood at the end of {text}, pass known_at='{text}-12-31', "
            "or omit it for the store as it stands now."
        )
    return "pass the head or less, or omit it for the store as it stands now."


def _is_integer(text: str) -> bool:
    digits = text.removeprefix("-")
    return digits.isascii() and digits.isdigit()


def _end_of(day: dt.date, log: KnowledgeLog) -> Position:
    """The position at the end of that UTC day."""
    return Position(log.position_at(dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)))


def _digits_fix(text: str) -> str:
    """The fix for digits as text: the day they may mean (a year, YYYYMMDD), or the int."""
    if len(text) == 4:  # a year: as known at its end, or record number 2021?
        return (
            f"for the dataset as it stood at the end of {text}, pass known_at='{text}-12-31'; "
            f"for a position, pass the int {int(text)}."
        )
    if len(text) == 8:  # a compact date
        day = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return f"write the day with dashes, known_at='{day}'; for a position, pass the int."
    return f"pass known_at={int(text)} (an int) for a position, or a day such as '2021-10-15'."


def _from_text(text: str, log: KnowledgeLog) -> Position:
    """ISO date text (one day, strictly: `as_day`), else ISO datetime text with an offset."""
    try:
        day = as_day(text)
    except ValidationError:
        day = None
    if day is not None:
        return _end_of(day, log)
    if text.isascii() and text.isdigit():
        raise ValidationError(
            "known_at", text, "text of digits is neither a position nor a day.", _digits_fix(text)
        )
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("known_at", text, f"{_FORMS}.", _EXAMPLE) from None
    if instant.utcoffset() is None:
        raise ValidationError(
            "known_at",
            text,
            "a datetime without a UTC offset is ambiguous.",
            f"add the offset, e.g. known_at='{instant.isoformat()}+00:00', or pass a date "
            f"('{instant.date().isoformat()}': the end of that UTC day).",
        )
    return Position(log.position_at(instant))
