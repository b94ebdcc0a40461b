"""Write docs/tutorial.ipynb (the cells below); CI executes it (tests/test_tutorial.py).

Usage: python scripts/build_tutorial.py
"""

from pathlib import Path

import nbformat as nbf

nb = nbf.v4.new_notebook()
md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
nb.cells = [
    md("""# Tutorial: the US–Mexico security story, 2006–2023

On 15 October 2021 *Foreign Policy* told how the United States and Mexico
rebranded their drug war: the Mérida Initiative, born in 2007, was declared
dead, and a "Bicentennial Framework" took its place after a year in which
Mexico had curtailed the DEA's work. bilatlog ships that story as a dataset of
63 sourced events. This notebook reads the story out of it — what held when,
how sure we can be, and what we knew when."""),
    code("""import bilatlog as bl

tl = bl.examples.us_mexico()  # an in-memory copy: extend it
tl"""),
    md("""## The whole story at a glance

`plot` draws each track's status periods; hatched, faded ends are the days a
period may or may not have begun or ended yet (imprecise dates)."""),
    code("""ax = tl.plot(
    tracks=["merida-initiative", "dea-operations", "dea-visas",
            "federal-police", "national-guard",
            "bicentennial-framework", "security-dialogue"],
    start="2006-06", end="2024-06",
)"""),
    md("""## The state on a day

`state_at` gives every track of cooperation with its status, since when, and
how sure that is: `CERTAIN`, `POSSIBLE` or `NO`. In a notebook it shows as a
table, with certainty marked and sources linked."""),
    code("""tl.state_at("2021-06-01")"""),
    code("""tl.state_at("2021-06-01")["dea-operations"]  # one track"""),
    md("""## Imprecise dates, honest answers

No order ever suspended the DEA's work: reporting dates the freeze to "about
January 2021" (`2021-01~`). In mid-January, it may or may not have happened
yet — bilatlog says so instead of guessing."""),
    code("""jan = tl.state_at("2021-01-15")["dea-operations"]
jan.status, jan.truth, jan.possible"""),
    code("""feb = tl.state_at("2021-02-15")["dea-operations"]
feb.status, feb.truth"""),
    md("""## How a track changed: <code>history</code>"""),
    code("""tl.history("merida-initiative")"""),
    md("""## What we knew then, and what we know now: <code>known_at</code>

The article cited 93,331 US overdose deaths for 2020 — the CDC's provisional
count. The final count, published later, is recorded as a correction. Both
answers stay available."""),
    code("""deaths = "us.overdose-deaths"
then = tl.state_at("2021-12-31", known_at="2021-10-15")
then = then.metrics[deaths]
now = tl.state_at("2021-12-31").metrics[deaths]
then.value, now.value"""),
    code("""troops = tl.series("mx.troops-deployed-domestically")
[(f.on.edtf, f.value) for f in troops]"""),
    code("""ax = tl.plot_figures([deaths], known_at="2021-10-15")"""),
    md("""## Hand it to pandas

Every event as a row (dates as EDTF plus earliest and latest days), or a
matrix of statuses per year — `?` marks a status that only possibly held."""),
    code("""columns = ["id", "edtf", "earliest", "latest", "track", "status"]
tl.to_frame()[columns].head()"""),
    code("""tl.status_matrix(
    start="2018", end="2023",
    tracks=["merida-initiative", "dea-operations",
            "bicentennial-framework"],
)"""),
    md("""## Why: <code>explain</code>

Every answer leads back to its sources, and to every correction with its reason."""),
    code("""why = tl.explain("dea-operations", "2021-06-01")
why"""),
    code("""# the same data, for your own code
[(e.event.on.edtf, e.event.status, e.sources[0].outlet)
 for e in why.entries]"""),
    md("""## What changed: <code>diff</code>"""),
    code("""tl.diff("2018-01-01", "2021-12-31")"""),
    md("""## Step through the years: <code>replay</code>"""),
    code("""import pandas as pd

track = "merida-initiative"
pd.Series({
    day.year: state[track].status if track in state else "-"
    for day, state in tl.replay("2006", "2022", every="year")
}, name=track).to_frame()"""),
    md("""## Plans

In October 2021 an action plan was due in January 2022. Plans never change a
status; they are listed as expected until they are due or something fulfils them."""),
    code("""[e.summary for e in tl.state_at("2021-11-01").planned]"""),
    code("""tl.state_at("2022-02-01")["bicentennial-framework"].status"""),
    md("""A plan can also be broken. `tl.plans()` tells each plan's fate — fulfilled (by what,
when), overdue since its latest date, or still expected — and `State.overdue`
lists the promises whose date passed with nothing fulfilling them."""),
    code("""fates = tl.plans(at="2024-06-01")
pd.DataFrame(
    [(f.plan.track, f.plan.on.edtf, f.describe()) for f in fates],
    columns=["track", "due", "fate"],
)"""),
    code("""[e.summary for e in tl.state_at("2024-06-01").overdue]"""),
    md("""## The events themselves: <code>events</code> and <code>log</code>

`tl.events(...)` gives the events as known (corrections applied, retractions left
out), filtered on their corrected fields; each keeps its position and the
corrections behind it. `tl.log()` is every record as stored, corrections and
retractions included."""),
    code("""tl.events(track="dea-visas")"""),
    code("""revisions = tl.log(kinds=["correction", "retraction"])
[(r.position, r.kind, r.reason) for r in revisions]"""),
    md("""## Before you cite it: <code>audit</code>

`tl.audit()` lists what a careful reader would question — events or revisions
without sources, figures without units, conflicting statuses for one day, overdue
plans, sources newer than the records citing them — each with the record and why.
(`bilatlog audit` prints the same and exits 1 when it finds anything.) Here it
finds one gap, and only one: the Supreme Court's return of the Guard to civilian
control, due on 1 January 2024, whose fate the dataset's research does not record."""),
    code("""report = tl.audit()
{check: len(found) for check, found in report.by_check().items()}"""),
    md("""## Your own question: a projection

Fold the events into whatever you need. Here: which US and Mexican agencies
appear in events that had (certainly or possibly) happened by the end of 2021."""),
    code("""class Agencies:
    def initial(self):
        return {}

    def apply(self, state, event, truth):
        out = dict(state)
        for actor in event.actors:
            out[actor] = out.get(actor, 0) + 1
        return out

counts = tl.project(Agencies(), at="2021-12-31")
sorted(counts.items(), key=lambda kv: -kv[1])[:6]"""),
    md("""## Add what you know

The copy is yours: record an event, with its source. `bl.open("my.jsonl")`
keeps a timeline in a file you can diff in git."""),
    code("""ev = tl.record(
    "dialogue.held", on="2024-10~", track="security-dialogue",
    status="active", actors=["US.STATE", "MX.SRE"],
    summary="A further dialogue round (example)",
    sources=[bl.Source(outlet="Example Wire",
                       url="https://example.org/dialogue")],
)
tl.state_at("2024-12-31")["security-dialogue"].since"""),
]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, str(Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"))
