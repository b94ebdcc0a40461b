"""The events as known (`tl.events`), the log as stored (`tl.log`), and what records expose."""

from __future__ import annotations

import datetime as dt

import pytest

import bilatlog as bl
from bilatlog.exceptions import RecordKindError, UnknownNameError
from bilatlog.projections import Events, KnownEvent
from bilatlog.testing import FakeClock, memory_timeline

SRC = bl.Source(outlet="Reuters", url="https://www.reuters.com/x", published="2020-01-01")


@pytest.fixture
def tl() -> bl.Timeline:
    """Four events; one corrected onto another track and date, one retracted."""
    tl = memory_timeline()
    tl.record("operations.started", on="2008", track="dea-operations", status="active",
              actors=["US.DEA", "MX"], sources=[SRC], id="start")  # fmt: skip
    tl.record("operations.suspended", on="2020-10", track="dea-operations",
              status="suspended", actors=["MX"], sources=[SRC], id="susp")  # fmt: skip
    tl.record("visas.blocked", on="2021-01", track="dea-operations", status="blocked",
              actors=["MX"], data={"n": 1}, id="visas")  # fmt: skip
    tl.record("talks.held", on="2019-05-02", track="security-dialogue", status="active",
              actors=["US", "MX"], sources=[SRC], id="talks")  # fmt: skip
    tl.clock.advance(days=1)
    tl.correct("visas", reason="it is its own track", track="dea-visas", on="2021-01-14",
               id="fix-visas")  # fmt: skip
    tl.retract("talks", reason="duplicate of an earlier record", id="drop-talks")
    return tl


def ids(events: Events) -> list[str]:
    return [e.id for e in events]


def test_events_are_as_known_now(tl):
    """Corrections applied, retracted events left out, in valid-time order."""
    known = tl.events()
    assert isinstance(known, Events)
    assert ids(known) == ["start", "susp", "visas"]
    visas = known[2]
    assert isinstance(visas, KnownEvent)
    assert (visas.track, visas.on.edtf) == ("dea-visas", "2021-01-14")
    assert visas.position == 3  # the position of its first record
    assert visas.recorded_at == dt.datetime(2021, 10, 15, tzinfo=dt.UTC)
    assert [c.id for c in visas.corrections] == ["fix-visas"]
    assert visas.original.event.track == "dea-operations"
    assert visas.corrected
    assert not known[0].corrected


def test_filters_look_at_the_corrected_fields(tl):
    """A correction that moved an event to another track lists it under the new one only."""
    assert ids(tl.events(track="dea-operations")) == ["start", "susp"]
    assert ids(tl.events(track="dea-visas")) == ["visas"]
    assert ids(tl.events(between=("2021-01-10", "2021-01-20"))) == ["visas"]
    assert ids(tl.events(actor="US")) == ["start"]  # US matches US.DEA
    assert ids(tl.events(type="operations.*")) == ["start", "susp"]
    assert ids(tl.events(track="security-dialogue")) == []  # retracted: held, so no error


def test_events_as_known_earlier(tl):
    """Before the correction and the retraction, the original record and the retracted event."""
    before = tl.events(known_at=4)
    assert ids(before) == ["start", "talks", "susp", "visas"]
    assert before[3].track == "dea-operations"
    assert before[3].corrections == ()
    assert ids(tl.events(track="dea-visas", known_at=4)) == []  # exists now: an empty answer


def test_plans_are_a_kind_of_the_known_events(tl):
    """kinds= picks events that happened, plans, or both."""
    tl.record("visas.resumption-planned", on="2022", track="dea-visas", status="issued",
              planned=True, id="plan")  # fmt: skip
    assert "plan" in ids(tl.events())
    assert ids(tl.events(kinds=["planned"])) == ["plan"]
    assert "plan" not in ids(tl.events(kinds=("event",)))
    assert tl.events(kinds=["planned"])[0].kind == "planned"


def test_log_is_every_record_as_stored(tl):
    """tl.log(): every kind, uncorrected, in position order; kinds and filters on stored fields."""
    log = list(tl.log())
    assert [(r.position, r.kind) for r in log] == [
        (1, "event"), (2, "event"), (3, "event"), (4, "event"),
        (5, "correction"), (6, "retraction"),
    ]  # fmt: skip
    assert [r.id for r in tl.log(track="dea-operations")] == ["start", "susp", "visas"]
    assert [r.id for r in tl.log(kinds=["retraction"])] == ["drop-talks"]
    assert [r.id for r in tl.log(known_at=2)] == ["start", "susp"]


