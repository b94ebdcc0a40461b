"""Promises of `bilatlog.events`: immutable, validated records with helpful errors."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog._ids import IdGenerator
from bilatlog.events import Correction, FrozenDict, Retraction, new_id
from bilatlog.testing import FakeClock


def make(**kw):
    base = {"type": "operations.suspended", "on": "2020-10~", "track": "dea-operations"}
    base.update(kw)
    return bl.Event(**base)


def test_event_is_frozen_and_changes_by_evolve():
    """Events cannot be changed in place; evolve makes a new, validated one."""
    ev = make(status="suspended", actors=["US.DEA", "MX"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.status = "active"  # type: ignore[misc]
    ev2 = attrs.evolve(ev, status="active")
    assert ev2.status == "active"
    assert ev.status == "suspended"
    assert ev2.id == ev.id
    assert ev.actors == ("US.DEA", "MX")
    assert isinstance(ev.on, bl.When)
    with pytest.raises(bl.ValidationError):
        attrs.evolve(ev, on="2021-02-29")


def test_keyword_only():
    """Fields are keyword-only, so positional mix-ups cannot happen."""
    with pytest.raises(TypeError):
        bl.Event("operations.suspended", "2020")  # type: ignore[misc]


def test_ids_are_generated_sortable_and_stable():
    """A generated id sorts by creation; a given id is kept."""
    ids = [new_id() for _ in range(100_000)]  # many within each millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == 100_000
    assert {uuid.UUID(i).version for i in ids[:100]} == {7}
    assert make(id="merida-ended").id == "merida-ended"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("type", "Operations.Suspended", "dotted lower-case"),
        ("type", "suspended", "dotted lower-case"),
        ("type", "operations..x", "dotted lower-case"),
        ("type", 3, "dotted lower-case"),
        ("on", "yesterday", "not an EDTF date"),
        ("on", "2021-02-29", "no day 29"),
        ("track", "DEA Operations", "lower-case slug"),
        ("track", "dea--ops", "lower-case slug"),
        ("status", "Suspended", "lower-case slug"),
        ("actors", "US", "list of strings"),
        ("actors", ["us"], "upper-case country code"),
        ("actors", ["USA.dea"], "upper-case country code"),
        ("actors", ["US", "US"], "listed twice"),
        ("summary", 5, "expected text"),
        ("data", {"x": math.nan}, "NaN"),
        ("data", {"x": math.inf}, "NaN and infinity"),
        ("data", {"x": b"bytes"}, "bytes is not JSON-compatible"),
        ("data", {"x": {1, 2}}, "set is not JSON-compatible"),
        ("data", {1: "x"}, "keys must be strings"),
        ("data", {"x": object()}, "not JSON-compatible"),
        ("data", [1, 2], "expected a dict"),
        ("data", {"x": "y" * 1_000_001}, "longer than"),
        ("data", {"x": "broken \ud800 text"}, "lone surrogate"),
        ("data", {"x": 2**64}, "beyond 64 bits"),
        ("data", {"\udc80": 1}, "lone surrogate"),
        ("summary", "broken \udfff", "lone surrogate"),
        ("sources", "https://x.org", "list of Source"),
        ("sources", [{"outlet": ""}], "at least an outlet"),
        ("sources", [{"url": "ftp://x"}], "http(s)"),
        ("sources", [{"outlet": "x", "published": "soon"}], "not an EDTF date"),
        ("sources", [{"outlet": "x", "author": "y"}], "not a source"),
        ("planned", "yes", "True or False"),
        ("id", "", "1-128 characters"),
        ("id", "a b", "1-128 characters"),
        ("fulfils", "a b", "1-128 characters"),
    ],
)
def test_invalid_fields_name_field_value_and_rule(field, value, words):
    """Every invalid value raises ValidationError naming the field, the value and a fix."""
    with pytest.raises(bl.ValidationError) as info:
        make(**{field: value})
    assert words in str(info.value)
    assert info.value.field.split(".")[0].split("[")[0] in (field, "source", "sources")
    assert "Fix:" in str(info.value) or info.value.fix == ""


def test_deep_nesting_is_refused():
    """Data nested absurdly deep is refused instead of blowing the stack later."""
    deep: dict[str, object] = {}
    cur = deep
    for _ in range(40):
        cur["x"] = {}
        cur = cur["x"]  # type: ignore[assignment]
    with pytest.raises(bl.ValidationError, match="nested deeper"):
        make(data=deep)


def test_status_needs_a_track():
    """A status without its track is meaningless and refused."""
    with pytest.raises(bl.ValidationError, match="needs the track"):
        bl.Event(type="operations.suspended", on="2020", status="suspended")


def test_data_is_frozen_and_hashable():
    """Data becomes immutable (FrozenDict, tuples) and events are hashable."""
    ev = make(data={"metric": "m", "values": [1, 2, {"a": 1}]})
    assert isinstance(ev.data, FrozenDict)
    assert ev.data["values"] == (1, 2, FrozenDict({"a": 1}))
    assert ev.data.thaw() == {"metric": "m", "values": [1, 2, {"a": 1}]}
    assert hash(ev) == hash(attrs.evolve(ev))
    assert ev.data == {"metric": "m", "values": (1, 2, {"a": 1})}


def test_source_needs_something_to_find_it_by():
    """A source with no outlet, title or url cannot be found again."""
    with pytest.raises(bl.ValidationError, match="at least an outlet"):
        bl.Source()
    s = bl.Source(outlet="Foreign Policy", published="2021-10-15")
    assert s.published == bl.When.parse("2021-10-15")


def test_correction_validates_changes():
    """A correction's changes are validated field by field and must say why."""
    c = Correction(target="x1", changes={"on": "2020-10-15", "actors": ["MX"]}, reason="exact day")
    assert c.changes["on"] == bl.When.parse("2020-10-15")
    assert c.changes["actors"] == ("MX",)
    with pytest.raises(bl.ValidationError, match="cannot be corrected"):
        Correction(target="x1", changes={"position": 3}, reason="r")
    with pytest.raises(bl.ValidationError, match="at least one field"):
        Correction(target="x1", changes={}, reason="r")
    with pytest.raises(bl.ValidationError, match="needs a reason"):
        Correction(target="x1", changes={"status": "active"}, reason=" ")
    with pytest.raises(bl.ValidationError, match="no day 30"):
        Correction(target="x1", changes={"on": "2021-02-30"}, reason="r")
    with pytest.raises(bl.ValidationError, match="needs a reason"):
        Retraction(target="x1", reason="")


