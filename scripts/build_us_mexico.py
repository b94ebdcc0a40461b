"""Build fixtures/us_mexico_security.jsonl, the bundled US-Mexico security timeline.

The events, their dates, tracks, statuses, figures and summaries (in our own
words) are written out below. Every event names the sources that support its
own claim, by their key in the research file the project started from
(`shared/research/us_mexico_timeline.yaml`, copied as JSON to
`tests/data/us_mexico_timeline.json`): the entry's `id` (`ref`) and, within
it, the source's key (see `source_key`: `seed` for the Foreign Policy article,
otherwise the outlet as a slug, with `#2`, `#3` when an entry cites one
outlet more than once). A source is never borrowed from another entry.

Knowledge time is recorded honestly: what was public when the seed article
appeared (Foreign Policy, 2021-10-15) is recorded at 2021-10-15T12:00Z; later
facts, figures and corrections are recorded when their sources appeared, and
never before the last day their publication date allows (a source dated only
"2023" is cited from the end of 2023). The build refuses a record that cites a
source published after it, a quote from the seed that is not in the seed, and
an annual figure cited from a source published before its year was over.

Usage:
    python scripts/build_us_mexico.py                      # from tests/data's copy
    python scripts/build_us_mexico.py path/to/us_mexico_timeline.yaml
        # from the research file (needs PyYAML); also refreshes tests/data's copy
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import bilatlog as bl
from bilatlog.events import Correction
from bilatlog.testing import FakeClock
from bilatlog.time import Precision

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "us_mexico_security.jsonl"
COPY = ROOT / "tests" / "data" / "us_mexico_timeline.json"
SEED_NAME = "us-mexico-security-article-2021-10.txt"
ARTICLE = "2021-10-15T12:00:00+00:00"

# Publication dates the research file writes in words, as EDTF. Anything else must
# already be EDTF or "unknown (<EDTF>)" (read as uncertain): the build never guesses.
PUBLISHED = {
    "unknown": None,
    "unknown (AP wire, week of 2006-12-11)": "[2006-12-11..2006-12-17]",
    "2011 (MMWR)": "2011",
    # inferred dates are uncertain ("?"), not approximate: "~" would not widen the day
    "2011-04-29 (approx.; date of 3rd HLCG meeting per Stratfor)": "2011-04-29?",
    "unknown (late 2021; not shown on retrieved page)": "[2021-09..2021-12]",
    "unknown (late 2021?)": "2021?",
    "2021-10-06 (inferred: briefing says delegation travels 'tomorrow')": "2021-10-06?",
    # the transcript we cite is the repost of 2021-10-21, not the interview of 2021-10-08
    "2021-10-08 (interview); repost 2021-10-21": "2021-10-21",
}

# Details the research file itself flags as wrong in a source's record, fixed here.
URL_FIXES = {
    # the Diario Oficial's own page is dated 09/09/2022; the archived link says 1922
    "http://www.diariooficial.gob.mx/nota_detalle.php?codigo=5664065&fecha=09/09/1922": (
        "http://www.diariooficial.gob.mx/nota_detalle.php?codigo=5664065&fecha=09/09/2022"
    ),
}


def E(ref: str, type: str, on: str, summary: str, *, sources, track=None, status=None,  # noqa: A002, N802
      actors=(), data=None, planned=False, fulfils=None, id=None, announced=None,  # noqa: A002
      known=ARTICLE) -> dict[str, Any]:  # fmt: skip
    """An event of research entry `ref`; `sources` are keys, or (key, quote) for the seed."""
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
        "Felipe Calderón becomes president of Mexico, promising to get tough on the cartels.",
        track="mx-security-strategy",
        status="militarized-offensive",
        actors=["MX", "MX.PRESIDENCY"],
        sources=["washington-post", "fox-news"],
    ),
    E(
        "operativo-conjunto-michoacan",
        "troops.deployed",
        "2006-12-11",
        "Federal troops and police are sent into Michoacán: the first large deployment of Mexico's militarized drug war. Reported sizes range from 4,260 army personnel to some 7,000 members of all forces.",
        track="mx-military-public-security-role",
        status="expanded",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.SSP", "MX.PGR"],
        sources=["washington-post", "piglix", "centro-prodh", "san-diego-union-tribune"],
    ),
    E(
        "kingpin-strategy",
        "strategy.pursued",
        "2006-12/2012-11",
        "Calderón's government embraces the kingpin strategy, targeting cartel bosses; scholars later tracked how it splintered and multiplied the gangs. Dated by Calderón's term, as the article ties the strategy to him.",
        track="counter-cartel-strategy",
        status="kingpin-targeting",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.PGR"],
        sources=["seed", "modern-war-institute-at-west-point"],
    ),
    E(
        "merida-initiative-announced",
        "initiative.announced",
        "2007-10-22",
        "Washington and Mexico City announce the Mérida Initiative in a joint statement: a multi-year US security assistance package proposed at USD 1.4 billion.",
        track="merida-initiative",
        status="announced",
        actors=["US", "MX", "US.WH", "US.STATE", "MX.SRE"],
        data=fig("merida.proposed-package", 1.4, "USD billion", note="multi-year package proposed"),
        sources=["u-s-department-of-state", "congressional-research-service-rs22837"],
    ),
    E(
        "merida-first-appropriation",
        "initiative.funded",
        "2008-06-30",
        "President Bush signs the supplemental appropriations act with the first Mérida money: USD 400 million for Mexico.",
        track="merida-initiative",
        status="funded",
        actors=["US.CONGRESS", "US.WH"],
        data=fig(
            "merida.first-tranche-mexico",
            400,
            "USD million",
            note="FY2008 supplemental ($352M) plus FY2009 bridge ($48M)",
        ),
        sources=["mexico-living-baja-good-life-news", "congressional-research-service-rs22837"],
    ),
    E(
        "merida-first-letter-of-agreement",
        "initiative.implementation-began",
        "2008-12-03",
        "The first Mérida letter of agreement is signed, releasing USD 197 million: implementation begins.",
        track="merida-initiative",
        status="active",
        actors=["US.STATE", "US.EMBASSY-MX", "MX.SRE"],
        sources=["hsdl-abstract-of-crs-r40135", "sipaz", "mexidata"],
    ),
    E(
        "merida-first-letter-of-agreement",
        "group.first-meeting",
        "2008-12-19",
        "The cabinet-level Mérida High-Level Consultative Group holds its inaugural meeting.",
        track="merida-consultative-group",
        status="established",
        actors=["US.STATE", "MX.SRE"],
        id="merida-hlcg-first-meeting",
        sources=["u-s-department-of-state"],
    ),
    E(
        "merida-obama-four-pillars",
        "initiative.refocused",
        "[2009-08..2010-03-23]",
        "Under Obama, Mérida is reoriented toward institutions and justice-sector training, some time between the four areas of cooperation Obama and Calderón set in Guadalajara in August 2009 and the consultative group's meeting of 23 March 2010: the shift had no single day.",
        track="merida-initiative",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.USAID", "MX.SRE", "MX.PGR"],
        sources=["seed", "financial-transparency-coalition", "enewschannels"],
    ),
    E(
        "iacthr-atenco-judgment",
        "court.ruled",
        "2018-11-28",
        "The Inter-American Court's Atenco judgment (notified 21 December 2018) orders Mexico to create an independent observatory of police use of force; years later it is still not built. The article does not name the case: Atenco is the 2018 judgment that ordered such a body.",
        track="police-oversight",
        status="ordered-not-implemented",
        actors=["OAS.IACTHR", "MX", "MX.PF"],
        sources=[
            "seed",
            "scjn-mirror-of-inter-american-court-judgment",
            "tinkunaco",
            "centro-prodh",
        ],
    ),
    E(
        "iacthr-alvarado-judgment",
        "court.ruled",
        "[2018-11-28,2018-12-20]",
        "In Alvarado Espinoza the Inter-American Court holds Mexico responsible for three disappearances by soldiers and says public security should be mainly civilian. Sources date the judgment 28 November or 20 December 2018.",
        track="mx-military-public-security-role",
        actors=["OAS.IACTHR", "MX", "MX.SEDENA"],
        sources=[
            "peace-brigades-international-mexico",
            "sigrid-rausing-trust",
            "ehrac-enforced-disappearance-legal-database",
        ],
    ),
    E(
        "amlo-inauguration",
        "administration.began",
        "2018-12-01",
        "Andrés Manuel López Obrador takes office promising 'hugs, not bullets' instead of the war on cartels.",
        track="mx-security-strategy",
        status="abrazos-no-balazos",
        actors=["MX", "MX.PRESIDENCY"],
        sources=[
            "los-angeles-times",
            "latinnews",
            ("seed", "voicing support for “hugs not bullets”"),
        ],
    ),
    E(
        "military-deployment-expansion",
        "figures.reported",
        "2018-12",
        "About 69,000 army and navy personnel are deployed inside Mexico when López Obrador takes office (the article, citing data compiled by Ernesto López Portillo and Samuel Storr).",
        actors=["MX.SEDENA", "MX.SEMAR"],
        data=fig(
            "mx.troops-deployed-domestically",
            69000,
            "personnel",
            definition="army and navy personnel deployed inside the country, excluding the National Guard",
        ),
        id="troops-2018",
        sources=["seed"],
    ),
    E(
        "national-guard-constitutional-reform",
        "force.created",
        "2019-03-26",
        "A constitutional reform, published this day, creates the National Guard as a civilian institution.",
        track="national-guard",
        status="created",
        actors=["MX.CONGRESS", "MX.PRESIDENCY", "MX.GN", "MX.SSPC"],
        sources=["proceso", "todo-texcoco"],
    ),
    E(
        "national-guard-constitutional-reform",
        "role.authorized",
        "2019-03-26",
        "The same reform lets the armed forces keep doing public-security work for a transition of up to five years.",
        track="mx-military-public-security-role",
        status="authorized-transitional",
        actors=["MX.CONGRESS", "MX.SEDENA", "MX.SEMAR"],
        data={"transition": "up to five years"},
        id="military-role-authorized",
        sources=["proceso", "todo-texcoco"],
    ),
    E(
        "national-guard-law",
        "force.absorption-ordered",
        "2019-05-27",
        "The National Guard Law is published; the Federal Police is to be folded into the Guard within 18 months.",
        track="federal-police",
        status="being-absorbed",
        actors=["MX.CONGRESS", "MX.GN", "MX.PF", "MX.SSPC"],
        sources=["diario-oficial-de-la-federacion-evening-edition", "el-diario-de-chihuahua"],
    ),
    E(
        "national-guard-deployment",
        "force.deployed",
        "2019-06-30",
        "The National Guard formally starts nationwide operations; its initial strength is reported as 70,000 (Notigram) or 52,000 (Columnas de México).",
        track="national-guard",
        status="operational",
        actors=["MX.PRESIDENCY", "MX.GN", "MX.SEDENA", "MX.SEMAR", "MX.PF"],
        data=fig(
            "mx.national-guard-strength",
            70000,
            "members",
            definition="initial nationwide deployment (Notigram); Columnas de México reports 52,000",
        ),
        sources=["nacion321", "notigram", "columnas-de-mexico"],
    ),
    E(
        "federal-police-dissolved",
        "force.liquidation-began",
        "2019-10-01",
        "The liquidation of the Federal Police begins: its people, equipment and funds start passing to the National Guard.",
        track="federal-police",
        status="being-liquidated",
        actors=["MX.PF", "MX.GN", "MX.SSPC"],
        id="federal-police-liquidation",
        sources=["la-gazzetta-df"],
    ),
    E(
        "federal-police-dissolved",
        "force.dissolved",
        "[2020-01-01..2020-05]",
        "The Federal Police, which had received years of US training, ceases to exist: 1 January 2020 is officially the first day without it, and a decree of early May 2020 formalises the transfer of what was left.",
        track="federal-police",
        status="dissolved",
        actors=["MX.PF", "MX.GN", "MX.SSPC"],
        sources=["seed", "transporte-mx", "milenio", "el-universal"],
    ),
    E(
        "armed-forces-public-security-decree",
        "decree.issued",
        "2020-05-11",
        "A presidential decree keeps the army and navy in public-security tasks, at most until five years after the 2019 reform.",
        track="mx-military-public-security-role",
        status="extended-to-2024",
        actors=["MX.PRESIDENCY", "MX.SEDENA", "MX.SEMAR", "MX.GN"],
        sources=["codigo-13-parral", "todo-texcoco", "uniendo-voces"],
    ),
    E(
        "gao-merida-monitoring-report",
        "report.published",
        "2020-05-12",
        "The GAO finds the State Department did not consistently track performance data for its Mérida projects.",
        track="merida-initiative",
        actors=["US.GAO", "US.STATE.INL", "US.USAID"],
        sources=["u-s-government-accountability-office", "seed", "el-economista"],
    ),
    E(
        "cienfuegos-arrested",
        "official.arrested",
        "[2020-10-15,2020-10-16]",
        "US agents arrest former defense secretary Gen. Salvador Cienfuegos at Los Angeles airport on drug charges; Mexico's foreign minister learns of it from the US ambassador. Sources date it 15 October (Thursday night, Pacific time) or 16 October.",
        track="cienfuegos-case",
        status="arrested",
        actors=["US.DEA", "US.DOJ", "MX.SEDENA", "MX.SRE"],
        sources=["war-on-the-rocks", "cbs-los-angeles", "abc-nyheter"],
    ),
    E(
        "cienfuegos-arrested",
        "cooperation.soured",
        "2020-10",
        "The arrest badly sours relations, bringing security cooperation to its lowest level in some 15 years, former ambassador Arturo Sarukhán tells CNN (seed only: the remark was not found elsewhere).",
        track="security-cooperation",
        status="lowest-in-15-years",
        actors=["US", "MX"],
        id="security-cooperation-low",
        sources=[
            (
                "seed",
                "bringing security cooperation to its lowest levels in some 15 years, former Mexican ambassador to the United States Arturo Sarukhán told CNN",
            )
        ],
    ),
    E(
        "doj-moves-to-drop-cienfuegos",
        "case.dismissal-sought",
        "2020-11-17",
        "The US Justice Department says it will ask for the Cienfuegos charges to be dropped so Mexico can investigate him.",
        track="cienfuegos-case",
        status="dismissal-requested",
        actors=["US.DOJ", "MX.FGR"],
        sources=["new-york-times-text", "national-post"],
    ),
    E(
        "cienfuegos-case-dismissed-repatriated",
        "case.dismissed",
        "[2020-11-17,2020-11-18]",
        "A Brooklyn judge dismisses the case and Cienfuegos is flown back to Mexico. Reuters and EFE place the hearing on 18 November, México de Verdad on the 17th.",
        track="cienfuegos-case",
        status="dismissed",
        actors=["US.COURTS", "US.DOJ", "MX.FGR"],
        sources=["devdiscourse", "infobae", "mexico-de-verdad"],
    ),
    E(
        "national-security-law-foreign-agents",
        "law.published",
        "2020-12-18",
        "Mexico publishes a reform of its National Security Law (in force the next day) that requires foreign agents such as the DEA's to share what they learn and restricts their work.",
        track="dea-operations",
        status="restricted",
        actors=["MX.CONGRESS", "MX.PRESIDENCY", "MX.SRE", "US.DEA"],
        sources=["diario-oficial-de-la-federacion", "cco-noticias"],
    ),
    E(
        "mexico-homicides-2008-2020",
        "figures.reported",
        "2008",
        "Mexico records 14,006 homicides in 2008 (INEGI; a preliminary count of January 2010 gave 14,007).",
        actors=["MX.INEGI"],
        data=fig("mx.homicides", 14006, "homicides"),
        id="homicides-2008",
        sources=["biobiochile", "el-agora"],
    ),
    E(
        "mexico-homicides-2008-2020",
        "figures.reported",
        "2020",
        "Mexico records 36,579 homicides in 2020 by INEGI's preliminary count of July 2021: more than double 2008.",
        actors=["MX.INEGI"],
        data=fig("mx.homicides", 36579, "homicides"),
        id="homicides-2020",
        sources=["sinembargo", "seed"],
    ),
    E(
        "us-overdose-deaths-2008-2020",
        "figures.reported",
        "2008",
        "36,450 people die of drug overdoses in the United States in 2008 (CDC).",
        actors=["US.CDC"],
        data=fig("us.overdose-deaths", 36450, "deaths"),
        id="overdoses-2008",
        sources=["drug-war-facts", "seed"],
    ),
    E(
        "us-overdose-deaths-2008-2020",
        "figures.reported",
        "2020",
        "US overdose deaths reach a record in 2020: 93,331 by the CDC's provisional, predicted count of July 2021.",
        actors=["US.CDC", "US.NCHS"],
        data=fig("us.overdose-deaths", 93331, "deaths"),
        id="overdoses-2020",
        sources=["cdc-national-center-for-health-statistics", "seed"],
    ),
    E(
        "foreign-agents-guidelines",
        "rules.published",
        "2021-01-14",
        "Guidelines implementing the foreign-agents law are published, limiting the DEA's work; some coverage calls them softer than the law itself.",
        track="foreign-agents-rules",
        status="issued",
        actors=["MX.PRESIDENCY", "MX.SRE", "US.DEA"],
        sources=["sintesis", "pledge-times"],
    ),
    E(
        "cienfuegos-exonerated",
        "case.closed",
        "2021-01-14",
        "Mexican prosecutors clear Cienfuegos; the next day the government publishes the DEA's case file, which the US calls a breach of confidence.",
        track="cienfuegos-case",
        status="closed-without-charges",
        actors=["MX.FGR", "MX.PRESIDENCY", "US.DOJ", "US.DEA"],
        sources=["the-washington-post", "pledge-times#2", "pledge-times"],
    ),
    E(
        "dea-operations-halted",
        "operations.suspended",
        "2021-01~",
        "Joint work against the cartels grinds to a halt and Mexico largely suspends DEA operations. There was no formal order (Mexico spoke of regulating foreign agents): Reuters dates the freeze from January 2021.",
        track="dea-operations",
        status="suspended",
        actors=["US.DEA", "US.DOJ", "MX.SSPC", "MX.SEDENA", "MX.SRE"],
        sources=["seed", "reuters", "npr"],
    ),
    E(
        "cnn-dea-visas-report",
        "visas.blocked",
        "[2021-01-01..2021-10-08]",
        "Mexico approves no visas for DEA agents in 2021: none 'this year', US officials told CNN by 8 October.",
        track="dea-visas",
        status="blocked",
        actors=["MX.SRE", "US.DEA"],
        id="dea-visas-blocked",
        sources=["mexico-daily-post", ("seed", "denied visas to DEA agents")],
    ),
    E(
        "cnn-dea-visas-report",
        "operations.reported-stalled",
        "[2021-10-04..2021-10-08]",
        "CNN reports, in the week before the article, that the DEA is still unable to conduct most operations in Mexico.",
        track="dea-operations",
        status="suspended",
        actors=["US.DEA", "MX.SRE"],
        sources=["seed"],
    ),
    E(
        "ebrard-declares-merida-dead",
        "initiative.repudiated",
        "2021-07-29",
        "Foreign minister Marcelo Ebrard tells The Washington Post the Mérida Initiative is 'dead'.",
        track="merida-initiative",
        status="repudiated-by-mexico",
        actors=["MX.SRE", "US.STATE"],
        sources=["the-washington-post", "the-hill"],
    ),
    E(
        "mexico-sues-us-gunmakers",
        "lawsuit.filed",
        "2021-08-04",
        "Mexico sues US gun makers in a US federal court over weapons trafficked to cartels.",
        track="arms-trafficking",
        status="litigation",
        actors=["MX", "MX.SRE", "US.COURTS"],
        sources=["complaint", "international-enforcement-law-reporter"],
    ),
    E(
        "merida-end-scheduled",
        "initiative.end-announced",
        "2021-09-29",
        "Ebrard announces that Mérida is over and will be ended on 8 October.",
        track="merida-initiative",
        actors=["MX.SRE", "US.STATE", "US.EMBASSY-MX"],
        sources=["mexico-daily-post", "sputnik-mundo"],
    ),
    E(
        "merida-end-scheduled",
        "initiative.end-planned",
        "2021-10-08",
        "Planned (as announced on 29 September): Mérida to end on 8 October 2021.",
        track="merida-initiative",
        status="ended",
        planned=True,
        actors=["MX.SRE", "US.STATE"],
        id="merida-end-planned",
        announced="2021-09-29",
        sources=["sputnik-mundo"],
    ),
    E(
        "hlsd-2021-bicentennial-framework",
        "dialogue.scheduled",
        "2021-10-08",
        "Planned (as US officials briefed before the trip): a High-Level Security Dialogue in Mexico City on 8 October 2021.",
        track="security-dialogue",
        status="active",
        planned=True,
        actors=["US.STATE", "MX.SRE"],
        id="dialogue-planned",
        announced="2021-10-06?",
        sources=["u-s-department-of-state"],
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
        sources=["american-presidency-project", "seed"],
    ),
    E(
        "hlsd-2021-bicentennial-framework",
        "cooperation.resumed",
        "2021-10-08",
        "With the dialogue, Mexico and the United States are talking again about security.",
        track="security-cooperation",
        status="talking-again",
        actors=["US", "MX"],
        id="security-talks-resumed",
        sources=[
            (
                "seed",
                "Most importantly, it means Mexico and the United States are talking again.",
            )
        ],
    ),
    E(
        "hlsd-2021-bicentennial-framework",
        "framework.announced",
        "2021-10-08",
        "The two governments announce the Bicentennial Framework for Security, Public Health and Safe Communities in place of Mérida, before any specifics are agreed. It is to focus on preventing substance abuse, economic alternatives to organized crime, human rights and investigative abilities.",
        track="bicentennial-framework",
        status="announced",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        data={
            "focus_areas": [
                "preventing substance abuse",
                "economic alternatives to organized crime",
                "human rights",
                "investigative abilities",
            ]
        },
        id="bicentennial-announced",
        sources=[
            "american-presidency-project#2",
            (
                "seed",
                "will focus on preventing substance abuse, providing economic alternatives to organized crime, promoting human rights, and increasing investigative abilities",
            ),
            (
                "seed",
                "But it was easy enough for Mexico to nod along last week—before any specifics had been agreed to.",
            ),
        ],
    ),
    E(
        "merida-initiative-ends",
        "initiative.ended",
        "2021-10-08",
        "Ebrard declares Mérida left behind from this day. Over its life the United States sent Mexico more than USD 3 billion for it (the article; the GAO counted 3 billion in 2020); programmes already funded went on.",
        track="merida-initiative",
        status="ended",
        fulfils="merida-end-planned",
        actors=["MX.SRE", "US.STATE"],
        data=fig(
            "merida.total-provided",
            3,
            "USD billion",
            note="more than, since 2008 (the article); GAO, May 2020: 3 billion managed",
        ),
        sources=[
            "u-s-department-of-state",
            (
                "seed",
                "an anti-drug program that has seen the United States send Mexico more than $3 billion in financing",
            ),
            "u-s-government-accountability-office",
        ],
    ),
    E(
        "bicentennial-action-plan-due",
        "framework.action-plan-due",
        "2022-01",
        "Planned (as of October 2021): the Bicentennial Framework to be finalized in January 2022.",
        track="bicentennial-framework",
        status="implementing",
        planned=True,
        actors=["US.STATE", "MX.SRE", "MX.SSPC"],
        id="action-plan-due",
        announced="2021-10-08",
        sources=["seed"],
    ),
    E(
        "chemical-maker-fentanyl-probe",
        "investigation.reported",
        "[2021-10-11..2021-10-15]",
        "Milenio reports, in the week of the article, a joint US-Mexican investigation of a Mexican chemical-maker over fentanyl materials (seed only; not confirmed elsewhere).",
        track="precursor-chemicals",
        status="joint-investigation",
        actors=["MX.FGR", "US.DEA"],
        sources=["seed"],
    ),
    E(
        "military-deployment-expansion",
        "figures.reported",
        "2021-10~",
        "About 125,000 army and navy personnel are deployed inside Mexico, up from about 69,000 (the article, citing data compiled by López Portillo and Storr).",
        actors=["MX.SEDENA", "MX.SEMAR", "MX.PRESIDENCY"],
        data=fig(
            "mx.troops-deployed-domestically",
            125000,
            "personnel",
            definition="army and navy personnel deployed inside the country, excluding the National Guard",
        ),
        id="troops-2021",
        sources=["seed"],
    ),
    E(
        "national-guard-strength-2021",
        "figures.reported",
        "2021-06",
        "The government's security report of June 2021 counts 102,593 National Guard members (as Alejandro Hope reads it).",
        actors=["MX.GN", "MX.SSPC"],
        data=fig(
            "mx.national-guard-strength",
            102593,
            "members",
            definition="all members, as the government's security report counts them",
        ),
        id="guard-strength-2021-06",
        sources=["el-universal"],
    ),
    E(
        "national-guard-strength-2021",
        "figures.reported",
        "2021-10~",
        "The article calls the National Guard 90,000-strong; it gives no definition (deployed members numbered about 90,000 in mid-2020, by Hope's count).",
        actors=["MX.GN", "MX.SEDENA", "MX.SEMAR"],
        data=fig(
            "mx.national-guard-strength",
            90000,
            "members",
            definition="as the article gives it, undefined; close to the deployed members of mid-2020",
        ),
        id="guard-strength-2021",
        sources=["seed"],
    ),
    E(
        "national-guard-strength-2021",
        "figures.reported",
        "2021-10~",
        "Around 75 percent of the National Guard are military personnel (the article).",
        actors=["MX.GN", "MX.SEDENA", "MX.SEMAR"],
        data=fig("mx.national-guard-military-share", 75, "percent", note="around"),
        id="guard-military-share-2021",
        sources=[
            (
                "seed",
                "Those numbers don’t include the new 90,000-strong National Guard, which is composed of around 75 percent military personnel.",
            )
        ],
    ),
    E(
        "garcia-luna-convicted",
        "official.arrested",
        "2019-12-09",
        "Genaro García Luna, Calderón's security secretary, is arrested in Dallas on US charges of taking cartel bribes.",
        track="garcia-luna-case",
        status="arrested",
        actors=["US.DOJ", "MX.SSP"],
        id="garcia-luna-arrested",
        sources=["dallas-morning-news"],
    ),
    # -- after the article: recorded when their sources appeared ------------------------
    E(
        "military-deployment-expansion",
        "figures.reported",
        "2021-11",
        "80,210 military personnel support local police in public-security tasks, 45 percent more than at the start of the term (La Razón): a narrower count than the article's.",
        actors=["MX.SEDENA", "MX.SEMAR"],
        data=fig(
            "mx.troops-supporting-local-police",
            80210,
            "personnel",
            definition="military personnel deployed supporting local police",
        ),
        id="troops-supporting-police-2021-11",
        sources=["la-razon"],
        known="2021-11-27T12:00:00+00:00",
    ),
    E(
        "dea-visas-unblocked",
        "visas.resumed",
        "2021-12-01",
        "The US says Mexico has just agreed to more visas for DEA agents.",
        track="dea-visas",
        status="resuming",
        actors=["US.STATE.INL", "US.DEA", "MX.SRE"],
        sources=["pulse-news-mexico"],
        known="2021-12-02T12:00:00+00:00",
    ),
    E(
        "bicentennial-subgroups-installed",
        "framework.launched",
        "2021-12-14",
        "The two governments launch the Bicentennial Understanding by installing its bilateral working subgroups (one secondary source).",
        track="bicentennial-framework",
        status="launched",
        actors=["MX.SRE", "MX.SSPC", "US.EMBASSY-MX"],
        sources=["bullfrag"],
        known="2021-12-16T12:00:00+00:00",
    ),
    E(
        "bicentennial-action-plan-adopted",
        "framework.action-plan-adopted",
        "[2022-01-31,2022-02-01]",
        "The 2022-2024 action plan of the Bicentennial Framework is approved: three goals, 11 cooperation areas, 26 joint objectives, 102 actions. The SRE dates it 31 January 2022, The Diplomatic Insight 1 February.",
        track="bicentennial-framework",
        status="implementing",
        fulfils="action-plan-due",
        actors=["MX.SRE", "MX.SSPC", "US.STATE", "US.NSC"],
        sources=["secretaria-de-relaciones-exteriores", "the-diplomatic-insight"],
        known="2022-02-01T12:00:00+00:00",
    ),
    E(
        "dea-siu-disbanded",
        "unit.disbanded",
        "[2020..2021-04]",
        "Mexico quietly disbands the DEA-trained Sensitive Investigative Unit: by April 2021, when it told the DEA (Reuters), or in 2020 (Prensa Latina). It became public only in April 2022; a second unit, at the Attorney General's Office, reportedly kept working.",
        track="dea-operations-siu",
        status="disbanded",
        actors=["MX.SSPC", "US.DEA"],
        sources=["reuters", "prensa-latina"],
        known="2022-04-20T12:00:00+00:00",
    ),
    E(
        "national-guard-strength-2021",
        "figures.reported",
        "2022-08",
        "At least eight in ten National Guard members are military (Agencia Reforma, August 2022).",
        actors=["MX.GN", "MX.SEDENA", "MX.SEMAR"],
        data=fig("mx.national-guard-military-share", 80, "percent", note="at least"),
        id="guard-military-share-2022",
        sources=["el-heraldo"],
        known="2022-08-31T12:00:00+00:00",
    ),
    E(
        "national-guard-to-sedena",
        "force.transferred",
        "2022-09-10",
        "A reform published in the Diario Oficial dated 9 September takes effect: operational and administrative control of the National Guard passes to the defense ministry (SEDENA), which had held operational control in practice since October 2020.",
        track="national-guard",
        status="under-sedena",
        actors=["MX.CONGRESS", "MX.GN", "MX.SEDENA"],
        sources=["diario-oficial-de-la-federacion", "la-union-de-morelos", "la-jornada"],
        known="2022-09-10T12:00:00+00:00",
    ),
    E(
        "hlsd-2022",
        "dialogue.held",
        "2022-10-13",
        "The second High-Level Security Dialogue, in Washington, reviews the framework's first year.",
        track="security-dialogue",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        sources=["la-opinion", "u-s-department-of-state"],
        known="2022-10-13T22:00:00+00:00",
    ),
    E(
        "scjn-invalidates-gn-transfer",
        "court.ruled",
        "2023-04-18",
        "Mexico's Supreme Court strikes down the transfer of the National Guard to SEDENA.",
        track="national-guard",
        actors=["MX.SCJN", "MX.GN", "MX.SEDENA"],
        sources=["el-informador"],
        known="2023-04-18T22:00:00+00:00",
    ),
    E(
        "scjn-invalidates-gn-transfer",
        "force.return-planned",
        "2024-01-01",
        "Planned (by the Supreme Court on 20 April 2023, deferring its ruling's effect): the National Guard returns to civilian control on 1 January 2024.",
        track="national-guard",
        status="civilian-control",
        planned=True,
        actors=["MX.SCJN", "MX.GN"],
        id="guard-return-planned",
        announced="2023-04-20",
        sources=["noroeste"],
        known="2023-04-20T22:00:00+00:00",
    ),
    E(
        "ovidio-guzman-extradited",
        "suspect.extradited",
        "2023-09-15",
        "Ovidio Guzmán López is extradited to the United States.",
        track="extraditions",
        status="high-profile-extradition",
        actors=["MX.FGR", "MX.SEDENA", "US.DOJ", "US.DEA"],
        sources=["american-chronicles"],
        known="2023-09-30T12:00:00+00:00",
    ),
    E(
        "hlsd-2023",
        "dialogue.held",
        "2023-10-05",
        "The third High-Level Security Dialogue, in Mexico City, centres on fentanyl and arms and adds migration to the agenda.",
        track="security-dialogue",
        status="active",
        actors=["US.STATE", "US.DOJ", "US.DHS", "MX.SRE", "MX.SSPC"],
        sources=["the-federal-newswire", "tiempo-y-forma"],
        known="2023-10-31T12:00:00+00:00",
    ),
    E(
        "garcia-luna-convicted",
        "official.convicted",
        "2023-02-21",
        "A New York jury convicts García Luna, a key Mérida-era counterpart, of taking cartel bribes (our only source is a report on his sentencing in 2024).",
        track="garcia-luna-case",
        status="convicted",
        actors=["US.DOJ", "US.COURTS", "MX.SSP"],
        sources=["desde-la-cdmx"],
        known="2024-12-31T12:00:00+00:00",
    ),
]

CORRECTIONS = [
    # (target, changes, reason, (research entry, source key), recorded at)
    (
        "overdoses-2020",
        {"data": fig("us.overdose-deaths", 91799, "deaths")},
        "The NCHS final count for 2020 (91,799) replaces the provisional, predicted 93,331 the article cited.",
        ("us-overdose-deaths-2008-2020", "nchs-data-brief"),
        "2021-12-31T12:00:00+00:00",
    ),
    (
        "homicides-2020",
        {"data": fig("mx.homicides", 36773, "homicides")},
        "INEGI's final 2020 count (36,773, as a 2023 article cites it) replaces the preliminary 36,579 of July 2021. Recorded at the end of 2023: the article is dated only to that year.",
        ("mexico-homicides-2008-2020", "trends-in-organized-crime"),
        "2023-12-31T12:00:00+00:00",
    ),
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def source_keys(fact: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The sources of one research entry by key: `seed`, or the outlet (before any '(')."""
    keys: dict[str, dict[str, Any]] = {}
    for raw in fact["sources"]:
        outlet = str(raw["outlet"])
        base = "seed" if "[SEED]" in outlet else _slug(outlet.split("(", maxsplit=1)[0])
        key, n = base, 1
        while key in keys:
            n += 1
            key = f"{base}#{n}"
        keys[key] = raw
    return keys


