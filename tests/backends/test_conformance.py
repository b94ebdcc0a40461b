"""The store's promises, checked once against every backend (see docs/store.md)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import itertools
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog.backends import Query
from bilatlog.backends._contract import type_glob_regex
from bilatlog.events import Correction, Retraction
from bilatlog.testing import make_event


def ev(n: int, **kw) -> bl.Event:
    kw.setdefault("track", "dea-operations")
    return make_event(id=f"e{n}", on=f"{2000 + n % 20}-0{1 + n % 9}", **kw)


def snapshot(kind, tmp_path: Path) -> object:
    """Everything a backend keeps, to show nothing changed."""
    return kind.snapshot(tmp_path)


def test_positions_are_gap_free_and_read_back_equal(backend):
    """Promise 3: positions 1, 2, 3, ...; what is appended reads back unchanged."""
    first = backend.append([ev(1), ev(2)])
    second = backend.append([ev(3)])
    assert [r.position for r in first + second] == [1, 2, 3]
    assert backend.head == 3
    assert list(backend.read()) == first + second
    assert list(backend.read(2, 2)) == [first[1]]
    assert [r.event for r in backend.read()] == [ev(1), ev(2), ev(3)]


def test_empty_log(backend):
    """An empty log has head 0, reads nothing and verifies."""
    assert backend.head == 0
    assert list(backend.read()) == []
    assert backend.verify().ok
    assert backend.get("nope") is None


def test_batch_with_one_invalid_record_writes_nothing(backend, kind, tmp_path):
    """Promise 1: a batch with one bad record (a correction of nothing) is refused whole."""
    backend.append([ev(1)])
    before = snapshot(kind, tmp_path)
    bad = Correction(target="missing", changes={"status": "x"}, reason="r")
    with pytest.raises(bl.ValidationError, match="not in the store"):
        backend.append([ev(2), ev(3), bad])
    assert backend.head == 1
    assert backend.get("e2") is None
    assert snapshot(kind, tmp_path) == before


def test_expected_position(backend):
    """Promise 2: with expected_position, the batch is written only if the head is there."""
    backend.append([ev(1)], expected_position=0)
    with pytest.raises(bl.ConcurrencyError) as info:
        backend.append([ev(2)], expected_position=0)
    assert (info.value.expected, info.value.actual) == (0, 1)
    assert backend.head == 1
    backend.append([ev(2)], expected_position=1)
    assert backend.head == 2


def test_idempotent_by_id(backend):
    """Promise 6: a repeated identical event is returned, not rewritten; a changed one fails."""
    [stored] = backend.append([ev(1)])
    again = backend.append([ev(1), ev(2)])
    assert again[0] == stored
    assert [r.position for r in again] == [1, 2]
    assert backend.head == 2
    changed = make_event(id="e1", on="1999", track="dea-operations")
    with pytest.raises(bl.IntegrityError, match="already stored with different content"):
        backend.append([changed])
    assert backend.head == 2


def test_duplicate_id_in_one_batch_is_refused(backend):
    """A batch cannot hold the same id twice."""
    with pytest.raises(bl.ValidationError, match="twice"):
        backend.append([ev(1), ev(1)])
    assert backend.head == 0


def test_recorded_at_comes_from_the_clock_and_never_decreases(backend, clock):
    """Promise 4: recorded_at is the injected clock's UTC instant, and never goes back."""
    clock.set("2021-10-15T12:00:00+02:00")
    [a] = backend.append([ev(1)])
    assert a.recorded_at == dt.datetime(2021, 10, 15, 10, tzinfo=dt.UTC)
    clock.set("2021-10-14T00:00:00+00:00")  # the clock steps back
    [b] = backend.append([ev(2)])
    assert b.recorded_at == a.recorded_at
    clock.set("2021-10-16T00:00:00+00:00")
    [c] = backend.append([ev(3)])
    assert c.recorded_at > b.recorded_at
    assert backend.position_at(dt.datetime(2021, 10, 15, 10, tzinfo=dt.UTC)) == 2
    assert backend.position_at(dt.datetime(2021, 10, 1, tzinfo=dt.UTC)) == 0
    assert backend.position_at(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == 3


def test_naive_clock_is_refused(kind, tmp_path):
    """A clock that returns a naive datetime is a configuration error, and nothing is written."""
    b = kind.open(tmp_path, lambda: dt.datetime(2021, 1, 1))
    with pytest.raises(bl.ValidationError, match="aware datetime"):
        b.append([ev(1)])
    assert b.head == 0
    b.close()


def test_hash_chain(backend):
    """Promise 5: each hash is SHA-256 over canonical bytes including the previous hash."""
    recs = backend.append([ev(1), ev(2), ev(3)])
    assert recs[0].prev_hash == ""
    for a, b in itertools.pairwise(recs):
        assert b.prev_hash == a.hash
    assert all(len(r.hash) == 64 for r in recs)
    assert len({r.hash for r in recs}) == 3
    report = backend.verify()
    assert report.ok
    assert report.checked == 3


def test_verify_catches_a_changed_record(kind, tmp_path, clock):
    """Promise 9: a record changed behind the store's back is reported with its position."""
    b = kind.open(tmp_path, clock)
    b.append([ev(1), ev(2), ev(3)])
    kind.tamper(b, tmp_path, 2)
    fresh = kind.open(tmp_path, clock) if kind.persistent else b
    report = fresh.verify()
    assert not report.ok
    assert report.position == 2
    assert "hash" in report.reason
    with pytest.raises(bl.IntegrityError):
        report.raise_for_problems()


def test_corrections_and_retractions_name_live_events(backend):
    """Promise 7: corrections and retractions name stored, unretracted events."""
    backend.append([ev(1), ev(2)])
    c = Correction(target="e1", changes={"on": "2005-05-05"}, reason="exact day")
    backend.append([c])
    with pytest.raises(bl.ValidationError, match="cannot correct a correction"):
        backend.append([Correction(target=c.id, changes={"status": "x"}, reason="r")])
    backend.append([Retraction(target="e2", reason="duplicate")])
    with pytest.raises(bl.ValidationError, match="already retracted"):
        backend.append([Retraction(target="e2", reason="again")])
    with pytest.raises(bl.ValidationError, match="already retracted"):
        backend.append([Correction(target="e2", changes={"summary": "x"}, reason="r")])
    backend.append([Correction(target="e1", changes={"status": "suspended"}, reason="r")])
    with pytest.raises(bl.ValidationError, match="needs the track"):
        # checked against the corrected version: it has a status now
        backend.append([Correction(target="e1", changes={"track": None}, reason="r")])
    # a correction may name an event from the same batch
    backend.append([ev(3), Correction(target="e3", changes={"summary": "s"}, reason="r")])
    found = backend.targeting(["e1", "e2", "e3"])
    assert [r.position for r in found] == [3, 4, 5, 7]
    assert found[0].id == c.id
    assert len(backend.targeting(["e1", "e2"], stop=3)) == 1


def test_reopen_reads_back_equal(file_kind, tmp_path, clock):
    """What one process wrote, a fresh open reads back unchanged."""
    b = file_kind.open(tmp_path, clock)
    written = b.append([ev(i, actors=["US.DEA", "MX"], data={"v": i}) for i in range(1, 30)])
    written += b.append([Retraction(target="e3", reason="dup")])
    b.close()
    again = file_kind.open(tmp_path, clock)
    assert list(again.read()) == written
    assert again.head == 30
    assert again.get("e7") == written[6]
    assert again.verify().ok
    again.close()


def test_two_handles_on_one_file_see_each_other(file_kind, tmp_path, clock):
    """Two timelines on one file: each append is seen by the other, and heads agree."""
    a = file_kind.open(tmp_path, clock)
    b = file_kind.open(tmp_path, clock)
    a.append([ev(1)])
    assert b.head == 1
    with pytest.raises(bl.ConcurrencyError):
        b.append([ev(2)], expected_position=0)
    b.append([ev(2)], expected_position=1)
    assert [r.id for r in a.read()] == ["e1", "e2"]
    a.close()
    b.close()


@pytest.fixture
def populated(backend):
    actors = [["US"], ["US.DEA", "MX"], ["MX.GN"], [], ["US", "US.DEA"]]
    types = ["operations.suspended", "operations.resumed", "initiative.ended", "talks.held"]
    tracks = ["dea-operations", "merida-initiative", None]
    events = [
        make_event(
            id=f"q{i}",
            type=types[i % 4],
            on=["2019", "2020-10", "2021-10-08", "2008/2021-10-08", "[2020-09..2020-12]"][i % 5],
            track=tracks[i % 3],
            actors=actors[i % 5],
        )
        for i in range(40)
    ]
    backend.append(events[:20])
    backend.append([Correction(target="q1", changes={"summary": "x"}, reason="r")])
    backend.append(events[20:])
    return backend


filters = st.fixed_dictionaries(
    {},
    optional={
        "track": st.sampled_from(["dea-operations", "merida-initiative", "none-such"]),
        # the glob's every form (`*`, `?`, a class, a range), spelt by each engine its own way
        # (SQLite GLOB, PostgreSQL regex, fnmatch): each must answer as the reference does
        "type": st.sampled_from(
            [
                "operations.*",
                "initiative.ended",
                "*.held",
                "nothing.*",
                "initiative.?nded",
                "*.[a-h]*",
                "[mo]*.*",
                "*.[]]*",
            ]
        ),
        "actor": st.sampled_from(["US", "US.DEA", "MX", "MX.GN", "CU"]),
        "between": st.sampled_from(
            [("2020", "2020"), ("2021-10-08", "2022"), ("2000", "2005"), ("2020-11", "2020-11")]
        ),
        "start": st.integers(1, 45),
        "stop": st.integers(0, 45),
        "kinds": st.sampled_from(
            [frozenset({"event"}), frozenset({"correction"}), frozenset({"event", "correction"})]
        ),
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(filters)
def test_filters_return_exactly_what_a_naive_scan_returns(populated, f):
    """Promise 8: every filter, run inside the backend, equals filtering a full read."""
    if "between" in f:
        f["between"] = (bl.When.parse(f["between"][0]), bl.When.parse(f["between"][1]))
    q = Query(**f)
    expected = [r for r in populated.read() if q.matches(r, q.type_regex)]
    assert list(populated.query(q)) == expected


@st.composite
def glob_and_names(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A glob, and names: some random, some made from the glob (its wildcards filled in)."""
    pattern = draw(st.text(alphabet="ab.-*?[]", max_size=8))
    chars = st.text(alphabet="ab.-[]", max_size=3)
    # a wildcard filled with 0-3 characters: a `?` given none or two must not match
    made = ["".join(draw(chars) if c in "*?" else c for c in pattern) for _ in range(4)]
    return pattern, made + draw(st.lists(st.text(alphabet="ab.-[]", max_size=8), max_size=5))


@given(glob_and_names())
def test_the_type_glob_reads_as_fnmatch_does(case):
    """The one translation of a type glob (Python and PostgreSQL) matches as fnmatch does."""
    pattern, names = case
    try:
        body, refused = type_glob_regex(pattern), ""
    except bl.ValidationError as e:
        body, refused = "", e.problem
    assert not refused or "runs backwards" in refused  # the one glob refused: [b-a]
    assume(not refused)
    regex = re.compile(body)
    for name in names:
        assert bool(regex.fullmatch(name)) == fnmatch.fnmatchcase(name, pattern), name


#: Classes whose `-` and `]` each engine could read its own way: a `-` after a range
#: (`[a-c-e]` is a to c, `-`, e), first or last, a range from `-` or `]`, a `[.` (in POSIX
#: brackets, a collating element).
TRICKY_CLASSES = ("[a-c-e]*", "[a-c-]*", "[-b]*", "[b-]*", "*[--a]*", "[]-a]*", "*.[.-b]*",
                  "*[[.]*", "[a-b-c-d]*", "*[0-9-]*")  # fmt: skip


def test_tricky_classes_match_as_fnmatch_does(backend):
    """Every backend answers a bracket class as fnmatch reads it (PostgreSQL refused some)."""
    types = ["a.x", "b.x", "c.x", "d.x", "e.x", "a-b.c", "z.y", "x9-1.b", "m.n_o", "a9.b-c"]
    backend.append([make_event(id=f"t{i}", type=t) for i, t in enumerate(types)])
    for glob in TRICKY_CLASSES:
        found = [r.record.type for r in backend.query(Query(type=glob))]
        assert found == [t for t in types if fnmatch.fnmatchcase(t, glob)], glob


def test_a_backwards_range_is_refused_naming_the_whole_pattern(backend):
    """`[z-a]` matches nothing: a ValidationError whose value is the glob given, not its class."""
    with pytest.raises(bl.ValidationError, match="runs backwards") as refused:
        list(backend.query(Query(type="operations.[z-a]*")))
    assert refused.value.value == "operations.[z-a]*"


def test_bad_type_pattern_is_refused(backend):
    """A type pattern with odd characters is an error, not an empty answer."""
    with pytest.raises(bl.ValidationError, match="type pattern"):
        list(backend.query(Query(type="Operations; DROP")))


def test_newer_schema_refuses_writes(file_kind, tmp_path, clock):
    """A store written by a newer bilatlog is never written to by this one."""
    b = file_kind.open(tmp_path, clock)
    b.append([ev(1)])
    b.close()
    file_kind.bump_version(tmp_path)
    before = snapshot(file_kind, tmp_path)
    again = file_kind.open(tmp_path, clock)
    with pytest.raises(bl.StorageError, match="newer"):
        again.append([ev(2)])
    again.close()
    assert snapshot(file_kind, tmp_path) == before


def test_copy_in_keeps_positions_times_and_hashes(backend, clock):
    """A verbatim copy from another log is identical record for record; a gap is refused."""
    source = bl.open(clock=clock)
    source.append([ev(1), ev(2)])
    clock.advance(days=3)
    source.correct("e1", reason="exact day", on="2001-02-03")
    records = list(source.backend.read())
    with pytest.raises(bl.IntegrityError, match="continue the log"):
        backend.copy_in(records[1:])
    assert backend.head == 0
    assert backend.copy_in(records) == records
    assert list(backend.read()) == records
    assert backend.verify().ok
    forged = attrs.evolve(
        records[0], position=4, prev_hash=records[-1].hash, recorded_at=records[-1].recorded_at
    )
    with pytest.raises(bl.IntegrityError, match="re-hash"):
        backend.copy_in([forged])


def test_a_source_published_after_the_record_is_refused(backend, kind, tmp_path, clock):
    """Promise 7a: a record citing a source published after its recorded_at is refused whole.

    The check runs where recorded_at is assigned, so it holds on every backend,
    for every kind of record, and the batch it sits in is not written.
    """
    backend.append([ev(1)])
    before = snapshot(kind, tmp_path)
    future = bl.Source(outlet="Tomorrow's Paper", published="2021-10-16")
    with pytest.raises(bl.ValidationError) as info:
        backend.append([ev(2), ev(3, sources=[future])])
    message = str(info.value)
    assert "Tomorrow's Paper" in message
    assert "2021-10-16" in message  # the source's date
    assert "2021-10-15T00:00:00+00:00" in message  # the record's recorded_at
    assert backend.head == 1
    assert backend.get("e2") is None
    assert snapshot(kind, tmp_path) == before
    for record in (
        Correction(target="e1", changes={"sources": [future]}, reason="new source"),
        Correction(target="e1", changes={"status": "x"}, reason="r", sources=[future]),
        Retraction(target="e1", reason="duplicate", sources=[future]),
    ):
        with pytest.raises(bl.ValidationError, match="could not have known"):
            backend.append([record])
    assert snapshot(kind, tmp_path) == before
    # the same day, and a month that may already have begun, could have been known
    same_day = bl.Source(outlet="Today", published="2021-10-15")
    this_month = bl.Source(outlet="Monthly", published="2021-10")
    backend.append([ev(4, sources=[same_day, this_month])])
    clock.advance(days=1)
    assert backend.append([ev(3, sources=[future])])[0].position == 3


def test_events_as_known_and_the_log_read_the_same_on_every_backend(backend, clock):
    """tl.events(): corrections applied, retractions out, originals with their envelopes."""
    tl = bl.Timeline(backend, clock=clock)
    tl.append([ev(1, status="active"), ev(2, status="suspended"), ev(3, status="blocked")])
    clock.advance(days=1)
    tl.correct("e3", reason="its own track", track="dea-visas", id="c3")
    tl.retract("e2", reason="duplicate", id="r2")
    known = tl.events()
    assert [e.id for e in known] == ["e1", "e3"]
    moved = tl.events(track="dea-visas")[0]
    assert (moved.id, moved.position, [c.id for c in moved.corrections]) == ("e3", 3, ["c3"])
    assert moved.original == backend.get("e3")
    assert moved.recorded_at == clock.now - dt.timedelta(days=1)
    assert [e.id for e in tl.events(track="dea-operations")] == ["e1"]
    assert [e.id for e in tl.events(known_at=3)] == ["e1", "e2", "e3"]
    assert [(r.position, r.kind) for r in tl.log()] == [
        (1, "event"), (2, "event"), (3, "event"), (4, "correction"), (5, "retraction"),
    ]  # fmt: skip
    with pytest.raises(bl.UnknownNameError):
        tl.events(track="dea-operation")
