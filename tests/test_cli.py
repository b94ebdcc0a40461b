"""The `bilatlog` command: every command runs, bad input is one clear line, docs cover all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bilatlog.cli import COMMANDS, build_parser, main

DOCS = Path(__file__).parent.parent / "docs"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_state_table_shows_truth(capsys):
    """The main job: the state on a date, with certain/possible visible."""
    code, out, _ = run(capsys, "state", "--at", "2021-06-01")
    assert code == 0
    for track in ("merida-initiative", "dea-operations", "federal-police", "national-guard"):
        assert track in out
    assert " certain " in out
    assert "CERTAIN" not in out  # one style: the truth words, as in JSON and the API
    code, out, _ = run(capsys, "state", "--at", "2020-10", "--format", "json")
    rows = json.loads(out)
    assert {r["truth"] for r in rows} <= {"certain", "possible", "expected"}


@pytest.mark.parametrize(
    "args",
    [
        ["history", "merida-initiative"],
        ["diff", "2018-01-01", "2021-12-31"],
        ["explain", "dea-operations", "--at", "2021-06-01"],
        ["events", "--type", "visas.*", "--between", "2020/2022"],
        ["log", "--format", "csv"],
        ["log", "--kind", "correction"],
        ["plans", "--at", "2022-06-01"],
        ["replay", "--from", "2019", "--to", "2022", "--track", "merida-initiative"],
        ["--format", "csv", "state", "--at", "2021-12-31", "--known-at", "2021-10-15", "--metrics"],
        ["verify"],
        ["when", "[2020-09..2020-12]"],
    ],
)
def test_read_commands(capsys, args):
    """Each read command answers from the bundled example, in the format asked for."""
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert out.strip()
    if "csv" in args:  # before or after the command
        assert "," in out.splitlines()[0]
        assert "  " not in out.splitlines()[0]


def test_write_commands_need_a_store_and_write_to_it(capsys, tmp_path):
    """record, correct, retract, import and export work on a store of your own."""
    store = str(tmp_path / "mine.jsonl")
    code, _, err = run(capsys, "record", "talks.held", "--on", "2021-10-08")
    assert code == 2
    assert "read only" in err
    code, out, err = run(
        capsys, "--store", store, "--format", "json", "record", "talks.held", "--on", "2021-10",
        "--track", "security-dialogue", "--status", "active", "--actor", "US", "--actor", "MX",
        "--source-outlet", "Reuters", "--source-url", "https://www.reuters.com/x",
    )  # fmt: skip
    assert code == 0, err
    event_id = json.loads(out)[0]["id"]
    assert run(capsys, "--store", store, "correct", event_id, "--reason", "exact day",
               "--set", "on=2021-10-08")[0] == 0  # fmt: skip
    assert run(capsys, "--store", store, "retract", event_id, "--reason", "duplicate")[0] == 0
    code, out, _ = run(capsys, "--store", store, "log")
    assert out.count("\n") == 4  # header + event + correction + retraction
    code, out, _ = run(capsys, "--store", store, "--format", "json", "events")
    assert json.loads(out) == []  # as known: the event is retracted
    export = tmp_path / "copy.jsonl"
    assert run(capsys, "--store", store, "export", "bilatlog", "--to", str(export))[0] == 0
    other = str(tmp_path / "other.db")
    args = ("--store", other, "--format", "json", "import", "bilatlog", str(export))
    code, out, _ = run(capsys, *args)
    assert json.loads(out) == [{"read": 3, "added": 3}]
    code, out, _ = run(capsys, *args)
    assert json.loads(out) == [{"read": 3, "added": 0}]  # idempotent
    mirror = str(tmp_path / "mirror.db")
    code, out, _ = run(capsys, "--store", mirror, "--format", "json", "copy", store)
    assert json.loads(out) == [{"copied": 3, "position": 3, "same_head_hash": True, "ok": True}]
    for fmt in ("csv", "jsonl", "timelinejs", "plover"):
        assert run(capsys, "export", fmt, "--to", str(tmp_path / f"us-mx.{fmt}"))[0] == 0
    assert (tmp_path / "us-mx.csv").read_text(encoding="utf-8").startswith("id,type,edtf,")
    icews = str(Path(__file__).parent / "data" / "icews_sample.tab")
    coded = str(tmp_path / "coded.db")
    code, out, err = run(
        capsys, "--store", coded, "--format", "json", "import", "icews", icews, "--between", "US,MX"
    )
    assert json.loads(out)[0]["imported"] == 6
    assert "6 imported" in err


@pytest.mark.parametrize(
    "args",
    [
        ["state", "--at", "yesterday"],
        ["state", "--at", "2021-02-29"],
        ["state", "--at", "2021", "--known-at", "last week"],
        ["history", "Not A Track"],
        ["replay", "--from", "2020", "--to", "2021", "--every", "fortnight"],
        ["state"],
        ["nonsense"],
        ["--store", "relations.txt", "state", "--at", "2021"],
        ["--store", "postgresql://me@localhost/x", "state", "--at", "2021"],
        ["--store", "{tmp}/x.db", "import", "icews", "/nonexistent.tab"],
        ["--store", "{tmp}/x.db", "import", "icews", "README.md", "--strict"],
    ],
)
def test_bad_input_is_one_clear_line(args, tmp_path):
    """Bad input exits non-zero with one line on stderr, no traceback."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "bilatlog.cli", *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bilatlog")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name, capsys):
    """--help on every command shows an example."""
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([name, "--help"])
    assert info.value.code == 0
    assert "Example: bilatlog" in capsys.readouterr().out


