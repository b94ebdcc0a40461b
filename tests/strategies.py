"""Hypothesis strategies shared by the tests: events, sources, JSON data."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import bilatlog as bl

slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
types = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,10}", fullmatch=True)
actors = st.from_regex(r"[A-Z]{2}(\.[A-Z0-9]{1,5})?", fullmatch=True)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def whens(draw: st.DrawFn) -> str:
    d = draw(days)
    kind = draw(st.sampled_from(["day", "month", "year", "range", "interval", "open"]))
    q = draw(st.sampled_from(["", "", "~", "?"]))
    if kind == "day":
        return d.isoformat() + q
    if kind == "month":
        return d.isoformat()[:7] + q
    if kind == "year":
        return d.isoformat()[:4] + q
    if kind == "range":
        return f"[{d.isoformat()[:7]}..{d.year + 1}]"
    if kind == "interval":
        return f"{d.isoformat()}/{d.year + draw(st.integers(0, 5))}"
    return f"{d.isoformat()[:7]}/.."


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

#: Text for one-line fields (summaries, outlets, titles): anything but control characters.
line_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
#: Text for quotes and reasons: line breaks and tabs too.
text_chars = line_chars | st.sampled_from("\n\t\r")

sources = st.builds(
    bl.Source,
    outlet=st.text(line_chars, min_size=1, max_size=30),
    title=st.text(line_chars, max_size=30),
    url=st.just("https://example.org/a") | st.just(""),
    published=st.none() | days.map(str),
    quote=st.text(text_chars, max_size=50),
)


@st.composite
def events(draw: st.DrawFn, *, tracks: st.SearchStrategy[str] | None = None) -> bl.Event:
    track = draw(st.none() | (tracks or slugs))
    status = draw(st.none() | slugs) if track is not None else None
    return bl.Event(
        type=draw(types),
        on=draw(whens()),
        track=track,
        status=status,
        actors=draw(st.lists(actors, max_size=3, unique=True)),
        summary=draw(st.text(line_chars, max_size=40)),
        data=draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3)),
        sources=draw(st.lists(sources, max_size=2)),
        planned=(planned := draw(st.booleans())),
        announced=draw(st.none() | whens()) if planned else None,
    )
