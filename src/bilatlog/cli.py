"""The `bilatlog` command: a thin layer over `Timeline`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import bilatlog

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for the `bilatlog` command."""
    parser = argparse.ArgumentParser(
        prog="bilatlog",
        description="An append-only, bitemporal event store for relations between states.",
        epilog="Example: bilatlog when '2020-10~'",
    )
    parser.add_argument("--version", action="version", version=bilatlog.__version__)
    sub = parser.add_subparsers(dest="command")
    when = sub.add_parser(
        "when",
        help="show what an EDTF date means: its bounds, precision and flags",
        epilog="Example: bilatlog when '[2020-09..2020-12]'",
    )
    when.add_argument("text", help="an EDTF date, e.g. 2020-10~")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "when":
        try:
            w = bilatlog.When.parse(args.text)
        except bilatlog.ValidationError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        lo = w.earliest.isoformat() if w.earliest else ".."
        hi = w.latest.isoformat() if w.latest else ".."
        print(f"{w.edtf}\t{w.describe()}\tearliest {lo}\tlatest {hi}\t{w.precision.value}")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