def test_recorded_events_give_every_field(tl):
    """A RecordedEvent gives its event's fields; a correction and a retraction their own."""
    start = tl.get("start")
    assert start is not None
    assert start.actors == ("US.DEA", "MX")
    assert start.sources == (SRC,)
    assert start.data == {}
    assert (start.planned, start.announced, start.fulfils) == (False, None, None)
    assert (start.type, start.track, start.status, start.kind) == (
        "operations.started", "dea-operations", "active", "event",
    )  # fmt: skip
    fix = tl.get("fix-visas")
    assert fix is not None
    assert (fix.kind, fix.target, fix.reason) == ("correction", "visas", "it is its own track")
    assert fix.changes["track"] == "dea-visas"
    assert fix.sources == ()
    drop = tl.get("drop-talks")
    assert drop is not None
    assert (drop.target, drop.reason) == ("talks", "duplicate of an earlier record")


@pytest.mark.parametrize("field", ["on", "track", "actors", "data", "event", "planned"])
def test_an_event_field_of_a_correction_says_what_the_record_is(tl, field):
    """Asking a correction for an event field is a BilatlogError naming the record's kind."""
    fix = tl.get("fix-visas")
    with pytest.raises(RecordKindError, match="position 5 holds a correction") as info:
        getattr(fix, field)
    assert isinstance(info.value, bl.BilatlogError)
    assert f"{field!r}" in str(info.value)
    assert "target, changes, reason and sources" in str(info.value)


def test_a_revision_field_of_an_event_says_what_the_record_is(tl):
    """An event has no target, reason or changes; a retraction has no changes."""
    start = tl.get("start")
    with pytest.raises(RecordKindError, match="holds an event, which has no 'target'"):
        _ = start.target
    with pytest.raises(RecordKindError, match="holds a retraction, which has no 'changes'"):
        _ = tl.get("drop-talks").changes


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kinds": "event"}, "kinds"),
        ({"kinds": ["bogus"]}, "kinds"),
        ({"kinds": ["correction"]}, "kinds"),
        ({"kinds": []}, "kinds"),
        ({"actor": "us"}, "actor"),
        ({"track": "DEA Ops"}, "track"),
        ({"track": 5}, "track"),
        ({"type": 5}, "type"),
        ({"type": "Operations.*"}, "type"),
        ({"known_at": "2021-10-15T10:00:00"}, "known_at"),
        ({"between": "2020"}, "between"),
    ],
)
def test_malformed_filters_are_refused(tl, kwargs, field):
    """Bad filter arguments are a ValidationError naming the field, for events and log."""
    with pytest.raises(bl.ValidationError) as info:
        tl.events(**kwargs)
    assert info.value.field == field
    assert info.value.fix
    if kwargs != {"kinds": ["correction"]}:
        with pytest.raises(bl.ValidationError):
            list(tl.log(**kwargs))


@pytest.mark.parametrize("track", ["DEA Ops", None, 7])
def test_one_track_rule_for_every_question(tl, track):
    """history, explain, events, log and plans refuse a malformed track with one message."""
    calls = [lambda: tl.history(track), lambda: tl.explain(track, "2021")]
    if track is not None:  # None is no filter for these
        calls += [lambda: tl.events(track=track), lambda: list(tl.log(track=track)),
                  lambda: tl.plans(track=track)]  # fmt: skip
    messages = set()
    for call in calls:
        with pytest.raises(bl.ValidationError) as info:
            call()
        assert info.value.field == "track"
        messages.add(str(info.value))
    assert len(messages) == 1


def test_a_naive_datetime_string_is_refused_like_a_naive_datetime(tl):
    """known_at text with a UTC offset is an instant; without one it is ambiguous."""
    with pytest.raises(bl.ValidationError, match="ambiguous"):
        tl.state_at("2021", known_at="2021-10-15T10:00:00")
    with pytest.raises(bl.ValidationError, match="ambiguous"):
        tl.state_at("2021", known_at=dt.datetime(2021, 10, 15, 10))
    assert tl.resolve_known_at("2021-10-15T10:00:00+00:00") == 4
    assert tl.resolve_known_at("2021-10-15") == 4


def test_the_log_kinds_hint_at_events_and_log(tl):
    """Asking events() for corrections points to log()."""
    with pytest.raises(bl.ValidationError, match=r"tl\.log"):
        tl.events(kinds=["correction"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda tl: tl.events(track="dea-operation"),
         "no track 'dea-operation'; did you mean 'dea-operations'?"),
        (lambda tl: list(tl.log(track="dea-operation")),
         "no track 'dea-operation'; did you mean 'dea-operations'?"),
        (lambda tl: tl.history("dea-operation"),
         "no track 'dea-operation'; did you mean 'dea-operations'?"),
        (lambda tl: tl.explain("dea-operation", "2021"),
         "no track 'dea-operation'; did you mean 'dea-operations'?"),
        (lambda tl: tl.plans(track="dea-operation"),
         "no track 'dea-operation'; did you mean 'dea-operations'?"),
        (lambda tl: tl.events(type="operation.started"),
         "no type 'operation.started'; did you mean 'operations.started'?"),
        (lambda tl: tl.events(type="operation.*"),
         "no type matching 'operation.*'; did you mean 'operations.*'?"),
        (lambda tl: tl.events(actor="CU"), "no actor 'CU' in this store"),
        (lambda tl: tl.events(type="operations"),  # a family name: types are dotted
         "no type 'operations'; did you mean 'operations.*'?"),
    ],
)  # fmt: skip
def test_names_never_held_are_errors(tl, call, message):
    """A track, type or actor the store never held is an error that is also a KeyError."""
    with pytest.raises(UnknownNameError) as info:
        call(tl)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, bl.BilatlogError)
    assert str(info.value) == message


