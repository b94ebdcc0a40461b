"""Where each view of the seam (`bilatlog._seam`) is drawn: its module, imported on first use.

Each module below registers its functions with the seam when it is imported.
`import bilatlog` imports this module, not them: a notebook's first table, a
script's first `to_frame()` imports the one module it needs.
"""

from __future__ import annotations

from typing import Any

from bilatlog import _seam

__all__: list[str] = []


def _load(view: _seam.View[Any]) -> None:
    """Import the module that draws `view`: importing it registers its functions."""
    match view:
        case _seam.html:
            import bilatlog.notebook._html  # noqa: PLC0415
        case _seam.text:
            import bilatlog._tables  # noqa: PLC0415
        case _seam.frame | _seam.status_matrix | _seam.states_frame | _seam.series_frame:
            import bilatlog.io.frames  # noqa: PLC0415
        case _seam.arrow:
            import bilatlog.io.arrow  # noqa: PLC0415
        case _seam.plot | _seam.plot_figures:
            import bilatlog.notebook._plot  # noqa: PLC0415
        case _seam.plot_interactive:
            import bilatlog.notebook._interactive  # noqa: F401, PLC0415


for _view in _seam.VIEWS:
    _view.load = _load
