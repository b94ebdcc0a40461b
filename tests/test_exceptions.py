"""Promises of the error tree: one root, builtin mixins, attributes, fixes in messages."""

from __future__ import annotations

import bilatlog as bl


def test_hierarchy():
    """Every error derives from BilatlogError; ValidationError is also a ValueError."""
    assert issubclass(bl.ValidationError, bl.BilatlogError)
    assert issubclass(bl.ValidationError, ValueError)
    assert issubclass(bl.ConcurrencyError, bl.StorageError)
    assert issubclass(bl.IntegrityError, bl.StorageError)
    assert issubclass(bl.StorageError, bl.BilatlogError)
    assert issubclass(bl.BilatlogWarning, UserWarning)


def test_errors_carry_attributes():
    """Errors carry their values as attributes and a message that names the fix."""
    e = bl.ConcurrencyError(expected=41, actual=43)
    assert (e.expected, e.actual) == (41, 43)
    assert "expected_position=43" in str(e)
    i = bl.IntegrityError("hash does not chain", position=7, line=7)
    assert (i.position, i.line, i.reason) == (7, 7, "hash does not chain")
    assert str(i).startswith("at position 7, line 7:")
    v = bl.ValidationError("on", "yesterday", "not a date.", "write '2021-10-08'.")
    assert (v.field, v.value) == ("on", "yesterday")
    assert str(v) == "on='yesterday': not a date. Fix: write '2021-10-08'."


def test_names_never_held_and_records_of_another_kind():
    """UnknownNameError: a KeyError whose str() is the message; RecordKindError: AttributeError."""
    assert issubclass(bl.UnknownNameError, KeyError)
    assert issubclass(bl.UnknownNameError, bl.BilatlogError)
    e = bl.UnknownNameError("track", "dea-operation", ("dea-operations",))
    assert (e.kind, e.name, e.suggestions) == ("track", "dea-operation", ("dea-operations",))
    assert str(e) == "no track 'dea-operation'; did you mean 'dea-operations'?"
    assert str(bl.UnknownNameError("actor", "CU")) == "no actor 'CU' in this store"
    assert issubclass(bl.RecordKindError, AttributeError)
    assert issubclass(bl.RecordKindError, bl.BilatlogError)
    k = bl.RecordKindError("on", "correction", 5, "target, changes, reason and sources")
    assert (k.field, k.kind, k.position) == ("on", "correction", 5)
    assert str(k).startswith("position 5 holds a correction, which has no 'on'.")
    k = bl.RecordKindError("target", "event", 1, "type, on, track")
    assert str(k) == (
        "position 1 holds an event, which has no 'target'. An event has type, on, track."
    )
