"""The notebook experience: HTML views, plots and progress bars.

HTML views (`_repr_html_` of `Timeline`, `State`, `TrackState`, history, diff
and explanations) use only the standard library and escape every piece of
text that came from data. Plots need the `plot` extra (matplotlib); the
interactive timeline needs the `interactive` extra (plotly). Progress bars use
tqdm when it is installed (terminal or Jupyter) and are silent when nobody is
watching.
"""

from bilatlog._progress import progress
from bilatlog.notebook._colours import (
    GROUP_PATTERNS,
    GROUPS,
    STATUS_COLOURS,
    status_colour,
    status_group,
)
from bilatlog.notebook._html import (
    MAX_ROWS,
    STYLE,
    diff_html,
    explanation_html,
    history_html,
    state_html,
    store_name,
    timeline_html,
    track_states_html,
)
from bilatlog.notebook._interactive import plot_interactive
from bilatlog.notebook._plot import MIN_SPAN, plot_figures, plot_timeline

__all__ = [
    "GROUPS",
    "GROUP_PATTERNS",
    "MAX_ROWS",
    "MIN_SPAN",
    "STATUS_COLOURS",
    "STYLE",
    "diff_html",
    "explanation_html",
    "history_html",
    "plot_figures",
    "plot_interactive",
    "plot_timeline",
    "progress",
    "state_html",
    "status_colour",
    "status_group",
    "store_name",
    "timeline_html",
    "track_states_html",
]