def published_edtf(text: object) -> str | None:
    """A research file's publication date as EDTF, or None when it is unknown."""
    if text is None:
        return None
    s = str(text)
    if s in PUBLISHED:
        return PUBLISHED[s]
    m = re.fullmatch(r"unknown \(([0-9-]+)\)", s)
    edtf = f"{m.group(1)}?" if m else s
    return bl.When.parse(edtf).edtf  # raises on anything not understood


def make_source(raw: dict[str, Any], quote: str | None = None) -> bl.Source:
    url = str(raw.get("url") or "")
    url = URL_FIXES.get(url, url)
    return bl.Source(
        outlet=str(raw.get("outlet", "")).replace(" [SEED]", ""),
        title=str(raw.get("title") or ""),
        url=url if url.startswith(("http://", "https://")) else "",
        published=published_edtf(raw.get("published")),
        quote=" ".join((quote or str(raw.get("quote") or "")).split()),
    )


def _check_in_time(what: str, sources: list[bl.Source], known: str) -> None:
    day = dt.datetime.fromisoformat(known).date()
    for s in sources:
        if s.published is not None and s.published.latest > day:
            raise SystemExit(f"{what}: {s.outlet} ({s.published.edtf}) is newer than {known}")


def _check_annual(what: str, ev: bl.Event, sources: list[bl.Source]) -> None:
    """A figure for a year comes from sources published after that year was over."""
    if "metric" not in ev.data or ev.on.precision is not Precision.YEAR:
        return
    for s in sources:
        if s.published is None or s.published.earliest <= ev.on.latest:
            raise SystemExit(f"{what}: {s.outlet} may predate the end of {ev.on.edtf}")