def test_every_command_is_documented():
    """docs/reference/cli.md is generated from the parser and up to date."""
    from gen_cli_docs import render  # noqa: PLC0415 - the generator lives in scripts/

    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert page == render(), "run: python scripts/gen_cli_docs.py"
    for name in COMMANDS:
        assert f"## `bilatlog {name}`" in page


def test_str_of_answers_are_the_cli_tables(capsys):
    """str() of a state, history, diff or explanation is what the CLI prints (to a pipe)."""
    import bilatlog as bl  # noqa: PLC0415

    tl = bl.examples.us_mexico()
    code, out, _ = run(capsys, "state", "--at", "2021-06-01")
    assert code == 0
    assert out == str(tl.state_at("2021-06-01"))
    code, out, _ = run(capsys, "history", "dea-operations")
    assert out == str(tl.history("dea-operations"))
    code, out, _ = run(capsys, "diff", "2018-01-01", "2021-12-31")
    assert out == str(tl.diff("2018-01-01", "2021-12-31"))
    code, out, _ = run(capsys, "explain", "dea-operations", "--at", "2021-06-01")
    assert out == str(tl.explain("dea-operations", "2021-06-01"))


def test_diff_shows_a_change_of_truth(capsys):
    """A track that goes from possible to certain is a change, and says so; "1 event"."""
    import bilatlog as bl  # noqa: PLC0415

    _code, out, _ = run(capsys, "--format", "json", "diff", "2021-01-15", "2021-06-01")
    rows = {r["track"]: r for r in json.loads(out)}
    dea = rows["dea-operations"]
    assert (dea["before"], dea["after"], dea["change"]) == (
        "suspended (possible)", "suspended (certain)", "truth",
    )  # fmt: skip
    assert dea["events"] == "1 event"
    [change] = [
        c for c in bl.examples.us_mexico().diff("2021-01-15", "2021-06-01")
        if c.track == "dea-operations"
    ]  # fmt: skip
    assert repr(change) == (
        "<Change dea-operations: suspended (possible) -> suspended (certain) (1 event)>"
    )


