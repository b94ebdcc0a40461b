"""Where the PostgreSQL test server is (started by scripts/with-postgres)."""

from __future__ import annotations

import hashlib
import os

import pytest


def postgres_url(name: str) -> str:
    """A PostgreSQL URL with a schema of its own, from scripts/with-postgres; fails without it."""
    base = os.environ.get("BILATLOG_TEST_POSTGRES_URL")
    if not base:
        pytest.fail(
            "PostgreSQL tests need a server: run the tests through scripts/with-postgres "
            "(it starts a throwaway one), or set BILATLOG_TEST_POSTGRES_URL"
        )
    schema = "t_" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{base}?schema={schema}"