def test_names_held_only_by_a_correction_or_later_are_empty_answers(tl):
    """A track that exists, but not yet at known_at, is an empty answer, not an error."""
    assert tl.history("dea-visas", known_at=4) == []
    assert ids(tl.events(track="dea-visas", known_at=1)) == []
    assert list(tl.log(track="dea-visas")) == []  # held (by a correction), not as stored
    assert tl.plans(track="dea-visas") == []
    tl.record("future.planned", on="2030", track="brand-new", planned=True, id="p")
    assert tl.history("brand-new", known_at=1) == []


def test_len_is_the_number_of_events_known_now(tl):
    """len(tl) counts events as known now; an empty timeline is still truthy."""
    assert len(tl) == 3
    empty = memory_timeline()
    assert len(empty) == 0
    assert empty


def test_explain_takes_at_positionally(tl):
    """explain(track, at) like state_at(at); at= still works."""
    assert tl.explain("dea-operations", "2021-06-01") == tl.explain(
        "dea-operations", at="2021-06-01"
    )


def test_the_repr_of_events_shows_how_many_and_the_first_rows(tl):
    """repr(tl.events()) says how many, as known when, and shows them."""
    text = repr(tl.events())
    assert text.startswith("<Events: 3 events as known at position 6\n")
    assert "operations.suspended" in text
    assert "dea-visas" in text
    assert repr(tl.events(track="dea-visas")).startswith("<Events: 1 event as known")
    assert repr(tl.events(track="security-dialogue")) == (
        "<Events: 0 events as known at position 6>"
    )
    many = memory_timeline()
    many.append([bl.Event(type="a.b", on=f"20{i:02d}", id=f"e{i}") for i in range(12)])
    assert "... and 7 more>" in repr(many.events())


def test_events_compare_and_index_like_a_list(tl):
    """An Events answer is a sequence: len, indexing, slices, equality with a list."""
    known = tl.events()
    assert len(known) == 3
    assert known[-1].id == "visas"
    assert [e.id for e in known[:2]] == ["start", "susp"]
    assert known == list(tl.events())
    assert known.ids() == ["start", "susp", "visas"]


def test_events_have_html_and_frame_views(tl):
    """In a notebook the events show as a table; to_frame gives one row per event."""
    tl.record("talks.held", on="2021-03", summary="<script>x</script>", sources=[SRC], id="t2")
    known = tl.events()
    page = known._repr_html_()
    assert "4 events as known" in page
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert "1 correction<" in page
    frame = known.to_frame()
    assert frame["id"].tolist() == ["start", "susp", "visas", "t2"]
    assert frame["corrections"].tolist() == [0, 0, 1, 0]
    assert frame["position"].tolist() == [1, 2, 3, 7]
    assert frame.loc[2, "track"] == "dea-visas"


def test_a_known_event_is_read_only(tl):
    """Like every record, a known event cannot be changed in place."""
    import attrs  # noqa: PLC0415

    e = tl.events()[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.position = 9
    assert e == tl.events()[0]
    assert hash(e) == hash(tl.events()[0])


@pytest.mark.parametrize("suffix", [None, ".db", ".jsonl"])
def test_events_pickle_with_their_originals(tmp_path, suffix):
    """tl.events() pickles (a notebook's cache, a worker process): the events as known, each
    with its first record, and nothing of the store."""
    import pickle  # noqa: PLC0415

    target = None if suffix is None else tmp_path / f"s{suffix}"
    with bl.open(target, clock=FakeClock()) as tl:
        tl.record("operations.suspended", on="2020-10", track="dea-operations",
                  status="suspended", id="susp")  # fmt: skip
        tl.correct("susp", reason="the source gives the day", on="2020-10-15")
        events = tl.events()
        copied = pickle.loads(pickle.dumps(events))  # noqa: S301 - our own bytes
    assert [(e.event, e.position, e.original, e.corrections) for e in copied] == [
        (e.event, e.position, e.original, e.corrections) for e in events
    ]
    assert copied.known_at == events.known_at
    assert str(copied) == str(events)
