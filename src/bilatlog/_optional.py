"""Optional imports: a module from an extra, or an error that names the extra to install.

bilatlog's core needs attrs, cattrs and python-dateutil only; pandas, pyarrow,
matplotlib, plotly and cryptography come with extras and are imported where they
are used, through `require`, so every one of them fails the same way when missing.
"""

from __future__ import annotations

import importlib
from typing import Any

from bilatlog.exceptions import BilatlogError

__all__ = ["require"]


def require(module: str, *, extra: str, needed_for: str) -> Any:  # noqa: ANN401 - the module
    """Import `module`, or raise `BilatlogError` naming the extra that brings it.

    `needed_for` starts the message: `require("pandas", extra="pandas",
    needed_for="DataFrames need")` raises "DataFrames need pandas. Fix: pip
    install 'bilatlog[pandas]'" when pandas is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        package = module.partition(".")[0]
        msg = f"{needed_for} {package}. Fix: pip install 'bilatlog[{extra}]'"
        raise BilatlogError(msg) from e