def test_tables_fit_the_terminal_unless_wide(capsys, monkeypatch):
    """On a terminal, every line fits COLUMNS (cut with …); --wide prints in full."""
    monkeypatch.setattr("bilatlog.cli._is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, "events")
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "…" in out
    assert lines[0].split() == [
        "POSITION", "ID", "KIND", "ON", "TYPE", "TRACK", "STATUS", "SUMMARY", "REVISED", "SOURCES",
    ]  # fmt: skip
    code, wide, _ = run(capsys, "events", "--wide")
    assert "…" not in wide
    assert max(len(line) for line in wide.splitlines()) > 100
    assert len(wide.splitlines()) == len(lines)  # the same rows, uncut
    monkeypatch.setenv("COLUMNS", "60")  # narrower than the headers: they give way too
    code, out, _ = run(capsys, "events")
    assert max(len(line) for line in out.splitlines()) <= 60


def test_piping_into_head_exits_quietly(tmp_path):
    """`bilatlog events | head -1`: one line, no BrokenPipeError, exit 0."""
    script = f"{sys.executable} -m bilatlog.cli events | head -1; echo ${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert proc.stdout.startswith("POSITION")
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr.strip() == "0"
    # head may read the whole table before it leaves (it fits a pipe's buffer), so
    # the broken pipe itself is tried with a reader that is gone before the first write
    script = f"{sys.executable} -m bilatlog.cli events | true; echo ${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert proc.stderr.strip() == "0"


@pytest.mark.parametrize(
    ("start", "end", "step_days"),
    [("2021-01-01", "2021-01-20", 1), ("2021-01", "2021-03", 7), ("2019", "2021", 31),
     ("2006", "2022", 365)],
)  # fmt: skip
def test_replay_without_every_picks_a_step_that_fits(capsys, start, end, step_days):
    """replay --from/--to without --every: days, weeks, months or years, by the span."""
    code, out, _ = run(capsys, "--format", "json", "replay", "--from", start, "--to", end,
                       "--track", "merida-initiative")  # fmt: skip
    assert code == 0
    days = sorted({r["date"] for r in json.loads(out)})
    assert 2 <= len(days) <= 62
    import datetime as dt  # noqa: PLC0415

    gap = (dt.date.fromisoformat(days[1]) - dt.date.fromisoformat(days[0])).days
    assert abs(gap - step_days) <= 3


@pytest.mark.parametrize(
    ("args", "expected", "unwanted"),
    [
        (["state", "--at", "2021", "--known-at", "2021-10-15T10:00"], "--known-at",
         "known_at="),
        (["state", "--at", "last week"], "--at 'last week'", "at="),
        (["events", "--actor", "us"], "--actor us: expected an actor code", "actor="),
        (["history", "Bad Track"],
         "TRACK 'Bad Track': expected a track slug. Fix: pass e.g. 'dea-operations'.", "track="),
        (["explain", "Bad Track", "--at", "2021"],
         "TRACK 'Bad Track': expected a track slug. Fix: pass e.g. 'dea-operations'.", "track="),
        (["events", "--track", "Bad Track"],
         "--track 'Bad Track': expected a track slug. Fix: pass e.g. --track dea-operations.",
         "track="),
        (["--store", "{tmp}/s.jsonl", "correct", "e1", "--reason", "x", "--set", "status=active"],
         "Fix: add --set track=..., e.g. --set track=dea-operations.", "track='"),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021", "--status", "active"],
         "Fix: add --track ..., e.g. --track dea-operations.", "track='"),
        (["history", "dea-operation"],
         "no track 'dea-operation'; did you mean 'dea-operations'?", "KeyError"),
        (["--store", "relations.txt", "state", "--at", "2021"], "--store", "Backend instance"),
        (["record", "talks.held", "--on", "2021"], "--store (none)", "None"),
        (["--store", "{tmp}/s.jsonl", "correct", "nope", "--reason", "x", "--set", "on=2021"],
         ("EVENT_ID nope: cannot correct an event that is not in the store. Fix: check the id "
          "with bilatlog events or bilatlog log"), "--store"),
        (["--store", "{tmp}/s.jsonl", "retract", "nope", "--reason", "x"],
         "EVENT_ID nope: cannot retract", "--store"),
        (["--store", "{tmp}/s.jsonl", "correct", "e1", "--reason", "x", "--set", "trakc=a"],
         "--set trakc: ", "'['"),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021", "--source-outlet", "X",
          "--source-published", "2020-13"], "--source-published 2020-13: month 13", "source."),
        (["replay", "--from", "2020", "--to", "2021-13"], "--to 2021-13: month 13", "on "),
        (["replay", "--from", "2020-00", "--to", "2021"], "--from 2020-00: month 00", "on "),
        (["when", "2021-02-29"], "TEXT 2021-02-29: 2021-02 has no day 29", "on "),
        (["--store", "{tmp}/s.jsonl", "correct", "e1", "--reason", "x", "--set", "track=Bad"],
         "--set track=Bad: expected a lower-case slug", "TRACK"),
        (["--store", "{tmp}/s.jsonl", "correct", "e1", "--reason", "x", "--set", "on=2021-13"],
         "--set on=2021-13: month 13", "error: on "),
        (["--store", "{tmp}/s.jsonl", "correct", "e1", "--reason", "x", "--set", "actors=US,mx"],
         "--set actors=mx: an actor is", "actors["),
        (["--store", "{tmp}/s.jsonl", "record", "A.b", "--on", "2021"],
         "TYPE A.b: an event type is", "--type"),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021", "--track", "Bad"],
         "--track Bad: expected", "TRACK"),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021-13"], "--on 2021-13: month",
         "error: on "),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021", "--actor", "us"],
         "--actor us: an actor is", "actors["),
        (["--store", "{tmp}/s.jsonl", "record", "a.b", "--on", "2021", "--source-url", "ftp://x"],
         "--source-url ftp://x: not an http(s) address", "source.url"),
        (["replay", "--from", "2022", "--to", "2006"], "--to 2006: the span ends (2006) before",
         "(nothing)"),
        (["events", "--between", "2022/2020"], "--between 2022/2020: the span ends", "(nothing)"),
    ],
)  # fmt: skip
def test_messages_speak_cli(capsys, tmp_path, args, expected, unwanted):
    """Errors name the flags, not Python arguments, and exit 2."""
    import bilatlog as bl  # noqa: PLC0415

    with bl.open(tmp_path / "s.jsonl") as tl:
        tl.record("a.b", on="2021", id="e1")
    args = [x.replace("{tmp}", str(tmp_path)) for x in args]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert expected in err
    assert unwanted not in err


