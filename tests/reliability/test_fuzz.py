"""Fuzzing with Hypothesis: whatever the input, only BilatlogError escapes, and nothing hangs."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bilatlog as bl
from bilatlog._codec import Codec
from bilatlog.backends import JsonlBackend
from bilatlog.io import import_gdelt, import_icews, import_plover, import_polecat
from bilatlog.testing import FakeClock

edtf_like = st.text(alphabet="0123456789-/.X?~%[]{},.uY +:", max_size=30)


@given(st.one_of(st.text(max_size=40), edtf_like))
def test_when_parse_only_raises_validation_errors(text):
    """When.parse on any text: a When, or a ValidationError."""
    try:
        w = bl.When.parse(text)
    except bl.ValidationError:
        return
    assert bl.When.parse(w.edtf) == w


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.sampled_from(["v", "position", "recorded_at", "kind", "record", "prev",
                                        "hash", "x"]), json_values))  # fmt: skip
def test_codec_only_raises_bilatlog_errors(env):
    """Decoding any envelope-shaped JSON: a record, or an IntegrityError."""
    with contextlib.suppress(bl.BilatlogError):
        Codec().open_envelope(env)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_jsonl_reader_only_raises_bilatlog_errors(data):
    """Reading any bytes as a JSONL log: records, or an IntegrityError (never a crash)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "log.jsonl"
        path.write_bytes(data)
        b = JsonlBackend(path)
        with contextlib.suppress(bl.BilatlogError):
            list(b.read())
        report = b.verify()
        assert isinstance(report.ok, bool)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["icews", "polecat", "gdelt", "plover"]),
    st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80), max_size=5),
    st.booleans(),
)
def test_importers_only_raise_bilatlog_errors(kind, lines, strict):
    """Importing any text: a report (bad rows counted), or, strict, a ValidationError."""
    importer = {"icews": import_icews, "polecat": import_polecat, "gdelt": import_gdelt,
                "plover": import_plover}[kind]  # fmt: skip
    header = {"icews": "Event ID\tEvent Date\tSource Country", "polecat": "Event ID\tEvent Date"}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "rows"
        body = "\n".join(lines)
        path.write_text((header.get(kind, "") + "\n" if kind in header else "") + body,
                        encoding="utf-8")  # fmt: skip
        tl = bl.open(clock=FakeClock())
        try:
            report = importer(tl, path, strict=strict, progress=False)
        except bl.BilatlogError:
            return
        assert report.imported + len(report.bad) + report.filtered + report.skipped <= report.read
        assert json.dumps(report.summary())


@pytest.mark.parametrize(
    "data", [b"[", b"[{", b'[{"event": "ACCUSE"}', b"[" * 100_000, b"  [\xff", b"[1] [2]"]
)
def test_plover_truncated_or_deep_array_is_a_validation_error(tmp_path, data):
    """A PLOVER file that starts an array it never finishes names the file, and writes nothing."""
    path = tmp_path / "plover.json"
    path.write_bytes(data)
    tl = bl.open(clock=FakeClock())
    with pytest.raises(bl.ValidationError, match="JSON array") as caught:
        import_plover(tl, path, progress=False)
    assert caught.value.field == "file"
    assert tl.position == 0
