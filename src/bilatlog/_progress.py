"""Progress bars: tqdm when it is installed (terminal or Jupyter), silent when nobody watches."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress"]

T = TypeVar("T")


def _in_jupyter() -> bool:
    """Whether this code runs in a Jupyter kernel (not merely beside an imported ipykernel)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Iterate with a progress bar (tqdm: terminal or Jupyter) when someone is watching.

    `enabled=None` shows it only when standard error is a terminal or in Jupyter;
    False never shows it.
    """
    if enabled is None:
        enabled = sys.stderr.isatty() or _in_jupyter()
    if not enabled:
        yield from items
        return
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
    except ImportError:
        count = 0
        for count, item in enumerate(items, start=1):
            if count % 1000 == 0:
                sys.stderr.write(f"\r{desc} {count:,}" + (f"/{total:,}" if total else ""))
            yield item
        sys.stderr.write(f"\r{desc} {count:,} done\n")
        return
    yield from tqdm(items, total=total, desc=desc)
