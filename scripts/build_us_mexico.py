"""Build fixtures/us_mexico_security.jsonl, the bundled US-Mexico security timeline.

The events, their dates, tracks, statuses, figures and summaries (in our own
words) are written out below. Sources (outlet, title, URL, publication date,
a short verbatim quote) are taken from the research file the project started
from, `shared/research/us_mexico_timeline.yaml`, by its entry ids.

Knowledge time is recorded honestly: what was known when the seed article was
published (Foreign Policy, 2021-10-15) is recorded at 2021-10-15T12:00Z; later
events and corrections are recorded on the day they became public.

Usage (needs PyYAML, a build-time tool only):
    python scripts/build_us_mexico.py ../shared/research/us_mexico_timeline.yaml
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml

import bilatlog as bl
from bilatlog.events import Correction
from bilatlog.testing import FakeClock

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "us_mexico_security.jsonl"
ARTICLE = "2021-10-15T12:00:00+00:00"


def E(ref: str, type: str, on: str, summary: str, *, track=None, status=None,  # noqa: A002, N802
      actors=(), data=None, planned=False, fulfils=None, id=None, sources=None,  # noqa: A002
      announced=None, known=ARTICLE) -> dict[str, Any]:  # fmt: skip
    return {
        "ref": ref, "type": type, "on": on, "summary": summary, "track": track,
        "status": status, "actors": list(actors), "data": data, "planned": planned,
        "fulfils": fulfils, "id": id or ref, "sources": sources, "known": known,
        "announced": announced,
    }  # fmt: skip


def fig(metric: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {"metric": metric, "value": value, "unit": unit, **extra}


EVENTS = [
    E(
        "calderon-inauguration",
        "administration.began",
        "2006-12-01",
        "Felipe Calderón becomes president of Mexico and puts confronting the cartels at the top of his agenda.",
        track="mx-security-strategy",
        status="militarized-offensive",
        actors=["MX", "MX.PRESIDENCY"],
    ),
    E(
        "operativo-conjunto-michoacan",
        "troops.deployed",
        "2006-12-11",
        "Federal troops and police are sent into Michoacán: the first large deployment of Mexico's militarized drug war. Reported sizes range from about 4,300 to 7,000.",
        track="mx-military-public-security-role",
        status="expanded",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.SSP", "MX.PGR"],
    ),
    E(
        "kingpin-strategy",
        "strategy.pursued",
        "2006-12-11/2012-11-30",
        "With US backing, Mexican forces target cartel leaders for capture or killing for the whole Calderón term; later research links this to cartel splintering.",
        track="counter-cartel-strategy",
        status="kingpin-targeting",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.PGR", "US.DEA"],
    ),
    E(
        "kingpin-strategy",
        "operations.joint-started",
        "2006-12-11~",
        "The DEA works alongside Mexican forces in the campaign against cartel leadership (start approximate: the seed ties it to the start of Calderón's offensive).",
        track="dea-operations",
        status="active",
        actors=["US.DEA", "MX.SEDENA", "MX.PGR"],
        id="dea-operations-active",
    ),
    E(
        "merida-initiative-announced",
        "initiative.announced",
        "2007-10-22",
        "Washington and Mexico City announce the Mérida Initiative, a multi-year US security assistance package for Mexico.",
        track="merida-initiative",
        status="announced",
        actors=["US", "MX", "US.WH", "US.STATE", "MX.SRE"],
        data=fig("merida.pledged-first-tranche", 1.4, "USD billion"),
    ),
    E(
        "merida-first-appropriation",
        "initiative.funded",
        "2008-06-30",
        "Congress enacts the first Mérida money in the fiscal 2008 supplemental appropriations.",
        track="merida-initiative",
        status="funded",
        actors=["US.CONGRESS", "US.WH"],
        data=fig("merida.appropriated-fy2008-mexico", 400, "USD million"),
    ),
    E(
        "merida-first-letter-of-agreement",
        "initiative.implementation-began",
        "2008-12-03",
        "The first Mérida letter of agreement is signed and a cabinet-level consultative group is set up: implementation begins.",
        track="merida-initiative",
        status="active",
        actors=["US.STATE", "US.EMBASSY-MX", "MX.SRE"],
    ),
    E(
        "merida-obama-four-pillars",
        "initiative.refocused",
        "2010-03-23",
        "The Obama administration reorients Mérida from hardware toward institutions, justice-sector training and the rule of law.",
        track="merida-initiative",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.USAID", "MX.SRE", "MX.PGR"],
    ),
    E(
        "iacthr-atenco-judgment",
        "court.ruled",
        "2018-11-28",
        "The Inter-American Court's Atenco judgment orders Mexico to create an independent observatory of police use of force.",
        track="police-oversight",
        status="ordered-not-implemented",
        actors=["OAS.IACTHR", "MX", "MX.PF"],
    ),
    E(
        "iacthr-alvarado-judgment",
        "court.ruled",
        "2018-11-28",
        "In Alvarado Espinoza the Inter-American Court sets limits on using the military for policing.",
        track="mx-military-public-security-role",
        status="constrained",
        actors=["OAS.IACTHR", "MX", "MX.SEDENA"],
    ),
    E(
        "amlo-inauguration",
        "administration.began",
        "2018-12-01",
        "Andrés Manuel López Obrador takes office promising 'hugs, not bullets' instead of the war on cartels.",
        track="mx-security-strategy",
        status="abrazos-no-balazos",
        actors=["MX", "MX.PRESIDENCY"],
    ),
    E(
        "military-deployment-expansion",
        "figures.reported",
        "2018-12~",
        "About 69,000 army and navy personnel are deployed inside Mexico at the start of López Obrador's term (seed figure; other counts use other bases).",
        actors=["MX.SEDENA", "MX.SEMAR"],
        data=fig("mx.troops-deployed-domestically", 69000, "personnel"),
        id="troops-2018",
    ),
    E(
        "national-guard-constitutional-reform",
        "force.created",
        "2019-03-26",
        "A constitutional reform creates the National Guard and lets the armed forces keep policing for a transition of up to five years.",
        track="national-guard",
        status="created",
        actors=["MX.CONGRESS", "MX.PRESIDENCY", "MX.GN", "MX.SSPC"],
    ),
    E(
        "national-guard-law",
        "force.absorption-ordered",
        "2019-05-27",
        "The National Guard Law is published; the Federal Police is to be folded into the Guard within 18 months.",
        track="federal-police",
        status="being-absorbed",
        actors=["MX.CONGRESS", "MX.GN", "MX.PF", "MX.SSPC"],
    ),
    E(
        "national-guard-deployment",
        "force.deployed",
        "2019-06-30",
        "The National Guard formally starts nationwide operations; initial strength is reported as 52,000 to 70,000.",
        track="national-guard",
        status="operational",
        actors=["MX.PRESIDENCY", "MX.GN", "MX.SEDENA", "MX.SEMAR", "MX.PF"],
        data=fig(
            "mx.national-guard-strength",
            70000,
            "members",
            note="initial deployment, reported counts vary",
        ),
    ),
    E(
        "federal-police-dissolved",
        "force.dissolved",
        "2020-01-01",
        "The Federal Police stops operating and its people and assets pass to the National Guard, stranding years of US training.",
        track="federal-police",
        status="dissolved",
        actors=["MX.PF", "MX.GN", "MX.SSPC"],
    ),
    E(
        "armed-forces-public-security-decree",
        "decree.issued",
        "2020-05-11",
        "A presidential decree keeps the army and navy in public-security tasks until 2024.",
        track="mx-military-public-security-role",
        status="extended-to-2024",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.GN"],
    ),
    E(
        "gao-merida-monitoring-report",
        "report.published",
        "2020-05-12",
        "The GAO finds the State Department monitored Mérida projects inconsistently.",
        track="merida-initiative",
        actors=["US.GAO", "US.STATE.INL", "US.USAID"],
    ),
    E(
        "cienfuegos-arrested",
        "official.arrested",
        "2020-10-15",
        "US agents arrest former defense secretary Gen. Salvador Cienfuegos in Los Angeles on DEA-built drug charges, angering Mexico's government and military.",
        track="dea-operations",
        status="strained",
        actors=["US.DEA", "US.DOJ", "MX.SEDENA", "MX.SRE"],
    ),
    E(
        "doj-moves-to-drop-cienfuegos",
        "case.dismissal-sought",
        "2020-11-17",
        "The US Justice Department says it will ask for the Cienfuegos charges to be dropped so Mexico can investigate him.",
        track="cienfuegos-case",
        status="dismissal-requested",
        actors=["US.DOJ", "MX.FGR"],
    ),
    E(
        "cienfuegos-case-dismissed-repatriated",
        "case.dismissed",
        "2020-11-18",
        "A Brooklyn judge dismisses the case and Cienfuegos is flown back to Mexico.",
        track="cienfuegos-case",
        status="dismissed",
        actors=["US.COURTS", "US.DOJ", "MX.FGR"],
    ),
    E(
        "national-security-law-foreign-agents",
        "law.published",
        "2020-12-18",
        "Mexico's National Security Law reform requires foreign agents to share what they learn and restricts their work, aimed squarely at the DEA.",
        track="dea-operations",
        status="restricted",
        actors=["MX.CONGRESS", "MX.PRESIDENCY", "MX.SRE", "US.DEA"],
    ),
    E(
        "mexico-homicides-2008-2020",
        "figures.reported",
        "2008",
        "Mexico records about 14,000 homicides in 2008 (INEGI).",
        actors=["MX.INEGI"],
        data=fig("mx.homicides", 14006, "homicides"),
        id="homicides-2008",
    ),
    E(
        "mexico-homicides-2008-2020",
        "figures.reported",
        "2020",
        "Mexico records 36,579 homicides in 2020 by INEGI's preliminary count, more than double 2008.",
        actors=["MX.INEGI"],
        data=fig("mx.homicides", 36579, "homicides"),
        id="homicides-2020",
    ),
    E(
        "us-overdose-deaths-2008-2020",
        "figures.reported",
        "2008",
        "36,450 people die of drug overdoses in the United States in 2008 (CDC).",
        actors=["US.CDC"],
        data=fig("us.overdose-deaths", 36450, "deaths"),
        id="overdoses-2008",
    ),
    E(
        "us-overdose-deaths-2008-2020",
        "figures.reported",
        "2020",
        "US overdose deaths reach a record in 2020: 93,331 by the CDC's provisional, predicted count.",
        actors=["US.CDC", "US.NCHS"],
        data=fig("us.overdose-deaths", 93331, "deaths"),
        id="overdoses-2020",
    ),
    E(
        "foreign-agents-guidelines",
        "rules.published",
        "2021-01-14",
        "Guidelines implementing the foreign-agents law are published, reportedly softer than the law itself.",
        track="foreign-agents-rules",
        status="in-force",
        actors=["MX.PRESIDENCY", "MX.SRE", "US.DEA"],
    ),
    E(
        "cienfuegos-exonerated",
        "case.closed",
        "2021-01-14",
        "Mexican prosecutors clear Cienfuegos and the government publishes the DEA's case file, damaging trust in information sharing.",
        track="cienfuegos-case",
        status="closed-without-charges",
        actors=["MX.FGR", "MX.PRESIDENCY", "US.DOJ", "US.DEA"],
    ),
    E(
        "dea-operations-halted",
        "operations.suspended",
        "2021-01~",
        "Joint work against the cartels largely stops and DEA operations in Mexico are curtailed. There was no formal order: the seed ties it to the Cienfuegos arrest, Reuters dates the freeze from January 2021, so the date is approximate.",
        track="dea-operations",
        status="suspended",
        actors=["US.DEA", "US.DOJ", "MX.SSPC", "MX.SEDENA", "MX.SRE"],
    ),
    E(
        "dea-operations-halted",
        "visas.blocked",
        "2021-01~",
        "Mexico stops approving visas for DEA agents (later US accounts: 24 agents waiting); approximate start, as for the operations freeze.",
        track="dea-visas",
        status="blocked",
        actors=["MX.SRE", "US.DEA"],
        id="dea-visas-blocked",
    ),
    E(
        "ebrard-declares-merida-dead",
        "initiative.repudiated",
        "2021-07-29",
        "Foreign minister Marcelo Ebrard calls the Mérida Initiative 'dead'.",
        track="merida-initiative",
        status="winding-down",
        actors=["MX.SRE", "US.STATE"],
    ),
    E(
        "mexico-sues-us-gunmakers",
        "lawsuit.filed",
        "2021-08-04",
        "Mexico sues US gun makers in a US court over weapons trafficked to cartels.",
        track="arms-trafficking",
        status="litigation",
        actors=["MX", "MX.SRE", "US.COURTS"],
    ),
    E(
        "merida-end-scheduled",
        "initiative.end-announced",
        "2021-09-29",
        "Ebrard announces that Mérida is over and that its replacement will be agreed at a security dialogue on 8 October.",
        track="merida-initiative",
        actors=["MX.SRE", "US.STATE", "US.EMBASSY-MX"],
    ),
    E(
        "merida-end-scheduled",
        "initiative.end-planned",
        "2021-10-08",
        "Planned (as announced on 29 September): Mérida to be replaced on 8 October 2021.",
        track="merida-initiative",
        status="ended",
        planned=True,
        actors=["MX.SRE", "US.STATE"],
        id="merida-end-planned",
        announced="2021-09-29",
    ),
    E(
        "merida-end-scheduled",
        "dialogue.scheduled",
        "2021-10-08",
        "Planned (as announced on 29 September): a high-level security dialogue in Mexico City on 8 October 2021.",
        track="security-dialogue",
        status="active",
        planned=True,
        actors=["MX.SRE", "US.STATE"],
        id="dialogue-planned",
        announced="2021-09-29",
    ),
    E(
        "cnn-dea-visas-report",
        "visas.reported-blocked",
        "2021-10-07",
        "CNN reports that Mexico has approved no DEA visas in 2021.",
        track="dea-visas",
        status="blocked",
        actors=["US.DEA", "MX.SRE"],
    ),
    E(
        "hlsd-2021-bicentennial-framework",
        "dialogue.held",
        "2021-10-08",
        "The first High-Level Security Dialogue meets in Mexico City and resumes cabinet-level security talks.",
        track="security-dialogue",
        status="active",
        fulfils="dialogue-planned",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.PRESIDENCY", "MX.SRE", "MX.SSPC"],
        id="hlsd-2021",
    ),
    E(
        "hlsd-2021-bicentennial-framework",
        "framework.adopted",
        "2021-10-08",
        "At the dialogue the two governments adopt the Bicentennial Framework for security, health and safe communities, replacing Mérida.",
        track="bicentennial-framework",
        status="in-force",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        id="bicentennial-adopted",
    ),
    E(
        "merida-initiative-ends",
        "initiative.ended",
        "2021-10-08",
        "The Mérida Initiative, worth more than USD 3 billion over its life, is formally superseded by the Bicentennial Framework.",
        track="merida-initiative",
        status="ended",
        fulfils="merida-end-planned",
        actors=["MX.SRE", "US.STATE"],
        data=fig("merida.total-appropriated", 3, "USD billion", note="more than"),
    ),
    E(
        "bicentennial-action-plan-due",
        "framework.action-plan-due",
        "2022-01",
        "Planned (as of October 2021): an action plan for the Bicentennial Framework in January 2022.",
        track="bicentennial-framework",
        status="implementing",
        planned=True,
        actors=["US.STATE", "MX.SRE", "MX.SSPC"],
        id="action-plan-due",
        announced="2021-10-08",
    ),
    E(
        "chemical-maker-fentanyl-probe",
        "investigation.reported",
        "2021-10~",
        "The seed reports a joint US-Mexican investigation of a Mexican chemical importer over fentanyl precursors (seed only; not confirmed elsewhere).",
        track="precursor-chemicals",
        status="joint-investigation",
        actors=["MX.FGR", "US.DEA"],
    ),
    E(
        "military-deployment-expansion",
        "figures.reported",
        "2021-10~",
        "About 125,000 army and navy personnel are deployed inside Mexico (seed; a narrower count of troops supporting local police gives 80,210).",
        actors=["MX.SEDENA", "MX.SEMAR", "MX.PRESIDENCY"],
        data=fig("mx.troops-deployed-domestically", 125000, "personnel"),
        id="troops-2021",
    ),
    E(
        "national-guard-strength-2021",
        "figures.reported",
        "2021-10~",
        "The National Guard has about 90,000 members, some three quarters of them military (seed).",
        actors=["MX.GN", "MX.SEDENA", "MX.SEMAR"],
        data=fig("mx.national-guard-strength", 90000, "members"),
        id="guard-strength-2021",
    ),
    # -- after the article: recorded when they became public --------------------------
    E(
        "dea-visas-unblocked",
        "visas.resumed",
        "2021-12-01",
        "The US says Mexico has agreed to issue visas to DEA agents again.",
        track="dea-visas",
        status="resuming",
        actors=["US.STATE.INL", "US.DEA", "MX.SRE"],
        known="2021-12-02T12:00:00+00:00",
    ),
    E(
        "dea-visas-unblocked",
        "operations.partly-restored",
        "2021-12-01",
        "With visas flowing again, DEA work in Mexico partly resumes, under the foreign-agents rules.",
        track="dea-operations",
        status="partly-restored",
        actors=["US.DEA", "MX.SRE"],
        id="dea-operations-partly-restored",
        known="2021-12-02T12:00:00+00:00",
    ),
    E(
        "bicentennial-subgroups-installed",
        "framework.subgroups-installed",
        "2021-12-14",
        "Bilateral working subgroups make the Bicentennial Understanding operational.",
        track="bicentennial-framework",
        status="in-force",
        actors=["MX.SRE", "MX.SSPC", "US.EMBASSY-MX"],
        known="2021-12-16T12:00:00+00:00",
    ),
    E(
        "bicentennial-action-plan-adopted",
        "framework.action-plan-adopted",
        "2022-01-31",
        "The 2022-2024 action plan of the Bicentennial Framework is adopted: three goals, 26 joint objectives.",
        track="bicentennial-framework",
        status="implementing",
        fulfils="action-plan-due",
        actors=["MX.SRE", "MX.SSPC", "US.STATE", "US.NSC"],
        known="2022-01-31T18:00:00+00:00",
    ),
    E(
        "dea-siu-disbanded",
        "unit.disbanded",
        "2021-04",
        "Mexico quietly disbanded the DEA-trained Sensitive Investigative Unit in April 2021; it became public only in April 2022.",
        track="dea-operations-siu",
        status="disbanded",
        actors=["MX.SSPC", "US.DEA"],
        known="2022-04-19T12:00:00+00:00",
    ),
    E(
        "national-guard-to-sedena",
        "force.transferred",
        "2022-09-09",
        "Control of the National Guard passes to the defense ministry (SEDENA).",
        track="national-guard",
        status="under-sedena",
        actors=["MX.CONGRESS", "MX.GN", "MX.SEDENA"],
        known="2022-09-09T18:00:00+00:00",
    ),
    E(
        "hlsd-2022",
        "dialogue.held",
        "2022-10-13",
        "The second High-Level Security Dialogue, in Washington, reviews the framework's first year.",
        track="security-dialogue",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        known="2022-10-13T22:00:00+00:00",
    ),
    E(
        "garcia-luna-convicted",
        "official.convicted",
        "2023-02-21",
        "A New York jury convicts Genaro García Luna, Calderón's security secretary and a key Mérida counterpart, of taking cartel bribes.",
        track="garcia-luna-case",
        status="convicted",
        actors=["US.DOJ", "US.COURTS", "MX.SSP"],
        known="2023-02-21T22:00:00+00:00",
    ),
    E(
        "scjn-invalidates-gn-transfer",
        "court.ruled",
        "2023-04-18",
        "Mexico's Supreme Court strikes down the transfer of the National Guard to SEDENA, effective 1 January 2024.",
        track="national-guard",
        actors=["MX.SCJN", "MX.GN", "MX.SEDENA"],
        known="2023-04-18T22:00:00+00:00",
    ),
    E(
        "scjn-invalidates-gn-transfer",
        "force.return-planned",
        "2024-01-01",
        "Planned (by the Supreme Court ruling of April 2023): the National Guard returns to civilian control.",
        track="national-guard",
        status="civilian-control",
        planned=True,
        actors=["MX.SCJN", "MX.GN"],
        id="guard-return-planned",
        announced="2023-04-18",
        known="2023-04-18T22:00:00+00:00",
    ),
    E(
        "ovidio-guzman-extradited",
        "suspect.extradited",
        "2023-09-15",
        "Ovidio Guzmán López is extradited to the United States.",
        track="extraditions",
        status="high-profile-extradition",
        actors=["MX.FGR", "MX.SEDENA", "US.DOJ", "US.DEA"],
        known="2023-09-16T12:00:00+00:00",
    ),
    E(
        "hlsd-2023",
        "dialogue.held",
        "2023-10-05",
        "The third High-Level Security Dialogue, in Mexico City, centres on fentanyl, arms and migration.",
        track="security-dialogue",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        known="2023-10-06T12:00:00+00:00",
    ),
]

CORRECTIONS = [
    # (target, changes, reason, source ref/index, recorded at)
    (
        "overdoses-2020",
        {"data": fig("us.overdose-deaths", 91799, "deaths")},
        "The NCHS final count for 2020 (91,799) replaces the provisional, predicted 93,331 the seed cited.",
        ("us-overdose-deaths-2008-2020", 4),
        "2021-12-31T12:00:00+00:00",
    ),
    (
        "homicides-2020",
        {"data": fig("mx.homicides", 36773, "homicides")},
        "INEGI's final 2020 count (36,773) replaces the preliminary 36,579 released in July 2021.",
        ("mexico-homicides-2008-2020", 4),
        "2023-06-30T12:00:00+00:00",
    ),
    (
        "guard-strength-2021",
        {"data": fig("mx.national-guard-strength", 102593, "members"), "on": "2021-06"},
        "The government's own June 2021 report counts 102,593 members; the seed's 90,000 most likely counts deployed members in 2020. Sources conflict by definition.",
        ("national-guard-strength-2021", 1),
        "2022-08-31T12:00:00+00:00",
    ),
]


def _published(text: object) -> str | None:
    if text is None:
        return None
    s = str(text)
    try:
        return bl.When.parse(s).edtf
    except bl.ValidationError:
        m = re.search(r"\((\d{4}(?:-\d{2})?)", s) or re.search(r"(\d{4}(?:-\d{2})?)", s)
        return f"{m.group(1)}?" if m else None


def _source(raw: dict[str, Any]) -> bl.Source:
    url = str(raw.get("url") or "")
    return bl.Source(
        outlet=str(raw.get("outlet", "")).replace(" [SEED]", ""),
        title=str(raw.get("title") or ""),
        url=url if url.startswith(("http://", "https://")) else "",
        published=_published(raw.get("published")),
        quote=" ".join(str(raw.get("quote") or "").split()),
    )


def main(research: Path) -> None:
    facts = {f["id"]: f for f in yaml.safe_load(research.read_text(encoding="utf-8"))}
    batches: dict[str, list] = {}
    for e in EVENTS:
        fact = facts[e["ref"]]
        sources = [_source(s) for s in fact["sources"][:3]]
        ev = bl.Event(
            id=e["id"], type=e["type"], on=e["on"], track=e["track"], status=e["status"],
            actors=e["actors"], summary=e["summary"], data=e["data"], sources=sources,
            planned=e["planned"], fulfils=e["fulfils"], announced=e["announced"],
        )  # fmt: skip
        batches.setdefault(e["known"], []).append(ev)
    for target, changes, reason, (ref, idx), known in CORRECTIONS:
        source = _source(facts[ref]["sources"][idx])
        batches.setdefault(known, []).append(
            Correction(
                id=f"correct-{target}",
                target=target,
                changes=changes,
                reason=reason,
                sources=[source],
            )
        )
    OUT.unlink(missing_ok=True)
    clock = FakeClock()
    tl = bl.open(OUT, clock=clock)
    for known in sorted(batches):
        clock.set(dt.datetime.fromisoformat(known))
        tl.append(batches[known])
    report = tl.verify()
    assert report.ok, report
    print(f"wrote {OUT} ({tl.position} records)")


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1]
            if len(sys.argv) > 1
            else ROOT.parent / "shared/research/us_mexico_timeline.yaml"
        )
    )
