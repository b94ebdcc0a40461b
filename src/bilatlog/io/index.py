"""A cooperation index: a monthly (or weekly) series per dyad from coded event data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from bilatlog.events import Event
from bilatlog.time import Truth

__all__ = ["CooperationIndex", "IndexCell"]


@attrs.frozen
class IndexCell:
    """One period (and group) of the index."""

    count: int
    intensity_sum: float

    @property
    def intensity_mean(self) -> float | None:
        """The mean intensity (Goldstein value), or None for an empty cell."""
        return self.intensity_sum / self.count if self.count else None


@attrs.frozen(kw_only=True)
class CooperationIndex:
    """A `Projection`: event counts and summed/mean intensity per period, for one dyad.

    Run it with `tl.project(CooperationIndex(between=("US", "MX")), at=..., known_at=...)`;
    the result maps `(period start, group)` to an `IndexCell`.

    Attributes:
        between: the dyad (alpha-2 codes); events naming both countries count.
        every: `"month"` or `"week"` (weeks start on Monday).
        by: `None`, `"quad"` (PLOVER quad class) or `"context"` (PLOVER context).
        dedup: `None` (every report counts), or `"report"`: reports of the same
            event (same day, same actors, same PLOVER type and CAMEO code) count once,
            as the same statement coded once per publisher would.
        certain_only: count only events certainly happened by the query date.
    """

    between: tuple[str, str]
    every: str = attrs.field(default="month")
    by: str | None = None
    dedup: str | None = None
    certain_only: bool = False

    @every.validator
    def _check_every(self, _a: attrs.Attribute[str], value: str) -> None:
        if value not in ("month", "week"):
            from bilatlog.exceptions import ValidationError  # noqa: PLC0415

            raise ValidationError("every", value, "not a period.", "use 'month' or 'week'.")

    def initial(self) -> dict[str, Any]:
        """Empty cells, and the dedup keys seen."""
        return {"cells": {}, "seen": frozenset()}

    def apply(self, state: Mapping[str, Any], event: Event, truth: Truth) -> dict[str, Any]:
        """Count one event if it is a coded event of the dyad."""
        plover: Any = event.data.get("plover") or {}
        countries = {a.split(".")[0] for a in event.actors}
        coded = "plover" in event.data or "cameo" in event.data
        if not coded or not set(self.between) <= countries:
            return dict(state)
        if self.certain_only and truth is not Truth.CERTAIN:
            return dict(state)
        seen = state["seen"]
        if self.dedup == "report":
            key = (event.on.edtf, tuple(sorted(event.actors)), event.type, event.data.get("cameo"))
            if key in seen:
                return dict(state)
            seen = seen | {key}
        day = event.on.lo
        period = day.replace(day=1) if self.every == "month" else day - dt.timedelta(day.weekday())
        group = None
        if self.by == "quad":
            group = plover.get("quad")  # None: CAMEO 01/02 have no PLOVER quad
        elif self.by == "context":
            group = plover.get("context")
        intensity = event.data.get("intensity")
        value = float(intensity) if isinstance(intensity, (int, float)) else 0.0
        cells = dict(state["cells"])
        old = cells.get((period, group), IndexCell(0, 0.0))
        cells[(period, group)] = IndexCell(old.count + 1, old.intensity_sum + value)
        return {"cells": cells, "seen": seen}
