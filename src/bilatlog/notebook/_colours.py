"""One colour per status, grouped by meaning, the same in every plot of every timeline.

Statuses are an open vocabulary, so a status gets its colour in three steps:

1. `STATUS_COLOURS` names a fixed colour for common statuses;
2. any other status is put in a meaning group by the words it contains
   (`GROUP_PATTERNS`: "ended", then "strain", then "cooperation"; else "other");
3. it then takes a shade of that group's palette chosen from a hash of its
   name, so it is the same colour in every call, every plot and every timeline.

Pass `colours={"active": "#000000"}` to a plot to override any of them.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

__all__ = [
    "GROUPS",
    "GROUP_PATTERNS",
    "STATUS_COLOURS",
    "status_colour",
    "status_group",
]

GROUPS: Mapping[str, tuple[str, ...]] = {
    "cooperation": ("#4c72b0", "#64b5cd", "#2a9d8f", "#4f9fd1", "#76b7b2", "#59a14f"),
    "strain": ("#e15759", "#f28e2b", "#edc948", "#c46a3b", "#ff9d76"),
    "ended": ("#4a4a4a", "#6a6a6a", "#8a8a8a", "#aaaaaa"),
    "other": ("#8172b3", "#937860", "#a05195", "#b07aa1", "#6f4e7c", "#9d755d", "#c49c94"),
}
"""The meaning groups, in legend order, each with the shades that statuses not in
`STATUS_COLOURS` take (blues and greens for cooperation, oranges and reds for strain,
greys for ended, purples and browns for the rest)."""


def _stems(*stems: str) -> re.Pattern[str]:
    """Match a status whose words (between hyphens) begin with one of these stems."""
    return re.compile(r"(?:^|-)(?:" + "|".join(stems) + ")")


GROUP_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ended", _stems("end", "dissolv", "disband", "dismissed", "closed", "terminat", "expired",
                     "abolish", "cancel", "withdrawn", "lapsed", "over$")),
    ("strain", _stems("suspend", "block", "restrict", "strain", "halt", "froze", "freez",
                      "constrain", "winding", "litigat", "disput", "tension", "sanction",
                      "curtail", "pause", "denied", "refus", "not$", "not-", "non-", "cut",
                      "reduc", "absorb", "breakdown", "stall")),
    ("cooperation", _stems("activ", "in-force", "force", "implement", "operat", "expand", "fund",
                           "announc", "creat", "resum", "restor", "joint", "agree", "sign",
                           "renew", "extend", "cooperat", "ratif", "dialogue", "talks", "open",
                           "launch", "approv", "pledg")),
)  # fmt: skip
"""Word beginnings that put a status in a group, tried in this order (first match wins):
`ordered-not-implemented` is strain, `extended-to-2024` is cooperation."""

STATUS_COLOURS: Mapping[str, str] = {
    # cooperation: working together
    "announced": "#9ecae1",
    "funded": "#5aa9dd",
    "created": "#74c0c4",
    "active": "#1f5f99",
    "in-force": "#2b83c6",
    "implementing": "#1b8a83",
    "operational": "#3aa57a",
    "expanded": "#0b4f6c",
    "resuming": "#7fbf7b",
    "partly-restored": "#5fae5f",
    "restored": "#2e8b3e",
    # strain: cooperation curtailed
    "strained": "#f2a541",
    "constrained": "#e6a157",
    "restricted": "#e8743b",
    "winding-down": "#d98b4a",
    "blocked": "#c0392b",
    "suspended": "#d1495b",
    "litigation": "#b5562a",
    # ended
    "ended": "#3b3b3b",
    "dissolved": "#5e5e5e",
    "disbanded": "#7d7d7d",
    "dismissed": "#9c9c9c",
}
"""Fixed colours for common statuses (those of the bundled US-Mexico dataset among them)."""


def status_group(status: str) -> str:
    """The meaning group of a status: "cooperation", "strain", "ended" or "other"."""
    for name, members in _KNOWN_GROUPS.items():
        if status in members:
            return name
    for name, pattern in GROUP_PATTERNS:
        if pattern.search(status):
            return name
    return "other"


def status_colour(status: str, colours: Mapping[str, str] | None = None) -> str:
    """The colour of a status: your override, else the fixed one, else its group's shade."""
    if colours and status in colours:
        return colours[status]
    if status in STATUS_COLOURS:
        return STATUS_COLOURS[status]
    palette = GROUPS[status_group(status)]
    return palette[zlib.crc32(status.encode()) % len(palette)]


_KNOWN_GROUPS: dict[str, set[str]] = {
    "cooperation": {"announced", "funded", "created", "active", "in-force", "implementing",
                    "operational", "expanded", "resuming", "partly-restored", "restored"},
    "strain": {"strained", "constrained", "restricted", "winding-down", "blocked", "suspended",
               "litigation"},
    "ended": {"ended", "dissolved", "disbanded", "dismissed"},
}  # fmt: skip
