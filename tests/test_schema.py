"""The record schema: every field of `Event` is carried everywhere a record goes.

`EVERY_FIELD` holds a value, not the default, for each field of `Event`. A
field added to `Event` fails `test_every_field_has_a_sample` until it has one,
and then every test below checks that the codec, the stores, corrections,
`RecordedEvent`/`KnownEvent`, exports and frames carry it (docs/architecture.md,
"The record schema").
"""

from __future__ import annotations

import ast
import inspect
import json
import textwrap

import attrs
import pytest

import bilatlog as bl
from bilatlog._codec import SCHEMA_VERSION, Codec, hash_envelope
from bilatlog.backends._sql import EVENT_COLUMNS, INDEXED_COLUMNS, _indexed
from bilatlog.events import CORRECTABLE_FIELDS, Correction, _EventFields
from bilatlog.io import export_csv, import_csv
from bilatlog.io.exporters import CSV_COLUMNS, RECORD_COLUMNS, event_record
from bilatlog.io.rows import event_of_row
from bilatlog.testing import FakeClock

PLAN_ID = "plan-2020"
#: For each field of `Event`: a value that is not its default (a fulfilment, so not planned).
EVERY_FIELD = {
    "type": "operations.resumed",
    "on": "2021-03~",
    "track": "dea-operations",
    "status": "active",
    "actors": ("US.DEA", "MX"),
    "summary": "Operations resume",
    "data": {"metric": "agents", "value": 1.5e-05, "nested": [1, {"a": None}]},
    "sources": (
        bl.Source(outlet="Reuters", title="T", url="https://example.org/a", published="2021-03"),
    ),
    "planned": False,
    "announced": None,
    "fulfils": PLAN_ID,
    "id": "resumed-2021",
}
#: `planned` and `announced` go with a plan (a fulfilment cannot be one): set on the plan.
PLAN_FIELDS = {"planned": True, "announced": "2020-06"}


def event_with_every_field() -> bl.Event:
    return bl.Event(**EVERY_FIELD)  # type: ignore[arg-type]


def plan() -> bl.Event:
    return bl.Event(type="operations.planned", on="2021", id=PLAN_ID, **PLAN_FIELDS)


def field_names() -> list[str]:
    return [f.name for f in attrs.fields(bl.Event)]


def known(tl: bl.Timeline, event_id: str) -> object:
    (found,) = (k for k in tl.events() if k.id == event_id)
    return found


def assert_carries_every_field(ev: object, expected: bl.Event) -> None:
    for name in field_names():
        assert getattr(ev, name) == getattr(expected, name), name


def test_every_field_has_a_sample():
    """A new Event field fails here until EVERY_FIELD (and so every test below) has it."""
    assert list(EVERY_FIELD) == field_names()
    defaults = bl.Event(type="a.b", on="2020")
    ev, p = event_with_every_field(), plan()
    for name in field_names():
        # each field differs from its default in the event or in the plan
        assert getattr(ev, name) != getattr(defaults, name) or (
            getattr(p, name) != getattr(defaults, name)
        ), name


def test_the_codec_keeps_every_field():
    """Sealed, stored as JSON and read back (validated and trusted), every field is there."""
    codec = Codec()
    for ev in (event_with_every_field(), plan()):
        (sealed,) = codec.seal_batch([ev], first=1, recorded_at=FakeClock()(), prev_hash="")
        stored = set(sealed.envelope["record"])
        defaults = bl.Event(type="a.b", on="2020")
        assert stored == {n for n in field_names() if getattr(ev, n) != getattr(defaults, n)}
        env = json.loads(json.dumps(sealed.envelope))
        assert hash_envelope(env) == env["hash"] == sealed.record.hash
        for trusted in (False, True):
            rec = codec.open_envelope(env, trusted=trusted)
            assert rec.record == ev
            assert_carries_every_field(rec.record, ev)
        assert env["v"] == SCHEMA_VERSION


def test_every_field_but_the_id_can_be_corrected():
    """CORRECTABLE_FIELDS is Event's fields but `id`; each correction is stored and applied."""
    assert field_names()[-1] == "id"
    assert set(field_names()) - CORRECTABLE_FIELDS == {"id"}
    tl = bl.open(clock=FakeClock())
    ev = event_with_every_field()
    other = bl.Event(type="a.b", on="2019", track="other-track", id="other")
    tl.append([plan(), other])
    codec = Codec()
    for name in sorted(CORRECTABLE_FIELDS):
        value = getattr(ev, name)
        if name in PLAN_FIELDS:
            c = tl.correct(PLAN_ID, reason="test", changes={name: getattr(plan(), name)})
        else:
            c = tl.correct("other", reason="test", changes={name: value})
            assert getattr(tl.get("other").record, name) == getattr(other, name)  # as stored
            assert getattr(known(tl, "other"), name) == value, name  # as known
        assert isinstance(c.record, Correction)
        env = json.loads(json.dumps(codec.seal(c.record, position=1, recorded_at=c.recorded_at,
                                               prev_hash="").envelope))  # fmt: skip
        assert codec.open_envelope(env).record == c.record, name


def test_recorded_and_known_events_read_every_field():
    """`tl.get(id).on`, `tl.events()[0].on`, ... for every field; stubs for type checkers too."""
    tl = bl.open(clock=FakeClock())
    ev = event_with_every_field()
    tl.append([plan(), ev])
    assert_carries_every_field(tl.get(ev.id), ev)
    assert_carries_every_field(known(tl, ev.id), ev)
    # the typed stubs in _EventFields (what mypy sees) name every field but the id
    tree = ast.parse(textwrap.dedent(inspect.getsource(_EventFields)))
    stubs = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.decorator_list]
    assert stubs == field_names()[:-1]


@pytest.mark.parametrize("kind", ["memory", "jsonl", "sqlite"])
def test_stores_keep_every_field(kind, tmp_path):
    """Appended, reopened and verified: every field comes back, and the SQL columns agree."""
    target = {"memory": None, "jsonl": tmp_path / "s.jsonl", "sqlite": tmp_path / "s.db"}[kind]
    tl = bl.open(target, clock=FakeClock())
    ev = event_with_every_field()
    tl.append([plan(), ev])
    if target is not None:
        tl.close()
        tl = bl.open(target)
    assert tl.get(ev.id).record == ev
    assert_carries_every_field(known(tl, ev.id), ev)
    assert tl.verify().ok
    assert len(_indexed(ev, "event")) == len(INDEXED_COLUMNS)
    assert EVENT_COLUMNS.split(", ")[1 : 1 + len(INDEXED_COLUMNS)] == list(INDEXED_COLUMNS)


def test_rows_csv_and_frames_carry_every_field(tmp_path):
    """A row of `event_record`, a CSV and a frame give back the same events."""
    ev, p = event_with_every_field(), plan()
    for e in (ev, p):
        assert event_of_row(event_record(e)) == e
        assert list(event_record(e)) == list(RECORD_COLUMNS)
    source = bl.open(clock=FakeClock())
    source.append([p, ev])
    export_csv(source, tmp_path / "e.csv")
    back = bl.open(clock=FakeClock())
    import_csv(back, tmp_path / "e.csv")
    assert back.get(ev.id).record == ev
    assert back.get(PLAN_ID).record == p
    with (tmp_path / "e.csv").open() as f:
        assert f.readline().strip().split(",") == list(CSV_COLUMNS)
    pytest.importorskip("pandas")
    from bilatlog.io.frames import from_frame  # noqa: PLC0415 - needs pandas

    again = from_frame(source.to_frame())
    assert again.get(ev.id).record == ev
    assert again.get(PLAN_ID).record == p
