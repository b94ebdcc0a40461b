"""The public surface says what it is: result types importable from `bilatlog`, internals not."""

from __future__ import annotations

import sys
from pathlib import Path

import bilatlog as bl
import bilatlog.projections

RESULT_TYPES = ["State", "TrackState", "History", "Period", "Diff", "Change", "Explanation",
                "Figure", "Projection", "Events", "KnownEvent", "PlanFate"]  # fmt: skip


def test_result_types_are_importable_from_bilatlog():
    """What state_at, history, diff, explain, events and plans return has a public name."""
    for name in RESULT_TYPES:
        assert name in bl.__all__, name
        assert getattr(bl, name) is getattr(bilatlog.projections, name)
    assert type(bl.examples.us_mexico().state_at("2021")) is bl.State


def test_internals_are_not_exported():
    """The engine's helpers stay private: nothing outside `__all__` a user would take for API."""
    for module in (bl, bilatlog.projections):
        assert "run_projection" not in module.__all__
        assert "KnowledgeIndex" not in module.__all__
        assert "Engine" not in module.__all__
    assert bl.__all__ == sorted(bl.__all__)


def test_the_typed_tour_runs():
    """tests/typing/api.py (type-checked by `.ci/run`) also runs against the bundled dataset."""
    sys.path.insert(0, str(Path(__file__).parent / "typing"))
    try:
        import api  # noqa: PLC0415 - the tour lives beside the tests

        api.tour()
    finally:
        sys.path.pop(0)