def _sources(e: dict[str, Any], fact: dict[str, Any], seed: str | None) -> list[bl.Source]:
    by_key = source_keys(fact)
    out = []
    for item in e["sources"]:
        key, quote = (item, None) if isinstance(item, str) else item
        if key not in by_key:
            raise SystemExit(f"{e['id']}: no source {key!r} in {fact['id']}: {sorted(by_key)}")
        if quote is not None:
            if key != "seed":
                raise SystemExit(f"{e['id']}: only the seed may be quoted beyond the research")
            if seed is not None and " ".join(quote.split()) not in seed:
                raise SystemExit(f"{e['id']}: the seed does not say {quote!r}")
        out.append(make_source(by_key[key], quote))
    return out


def load_research(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".json":
        facts: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return facts
    import yaml  # noqa: PLC0415 - a build-time tool, only for the research file itself

    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    COPY.write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"refreshed {COPY}")
    return facts


def _seed_text(research: Path) -> str | None:
    for folder in (
        research.resolve().parent.parent,
        ROOT.parent / "shared",
        ROOT.parent.parent / "shared",
    ):
        path = folder / "seed" / SEED_NAME
        if path.is_file():
            return " ".join(path.read_text(encoding="utf-8").split())
    print(f"note: shared/seed/{SEED_NAME} not found; quotes from the seed not checked")
    return None


