"""Deterministic benchmark timelines: N events over 1,000 tracks, imprecise dates,
5% backfilled (dated before what was already recorded), 1% corrected.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import bilatlog as bl
from bilatlog._codec import Codec, _trusted_event
from bilatlog.events import Correction, Retraction

STATUSES = ("active", "suspended", "ended", "restored", "curtailed")
START = dt.date(1990, 1, 1)


def _date(rng: random.Random, day: dt.date, *, precise: bool = False) -> str:
    r = rng.random()  # drawn either way, so that precise=True changes nothing else
    if precise or r < 0.70:
        return day.isoformat()
    if r < 0.85:
        return day.isoformat()[:7]
    if r < 0.90:
        return day.isoformat()[:7] + "~"
    if r < 0.95:
        return f"[{day.isoformat()[:7]}..{(day + dt.timedelta(days=90)).isoformat()[:7]}]"
    return day.isoformat()[:4]


def records(
    n: int, *, tracks: int = 1000, seed: int = 20211015, precise: bool = False
) -> list[bl.Event | Correction]:
    """Records to append, in append order (events, with corrections interleaved).

    `precise=True` dates every event to the day (the same timeline otherwise):
    it separates the cost of the index from that of uncertain answers.
    """
    rng = random.Random(seed)
    out: list[bl.Event | Correction] = []
    span = 32 * 365  # days covered
    events = 0
    while events < n:
        i = events
        # valid time advances with the append order; 5% are backfilled far into the past
        progress = int(span * i / n)
        offset = rng.randrange(progress + 1) if rng.random() < 0.05 else progress
        day = START + dt.timedelta(days=offset)
        ev = bl.Event(
            id=f"b{seed}-{i}",
            type="cooperation.changed",
            on=_date(rng, day, precise=precise),
            track=f"track-{rng.randrange(tracks)}",
            status=rng.choice(STATUSES),
            actors=("US", "MX"),
            summary="status change",
        )
        out.append(ev)
        events += 1
        if rng.random() < 0.01 and i > 0:
            target = f"b{seed}-{rng.randrange(i)}"
            out.append(
                Correction(target=target, changes={"status": rng.choice(STATUSES)}, reason="fix")
            )
    return out


def build(
    target: object, n: int, *, batch: int = 1000, seed: int = 20211015, precise: bool = False
) -> bl.Timeline:
    """Open `target` and fill it with `records(n)` in batches."""
    tl = bl.open(target)  # type: ignore[arg-type]
    recs = records(n, seed=seed, precise=precise)
    for i in range(0, len(recs), batch):
        tl.append(recs[i : i + batch])
    return tl


def pass_medians(
    tl: bl.Timeline, asks: list[tuple[str, int | None]], passes: int = 5
) -> list[float]:
    """Ask every `(day, known_at)` once to warm up, then time `passes` passes.

    Returns each pass's median, in seconds.
    """
    for day, known in asks:
        tl.state_at(day, known_at=known)
    medians = []
    for _ in range(passes):
        times = []
        for day, known in asks:
            t0 = time.perf_counter()
            tl.state_at(day, known_at=known)
            times.append(time.perf_counter() - t0)
        medians.append(statistics.median(times))
    return medians


def floor_batches(recs: list, batch: int = 1000) -> Iterator[list[tuple[int, str]]]:
    """The raw floor's rows, batch by batch: (position, plain `json.dumps` of the record)."""
    codec = Codec()
    for i in range(0, len(recs), batch):
        yield [(i + k + 1, json.dumps(codec.record_to_dict(r)))
               for k, r in enumerate(recs[i : i + batch])]  # fmt: skip


# -- the backfilled workload (issue 14): a historical dataset imported in random valid order --

#: The years a backfilled log covers (replayed yearly in benchmarks/bitemporal.py).
BACKFILL_YEARS: Final = (1990, 2025)
_FIRST_DAY: Final = dt.date(BACKFILL_YEARS[0], 1, 1).toordinal()
_LAST_DAY: Final = dt.date(BACKFILL_YEARS[1], 12, 31).toordinal()


