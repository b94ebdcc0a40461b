"""The codec's fast paths agree with its reference, cattrs' own converter, on every record.

`_unstructure_event`, `_unstructure_source` and `_trusted_event` are written by
hand for speed (bilatlog/_codec.py); `reference_converter()` is what they must
equal, and the validating constructors (`Event(**d)`) what the trusted decoding
must build.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog import _codec
from bilatlog._codec import (
    Codec,
    _trusted_event,
    canonical_text,
    hash_envelope,
    record_hash,
    reference_converter,
)
from bilatlog._json import FrozenDict
from bilatlog.events import CORRECTABLE_FIELDS, Correction, Retraction
from strategies import events, slugs, sources, whens

ids = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@st.composite
def full_events(draw: st.DrawFn) -> bl.Event:
    """Events with any of their fields set, `fulfils` and `id` included."""
    ev = draw(events())
    changes = {}
    if not ev.planned and draw(st.booleans()):
        changes["fulfils"] = draw(ids)
    if draw(st.booleans()):
        changes["id"] = draw(ids)
    return attrs.evolve(ev, **changes)


@st.composite
def corrections(draw: st.DrawFn) -> Correction:
    """Corrections of any correctable fields, with values as an event takes them."""
    ev = draw(full_events())
    names = draw(st.sets(st.sampled_from(sorted(CORRECTABLE_FIELDS)), min_size=1))
    values = {
        "type": ev.type,
        "on": draw(whens()),
        "track": draw(st.none() | slugs),
        "status": draw(st.none() | slugs),
        "actors": ev.actors,
        "summary": ev.summary,
        "data": ev.data,
        "sources": draw(st.lists(sources, max_size=2)),
        "planned": draw(st.booleans()),
        "announced": draw(st.none() | whens()),
        "fulfils": draw(st.none() | ids),
    }
    assert set(values) == CORRECTABLE_FIELDS  # a new field needs a value here
    return Correction(
        target=draw(ids),
        changes={k: values[k] for k in names},
        reason="the source says so",
        sources=draw(st.lists(sources, max_size=2)),
    )


retractions = st.builds(
    Retraction, target=ids, reason=st.just("a duplicate"), sources=st.lists(sources, max_size=2)
)
records = full_events() | corrections() | retractions

REFERENCE = reference_converter()


def as_json(value: object) -> object:
    """What a store keeps: the JSON text, read back."""
    return json.loads(canonical_text(value))


@given(records)
def test_the_codec_unstructures_as_its_reference_does(record):
    """The fast paths (events, sources) give exactly cattrs' own dicts; so do the others."""
    fast = Codec().record_to_dict(record)
    assert as_json(fast) == as_json(REFERENCE.unstructure(record))
    assert canonical_text(fast) == canonical_text(REFERENCE.unstructure(record))


@given(full_events())
def test_trusted_decoding_builds_what_validation_builds(ev):
    """From a stored dict, the trusted path and `Event(**d)` build the same, equal event."""
    d = as_json(REFERENCE.unstructure(ev))
    fast = _trusted_event(d)
    assert fast == bl.Event(**d) == ev
    assert hash(fast) == hash(ev)
    assert attrs.asdict(fast, recurse=False) == attrs.asdict(ev, recurse=False)


@given(st.lists(records, min_size=1, max_size=4))
def test_sealed_records_read_back_the_same_on_both_paths(batch):
    """Sealed, every record reads back equal, trusted or validated; one hash for all."""
    codec = Codec()
    at = dt.datetime(2021, 10, 15, 12, 30, tzinfo=dt.UTC)
    sealed = codec.seal_batch(batch, first=1, recorded_at=at, prev_hash="")
    for record, s in zip(batch, sealed, strict=True):
        env = json.loads(json.dumps(s.envelope))
        assert env["hash"] == record_hash(s.body) == hash_envelope(env)
        assert codec.open_envelope(env, trusted=True) == codec.open_envelope(env) == s.record
        assert s.record.record == record


def test_the_fast_paths_know_every_field_of_today():
    """Today's `Event` and `Source` are written and read on the fast paths."""
    assert _codec.FAST_PATHS


def test_a_field_the_fast_paths_do_not_know_is_never_dropped():
    """A record class with a field the fast paths do not name is not theirs to handle."""

    @attrs.frozen
    class Grown:
        type: str
        on: str
        sentiment: float = 0.0  # a field added to the schema, not yet to the fast path

    known = _codec._FAST_FIELDS[bl.Event]
    assert _codec._covers(bl.Event, known)
    assert not _codec._covers(Grown, known)


def _not_called(*_args: object) -> None:
    raise AssertionError("a fast path was used")


@given(st.lists(records, min_size=1, max_size=4))
def test_without_the_fast_paths_the_codec_stores_the_same_bytes(batch):
    """Through the reference alone (a new field), the same records seal to the same bytes."""
    at = dt.datetime(2021, 10, 15, 12, 30, tzinfo=dt.UTC)
    fast = Codec().seal_batch(batch, first=1, recorded_at=at, prev_hash="")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_codec, "FAST_PATHS", False)
        for fast_path in ("_unstructure_event", "_unstructure_source", "_trusted_event"):
            mp.setattr(_codec, fast_path, _not_called)
        codec = Codec()
        slow = codec.seal_batch(batch, first=1, recorded_at=at, prev_hash="")
        assert [s.body for s in slow] == [s.body for s in fast]
        for s in slow:
            env = json.loads(json.dumps(s.envelope))
            assert codec.open_envelope(env, trusted=True) == s.record


def test_a_codec_builds_no_cattrs_hook_its_fast_paths_replace(monkeypatch):
    """Every backend (and a JSONL log's mirror) opens a `Codec`: it generates cattrs' hooks
    only for the records the fast paths do not stand for (building Event's and Source's to
    replace them at once doubled the cost of `Codec()`, and so of `bl.open`)."""
    made: list[type] = []
    real = _codec.make_dict_unstructure_fn

    def spy(cls, *args, **kwargs):
        made.append(cls)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(_codec, "make_dict_unstructure_fn", spy)
    Codec()
    assert bl.Event not in made
    assert bl.Source not in made
    made.clear()
    reference_converter()  # the reference is cattrs' own for every record
    assert {bl.Event, bl.Source, Correction, Retraction} <= set(made)


def test_every_field_where_a_float_can_be_is_checked_when_sealing():
    """The canonical bytes check floats (orjson and the stdlib write some below 1e-4
    differently) only in the fields where one can be, which were `data` and `changes` by name
    (a `float` field added to `Event` was left unchecked: its bytes, so its hash, then
    depended on whether orjson is installed). Derived from the declarations: JSON data
    (`FrozenDict`, also optional), a `float`, or a record class that has one (a `Source` with
    a float field makes `sources` one)."""

    @attrs.frozen
    class Cited:
        outlet: str
        weight: float = 1.0

    @attrs.frozen
    class Grown:
        type: str
        data: FrozenDict
        meta: FrozenDict | None = None
        confidence: float = 0.0
        votes: tuple[float, ...] = ()
        cited: tuple[Cited, ...] = ()
        summary: str = ""

    fields = ("cited", "confidence", "data", "meta", "votes", "weight")  # (weight: Cited's own)
    assert _codec._float_fields([Grown, Cited]) == fields
    assert _codec._float_fields([bl.Event, bl.Source, Correction, Retraction]) == (
        "changes",
        "data",
    )
