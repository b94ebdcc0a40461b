"""Promises and their fate: which plans were kept, which are overdue, which are still expected.

A plan (`Event(planned=True)`) never changes a status. It is *fulfilled* when
an actual event names it (`fulfils=plan.id`) and may have happened by the
query date; it is *overdue* at D when its latest date has fully passed before
D and nothing fulfilling it may have happened by D; otherwise it is still
*expected*. All as known at a knowledge position.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from bilatlog.time import Truth, When

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bilatlog.events import Event
    from bilatlog.projections._segments import StatusVersion

__all__ = ["PlanFate", "fate_of"]


@attrs.frozen(kw_only=True, repr=False)
class PlanFate:
    """What became of one plan, at a date, as known at a position (from `Timeline.plans`).

    Attributes:
        plan: the planned event, as known.
        position: the plan's position in the log.
        fate: `"fulfilled"`, `"overdue"` or `"expected"`.
        fulfilled_by: the event that carried it out (as known), or None.
        truth: for a fulfilled plan, whether the fulfilment surely happened by
            the date (`CERTAIN`) or only may have (`POSSIBLE`); else None.
        overdue_since: for an overdue plan, its latest date: due by then, and not kept.
        at: the date the fate is told for.
    """

    plan: Event
    position: int
    fate: str
    fulfilled_by: Event | None = None
    truth: Truth | None = None
    overdue_since: dt.date | None = None
    at: When

    @property
    def overdue(self) -> bool:
        """True when the plan's date has passed with nothing fulfilling it."""
        return self.fate == "overdue"

    def describe(self) -> str:
        """The fate in words: `fulfilled by X (2021-10-08)`, `overdue since 2019-12-31`."""
        if self.fulfilled_by is not None:
            maybe = " (possibly)" if self.truth is Truth.POSSIBLE else ""
            return f"fulfilled{maybe} by {self.fulfilled_by.id} ({self.fulfilled_by.on.edtf})"
        if self.overdue_since is not None:
            return f"overdue since {self.overdue_since.isoformat()}"
        return f"expected {self.plan.on.edtf}"

    def __repr__(self) -> str:
        """Say it in one line: the plan, then its fate."""
        p = self.plan
        return f"<PlanFate {p.id} {p.type} {p.on.edtf}: {self.describe()}>"


def fate_of(v: StatusVersion, fulfilments: Sequence[StatusVersion], at: When) -> PlanFate:
    """The fate of the plan version `v` at `at`, given the current versions that fulfil it."""
    plan = v.event
    dlo, dhi = at.lo, at.hi
    best: tuple[Truth, Event] | None = None
    for f in fulfilments:
        e = f.event
        if e.fulfils != plan.id:  # a correction moved it to another plan
            continue
        truth = e.on.happened_by(dhi)
        if truth is Truth.NO:
            continue
        if best is None or (truth is Truth.CERTAIN and best[0] is not Truth.CERTAIN):
            best = (truth, e)
    if best is not None:
        return PlanFate(
            plan=plan,
            position=v.position,
            fate="fulfilled",
            fulfilled_by=best[1],
            truth=best[0],
            at=at,
        )
    if plan.on.hi < dlo:
        return PlanFate(
            plan=plan, position=v.position, fate="overdue", overdue_since=plan.on.hi, at=at
        )
    return PlanFate(plan=plan, position=v.position, fate="expected", at=at)
