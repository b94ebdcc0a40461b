"""A naive reference for the cooperation projection.

Fold everything, filter by knowledge, then by date.

Deliberately simple and independent of bilatlog's indexes: it re-reads every
record for every question. The fast path must agree with it on every backend.
The rules it encodes are those of docs/time-model.md ("Status over time").
"""

from __future__ import annotations

import datetime as dt

import attrs

from bilatlog import Truth, When
from bilatlog.events import Correction, Event, RecordedEvent, Retraction

MAX = dt.date.max


def known_events(records: list[RecordedEvent], known: int) -> list[tuple[Event, int]]:
    """Events as known at `known`: corrections applied, retractions removed, with positions."""
    current: dict[str, list] = {}
    for rec in records:
        if rec.position > known:
            break
        r = rec.record
        if isinstance(r, Event):
            current[r.id] = [r, rec.position]
        elif isinstance(r, Correction):
            current[r.target][0] = attrs.evolve(current[r.target][0], **dict(r.changes))
        elif isinstance(r, Retraction):
            del current[r.target]
    return [(e, p) for e, p in current.values()]


def _plus1(d):
    return d if d == MAX else d + dt.timedelta(days=1)


def naive_segments(items: list[tuple[Event, int]]):
    """(status, start_lo, start_hi, end_lo, end_hi, event, revert, contiguous) per segment."""
    items = sorted(items, key=lambda x: (x[0].on.sort_key, x[1]))
    n = len(items)
    segs = []
    for i, (e, _) in enumerate(items):
        s_lo = e.on.start_bounds[0]
        s_hi = min(items[j][0].on.start_bounds[1] for j in range(i, n))
        if i + 1 < n:
            nxt_lo = items[i + 1][0].on.start_bounds[0]
            nxt_hi = min(items[j][0].on.start_bounds[1] for j in range(i + 1, n))
        else:
            nxt_lo = nxt_hi = MAX
        before = segs[-1][0] if segs else None
        if e.on.is_interval and not e.on.end_open:
            end_lo, end_hi = (_plus1(d) for d in e.on.end_bounds)
            if end_hi <= nxt_lo:
                segs.append((e.status, s_lo, s_hi, end_lo, end_hi, e, False, before is not None))
                if before is not None:
                    segs.append((before, end_lo, end_hi, nxt_lo, nxt_hi, e, True, True))
            else:
                segs.append(
                    (
                        e.status,
                        s_lo,
                        s_hi,
                        min(end_lo, nxt_lo),
                        min(end_hi, nxt_hi),
                        e,
                        False,
                        False,
                    )
                )
        else:
            segs.append((e.status, s_lo, s_hi, nxt_lo, nxt_hi, e, False, True))
    return segs


def naive_state(records: list[RecordedEvent], at: When, known: int) -> dict:
    """The state as a plain dict: tracks, planned ids, metrics."""
    dlo, dhi = at.lo, at.hi
    events = known_events(records, known)
    tracks: dict[str, list] = {}
    for e, p in events:
        if not e.planned and e.track is not None and e.status is not None:
            tracks.setdefault(e.track, []).append((e, p))
    out_tracks = {}
    for track, items in tracks.items():
        held = []
        for seg in naive_segments(items):
            _, s_lo, s_hi, e_lo, e_hi, _, _, _ = seg
            if s_hi <= dlo and dhi < e_lo:
                held.append((seg, Truth.CERTAIN))
            elif s_lo <= dhi and dlo < e_hi:
                held.append((seg, Truth.POSSIBLE))
        if not held:
            continue
        certain = [h for h in held if h[1] is Truth.CERTAIN]
        chosen, truth = certain[0] if certain else held[-1]
        statuses = tuple(dict.fromkeys(h[0][0] for h in held))
        if (
            truth is Truth.POSSIBLE
            and len(statuses) == 1
            and held[0][0][2] <= dlo
            and dhi < held[-1][0][3]
            and all(h[0][7] for h in held[:-1])
        ):
            truth = Truth.CERTAIN
        ev = chosen[5]
        if chosen[6]:
            since = ev.on.end or ev.on
        else:
            # the run of point events with the same status that ends at the chosen one
            segs = naive_segments(items)
            k = next(i for i, s in enumerate(segs) if s[5] is ev and not s[6])
            while (
                not (ev.on.is_interval and not ev.on.end_open)
                and k > 0
                and segs[k - 1][0] == chosen[0]
                and not segs[k - 1][6]
                and not (segs[k - 1][5].on.is_interval and not segs[k - 1][5].on.end_open)
            ):
                k -= 1
            first = segs[k][5]
            since = first.on.start or first.on
        out_tracks[track] = {
            "status": chosen[0],
            "truth": truth,
            "possible": statuses,
            "since": since,
            "events": tuple(dict.fromkeys(h[0][5] for h in held)),
        }
    fulfilled = {e.fulfils for e, _ in events if e.fulfils is not None and e.on.hi <= dhi}
    planned = tuple(
        e.id
        for e, _ in sorted(events, key=lambda x: (x[0].on.sort_key, x[1]))
        if e.planned
        and e.on.hi >= dlo
        and (e.announced is None or e.announced.lo <= dhi)
        and e.id not in fulfilled
    )
    metrics = {}
    for e, _ in sorted(events, key=lambda x: (x[0].on.sort_key, x[1])):
        m = e.data.get("metric")
        if not e.planned and isinstance(m, str) and e.on.lo <= dhi:
            metrics[m] = (e.data.get("value"), e.on.edtf, e.id)
    return {"tracks": out_tracks, "planned": planned, "metrics": metrics}


def as_plain(state) -> dict:
    """bilatlog's State in the reference's shape."""
    return {
        "tracks": {
            t: {
                "status": s.status,
                "truth": s.truth,
                "possible": s.possible,
                "since": s.since,
                "events": s.events,
            }
            for t, s in state.items()
        },
        "planned": tuple(e.id for e in state.planned),
        "metrics": {m: (f.value, f.on.edtf, f.event.id) for m, f in state.metrics.items()},
    }
