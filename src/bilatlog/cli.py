"""The `bilatlog` command: a thin layer over `Timeline`, one subcommand per question.

Every subcommand reads `--store` (default: the bundled US-Mexico example, read
only) and prints a table (default), JSON or CSV. Bad input exits with status 2
and one line on standard error; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import bilatlog
from bilatlog import examples
from bilatlog._knowledge import known_position
from bilatlog._tables import (
    diff_rows,
    escape,
    event_rows,
    explain_rows,
    history_rows,
    log_rows,
    plural,
    render,
    state_rows,
)
from bilatlog.events import CORRECTABLE_FIELDS, Source
from bilatlog.exceptions import BilatlogError, ValidationError
from bilatlog.time import When, when_of
from bilatlog.timeline import Timeline

__all__ = ["COMMANDS", "build_parser", "main"]

Row = dict[str, Any]


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line, not usage plus a line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- output ------------------------------------------------------------------------------

# what JSON leaves raw but a terminal obeys: DEL, C1 controls (CSI), line separators, bidi
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CSV_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _emit(rows: list[Row], fmt: str, out: TextIO, *, width: int | None = None) -> None:
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2, default=str)
        out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
        return
    if not rows:
        out.write("(nothing)\n" if fmt == "table" else "")
        return
    if fmt == "csv":
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(
            {k: _CSV_UNSAFE.sub(lambda m: escape(m.group()), _csv_cell(v)) for k, v in r.items()}
            for r in rows
        )
        return
    out.write(render(rows, width=width))


def _csv_cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_csv_cell(v) for v in value)
    return str(value)


def _is_terminal() -> bool:
    return sys.stdout.isatty()


def _width(a: argparse.Namespace) -> int | None:
    """The terminal's width (COLUMNS, else the terminal's), when a table goes to one.

    None (tables in full) with --wide, or when the output is a file or a pipe.
    """
    if getattr(a, "wide", False) or getattr(a, "wide_first", False) or not _is_terminal():
        return None
    return shutil.get_terminal_size((100, 24)).columns


# -- commands ----------------------------------------------------------------------------


def _cmd_state(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return state_rows(tl.state_at(a.at, known_at=a.known_at), metrics=a.metrics)


def _cmd_history(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    periods = tl.history(a.track, known_at=a.known_at)
    return history_rows(periods, periods.plans)


def _cmd_diff(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return diff_rows(tl.diff(a.a, a.b, known_at=a.known_at))


def _cmd_explain(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return explain_rows(tl.explain(a.track, a.at, known_at=a.known_at))


def _between(text: str | None, flag: str = "--between") -> tuple[str, str] | None:
    if not text:
        return None
    start, sep, end = text.partition("/")
    if not sep:
        raise ValidationError(flag, text, "expected START/END.", f"e.g. {flag} 2019/2022.")
    return start, end


def _listing(a: argparse.Namespace) -> dict[str, Any]:
    """The filters `events` and `log` share (`listing` in `_add_arguments`), for Timeline."""
    return {
        "track": a.track,
        "type": a.type,
        "actor": a.actor,
        "between": _between(a.between),
        "known_at": a.known_at,
    }


def _cmd_events(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return event_rows(tl.events(**_listing(a)))


def _cmd_log(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    kinds = tuple(a.kind) if a.kind else ("event", "correction", "retraction")
    return log_rows(tl.log(**_listing(a), kinds=kinds))


def _cmd_plans(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return [
        {
            "track": f.plan.track,
            "plan": f.plan.status or f.plan.type,
            "due": f.plan.on.edtf,
            "fate": f.fate,
            "detail": f.describe(),
            "id": f.plan.id,
        }
        for f in tl.plans(at=a.at, track=a.track, known_at=a.known_at)
    ]


def _cmd_audit(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    report = tl.audit(known_at=a.known_at)
    if report:
        a.exit_status = 1
        print(
            f"bilatlog: audit: {plural(len(report), 'finding')} "
            f"({', '.join(f'{k}: {len(v)}' for k, v in report.by_check().items())})",
            file=sys.stderr,
        )
    return report.rows()


def _fitting_step(start: str, end: str) -> str:
    """A step that gives at most ~60 rows per track over the span."""
    days = (when_of("--to", end).hi - when_of("--from", start).lo).days
    for every, limit in (("day", 62), ("week", 366), ("month", 5 * 366)):
        if days <= limit:
            return every
    return "year"


def _cmd_replay(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    for track in a.track or ():
        tl.history(track, known_at=a.known_at)  # a track never held is an error, not no rows
    every = a.every or _fitting_step(a.start, a.end)
    for day, state in tl.replay(a.start, a.end, every=every, known_at=a.known_at):
        for row in state_rows(state):
            if a.track and row["track"] not in a.track:
                continue
            rows.append({"date": day.isoformat(), **row})
    return rows


def _sources(a: argparse.Namespace) -> list[Source]:
    if not (a.source_url or a.source_outlet):
        for flag, given in (("--source-published", a.source_published),
                            ("--source-quote", a.source_quote)):  # fmt: skip
            if given:  # never dropped in silence: a source is named by its outlet or url
                raise ValidationError(
                    flag,
                    given,
                    "a source needs an outlet or an address.",
                    "add --source-outlet (e.g. --source-outlet Reuters) or --source-url.",
                )
        return []
    return [
        Source(
            outlet=a.source_outlet or "",
            url=a.source_url or "",
            published=a.source_published,
            quote=a.source_quote or "",
        )
    ]


def _cmd_record(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    rec = tl.record(
        a.type,
        on=a.on,
        track=a.track,
        status=a.status,
        actors=a.actor or (),
        summary=a.summary or "",
        sources=_sources(a),
        planned=a.planned,
        id=a.id,
    )
    return log_rows([rec])


def _cmd_correct(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    changes: dict[str, Any] = {}
    for item in a.set:
        field, sep, value = item.partition("=")
        if not sep:
            raise ValidationError(
                "--set", item, "expected FIELD=VALUE.", "e.g. --set on=2020-10-15"
            )
        changes[field] = _set_value(field, value)
    return log_rows([tl.correct(a.event_id, reason=a.reason, sources=_sources(a), changes=changes)])


def _set_value(field: str, value: str) -> object:
    """`--set FIELD=VALUE` as the field's type: actors a list, planned a bool, data JSON."""
    if field == "actors":
        return value.split(",")
    if field == "planned" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if field in ("data", "sources"):
        try:
            return json.loads(value)
        except ValueError:
            raise ValidationError(
                "--set",
                f"{field}={value}",
                f"{field} is given as JSON.",
                'e.g. --set \'data={"metric": "mx.troops", "value": 1, "unit": "troops"}\' '
                'or --set \'sources=[{"outlet": "Reuters"}]\'.',
            ) from None
    return value


