"""The bundled US-Mexico dataset is honest to its sources: each claim, its own sources, in time.

The research file the dataset was built from is copied (as JSON) to
tests/data/us_mexico_timeline.json; the build script names, for every event,
the research entry it comes from and the keys of the sources it cites.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import bilatlog as bl
from bilatlog.backends.jsonl import JsonlBackend
from bilatlog.events import Correction, Event, RecordedEvent, Source
from bilatlog.time import Precision

ROOT = Path(__file__).resolve().parent.parent
RESEARCH = Path(__file__).parent / "data" / "us_mexico_timeline.json"
SEED_URL = "https://foreignpolicy.com/2021/10/15/"
# plans whose date has passed with nothing in the research recording their fate, and why
UNKEPT_AS_FAR_AS_WE_KNOW = {
    "guard-return-planned": "the research ends in 2023 and says nothing of what happened "
    "on 2024-01-01",
}


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_us_mexico", ROOT / "scripts" / "build_us_mexico.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_us_mexico", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load_build()


@pytest.fixture(scope="module")
def facts(build) -> dict[str, dict]:
    return {f["id"]: f for f in build.load_research(RESEARCH)}


@pytest.fixture(scope="module")
def records() -> list[RecordedEvent]:
    backend = JsonlBackend(bl.examples.dataset_path())
    try:
        return list(backend.read())
    finally:
        backend.close()


def _events(records: list[RecordedEvent]) -> Iterator[tuple[RecordedEvent, Event]]:
    for rec in records:
        if isinstance(rec.record, Event):
            yield rec, rec.record


def _matches(cited: Source, raw: dict, build: ModuleType) -> bool:
    """Is `cited` the research file's source `raw` (outlet, title, address, date)?"""
    url = build.URL_FIXES.get(raw["url"], raw["url"])
    published = build.published_edtf(raw["published"])
    return (
        cited.outlet == raw["outlet"].replace(" [SEED]", "")
        and cited.title == raw["title"]
        and cited.url == url
        and cited.published == (None if published is None else bl.When.parse(published))
    )


def _research_source(cited: Source, fact: dict, build: ModuleType) -> dict | None:
    return next((raw for raw in fact["sources"] if _matches(cited, raw, build)), None)


def test_the_copy_of_the_research_file_is_whole(facts):
    """The copy holds every research entry the dataset draws on, each with its sources."""
    assert len(facts) == 45
    assert all(f["sources"] for f in facts.values())
    assert {"dea-operations-halted", "merida-initiative-ends", "dea-siu-disbanded"} <= set(facts)


def test_every_event_cites_only_sources_its_research_entry_gives(build, facts, records):
    """An event cites only sources its own research entry gives, with their own quotes.

    The seed article may be quoted at another passage (the build checks it against the
    article's text); every other quote is the research file's, word for word.
    """
    refs = {e["id"]: e["ref"] for e in build.EVENTS}
    seen = set()
    wrong = []
    for _, ev in _events(records):
        assert ev.id in refs, f"{ev.id} is in the fixture but not in the build script"
        seen.add(ev.id)
        fact = facts[refs[ev.id]]
        assert ev.sources, ev.id
        for cited in ev.sources:
            raw = _research_source(cited, fact, build)
            if raw is None:
                wrong.append(f"{ev.id}: {cited.outlet!r} is not a source of {fact['id']}")
            elif not raw["url"].startswith(SEED_URL):
                if cited.quote != " ".join(raw["quote"].split()):
                    wrong.append(f"{ev.id}: {cited.outlet!r} is quoted as it never was")
            elif not cited.quote:
                wrong.append(f"{ev.id}: the seed is cited without a quote")
        pairs = [(s.url, s.quote) for s in ev.sources]
        assert len(pairs) == len(set(pairs)), f"{ev.id} cites one passage twice"
    assert wrong == []
    assert seen == set(refs)