def _backfill_date(rng: random.Random, day: dt.date) -> str:
    """75% day-precise, 20% month-precise, 3% year-precise, 2% a range of months."""
    r = rng.random()
    if r < 0.75:
        return day.isoformat()
    if r < 0.95:
        return day.isoformat()[:7]
    if r < 0.98:
        return day.isoformat()[:4]
    end = day + dt.timedelta(days=rng.randrange(31, 400))
    return f"[{day.isoformat()[:7]}..{end.isoformat()[:7]}]"


def backfilled(
    n: int, *, tracks: int = 1000, seed: int = 14, batch: int = 10_000
) -> Iterator[list[bl.Event | Correction | Retraction]]:
    """N events of a historical dataset imported in random valid order, in append batches.

    Every event is a backfill: its day is drawn uniformly over 36 years,
    whatever was recorded before. Dates are 75% day-, 20% month- and 3%
    year-precise, 2% a range of months; after 1% of the events comes a
    correction (of the status or the date) of an earlier event, after 0.5% a
    retraction. Corrections and retractions name events not yet retracted, so
    every batch is valid. Deterministic from `seed`; streams (memory stays flat
    at any N but for the set of retracted ids).
    """
    rng = random.Random(seed)
    retracted: set[int] = set()
    out: list[bl.Event | Correction | Retraction] = []
    for i in range(n):
        day = dt.date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY))
        # built as the store rebuilds what it read (no validators: these fields are valid by
        # construction, which test_scripts_run.py checks), so that 10M events build in minutes
        out.append(
            _trusted_event({
                "id": f"h{seed}-{i}",
                "type": "cooperation.changed",
                "on": _backfill_date(rng, day),
                "track": f"track-{rng.randrange(tracks)}",
                "status": rng.choice(STATUSES),
                "actors": ["US", "MX"],
                "summary": "status change",
            })
        )  # fmt: skip
        r = rng.random()
        if i > 0 and r < 0.015:
            target = rng.randrange(i)
            if target not in retracted:
                if r < 0.010:
                    change: dict[str, object] = (
                        {"status": rng.choice(STATUSES)}
                        if r < 0.005
                        else {"on": _backfill_date(rng, dt.date.fromordinal(
                            rng.randint(_FIRST_DAY, _LAST_DAY)))}
                    )  # fmt: skip
                    out.append(Correction(target=f"h{seed}-{target}", changes=change, reason="fix"))
                else:
                    retracted.add(target)
                    out.append(Retraction(target=f"h{seed}-{target}", reason="duplicate"))
        if len(out) >= batch:
            yield out
            out = []
    if out:
        yield out


# -- an ICEWS-shaped file (the Dataverse columns), for the import benchmarks -----------------

ICEWS_HEADER: Final = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)  # fmt: skip
_COUNTRIES: Final = ("United States", "Mexico", "Canada", "China", "India", "Brazil")
_CODES: Final = ("010", "020", "036", "040", "042", "051", "057", "061", "064", "111", "173", "190")


def write_icews(path: Path, rows: int, *, seed: int = 2018) -> Path:
    """Write `rows` ICEWS-shaped rows (random dyads of six countries, CAMEO codes, 2018)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write("\t".join(ICEWS_HEADER) + "\n")
        for i in range(rows):
            src, tgt = rng.sample(_COUNTRIES, 2)
            f.write("\t".join([
                str(10_000_000 + i), f"2018-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"Government ({src})", "Government", src, "Consult", rng.choice(_CODES),
                str(rng.choice([1, 3.4, -2, 6.4])), f"Government ({tgt})", "Government", tgt,
                str(rng.randint(1, 10**6)), "1", "Wire", "NA", "NA", "NA", tgt, "NA", "NA",
            ]) + "\n")  # fmt: skip
    return path