def test_export_bilatlog_known_at_writes_the_log_as_known_then(capsys, tmp_path):
    """export bilatlog --known-at K: the log's first K records, verbatim (same hashes)."""
    import bilatlog as bl  # noqa: PLC0415

    target = tmp_path / "then.jsonl"
    code, out, err = run(capsys, "--format", "json", "export", "bilatlog", "--to", str(target),
                         "--known-at", "2021-10-15")  # fmt: skip
    assert code == 0, err
    source = bl.examples.us_mexico()
    k = source.resolve_known_at("2021-10-15")
    assert 0 < k < source.position
    assert json.loads(out)[0]["exported"] == k
    with bl.open(target) as then:
        assert then.position == k
        assert then.verify().ok
        assert [r.hash for r in then.log()] == [r.hash for r in source.log(known_at=k)]
        assert then.state_at("2021-12-31") == source.state_at("2021-12-31", known_at=k)


@pytest.mark.parametrize("command", [["record", "talks.held", "--on", "2021"],
                                     ["correct", "e1", "--reason", "r", "--set", "on=2021-10"],
                                     ["retract", "e1", "--reason", "r"]])  # fmt: skip
@pytest.mark.parametrize("flag", ["--source-published", "--source-quote"])
def test_a_source_flag_without_outlet_or_url_is_an_error(capsys, tmp_path, command, flag):
    """--source-published or --source-quote alone is refused, not dropped; nothing is written."""
    import bilatlog as bl  # noqa: PLC0415

    store = tmp_path / "s.jsonl"
    with bl.open(store) as tl:
        tl.record("a.b", on="2021", id="e1")
    code, out, err = run(capsys, "--store", str(store), *command, flag, "2021-10-01")
    assert code == 2
    assert out == ""
    assert f"{flag} 2021-10-01: a source needs an outlet or an address" in err
    with bl.open(store) as tl:
        assert tl.position == 1


@pytest.mark.parametrize(
    ("setting", "check"),
    [
        ("planned=false", lambda e: e.planned is False),
        ("planned=True", lambda e: e.planned is True),
        ('data={"metric": "mx.troops", "value": 5, "unit": "troops"}',
         lambda e: e.data["value"] == 5),
        ('sources=[{"outlet": "Reuters", "published": "2020"}]',
         lambda e: [s.outlet for s in e.sources] == ["Reuters"]),
    ],
)  # fmt: skip
def test_correct_sets_every_correctable_field(capsys, tmp_path, setting, check):
    """--set reaches planned (true/false), data and sources (JSON), as its error promises."""
    import bilatlog as bl  # noqa: PLC0415

    store = tmp_path / "s.jsonl"
    with bl.open(store) as tl:
        tl.record("talks.planned", on="2021", planned=True, id="p")
    code, _, err = run(capsys, "--store", str(store), "correct", "p", "--reason", "r",
                       "--set", setting)  # fmt: skip
    assert code == 0, err
    with bl.open(store) as tl:
        assert check(tl.events()[0].event)
    code, _, err = run(capsys, "--store", str(store), "correct", "p", "--reason", "r",
                       "--set", "data={not json")  # fmt: skip
    assert code == 2
    assert "--set 'data={not json': data is given as JSON" in err