# each track, as the research file's `affects` names the item of cooperation it follows
RESEARCH_ITEM = {
    "arms-trafficking": "arms-trafficking-cooperation",
    "bicentennial-framework": "bicentennial-framework",
    "cienfuegos-case": "cienfuegos-case-mx",
    "counter-cartel-strategy": "mx-counter-cartel-strategy",
    "dea-operations": "dea-operations-in-mexico",
    "dea-operations-siu": "dea-sensitive-investigative-unit-sspc",
    "dea-visas": "dea-agent-visas",
    "extraditions": "us-mx-extradition-cooperation",
    "federal-police": "mx-federal-police",
    "foreign-agents-rules": "dea-operations-in-mexico",
    "garcia-luna-case": "merida-era-counterpart-credibility",
    "merida-consultative-group": "merida-high-level-consultative-group",
    "merida-initiative": "merida-initiative",
    "mx-military-public-security-role": "mx-military-public-security-role",
    "mx-security-strategy": "mx-security-strategy",
    "national-guard": "mx-national-guard",
    "police-oversight": "mx-police-oversight-observatory",
    "precursor-chemicals": "us-mx-precursor-chemical-cooperation",
    "security-cooperation": "us-mx-security-cooperation",
    "security-dialogue": "us-mx-high-level-security-dialogue",
}
# the Cienfuegos case is followed in the US and in Mexico; the research names both items
ALSO = {"cienfuegos-case": {"cienfuegos-case-us"}}
# events whose research entry is about the event itself, not an item it affects
SUBJECT_OF_ITS_ENTRY = {
    "cienfuegos-arrested": "the entry is the arrest; its affects are its consequences",
}


def test_every_status_is_one_its_research_entry_states_for_that_track(build, facts, records):
    """An event puts a track in a status only if its research entry speaks of that track.

    (So sources of one claim cannot carry another: the kingpin-strategy entry never
    speaks of DEA operations.)
    """
    refs = {e["id"]: e["ref"] for e in build.EVENTS}
    wrong = []
    for _, ev in _events(records):
        if ev.track is None or ev.id in SUBJECT_OF_ITS_ENTRY:
            continue
        assert ev.track in RESEARCH_ITEM, f"map {ev.track!r} to a research item first"
        items = {RESEARCH_ITEM[ev.track], *ALSO.get(ev.track, ())}
        if not items & set(facts[refs[ev.id]]["affects"]):
            wrong.append(f"{ev.id}: {refs[ev.id]} says nothing of {ev.track}")
    assert wrong == []


def test_every_correction_cites_a_source_of_its_targets_research_entry(build, facts, records):
    """A correction has a source, from the research entry of the event it corrects."""
    refs = {e["id"]: e["ref"] for e in build.EVENTS}
    corrections = [r.record for r in records if isinstance(r.record, Correction)]
    assert corrections
    for c in corrections:
        assert c.sources, c.id
        assert c.reason
        fact = facts[refs[c.target]]
        for cited in c.sources:
            assert _research_source(cited, fact, build) is not None, (c.id, cited.outlet)


def test_no_record_cites_a_source_published_after_it(records):
    """No record cites a source whose publication date may be later than its recorded_at."""
    late = [
        f"{rec.id} ({rec.recorded_at.date()}) cites {s.outlet} ({s.published.edtf})"
        for rec in records
        for s in rec.record.sources
        if s.published is not None and s.published.latest > rec.recorded_at.date()
    ]
    assert late == []


def test_annual_figures_cite_no_source_from_before_their_year_was_over(build, records):
    """A figure for a year cites only sources published after that year had ended."""
    targets = {}
    annual = []
    for _, ev in _events(records):
        if "metric" in ev.data and ev.on.precision is Precision.YEAR:
            annual.append((ev.id, ev.on, ev.sources))
            targets[ev.id] = ev.on
    annual += [
        (rec.id, targets[rec.record.target], rec.record.sources)
        for rec in records
        if isinstance(rec.record, Correction) and rec.record.target in targets
    ]
    assert len(annual) >= 6  # homicides and overdoses, 2008 and 2020, and two corrections
    early = [
        f"{what} ({on.edtf}) cites {s.outlet} ({s.published.edtf if s.published else '?'})"
        for what, on, sources in annual
        for s in sources
        if s.published is None or s.published.earliest <= on.latest
    ]
    assert early == []


