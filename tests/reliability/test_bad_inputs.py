"""The bad-input corpus: every case is refused with a typed error that names it, and a fix.

The cases live as data in bad_inputs.json (written by
scripts/make_bad_input_corpus.py). Each runs against a JSONL store that already
holds events, a correction and a retraction; afterwards the store's files are
byte for byte what they were.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

import bilatlog as bl
from bilatlog._codec import hash_envelope
from bilatlog.backends import JsonlBackend
from bilatlog.io import import_gdelt, import_icews, import_plover, import_polecat
from bilatlog.testing import FakeClock

CORPUS = json.loads((Path(__file__).with_name("bad_inputs.json")).read_text(encoding="utf-8"))
ICEWS_ROWS = (
    (Path(__file__).parent.parent / "data" / "icews_sample.tab")
    .read_text(encoding="utf-8")
    .splitlines()
)


def test_the_corpus_is_large_and_varied():
    """At least 200 cases, of every kind the issue names."""
    assert len(CORPUS) >= 200
    kinds = {c["kind"] for c in CORPUS}
    assert {"event", "source", "correct", "retract", "jsonl", "icews", "plover"} <= kinds


def decode(value: Any) -> Any:
    """Turn the corpus's markers into the Python values JSON cannot hold."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        makers = {
            "$nan": lambda a: float("nan"),
            "$inf": lambda a: float("inf") * a,
            "$intkey": lambda a: {a: "x"},
            "$deep": _deep,
            "$bigstring": lambda a: "x" * a,
            "$int": int,
            "$bytes": str.encode,
            "$set": set,
            "$object": lambda a: object(),
            "$naive": dt.datetime.fromisoformat,
            "$months": lambda a: relativedelta(months=a),
        }
        if key in makers:
            return makers[key](arg)
    return {k: decode(v) for k, v in value.items()}


