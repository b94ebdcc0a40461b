"""Test-wide setup: the helper modules in tests/ and the generators in scripts/ are importable."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis: random locally (new examples find new bugs), derandomized in CI, where a landing
# must never depend on a seed. `.ci/run` sets HYPOTHESIS_PROFILE=ci.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT / "tests", ROOT / "scripts"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(autouse=True)
def _remembered_heads(tmp_path_factory, monkeypatch):
    """Each test remembers store heads in its own folder, never in the user's state folder."""
    monkeypatch.setenv("BILATLOG_STATE_DIR", str(tmp_path_factory.mktemp("heads")))