def test_correction_applies_by_evolve():
    """apply() returns the corrected event and leaves the original alone."""
    ev = make(status="suspended")
    c = Correction(target=ev.id, changes={"on": "2020-10-15"}, reason="exact day")
    fixed = c.apply(ev)
    assert fixed.on.edtf == "2020-10-15"
    assert ev.on.edtf == "2020-10~"


def test_planned_event_cannot_fulfil():
    """A plan fulfils nothing; the fulfilment is recorded when it happens."""
    with pytest.raises(bl.ValidationError, match="cannot fulfil"):
        make(planned=True, fulfils="plan-1")


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**65), max_value=2**65)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=5)
    | st.sampled_from(["\ud800", "é", b"bytes", {1, 2}]),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner)
    | st.dictionaries(st.text(max_size=3) | st.sampled_from([1, "\udc00"]), inner, max_size=3),
    max_leaves=12,
)  # fmt: skip


def _outcome(fn, value, depth):
    try:
        return ("ok", fn(value, "data", depth))
    except bl.ValidationError as e:
        return ("error", e.field, e.problem)


@given(_JSONISH, st.sampled_from([0, 30, 31, 32, 33]))
def test_event_data_is_frozen_and_refused_as_the_field_by_field_check_does(value, depth):
    """The fast path for plain data accepts, freezes and refuses what the checked one does."""
    from bilatlog._json import _freeze_checked, freeze_json  # noqa: PLC0415

    assert _outcome(freeze_json, value, depth) == _outcome(_freeze_checked, value, depth)


