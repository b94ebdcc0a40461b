"""Generate docs/reference/cli.md from the `bilatlog` command's own parser.

Usage: python scripts/gen_cli_docs.py   (tests/test_cli.py fails when the page is stale)
"""

from __future__ import annotations

import os
from pathlib import Path

from bilatlog.cli import COMMANDS, build_parser

PAGE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "cli.md"


def render() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: fix the width
    parser = build_parser()
    parts = [
        "# The `bilatlog` command\n",
        "Generated from the command's own help by `scripts/gen_cli_docs.py`.\n",
        "```text\n" + parser.format_help().replace("bilatlog-cli", "bilatlog") + "```\n",
    ]
    sub = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    for name in COMMANDS:
        p = sub.choices[name]  # type: ignore[index]
        parts.append(f"## `bilatlog {name}`\n")
        parts.append("```text\n" + p.format_help() + "```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}")
