"""Promises of the codec: exact round-trips, canonical bytes, stable tags, upcasting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bilatlog as bl
import bilatlog._codec as codec_module
from bilatlog._codec import (
    SCHEMA_VERSION,
    Codec,
    _trusted_event,
    canonical_bytes,
    hash_envelope,
)
from bilatlog.events import Correction, Retraction
from strategies import events

FIXTURES = Path(__file__).parent.parent / "fixtures"
T0 = dt.datetime(2021, 10, 15, tzinfo=dt.UTC)


@given(events())
def test_every_event_round_trips(ev):
    """record -> dict -> JSON text -> dict -> record gives back an equal event."""
    codec = Codec()
    d = json.loads(json.dumps(codec.record_to_dict(ev)))
    assert codec.record_from_dict("event", d) == ev


@given(events())
def test_canonical_bytes_equal_for_equal_events(ev):
    """Equal events have identical canonical bytes, whatever the dict order."""
    codec = Codec()
    d1 = codec.record_to_dict(ev)
    d2 = dict(reversed(list(codec.record_to_dict(Codec().record_from_dict("event", d1)).items())))
    assert canonical_bytes(d1) == canonical_bytes(d2)


def test_canonical_bytes_are_compact_sorted_utf8():
    """Canonical bytes: sorted keys, no spaces, UTF-8 (not \\u escapes), NaN refused."""
    assert canonical_bytes({"b": 1, "a": "Mérida"}) == '{"a":"Mérida","b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})


def test_envelopes_round_trip_and_chain():
    """A sealed envelope opens to the same RecordedEvent; its hash covers the previous hash."""
    codec = Codec()
    ev = bl.Event(type="initiative.ended", on="2021-10-08", track="merida-initiative")
    rec, env, _ = codec.seal(ev, position=1, recorded_at=T0, prev_hash="")
    assert codec.open_envelope(json.loads(json.dumps(env))) == rec
    assert rec.recorded_at == T0
    assert rec.schema_version == SCHEMA_VERSION
    assert env["kind"] == "event"
    _, env2, _ = codec.seal(ev, position=1, recorded_at=T0, prev_hash="0" * 64)
    assert env2["hash"] != env["hash"]
    assert hash_envelope(env) == env["hash"]


def test_corrections_and_retractions_have_stable_tags():
    """Kinds are stable words, never Python import paths."""
    codec = Codec()
    c = Correction(target="e1", changes={"on": "2020-10-15"}, reason="exact day")
    r = Retraction(target="e1", reason="duplicate")
    assert Codec.kind_of(c) == "correction"
    assert Codec.kind_of(r) == "retraction"
    for rec in (c, r):
        d = json.loads(json.dumps(codec.record_to_dict(rec)))
        assert codec.record_from_dict(Codec.kind_of(rec), d) == rec
        assert "bilatlog" not in json.dumps(d)


def test_future_schema_is_refused():
    """A record from a newer bilatlog is refused, never guessed at."""
    codec = Codec()
    _, env, _ = codec.seal(
        bl.Event(type="a.b", on="2020"), position=1, recorded_at=T0, prev_hash=""
    )
    env["v"] = SCHEMA_VERSION + 1
    with pytest.raises(bl.IntegrityError, match="newer than this bilatlog knows"):
        codec.open_envelope(env)


def test_older_schema_is_upcast():
    """An upcaster brings an older envelope up to the current version on read."""

    def from_v0(env):
        # imagine v0 called the date field "date"
        rec = dict(env["record"])
        rec["on"] = rec.pop("date")
        return {**env, "record": rec}

    codec = Codec(upcasters={SCHEMA_VERSION - 1: from_v0})
    env = {
        "v": SCHEMA_VERSION - 1,
        "position": 1,
        "recorded_at": "2021-10-15T00:00:00.000000Z",
        "kind": "event",
        "record": {"id": "e1", "type": "a.b", "date": "2020-10"},
        "prev": "",
        "hash": "x",
    }
    assert codec.open_envelope(env).on.edtf == "2020-10"
    with pytest.raises(bl.IntegrityError, match="no upcaster"):
        Codec().open_envelope(env)


def test_golden_v1_file_still_loads():
    """The pinned v1 file decodes to exactly these records: stored formats never silently change."""
    codec = Codec()
    lines = (FIXTURES / "format-v1.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [codec.open_envelope(json.loads(line)) for line in lines]
    assert [r.position for r in recs] == [1, 2, 3, 4]
    ev = recs[0].event
    assert ev.type == "operations.suspended"
    assert ev.on.edtf == "2020-10~"
    assert ev.actors == ("US.DEA", "MX")
    assert ev.data["value"] == 1
    assert ev.sources[0].published == bl.When.parse("2021-10-15")
    assert isinstance(recs[2].record, Correction)
    assert recs[2].record.changes["on"] == bl.When.parse("2020-10-15")
    assert isinstance(recs[3].record, Retraction)
    prev = ""
    for line, rec in zip(lines, recs, strict=True):
        env = json.loads(line)
        assert env["prev"] == prev
        assert hash_envelope(env) == env["hash"] == rec.hash
        prev = env["hash"]


@given(events())
def test_trusted_decode_equals_validated_decode(ev):
    """The fast path for hash-checked records builds exactly what validation builds."""
    codec = Codec()
    d = json.loads(json.dumps(codec.record_to_dict(ev)))
    fast = _trusted_event(d)
    assert fast == codec.record_from_dict("event", d) == ev
    assert hash(fast) == hash(ev)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)  # what Event.data accepts
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=15,
)


@given(json_values)
def test_canonical_text_is_the_stdlib_form_whatever_the_encoder(value):
    """With or without orjson, canonical text is byte for byte the standard library's."""
    stdlib = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    assert codec_module.canonical_text(value) == stdlib
    env = {"v": 1, "record": {"id": "x", "data": value}}
    fast = codec_module._canonical_envelope_bytes(env, env["record"])
    assert fast.decode("utf-8") == codec_module._CANONICAL.encode(env)
    assert codec_module.loads(stdlib) == json.loads(stdlib)
    assert codec_module.loads(stdlib.encode()) == json.loads(stdlib)


def test_integers_beyond_64_bits_still_have_one_canonical_form():
    """orjson refuses them; the stdlib form is used, so the bytes are the same anyway."""
    big = {"n": 2**70}
    assert codec_module.canonical_text(big) == '{"n":1180591620717411303424}'


def test_fast_encoder_is_in_use_in_the_test_environment():
    """The test extra installs orjson, so the fast path above is what is being compared."""
    assert codec_module._orjson is not None


@pytest.mark.parametrize("suffix", ["db", "jsonl"])
def test_answers_decode_with_the_stores_own_codec(tmp_path, suffix):
    """The query engine (SQLite's own index, or a JSONL log's mirror) decodes with the codec
    of the store, upcasters included, not one of its own."""
    from bilatlog.testing import FakeClock  # noqa: PLC0415

    tl = bl.open(tmp_path / f"store.{suffix}", clock=FakeClock())
    tl.record("operations.suspended", on="2020-10", track="dea-operations", status="suspended")
    decoded = []

    class Watched(Codec):
        def open_envelope(self, env, *, trusted=False):
            decoded.append(env["position"])
            return super().open_envelope(env, trusted=trusted)

    tl.backend.codec = Watched()
    state = tl.state_at("2021")
    assert state["dea-operations"].events[0].status == "suspended"
    assert 1 in decoded
