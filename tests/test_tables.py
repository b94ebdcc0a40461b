"""Plain-text tables and CLI output: escaped, aligned, fitted to a width."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bilatlog._tables import escape, plural, render
from bilatlog.cli import _emit

EVIL = "fine\nTRACK  STATUS  faked\x1b[2J\x1b]0;title\x07\r\u2028\u202eevil\x9b31m\tend"


def test_escape_shows_controls_as_text():
    """Newlines, ESC, BEL, C1 CSI, line separators and bidi overrides print as escapes."""
    out = escape(EVIL)
    assert out == (
        "fine\\nTRACK  STATUS  faked\\x1b[2J\\x1b]0;title\\x07\\r\\u2028\\u202eevil\\x9b31m\\tend"
    )
    assert escape("Mérida — 2021 …") == "Mérida — 2021 …"  # ordinary text is untouched


def test_a_field_cannot_fake_a_row_or_send_codes_in_a_table():
    """A table has one line per row whatever the fields hold, and no control characters."""
    table = render([{"track": "a", "summary": EVIL}, {"track": "b", "summary": "ok"}])
    lines = table.splitlines()
    assert len(lines) == 3
    assert not any(ch in table for ch in "\x1b\x07\r\x9b\u2028\u202e\t")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_every_output_format_is_escaped(fmt):
    """JSON and CSV keep the data readable by machines, without terminal control codes."""
    out = io.StringIO()
    _emit([{"summary": EVIL, "n": 1}], fmt, out)
    text = out.getvalue()
    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\u202e" not in text
    if fmt == "json":
        assert json.loads(text)[0]["summary"].startswith("fine\nTRACK")  # newline kept as data
        assert json.loads(text)[0]["summary"].count("\u202e") == 1  # as an escape in the text
    if fmt == "csv":
        [row] = list(csv.DictReader(io.StringIO(text)))
        assert row["summary"].startswith("fine\nTRACK")  # quoted by csv, one record
        assert "\\x1b[2J" in row["summary"]


def test_render_fits_a_width_cutting_free_text_first():
    """With a width, summaries are cut before names, and every line fits."""
    rows = [{"track": "dea-operations", "status": "suspended", "summary": "x" * 200}]
    table = render(rows, width=50)
    assert all(len(line) <= 50 for line in table.splitlines())
    assert "dea-operations  suspended" in table
    assert table.splitlines()[1].endswith("…")
    assert render(rows).splitlines()[1].endswith("x" * 200)  # no width: in full


def test_plural():
    """1 event, 2 events, 0 events."""
    assert [plural(n, "event") for n in (0, 1, 2)] == ["0 events", "1 event", "2 events"]
