"""Write tests/reliability/bad_inputs.json: the corpus of inputs bilatlog must refuse cleanly.

Each case: {"id", "kind", "input", "error", "mentions"}. `kind` says how the test
applies `input` (an event field, a source, a correction, a query argument, a
damaged JSONL file, an importer row); `error` is the BilatlogError class
expected; `mentions` is text the message must contain (the field or line).
Values JSON cannot hold are written as markers: {"$nan": 1}, {"$inf": 1},
{"$intkey": 1}, {"$deep": 40}, {"$bigstring": 1000001}, {"$int": "..."},
{"$bytes": "x"}, {"$set": [1]}, {"$object": 1}.

Usage: python scripts/make_bad_input_corpus.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from date_table import INVALID  # noqa: E402

cases: list[dict[str, object]] = []


def add(kind: str, input_: object, error: str, mentions: str) -> None:
    cases.append({"id": f"{kind}-{len(cases):03d}", "kind": kind, "input": input_,
                  "error": error, "mentions": mentions})  # fmt: skip


# dates, as an event's `on`
for text, _words in INVALID:
    add("event", {"on": text}, "ValidationError", "on=")
for text in ["2021-10-08?~", "+2021", "2021-10-08T", "10/08/2021", "2021\u201010\u201008",
             "2021-10-08\u0000", "99999", "-0001", "2021-W40", "2021-10-08/2021-10-08/x",
             "[2021..2020]", "{2021,2022}", "2021-10-08 12:00", "c. 2021", "2021s", "mid-2021",
             "2021-10-32", "2021-11-31", "1900-02-29", "0000-00-00"]:  # fmt: skip
    add("event", {"on": text}, "ValidationError", "on=")
add("event", {"on": None}, "ValidationError", "on=")
add("event", {"on": 2021}, "ValidationError", "on=")
# types
for t in ["Operations.suspended", "operations", "operations.", ".suspended", "operations..x",
          "operations.Suspended", "operations suspended", "operations/suspended", "opérations.x",
          "1operations.x", "operations.x!", "", "  ", "a." + "b" * 300, "operations.sus pended"]:  # fmt: skip
    add("event", {"type": t}, "ValidationError", "type=")
add("event", {"type": None}, "ValidationError", "type=")
add("event", {"type": ["a.b"]}, "ValidationError", "type=")
# tracks and statuses
for t in ["DEA-operations", "dea operations", "dea--ops", "-dea", "dea-", "dea.ops", "déa", "",
          "a" * 300, "dea/ops"]:  # fmt: skip
    add("event", {"track": t}, "ValidationError", "track=")
for st in ["Suspended", "sus pended", "", "suspended!", "-x"]:
    add("event", {"track": "dea-operations", "status": st}, "ValidationError", "status=")
add("event", {"status": "suspended"}, "ValidationError", "status=")
# actors
for a in [["us"], ["U"], ["USAA"], ["US.dea"], ["US..DEA"], ["US.DEA."], [" US"], ["US", "US"],
          [""], [1], ["1US"], ["US-DEA"], ["ÜS"], ["US.DEA/NY"], ["US.(DEA)"]]:  # fmt: skip
    add("event", {"actors": a}, "ValidationError", "actors")
add("event", {"actors": "US"}, "ValidationError", "actors=")
add("event", {"actors": 5}, "ValidationError", "actors=")
# data
for d in [{"x": {"$nan": 1}}, {"x": {"$inf": 1}}, {"x": {"$inf": -1}}, {"$intkey": 1},
          {"x": {"$deep": 40}}, {"x": {"$bigstring": 1000001}}, {"x": {"$int": "18446744073709551616"}},
          {"x": {"$int": "-9223372036854775809"}}, {"x": {"$bytes": "abc"}}, {"x": {"$set": [1, 2]}},
          {"x": {"$object": 1}}, {"x": [1, {"$nan": 1}]}, {"x": {"y": {"$inf": 1}}},
          {"x": "broken \udc80"}, {"x": {"$deep": 100_000}}]:  # fmt: skip
    add("event", {"data": d}, "ValidationError", "data")
add("event", {"data": [1, 2]}, "ValidationError", "data=")
add("event", {"data": "text"}, "ValidationError", "data=")
# summaries and ids
add("event", {"summary": 5}, "ValidationError", "summary=")
add("event", {"summary": "x" * 10_001}, "ValidationError", "summary=")
add("event", {"summary": "bad \ud800"}, "ValidationError", "summary=")
for i in ["", "a b", "-start", "x" * 129, "id/with/slash", "ümlaut"]:
    add("event", {"id": i}, "ValidationError", "id=")
add("event", {"planned": "yes"}, "ValidationError", "planned=")
add("event", {"planned": True, "fulfils": "plan-1"}, "ValidationError", "fulfils=")
add("event", {"announced": "2021"}, "ValidationError", "announced=")
add("event", {"planned": True, "announced": "soon"}, "ValidationError", "announced=")
# sources
for s in [{}, {"outlet": ""}, {"url": "ftp://x.org"}, {"url": "www.example.org"},
          {"outlet": "x", "published": "soon"}, {"outlet": "x", "published": "2021-02-30"},
          {"outlet": "x", "author": "y"}, {"outlet": 5}, {"outlet": "x", "quote": 5},
          {"outlet": "x" * 501}, {"outlet": "x", "url": "https://a b"}]:  # fmt: skip
    add("source", s, "ValidationError", "source")
add("source", {"title": "A report", "quote": "we will cooperate"}, "ValidationError",
    "source.quote")  # fmt: skip
# control characters in one-line fields (they could fake a table row or send terminal codes)
for char in ["\x00", "\x1b[2J", "\n", "\r", "\x7f", "\x85", "\u2028"]:
    add("event", {"summary": f"fine{char}forged"}, "ValidationError", "summary=")
    add("source", {"outlet": f"Reuters{char}"}, "ValidationError", "source.outlet=")
    add("source", {"outlet": "o", "title": f"t{char}"}, "ValidationError", "source.title=")
    add("source", {"url": f"https://example.org/{char}x"}, "ValidationError", "source.url=")
for char in ["\x00", "\x1b]8;;https://evil\x07"]:
    add("source", {"outlet": "o", "quote": f"q{char}"}, "ValidationError", "source.quote=")
add("sources", "https://example.org", "ValidationError", "sources=")
add("sources", [5], "ValidationError", "sources[0]")
# corrections and retractions
add("correct", {"target": "nope", "changes": {"status": "x"}}, "ValidationError", "target=")
add("correct", {"target": "e1", "changes": {}}, "ValidationError", "changes=")
add("correct", {"target": "e1", "changes": {"position": 3}}, "ValidationError", "changes=")
add("correct", {"target": "e1", "changes": {"on": "2021-02-30"}}, "ValidationError", "on=")
add("correct", {"target": "e1", "changes": {"track": None}}, "ValidationError", "status=")
add(
    "correct",
    {"target": "e1", "changes": {"status": "x"}, "reason": " "},
    "ValidationError",
    "reason=",
)
add(
    "correct",
    {"target": "gone", "changes": {"status": "x"}},
    "ValidationError",
    "already retracted",
)
add("retract", {"target": "gone"}, "ValidationError", "already retracted")
add("retract", {"target": "nope"}, "ValidationError", "target=")
add("retract", {"target": "e1", "reason": ""}, "ValidationError", "reason=")
add(
    "correct",
    {"target": "fix-1", "changes": {"status": "x"}},
    "ValidationError",
    "cannot correct a correction",
)
add(
    "append",
    [{"type": "a.b", "on": "2020", "id": "e1", "summary": "other content"}],
    "IntegrityError",
    "e1",
)
add(
    "append",
    [{"type": "a.b", "on": "2020", "id": "dup"}, {"type": "a.b", "on": "2021", "id": "dup"}],
    "ValidationError",
    "id=",
)
add("append", [{"type": "a.b", "on": "2020", "fulfils": "e1"}], "ValidationError", "fulfils=")
# what is not a batch at all: tl.append(None), tl.append(5), ...
for batch in [None, 5, "event", {"type": "a.b", "on": "2020"}, {"$object": 1}]:
    add("append-raw", batch, "ValidationError", "events=")
# query arguments
for args in [{"at": "yesterday"}, {"at": "2021-02-30"}, {"at": ""}, {"known_at": "last week"},
             {"known_at": -1}, {"known_at": True}, {"known_at": "2021-13-01"},
             {"known_at": {"$naive": "2021-01-01T00:00:00"}}]:  # fmt: skip
    add("state_at", args, "ValidationError", next(iter(args)))
for every in ["fortnight", "", "years", {"$months": -1}]:
    add("replay", {"every": every}, "ValidationError", "every=")
for track in ["Not A Track", "", "dea operations"]:
    add("history", {"track": track}, "ValidationError", "track=")
for between in ["2020", ["2020"], ["2020", "2021", "2022"], ["soon", "2021"]]:
    add("events", {"between": between}, "ValidationError", "between")
add("events", {"type": "Operations; DROP"}, "ValidationError", "type=")
add("open", "relations.txt", "ValidationError", "target=")
add("open", "relations", "ValidationError", "target=")
add("open", {"$object": 1}, "ValidationError", "target=")
add("open", "sqlite:///", "ValidationError", "target=")
add("open", "sqlite://", "ValidationError", "target=")
add("open-readonly", "relatoins.jsonl", "StorageError", "did you mean")
add("open-readonly", "relatoins.db", "StorageError", "did you mean")
add("open-readonly", "$dir.jsonl", "StorageError", "a directory")
add("open-readonly", "$fifo.db", "StorageError", "a FIFO")
# damaged JSONL files (line numbers of a 6-line file of 3 batches of 2)
for damage, mention in [("corrupt-line-3", "line 3"), ("invalid-utf8-line-3", "line 3"),
                        ("truncated-line-3", "line 3"), ("duplicate-line-3", "line 4"),
                        ("missing-line-3", "line 3"), ("future-version-line-3", "line 3"),
                        ("unchained-line-3", "line 3"), ("swapped-lines-3-4", "line 3"),
                        ("not-object-line-3", "line 3"), ("changed-summary-line-3", "line 3"),
                        ("extra-field-line-3", "line 3"), ("bad-batch-marker-line-3", "line 3"),
                        ("changed-recorded-at-line-3", "line 3"), ("renumbered-line-3", "line 3"),
                        ("damaged-final-line-6", "line 6"), ("other-format-csv", "line 1"),
                        ("deep-nesting-line-3", "line 3"), ("javascript-url-line-3", "line 3"),
                        ("unfinished-last-batch", "position 5"), ("older-copy", "position 5"),
                        ("forked", "position 6"), ("wiped", "position 1"),
                        ("truncated-last-line", "position 6")]:  # fmt: skip
    add("jsonl", damage, "IntegrityError", mention)
# importer rows (strict mode: the first bad row raises, naming its line)
for fmt, row, mention in [
    ("icews", {"Event Date": "2018-02-30"}, "line 2"), ("icews", {"CAMEO Code": "XYZ"}, "line 2"),
    ("icews", {"Source Country": "Atlantis"}, "line 2"), ("icews", {"Intensity": "high"}, "line 2"),
    ("icews", {"$columns": 5}, "line 2"), ("icews", {"CAMEO Code": "9999"}, "line 2"),
    ("icews", {"Intensity": "nan"}, "line 2"),
    ("plover", {"event": "PARTY"}, "line 1"), ("plover", {"date": "2021-13-01"}, "line 1"),
    ("plover", {"event": None}, "line 1"), ("plover", {"$not_object": 1}, "line 1"),
    ("gdelt", {"$columns": 60}, "line 1"), ("gdelt", {"1": "20211399"}, "line 1"),
    ("gdelt", {"26": "XYZ"}, "line 1"), ("polecat", {"Event Type": "PARTY"}, "line 2"),
    ("polecat", {"Event Date": "yesterday"}, "line 2"),
    ("icews", {"Event Text": {"$bigstring": 140_000}}, "line 2"),
    ("polecat", {"$drop": "Event Date"}, "line 1"), ("polecat", {"$drop": "Event Type"}, "line 1"),
    ("plover", {"cite_info": "Reuters, 8 October"}, "line 1"),
    ("plover", {"cite_info": ["Reuters", "https://x.org"]}, "line 1"),
    ("plover", {"cite_info": 5}, "line 1"),
    ("plover", {"$deep": 100_000}, "file="),
]:  # fmt: skip
    add(fmt, row, "ValidationError", mention)

out = ROOT / "tests" / "reliability" / "bad_inputs.json"
out.write_text(json.dumps(cases, indent=1) + "\n", encoding="utf-8")  # ASCII: surrogates too
print(f"wrote {out}: {len(cases)} cases")