def _deep(n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cur = out
    for _ in range(n):
        cur["x"] = {}
        cur = cur["x"]
    return out


@pytest.fixture
def store(tmp_path):
    """A JSONL store with events, a correction (fix-1) and a retracted event (gone)."""
    path = tmp_path / "store" / "log.jsonl"
    path.parent.mkdir()
    tl = bl.open(path, clock=FakeClock())
    tl.record("operations.suspended", on="2020-10", track="dea-operations", status="suspended",
              id="e1")  # fmt: skip
    tl.record("talks.held", on="2021", id="gone")
    tl.correct("e1", reason="exact day", on="2020-10-15", id="fix-1")
    tl.retract("gone", reason="duplicate")
    return tl, path.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def apply(tl: bl.Timeline, case: dict[str, Any], tmp: Path) -> None:
    kind, raw = case["kind"], case["input"]
    arg = decode(raw)
    if kind == "event":
        fields = {"type": "talks.held", "on": "2021", **arg}
        tl.record(fields.pop("type"), **fields)
    elif kind == "source":
        tl.record("talks.held", on="2021", sources=[arg])
    elif kind == "sources":
        tl.record("talks.held", on="2021", sources=arg)
    elif kind == "correct":
        tl.correct(arg["target"], reason=arg.get("reason", "r"), changes=arg["changes"])
    elif kind == "retract":
        tl.retract(arg["target"], reason=arg.get("reason", "r"))
    elif kind == "append":
        tl.append([bl.Event(**e) for e in arg])
    elif kind == "state_at":
        tl.state_at(arg.get("at", "2021"), known_at=arg.get("known_at"))
    elif kind == "replay":
        list(tl.replay("2020", "2021", every=arg["every"]))
    elif kind == "history":
        tl.history(arg["track"])
    elif kind == "events":
        list(tl.events(**arg))
    elif kind == "open":
        bl.open(arg)
    elif kind == "append-raw":
        tl.append(arg)
    elif kind == "open-readonly":
        bl.open(_special_path(tmp, arg), readonly=True)
    elif kind == "plover" and isinstance(raw, dict) and "$deep" in raw:
        path = tmp / "deep.json"
        path.write_text("[" * raw["$deep"], encoding="utf-8")
        import_plover(tl, path, strict=True)
    elif kind == "jsonl":
        damaged = tmp / "damaged.jsonl"
        damage(damaged, raw)
        before = damaged.read_bytes()
        try:
            JsonlBackend(damaged).head  # noqa: B018 - reading is what fails
        finally:
            assert damaged.read_bytes() == before
        raise AssertionError("unreachable")
    else:
        import_row(tl, kind, arg, tmp)


def _special_path(tmp: Path, name: str) -> Path:
    """A path for the open cases: a near miss of a real store, a directory or a FIFO."""
    for real in ("relations.jsonl", "relations.db"):
        if not (tmp / real).exists():
            bl.open(tmp / real).record("talks.held", on="2021")
    if name.startswith("$dir"):
        (tmp / name[1:]).mkdir()
        return tmp / name[1:]
    if name.startswith("$fifo"):
        os.mkfifo(tmp / name[1:])
        return tmp / name[1:]
    return tmp / name


def damage(path: Path, how: str) -> None:
    """A 6-line log (3 batches of 2), damaged at line 3 (or as `how` says)."""
    b = JsonlBackend(path, clock=FakeClock())
    for k in range(3):
        b.append([bl.Event(id=f"b{k}-{i}", type="talks.held", on="2020") for i in range(2)])
    lines = path.read_bytes().splitlines(keepends=True)
    env = json.loads(lines[2])
    if how in _WHOLE_FILE:
        _WHOLE_FILE[how](path, lines)
        return

    def rewrite(env: dict[str, Any], *, rehash: bool) -> bytes:
        if rehash:
            env["hash"] = hash_envelope(env)
        return (json.dumps(env) + "\n").encode()

    if how == "corrupt-line-3":
        lines[2] = b'{"v": 1, "position": 3, garbage\n'
    elif how == "invalid-utf8-line-3":
        lines[2] = lines[2].replace(b"b1-0", b"b1-\xff")
    elif how == "truncated-line-3":
        lines[2] = lines[2][: len(lines[2]) // 2] + b"\n"
    elif how == "duplicate-line-3":
        lines.insert(3, lines[2])
    elif how == "missing-line-3":
        del lines[2]
    elif how == "future-version-line-3":
        lines[2] = rewrite({**env, "v": 99}, rehash=True)
    elif how == "unchained-line-3":
        lines[2] = rewrite({**env, "prev": "0" * 64}, rehash=True)
    elif how == "swapped-lines-3-4":
        lines[2], lines[3] = lines[3], lines[2]
    elif how == "not-object-line-3":
        lines[2] = b"[1, 2]\n"
    elif how == "changed-summary-line-3":
        lines[2] = rewrite({**env, "record": {**env["record"], "summary": "x"}}, rehash=False)
    elif how == "extra-field-line-3":
        lines[2] = rewrite({**env, "x": 1}, rehash=False)
    elif how == "bad-batch-marker-line-3":
        lines[2] = rewrite({**env, "batch": 1}, rehash=False)
    elif how == "changed-recorded-at-line-3":
        lines[2] = rewrite({**env, "recorded_at": "2030-01-01T00:00:00.000000Z"}, rehash=False)
    elif how == "renumbered-line-3":
        lines[2] = rewrite({**env, "position": 33}, rehash=True)
    elif how == "damaged-final-line-6":
        lines[5] = lines[5][:-30] + b"\n"  # a newline: written whole, so not a torn tail
    elif how == "deep-nesting-line-3":
        deep: Any = 1
        for _ in range(200):  # far past the limit of 32, within what the test can hash
            deep = [deep]
        lines[2] = rewrite({**env, "record": {**env["record"], "data": {"d": deep}}}, rehash=True)
    elif how == "javascript-url-line-3":
        source = {"outlet": "o", "url": "javascript:alert(document.cookie)"}
        lines[2] = rewrite({**env, "record": {**env["record"], "sources": [source]}}, rehash=True)
    else:  # pragma: no cover - a corpus typo
        raise AssertionError(how)
    path.write_bytes(b"".join(lines))


def _other_format(path: Path, _lines: list[bytes]) -> None:
    path.write_bytes(b"id,type,on\n1,talks.held,2020\n")


def _unfinished(path: Path, lines: list[bytes]) -> None:
    # the last batch's markers edited to name a later position: it looks unfinished
    path.write_bytes(
        b"".join([*lines[:4], *(x.replace(b'"batch":6', b'"batch":7') for x in lines[4:])])
    )


def _older_copy(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines[:4]))  # an intact, older copy (a checkout, an editor's save)


def _forked(path: Path, _lines: list[bytes]) -> None:
    twin = path.with_name("twin.jsonl")
    b = JsonlBackend(twin, clock=FakeClock())
    for k in range(3):
        b.append([bl.Event(id=f"f{k}-{i}", type="talks.held", on="2020") for i in range(2)])
    path.write_bytes(twin.read_bytes())
    twin.unlink()


def _wiped(path: Path, _lines: list[bytes]) -> None:
    path.write_bytes(b"")


def _truncated(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines[:5]))  # the acknowledged last batch lost its last line