def _numbers(value: object) -> set[float]:
    return {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", str(value))}


def test_every_figure_is_one_its_research_entry_gives_with_a_unit(build, facts, records):
    """Figures (data with metric and value) have a unit and a value the research reports.

    The value is one the research entry gives as a figure, or in a figure's note (shares).
    """
    refs = {e["id"]: e["ref"] for e in build.EVENTS}
    figures = [(ev.id, ev.data) for _, ev in _events(records) if "metric" in ev.data]
    figures += [
        (r.record.target, r.record.changes["data"])
        for r in records
        if isinstance(r.record, Correction) and "data" in r.record.changes
    ]
    assert len(figures) >= 14
    for event_id, data in figures:
        assert data.get("unit"), event_id
        research = facts[refs[event_id]]["figures"]
        reported = set().union(*(_numbers(f"{f['value']} {f.get('note', '')}") for f in research))
        assert float(data["value"]) in reported, (event_id, data["value"])


def test_no_track_is_given_two_statuses_for_one_date(records):
    """Different events never put one track in different statuses for the same date."""
    statuses: dict[tuple[str, str], set[str]] = {}
    for _, ev in _events(records):
        if ev.track and ev.status and not ev.planned:
            statuses.setdefault((ev.track, ev.on.edtf), set()).add(ev.status)
    assert {k: v for k, v in statuses.items() if len(v) > 1} == {}


def test_every_plan_is_fulfilled_unless_its_fate_is_unknown(records):
    """Every plan whose date has passed is fulfilled by an event, except those we name."""
    events = [ev for _, ev in _events(records)]
    fulfilled = {ev.fulfils for ev in events if ev.fulfils}
    today = max(r.recorded_at for r in records).date()
    unkept = {
        ev.id for ev in events if ev.planned and ev.on.latest < today and ev.id not in fulfilled
    }
    assert unkept == set(UNKEPT_AS_FAR_AS_WE_KNOW)
    assert fulfilled <= {ev.id for ev in events if ev.planned}


def test_the_fixture_is_what_the_build_script_writes(build, tmp_path, monkeypatch):
    """Rebuilding from tests/data's copy gives the bundled file byte for byte."""
    out = tmp_path / "us_mexico_security.jsonl"
    monkeypatch.setattr(build, "OUT", out)
    monkeypatch.setattr(build, "_seed_text", lambda _research: None)
    build.main(RESEARCH)
    assert out.read_bytes() == bl.examples.dataset_path().read_bytes()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"known": "2021-12-01T12:00:00+00:00"}, "is newer than"),  # cited before it appeared
        ({"sources": ["pulse-news-mexico#2"]}, "is newer than"),  # the 2024 article, in 2021
        ({"sources": ["reuters"]}, "no source 'reuters'"),  # a key its entry does not have
        ({"sources": [("pulse-news-mexico", "words")]}, "only the seed"),  # an invented quote
    ],
)
def test_the_build_refuses_a_source_out_of_time_or_out_of_its_entry(
    build, tmp_path, monkeypatch, change, message
):
    """The build stops, naming the event, rather than write a record its sources can't carry."""
    events = [dict(e) for e in build.EVENTS]
    visas = next(e for e in events if e["id"] == "dea-visas-unblocked")
    visas.update(change)
    monkeypatch.setattr(build, "EVENTS", events)
    monkeypatch.setattr(build, "OUT", tmp_path / "out.jsonl")
    monkeypatch.setattr(build, "_seed_text", lambda _research: None)
    with pytest.raises(SystemExit, match=message) as info:
        build.main(RESEARCH)
    assert "dea-visas-unblocked" in str(info.value)
    assert not (tmp_path / "out.jsonl").exists()


def test_the_build_refuses_a_quote_the_seed_article_does_not_contain(build, tmp_path, monkeypatch):
    """Quotes of the seed beyond the research file are checked against the article's text."""
    monkeypatch.setattr(build, "OUT", tmp_path / "out.jsonl")
    monkeypatch.setattr(build, "_seed_text", lambda _research: "an article that says little")
    with pytest.raises(SystemExit, match="the seed does not say"):
        build.main(RESEARCH)
    assert not (tmp_path / "out.jsonl").exists()