def _cmd_retract(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    return log_rows([tl.retract(a.event_id, reason=a.reason, sources=_sources(a))])


def _cmd_verify(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    report = tl.verify(expect=a.expect)
    if not report.ok:
        report.raise_for_problems()
    return [
        {
            "ok": report.ok,
            "records": report.checked,
            "position": report.position,
            "head_hash": report.head_hash or None,
            "note": report.reason or None,
        }
    ]


def _cmd_reindex(tl: Timeline, _a: argparse.Namespace) -> list[Row]:
    tl.reindex(progress=None)
    return [{"reindexed": tl.position, "store": tl.backend.url}]


def _cmd_export(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    from bilatlog import io  # noqa: PLC0415 - only this command needs the exporters

    target = io.exporters.refuse_store(tl, a.to, "--to")
    head = io.exporters.export_head(tl, a.known_at)
    done = {"position": head.position, "head_hash": head.head_hash or None}
    if a.kind == "bilatlog":  # a store of its own: the log as known at --known-at
        stop = head.position
        with bilatlog.open(target) as out:
            if out.position == 0:  # verbatim: same positions, recorded_at and hashes
                n = _copy_prefix(tl, out, stop)
            else:  # into a store that has records: appended (repeats are no-ops)
                n = len(out.append([r.record for r in tl.log(known_at=stop)]))
        return [{"format": a.kind, "exported": n, "known_at": stop, "to": str(target), **done}]
    if a.kind == "csv":
        n = io.export_csv(tl, target, known_at=a.known_at)
    elif a.kind == "jsonl":
        n = io.export_jsonl(tl, target, known_at=a.known_at)
    elif a.kind == "parquet":
        from bilatlog.io.arrow import export_parquet  # noqa: PLC0415 - the arrow extra

        n = export_parquet(tl, target, known_at=head.position)
        io.exporters.record_head(tl, target, head)
    elif a.kind == "timelinejs":
        tracks = [t.strip() for t in a.tracks.split(",") if t.strip()] if a.tracks else None
        doc = io.export_timelinejs(
            tl, target, title=a.title, known_at=a.known_at, tracks=tracks, eras=a.eras
        )
        n = len(doc["events"])
    else:
        n, skipped = io.export_plover(tl, target, known_at=a.known_at)
        return [{"format": a.kind, "exported": n, "skipped": skipped, "to": str(target), **done}]
    return [{"format": a.kind, "exported": n, "to": str(target), **done}]


def _copy_prefix(tl: Timeline, out: Timeline, stop: int, batch: int = 1000) -> int:
    last = next(iter(tl.backend.read(stop, stop)), None) if stop else None
    if last is not None and last.batch not in (None, stop):
        raise ValidationError(
            "--known-at",
            stop,
            f"falls inside a batch (positions up to {last.batch} were appended together); "
            "a verbatim copy keeps batches whole.",
            f"pass --known-at {last.batch}, or the position before that batch.",
        )
    n, chunk = 0, []
    for rec in tl.backend.read(1, stop) if stop else ():
        chunk.append(rec)
        # cut only where a batch ends, so the copy keeps its batches
        if len(chunk) >= batch and rec.batch in (None, rec.position):
            n += len(out.backend.copy_in(chunk))
            chunk = []
    return n + (len(out.backend.copy_in(chunk)) if chunk else 0)


def _cmd_import(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    from bilatlog import io  # noqa: PLC0415 - only this command needs the importers

    source = io.exporters.refuse_store(tl, a.file, "file")
    if not source.is_file():
        raise ValidationError("file", a.file, "no such file.", "check the path.")
    if a.kind == "bilatlog":
        with bilatlog.open(source, readonly=True) as src:
            records = [r.record for r in src.log()]
        before = tl.position
        tl.append(records)
        return [{"read": len(records), "added": tl.position - before}]
    if a.kind == "csv" and (a.between or a.dates):
        raise ValidationError(
            "--between", a.between or a.dates, "not for a bilatlog CSV.", "import it whole."
        )
    dates = tuple(a.dates.split("/", 1)) if a.dates else None
    if dates is not None and len(dates) != 2:
        raise ValidationError("--dates", a.dates, "expected START/END.", "e.g. 2018-01/2018-12.")
    progress = False if a.quiet else None
    if a.kind == "csv":
        report = io.import_csv(tl, source, strict=a.strict, progress=progress)
    else:  # a dataset: its format through the importers' one skeleton
        report = io.importers.import_dataset(
            io.importers.FORMATS[a.kind], tl, source,
            between=a.between, dates=dates, strict=a.strict, progress=progress,
        )  # fmt: skip
    for bad in report.bad[:10]:
        print(f"bilatlog: bad row: line {bad.line}: {escape(bad.reason)}", file=sys.stderr)
    if len(report.bad) > 10:
        print(f"bilatlog: ... and {len(report.bad) - 10} more bad rows", file=sys.stderr)
    print(f"bilatlog: {report.summary()}", file=sys.stderr)
    return [
        {
            "dataset": report.dataset,
            "read": report.read,
            "imported": report.imported,
            "already_present": report.already_present,
            "filtered": report.filtered,
            "skipped": report.skipped,
            "repaired": len(report.repaired),
            "bad": len(report.bad),
        }
    ]


def _cmd_copy(tl: Timeline, a: argparse.Namespace) -> list[Row]:
    from bilatlog.io.exporters import refuse_store  # noqa: PLC0415

    if not a.source.startswith(("postgresql://", "postgres://")):
        refuse_store(tl, a.source.removeprefix("sqlite:///"), "source")
    with bilatlog.open(a.source, readonly=True) as src:
        if src.backend.url == tl.backend.url:
            raise ValidationError(
                "source", a.source, "is the store being written.", "copy from another store."
            )
        copied = tl.copy_from(src)
        same = tl.position == src.position and (
            not tl.position
            or next(iter(tl.backend.read(tl.position))).hash
            == next(iter(src.backend.read(src.position))).hash
        )
    report = tl.verify()
    return [{"copied": copied, "position": tl.position, "same_head_hash": same, "ok": report.ok}]


def _cmd_when(_tl: Timeline, a: argparse.Namespace) -> list[Row]:
    w = When.parse(a.text)
    return [
        {
            "edtf": w.edtf,
            "means": w.describe(),
            "earliest": w.earliest,
            "latest": w.latest,
            "precision": w.precision.value,
        }
    ]


#: the fields of `record` -> its arguments
_RECORD_FLAGS = {
    "type": "TYPE",
    "on": "--on",
    "track": "--track",
    "status": "--status",
    "actors": "--actor",
    "summary": "--summary",
    "id": "--id",
}


# -- the parser ----------------------------------------------------------------------------

Handler = Callable[[Timeline, argparse.Namespace], list[Row]]

#: name -> (handler, writes?, help, example)
COMMANDS: dict[str, tuple[Handler, bool, str, str]] = {
    "state": (_cmd_state, False, "the state of every track on a date",
              "bilatlog state --at 2021-06-01 --known-at 2021-10-15"),
    "history": (_cmd_history, False, "the status periods of one track",
                "bilatlog history merida-initiative"),
    "diff": (_cmd_diff, False, "what changed between two dates",
             "bilatlog diff 2018-01-01 2021-12-31"),
    "explain": (_cmd_explain, False, "why a track is in its state: events, corrections, sources",
                "bilatlog explain dea-operations --at 2021-06-01"),
    "events": (_cmd_events, False,
               "list the events as known (corrections applied, retractions left out), filtered",
               "bilatlog events --type 'visas.*' --actor US.DEA --between 2020/2022"),
    "log": (_cmd_log, False, "list every record as stored (events, corrections, retractions)",
            "bilatlog log --kind correction --known-at 2021-10-15"),
    "plans": (_cmd_plans, False, "list every plan with its fate: fulfilled, overdue or expected",
              "bilatlog plans --at 2022-06-01"),
    "audit": (_cmd_audit, False,
              "check the dataset before citing it (exits 1 when it finds anything)",
              "bilatlog --store relations.jsonl audit"),
    "replay": (_cmd_replay, False, "the state at every step between two dates",
               "bilatlog replay --from 2006 --to 2022 --every year --track merida-initiative"),
    "record": (_cmd_record, True, "record an event",
               ("bilatlog --store relations.jsonl record talks.held --on 2021-10-08 "
                "--track security-dialogue --status active --source-outlet Reuters")),
    "correct": (_cmd_correct, True, "record a correction of an earlier event",
                ("bilatlog --store relations.jsonl correct EVENT_ID --reason 'exact day' "
                 "--set on=2020-10-15")),
    "retract": (_cmd_retract, True, "record that an earlier event is withdrawn",
                "bilatlog --store relations.jsonl retract EVENT_ID --reason duplicate"),
    "verify": (_cmd_verify, False, "check the hash chain and every stored record",
               "bilatlog --store relations.db verify"),
    "reindex": (_cmd_reindex, True, "rebuild the derived bitemporal index from the log",
                "bilatlog --store relations.db reindex"),
    "import": (_cmd_import, True,
               "import ICEWS, POLECAT, GDELT, PLOVER or bilatlog CSV files (or another store)",
               "bilatlog --store relations.db import icews events.2018.tab --between US,MX"),
    "copy": (_cmd_copy, True, "copy another store into this one verbatim (same hashes)",
             "bilatlog --store 'postgresql://me@db/research?schema=us_mx' copy relations.jsonl"),
    "export": (_cmd_export, False,
               ("write the events as CSV, JSONL, Parquet, TimelineJS3 JSON or PLOVER "
                "(or a bilatlog store)"),
               ("bilatlog export timelinejs --to us-mexico.json "
                "--tracks merida-initiative,dea-operations --eras merida-initiative")),
    "when": (_cmd_when, False, "show what an EDTF date means",
             "bilatlog when '[2020-09..2020-12]'"),
}  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """Build the parser: global options, then one subcommand per `Timeline` question."""
    parser = _Parser(
        prog="bilatlog",
        description="Ask an append-only timeline of relations between states what held when, "
        "as known when. Without --store, the bundled US-Mexico security timeline (read only).",
        epilog="Example: bilatlog state --at 2021-06-01",
    )
    parser.add_argument("--version", action="version", version=bilatlog.__version__)
    parser.add_argument(
        "--store",
        dest="store_first",
        metavar="STORE",
        help="a .jsonl or .db file, sqlite:///path or postgresql://... "
        "(default: the bundled example, read only)",
    )
    parser.add_argument(
        "--format", dest="output_first", choices=["table", "json", "csv"], help="output format"
    )
    parser.add_argument(
        "--wide", dest="wide_first", action="store_true",
        help="print tables in full (by default they fit the terminal, cut with …)",
    )  # fmt: skip
    # the same options after the command, so `bilatlog state --at X --format json` works
    # (separate names: argparse would let the subcommand's defaults overwrite the first ones)
    common = _Parser(add_help=False)
    common.add_argument("--store", dest="store", help=argparse.SUPPRESS)
    common.add_argument(
        "--format", dest="output", choices=["table", "json", "csv"],
        help="output format: table (default), json or csv",
    )  # fmt: skip
    common.add_argument("--wide", action="store_true", help="print tables in full, uncut")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (_, _, help_, example) in COMMANDS.items():
        p = sub.add_parser(
            name, help=help_, description=help_, epilog=f"Example: {example}", parents=[common]
        )
        _add_arguments(name, p)
    return parser


def _add_arguments(name: str, p: argparse.ArgumentParser) -> None:  # noqa: PLR0915 - one branch per command, flat on purpose
    def known(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--known-at",
            help="answer as the dataset stood then: a date (end of that UTC day), an ISO "
            "datetime, or a position",
        )

    def listing(p: argparse.ArgumentParser, track_help: str | None) -> None:  # see _listing
        p.add_argument("--track", help=track_help)
        p.add_argument("--type", help="a type glob, e.g. 'operations.*'")
        p.add_argument("--actor", help="an actor and its units, e.g. US or US.DEA")
        p.add_argument("--between", help="START/END in EDTF, e.g. 2019/2022")

    def source(p: argparse.ArgumentParser) -> None:
        p.add_argument("--source-outlet", help="who published the source")
        p.add_argument("--source-url", help="the source's address")
        p.add_argument("--source-published", help="its publication date (EDTF)")
        p.add_argument("--source-quote", help="a short quotation")

    if name == "state":
        p.add_argument("--at", required=True, help="a date, EDTF (2021-06-01, 2020-10, 2020)")
        p.add_argument("--metrics", action="store_true", help="also show reported figures")
        known(p)
    elif name == "history":
        p.add_argument("track", help="a track slug, e.g. merida-initiative")
        known(p)
    elif name == "diff":
        p.add_argument("a", help="the earlier date")
        p.add_argument("b", help="the later date")
        known(p)
    elif name == "explain":
        p.add_argument("track", help="a track slug")
        p.add_argument("--at", required=True, help="the date to explain")
        known(p)
    elif name == "events":
        listing(p, track_help=None)
        known(p)
    elif name == "log":
        listing(p, track_help="only records of this track (as stored)")
        p.add_argument("--kind", action="append", choices=["event", "correction", "retraction"],
                       help="only records of this kind (repeatable)")  # fmt: skip
        known(p)
    elif name == "plans":
        p.add_argument("--at", help="tell each plan's fate at this date (default: today)")
        p.add_argument("--track", help="only the plans of this track")
        known(p)
    elif name == "audit":
        known(p)
    elif name == "replay":
        p.add_argument("--from", dest="start", required=True, help="first date (EDTF)")
        p.add_argument("--to", dest="end", required=True, help="last date (EDTF)")
        p.add_argument("--every", choices=["year", "month", "week", "day"],
                       help="the step (default: one that fits the span)")  # fmt: skip
        p.add_argument("--track", action="append", help="only these tracks (repeatable)")
        known(p)
    elif name == "record":
        p.add_argument("type", help="a dotted type, e.g. operations.suspended")
        p.add_argument("--on", required=True, help="when (EDTF)")
        p.add_argument("--track")
        p.add_argument("--status")
        p.add_argument("--actor", action="append", help="an actor code (repeatable)")
        p.add_argument("--summary")
        p.add_argument("--planned", action="store_true")
        p.add_argument("--id")
        source(p)
    elif name == "correct":
        p.add_argument("event_id")
        p.add_argument("--reason", required=True)
        p.add_argument("--set", action="append", default=[], required=True,
                       metavar="FIELD=VALUE",
                       help="a new value (repeatable); actors comma-separated, planned "
                       "true/false, data and sources as JSON")  # fmt: skip
        source(p)
    elif name == "retract":
        p.add_argument("event_id")
        p.add_argument("--reason", required=True)
        source(p)
    elif name == "import":
        p.add_argument(
            "kind", metavar="FORMAT",
            choices=["icews", "polecat", "gdelt", "plover", "csv", "bilatlog"],
            help="icews, polecat, gdelt, plover, csv (as export csv writes it), "
            "or bilatlog (another store)",
        )  # fmt: skip
        p.add_argument("file", help="the file to import")
        p.add_argument("--between", help="a dyad, either direction: US,MX")
        p.add_argument("--dates", help="START/END in EDTF, e.g. 2018-01/2018-12")
        p.add_argument("--strict", action="store_true", help="stop at the first bad row")
        p.add_argument("--quiet", action="store_true", help="no progress line")
    elif name == "verify":
        p.add_argument(
            "--expect",
            metavar="POSITION:HASH",
            help="a published head (from verify or checkpoint): fail unless the store still "
            "holds that record at that position",
        )
    elif name == "copy":
        p.add_argument("source", help="the store to copy from (.jsonl, .db or postgresql://)")
    elif name == "export":
        p.add_argument(
            "kind", metavar="FORMAT",
            choices=["csv", "jsonl", "parquet", "timelinejs", "plover", "bilatlog"],
            help="csv, jsonl, parquet (the arrow extra), timelinejs, plover, or bilatlog (a store)",
        )  # fmt: skip
        p.add_argument("--to", required=True, help="the file to write")
        p.add_argument("--title", default="bilatlog timeline", help="TimelineJS title")
        p.add_argument("--tracks", help="TimelineJS: only these tracks, one group each: a,b,c")
        p.add_argument("--eras", metavar="TRACK", help="TimelineJS: this track's periods as eras")
        known(p)
    elif name == "when":
        p.add_argument("text", help="an EDTF date, e.g. 2020-10~")


#: Writing commands that only add to a store that is there (the others may start one).
_NEEDS_STORE = frozenset({"correct", "retract"})


def _open_store(store: str, command: str) -> Timeline:
    """Open `--store`: read commands read-only (never creating it); writers as they need."""
    _, writes, _, _ = COMMANDS[command]
    if not writes:
        return bilatlog.open(store, readonly=True)
    if command in _NEEDS_STORE and not store.startswith(("postgresql://", "postgres://")):
        path = Path(store.removeprefix("sqlite:///"))
        if not path.exists():
            from bilatlog.backends._files import missing_store  # noqa: PLC0415

            raise missing_store(path)
    return bilatlog.open(store)


#: argument names in messages from the library -> the flags that set them
_FLAGS = {
    "changes": "--set",
    "known_at": "--known-at",
    "at": "--at",
    "between": "--between",
    "type": "--type",
    "actor": "--actor",
    "every": "--every",
    "start": "--from",
    "end": "--to",
    "kinds": "--kind",
    "target": "--store",
    "expect": "--expect",
}


def _cli_message(e: BilatlogError, a: argparse.Namespace) -> str:
    """The error in CLI terms: flags rather than Python arguments."""
    if not isinstance(e, ValidationError):
        return str(e)
    field = e.field
    name = field.partition("[")[0]  # `actors[1]`: the second actor
    prefix = ""  # `--set track=Bad`: the value with the field it was given for
    if a.command == "correct" and name in CORRECTABLE_FIELDS:
        field, prefix = "--set", f"{name}="
    elif a.command == "record" and name in _RECORD_FLAGS:
        field = _RECORD_FLAGS[name]
    elif field.startswith("source."):
        field = "--source-" + field.removeprefix("source.")
    elif field == "track":
        field = "--track" if a.command in {"events", "log", "plans", "replay"} else "TRACK"
    elif field == "target" and a.command in {"correct", "retract"}:
        field = "EVENT_ID"  # the event a correction or retraction names, not a store
    elif field == "on" and a.command == "when":
        field = "TEXT"
    flag = _FLAGS.get(field, field)
    fix = e.fix
    if field == "target":
        fix = "pass a .jsonl or .db file, sqlite:///path or postgresql://..."

    def in_flags(m: re.Match[str]) -> str:
        name, text, end = m.group(1), m.group(2), m.group(3) + m.group(4)
        if name == "track" and field == "TRACK":  # the positional TRACK: the value alone
            return text + end
        if name == "track" and a.command == "correct":  # a field a correction sets
            return f"--set track={text.strip(chr(39))}{end}"
        return f"{_FLAGS.get(name, '--' + name)} {text.strip(chr(39))}{end}"

    fix = re.sub(
        r"\b(known_at|at|between|type|actor|every|track)=(\S+?)([,.)]?)( |$)", in_flags, fix
    )
    fix = fix.replace("tl.position", "the store's position")
    fix = fix.replace("tl.events() or tl.get(id)", "bilatlog events or bilatlog log")
    value = e.value
    if isinstance(value, (list, tuple)):  # --between START/END, --set a,b
        value = ("/" if field == "between" else ",").join(str(v) for v in value)
    shown = "(none)" if value is None else shlex.quote(escape(f"{prefix}{value}"))
    return f"{flag} {shown}: {e.problem}" + (f" Fix: {fix}" if fix else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    a = parser.parse_args(argv)
    if a.command is None:
        parser.print_help()
        return 0
    handler, writes, _, _ = COMMANDS[a.command]
    a.exit_status = 0
    try:
        store = a.store or a.store_first
        if store is None:
            if writes:
                raise ValidationError(
                    "--store",
                    None,
                    "the bundled example is read only.",
                    "pass --store relations.jsonl (or .db) to write.",
                )
            tl = examples.us_mexico()
        else:
            tl = _open_store(store, a.command)
        with tl:
            if getattr(a, "known_at", None) is not None:  # once, for the whole command
                a.known_at = known_position(a.known_at, tl.backend, text_positions=True)
            rows = handler(tl, a)
        _emit(rows, a.output or a.output_first or "table", sys.stdout, width=_width(a))
        sys.stdout.flush()
    except BrokenPipeError:  # `bilatlog events | head -1`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except BilatlogError as e:
        print(f"bilatlog: error: {escape(_cli_message(e, a))}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"bilatlog: error: {escape(str(e))}", file=sys.stderr)
        return 2
    return int(a.exit_status)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