_WHOLE_FILE = {
    "other-format-csv": _other_format,
    "unfinished-last-batch": _unfinished,
    "older-copy": _older_copy,
    "forked": _forked,
    "wiped": _wiped,
    "truncated-last-line": _truncated,
}


ICEWS_HEADER = ICEWS_ROWS[0].split("\t")
ICEWS_ROW = dict(zip(ICEWS_HEADER, ICEWS_ROWS[9].split("\t"), strict=True))
POLECAT_HEADER = ["Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code",
                  "Contexts", "Actor Name", "Actor Country", "Actor COW", "Recipient Name",
                  "Recipient Country", "Recipient COW", "Source", "Publication Date"]  # fmt: skip
POLECAT_VALUES = ["p1", "2022-01-31", "AGREE", "", "6", "1", "", "US", "USA", "2", "MX", "MEX",
                  "70", "Reuters", "2022-02-01"]  # fmt: skip
POLECAT_ROW = dict(zip(POLECAT_HEADER, POLECAT_VALUES, strict=True))


def gdelt_fields() -> list[str]:
    f = [""] * 61
    f[0], f[1], f[5], f[7], f[15], f[17] = "1", "20211008", "USAGOV", "USA", "MEXGOV", "MEX"
    f[26], f[30], f[60] = "057", "8.0", "https://example.org/x"
    return f


def import_row(tl: bl.Timeline, kind: str, change: dict[str, Any], tmp: Path) -> None:
    path = tmp / f"rows.{kind}"
    if kind == "icews":
        fields = [{**ICEWS_ROW, **change}.get(h, "") for h in ICEWS_HEADER]
        if "$columns" in change:
            fields = fields[: change["$columns"]]
        path.write_text("\t".join(ICEWS_HEADER) + "\n" + "\t".join(fields) + "\n", encoding="utf-8")
        import_icews(tl, path, strict=True)
    elif kind == "polecat":
        row = {**POLECAT_ROW, **change}
        header = [h for h in POLECAT_HEADER if h != change.get("$drop")]
        path.write_text("\t".join(header) + "\n" + "\t".join(row[h] for h in header)
                        + "\n", encoding="utf-8")  # fmt: skip
        import_polecat(tl, path, strict=True)
    elif kind == "gdelt":
        f = gdelt_fields()
        for k, v in change.items():
            if k != "$columns":
                f[int(k)] = v
        if "$columns" in change:
            f = f[: change["$columns"]]
        path.write_text("\t".join(f) + "\n", encoding="utf-8")
        import_gdelt(tl, path, strict=True)
    else:
        record = {"id": "p1", "date": "2021-10-08", "event": "AGREE",
                  "actor": [{"code": "USA"}], "recipient": [{"code": "MEX"}], **change}  # fmt: skip
        text = "[1]" if "$not_object" in change else json.dumps(record)
        path.write_text(text + "\n", encoding="utf-8")
        import_plover(tl, path, strict=True)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_bad_input_is_refused_cleanly(case, store, tmp_path):
    """A typed BilatlogError naming the field or line, with a fix; the store unchanged."""
    tl, folder = store
    before = snapshot(folder)
    with pytest.raises(bl.BilatlogError) as info:
        apply(tl, case, tmp_path)
    error = info.value
    assert type(error).__name__ == case["error"], repr(error)
    message = str(error)
    assert case["mentions"] in message, message
    assert "Fix:" in message, message
    assert "\n" not in message.strip()
    assert snapshot(folder) == before
    assert tl.verify().ok