def _id_ms(record_id: str) -> int:
    """The milliseconds a UUIDv7 id carries (its first 48 bits)."""
    return int(record_id.replace("-", "")[:12], 16)


def test_a_timeline_makes_its_ids_from_its_own_clock():
    """Two timelines with fixed clocks: each one's ids carry its clock, whatever the other does."""
    first = bl.open(clock=FakeClock(dt.datetime(2021, 10, 15, 12, 0, tzinfo=dt.UTC)))
    second = bl.open(clock=FakeClock(dt.datetime(1999, 1, 1, tzinfo=dt.UTC)))
    made: dict[str, list[str]] = {"first": [], "second": []}
    for i in range(40):
        made["first"].append(first.record("a.b", on="2020").id)
        if i % 3 == 0:  # the other timeline's use, interleaved
            made["second"].append(second.record("a.b", on="2020").id)
            made["second"].append(second.correct(made["second"][0], reason="r", summary="x").id)
        made["first"].append(first.new_id())
    for name, tl in (("first", first), ("second", second)):
        ms = int(tl.clock().timestamp() * 1000)
        assert {_id_ms(i) for i in made[name]} == {ms}
        assert made[name] == sorted(made[name])  # in the order they were made
        assert len(set(made[name])) == len(made[name])
        assert {uuid.UUID(i).version for i in made[name]} == {7}
    first.clock.advance(days=1)
    assert _id_ms(first.record("a.b", on="2020").id) == _id_ms(made["first"][0]) + 86_400_000


def test_ids_from_injected_entropy_do_not_depend_on_other_generators():
    """A generator's ids depend on its clock and entropy only, not on other generators' use."""
    clock = FakeClock()

    def entropy(n: int) -> bytes:
        return bytes(n)  # all zeros: the counter alone orders ids within a millisecond

    alone = IdGenerator(clock, entropy=entropy)
    expected = [alone() for _ in range(5)]
    mine, other = IdGenerator(clock, entropy=entropy), IdGenerator(clock, entropy=entropy)
    got = []
    for _ in range(5):
        other()
        got.append(mine())
    assert got == expected
    clock.set("2020-01-01T00:00:00Z")  # the clock steps back: ids still increase
    assert mine() > got[-1]


def test_records_built_outside_a_timeline_still_get_an_id():
    """`bl.Event(...)` in user code gets a generated id from the system's time."""
    before = _id_ms(new_id())
    ev = bl.Event(type="a.b", on="2020")
    assert uuid.UUID(ev.id).version == 7
    assert before <= _id_ms(ev.id) <= before + 60_000


def test_a_stepping_clock_steps_once_per_record_and_ids_carry_its_instant():
    """`FakeClock(step=...)`: record n is recorded n-1 steps on; making its id does not step."""
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    tl = bl.open(clock=FakeClock(start, step=dt.timedelta(days=1)))
    first = tl.record("a.b", on="2020", track="t", status="s0")
    tl.record("a.b", on="2020-06", track="t", status="s1")
    tl.correct(first.id, reason="the source says so", summary="fixed")
    recorded = [r.recorded_at for r in tl.log()]
    assert recorded == [start + dt.timedelta(days=n) for n in range(3)]
    assert [_id_ms(r.id) for r in tl.log()] == [int(t.timestamp() * 1000) for t in recorded]
    assert tl.state_at("2021", known_at="2021-01-02")["t"].status == "s1"


def test_a_clock_of_ones_own_is_called_once_per_record():
    """A plain callable clock (here: a list of instants) is the store's: ids never call it."""
    instants = [dt.datetime(2021, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3)]
    times = iter(instants)
    tl = bl.open(clock=lambda: next(times))
    for _ in range(3):
        tl.record("a.b", on="2021")
    assert [r.recorded_at for r in tl.log()] == instants
    assert len({r.id for r in tl.log()}) == 3
