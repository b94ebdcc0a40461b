"""The seam between the domain and its views: generic functions the layers above implement.

The result types (`State`, `History`, `Events`, `Audit`, ...) and `Timeline` show
themselves in notebooks (`_repr_html_`) and terminals (`__str__`), turn into
DataFrames and draw plots, but the code that does it lives above them:
`bilatlog.notebook`, `bilatlog._tables`, `bilatlog.io.frames`, `bilatlog.io.arrow`.
A domain type calls a view here (`html(self)`), and the module that draws it
registers its function for that type when it is imported
(`@html.register(State)`). The domain never imports a view.

No view module is imported by `import bilatlog` (that keeps it fast, and frames
and plots need extras): the first call to a view with nothing registered for the
type asks `View.load`, which `bilatlog._views` sets, to import the module that
draws it, then dispatches again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = [
    "VIEWS",
    "Shown",
    "View",
    "arrow",
    "frame",
    "html",
    "plot",
    "plot_figures",
    "plot_interactive",
    "series_frame",
    "states_frame",
    "status_matrix",
    "text",
]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class View(Generic[T]):
    """One view of many types: a function per type, registered by the module that draws it."""

    def __init__(self, name: str) -> None:
        """Make a view with no function registered (`bilatlog._views` says where they are)."""
        self.name = name
        self._dispatch = functools.singledispatch(self._unregistered)
        self._default = self._dispatch.registry[object]
        #: imports the module that draws this view (set by `bilatlog._views`)
        self.load: Callable[[View[T]], None] | None = None

    def __repr__(self) -> str:
        """Name the view."""
        return f"<View {self.name}>"

    def register(self, cls: type) -> Callable[[F], F]:
        """Decorate the function that draws this view of `cls` (and its subclasses)."""

        def add(func: F) -> F:
            self._dispatch.register(cls, func)
            return func

        return add

    def implements(self, cls: type) -> bool:
        """Whether a function draws this view of `cls` (loading its module if need be)."""
        if self._dispatch.dispatch(cls) is self._default and self.load is not None:
            self.load(self)
        return self._dispatch.dispatch(cls) is not self._default

    def __call__(self, obj: object, /, *args: Any, **kwargs: Any) -> T:  # noqa: ANN401
        """Draw this view of `obj` with the function registered for its type."""
        return self._dispatch(obj, *args, **kwargs)

    def _unregistered(self, obj: object, /, *args: Any, **kwargs: Any) -> T:  # noqa: ANN401
        # nothing registered for obj's type yet: import the module that draws it (threads
        # that ask at once wait for the one import; then the function is registered)
        if self.implements(type(obj)):
            return self._dispatch.dispatch(type(obj))(obj, *args, **kwargs)
        msg = f"bilatlog has no {self.name} view of {type(obj).__name__}"
        raise TypeError(msg)


class Shown:
    """A result a notebook shows: its `_repr_html_` is the `html` view of it."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return html(self)


#: the HTML a notebook shows (`_repr_html_`)
html: View[str] = View("html")
#: the text table a terminal shows (`__str__`, the tables the CLI prints)
text: View[str] = View("text")
#: a pandas DataFrame (`to_frame`)
frame: View[Any] = View("frame")
#: the timeline's frames (`Timeline.status_matrix`, `states_frame`, `series_frame`)
status_matrix: View[Any] = View("status_matrix")
states_frame: View[Any] = View("states_frame")
series_frame: View[Any] = View("series_frame")
#: Arrow record batches (`Timeline.to_arrow`)
arrow: View[Any] = View("arrow")
#: plots (`Timeline.plot`, `plot_figures`, `plot_interactive`)
plot: View[Any] = View("plot")
plot_figures: View[Any] = View("plot_figures")
plot_interactive: View[Any] = View("plot_interactive")

VIEWS = (
    html,
    text,
    frame,
    status_matrix,
    states_frame,
    series_frame,
    arrow,
    plot,
    plot_figures,
    plot_interactive,
)
