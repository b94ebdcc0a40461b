"""A type-checked tour of the public API (`mypy --strict tests/typing/api.py`, run by `.ci/run`).

Not collected by pytest (no `test_` names); it exists so that the names a notebook or a research
tool uses keep their types: a change that breaks a user's type-checked code breaks this file.
"""

from __future__ import annotations

import datetime as dt

import bilatlog as bl


class CountByType:
    """A custom projection: events per type."""

    def initial(self) -> dict[str, int]:
        return {}

    def apply(self, state: dict[str, int], event: bl.Event, truth: bl.Truth) -> dict[str, int]:
        del truth
        return {**state, event.type: state.get(event.type, 0) + 1}


def tour() -> None:
    tl: bl.Timeline = bl.examples.us_mexico()
    src = bl.Source(outlet="Foreign Policy", published="2021-10-15")
    ev: bl.Event = bl.Event(type="operations.suspended", on="2020-10~", track="dea-operations",
                            status="suspended", actors=["US.DEA", "MX"], sources=[src])  # fmt: skip
    when: bl.When = ev.on
    truth: bl.Truth = when.happened_by("2020-10-15")
    earliest: dt.date | None = when.earliest

    state: bl.State = tl.state_at("2021-06-01", known_at="2021-10-15")
    track: bl.TrackState = state["merida-initiative"]
    status: str | None = track.status
    figures: dict[str, bl.Figure] = dict(state.metrics)
    overdue: tuple[bl.Event, ...] = tuple(state.overdue)

    history: bl.History = tl.history("dea-operations")
    periods: list[bl.Period] = list(history)
    diff: bl.Diff = tl.diff("2018-01-01", "2021-12-31")
    changes: list[bl.Change] = list(diff)
    why: bl.Explanation = tl.explain("dea-operations", "2021-06-01")
    events: bl.Events = tl.events(track="dea-operations")
    known: list[bl.KnownEvent] = list(events)
    stored: list[bl.RecordedEvent] = list(tl.log())
    plans: list[bl.PlanFate] = tl.plans()
    counts: dict[str, int] = tl.project(CountByType(), at="2021-06-01")
    for day, s in tl.replay("2006", "2022", every="year"):
        _: tuple[dt.date, bl.State] = (day, s)
    report = tl.verify()
    head: tuple[int | None, str] = (report.position, report.head_hash)
    position: int = tl.position
    try:
        tl.history("dea-operation")
    except bl.UnknownNameError as e:
        lookup: KeyError = e
        del lookup
    del truth, earliest, status, figures, overdue, periods, changes, why, known, stored
    del plans, counts, head, position