def main(research: Path) -> None:
    facts = {f["id"]: f for f in load_research(research)}
    seed = _seed_text(research)
    batches: dict[str, list[bl.Event | Correction]] = {}
    events: dict[str, bl.Event] = {}
    for e in EVENTS:
        sources = _sources(e, facts[e["ref"]], seed)
        _check_in_time(e["id"], sources, e["known"])
        ev = bl.Event(
            id=e["id"], type=e["type"], on=e["on"], track=e["track"], status=e["status"],
            actors=e["actors"], summary=e["summary"], data=e["data"], sources=sources,
            planned=e["planned"], fulfils=e["fulfils"], announced=e["announced"],
        )  # fmt: skip
        _check_annual(ev.id, ev, sources)
        events[ev.id] = ev
        batches.setdefault(e["known"], []).append(ev)
    for target, changes, reason, (ref, key), known in CORRECTIONS:
        sources = [make_source(source_keys(facts[ref])[key])]
        _check_in_time(f"correct-{target}", sources, known)
        _check_annual(f"correct-{target}", events[target], sources)
        batches.setdefault(known, []).append(
            Correction(
                id=f"correct-{target}",
                target=target,
                changes=changes,
                reason=reason,
                sources=sources,
            )
        )
    OUT.unlink(missing_ok=True)
    clock = FakeClock()
    tl = bl.open(OUT, clock=clock)
    for known in sorted(batches):
        clock.set(known)
        tl.append(batches[known])
    report = tl.verify()
    assert report.ok, report
    print(f"wrote {OUT} ({tl.position} records)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else COPY)
