"""The knowledge index: every version of every event, placed for fast "as of" answers.

For each event the index keeps its versions (the original, then one per
correction), each current for a range of knowledge positions
`[pos_from, pos_to)`; a retraction closes the last range. Status versions are
kept per track, figures per metric, plans in one list, each sorted in
valid-time order. A question "at D, as known at K" then looks only at the few
versions around D on each track, skipping those not current at K: it never
folds the whole log.

The index is built incrementally from the log (`catch_up`), so a backfilled
2008 event recorded after 2021 ones simply lands in its place.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from bilatlog.events import Correction, Event, RecordedEvent, Retraction
from bilatlog.projections._segments import (
    MAX,
    Segment,
    StatusVersion,
    build_segments,
    make_version,
)

if TYPE_CHECKING:
    from bilatlog.backends import Backend

__all__ = ["KnowledgeIndex", "SortedVersions"]


class SortedVersions:
    """Versions in valid-time order, with their start days for bisecting."""

    __slots__ = ("items", "keys", "los")

    def __init__(self) -> None:
        self.keys: list[tuple[dt.date, dt.date, str, int]] = []
        self.los: list[dt.date] = []
        self.items: list[StatusVersion] = []

    def insert(self, v: StatusVersion) -> None:
        key = v.key
        if not self.keys or key >= self.keys[-1]:
            i = len(self.keys)
        else:
            i = bisect.bisect_right(self.keys, key)
        self.keys.insert(i, key)
        self.los.insert(i, v.s_lo)
        self.items.insert(i, v)

    def run_start(self, v: StatusVersion, known: int, at: int | None = None) -> StatusVersion:
        """The first version of the run of point events with `v`'s status that ends at `v`.

        "Active since 2008" stays true when a later event re-states "active".
        `at` is `v`'s index in `items`, when the caller knows it.
        """
        i = (bisect.bisect_left(self.keys, v.key) if at is None else at) - 1
        status = v.event.status
        while i >= 0:
            w = self.items[i]
            i -= 1
            if not (w.pos_from <= known < w.pos_to):
                continue
            if w.event.status != status or w.end is not None:
                break
            v = w
        return v

    def visible(self, known: int) -> list[StatusVersion]:
        return [v for v in self.items if v.visible(known)]

    def window(self, dlo: dt.date, dhi: dt.date, known: int) -> list[StatusVersion]:
        """The visible versions that can decide the status during [dlo, dhi].

        Walks back from the last version that may have started by `dhi` until
        a version whose segment certainly ended before `dlo` (and is not an
        interval, whose end could bring back an older status): every segment
        before it ended before `dlo` too. Adds the first visible version after,
        which may end the last segment.
        """
        items = self.items
        idx = bisect.bisect_right(self.los, dhi)
        nxt = None
        for j in range(idx, len(items)):
            if items[j].visible(known):
                nxt = items[j]
                break
        out: list[StatusVersion] = []
        m = nxt.s_hi if nxt is not None else MAX  # least latest-start after the current one
        j = idx - 1
        while j >= 0:
            v = items[j]
            j -= 1
            if not (v.pos_from <= known < v.pos_to):
                continue
            out.append(v)
            if m <= dlo and v.end is None:
                break
            m = min(m, v.s_hi)
        out.reverse()
        if nxt is not None:
            out.append(nxt)
        return out


class KnowledgeIndex:
    """All versions of all events, indexed by track, metric and plan (see the module docstring)."""

    def __init__(self) -> None:
        self.position = 0
        self.records: dict[str, RecordedEvent] = {}
        self.versions: dict[str, list[StatusVersion]] = {}
        self.corrections: dict[str, list[RecordedEvent]] = {}
        self.retractions: dict[str, RecordedEvent] = {}
        self.tracks: dict[str, SortedVersions] = {}
        self.metrics: dict[str, SortedVersions] = {}
        self.plans: list[StatusVersion] = []
        self.fulfilments: dict[str, list[StatusVersion]] = {}
        self.all: list[StatusVersion] = []
        self._all_sorted = True

    # -- building ---------------------------------------------------------------------

    def catch_up(self, backend: Backend) -> None:
        """Index whatever the log holds beyond what is indexed."""
        head = backend.head
        if head > self.position:
            self.extend(backend.read(self.position + 1, head))

    def extend(self, records: Iterable[RecordedEvent]) -> None:
        """Index records, which must follow on from `position`."""
        for rec in records:
            r = rec.record
            if isinstance(r, Event):
                self.records[r.id] = rec
                self._place(make_version(r, rec.position, rec.position), r.id)
            elif isinstance(r, Correction):
                self.corrections.setdefault(r.target, []).append(rec)
                current = self.versions[r.target][-1]
                current.pos_to = rec.position
                self._place(
                    make_version(r.apply(current.event), current.position, rec.position), r.target
                )
            elif isinstance(r, Retraction):
                self.retractions[r.target] = rec
                self.versions[r.target][-1].pos_to = rec.position
            self.position = rec.position

    def _place(self, v: StatusVersion, event_id: str) -> None:
        self.versions.setdefault(event_id, []).append(v)
        e = v.event
        if self.all and v.key < self.all[-1].key:
            self._all_sorted = False
        self.all.append(v)
        if e.planned:
            self.plans.append(v)
        elif e.track is not None and e.status is not None:
            self.tracks.setdefault(e.track, SortedVersions()).insert(v)
        if not e.planned and isinstance(e.data.get("metric"), str):
            metric = e.data["metric"]
            assert isinstance(metric, str)  # noqa: S101 - checked just above
            self.metrics.setdefault(metric, SortedVersions()).insert(v)
        if e.fulfils is not None:
            self.fulfilments.setdefault(e.fulfils, []).append(v)

    # -- reading -------------------------------------------------------------------------

    def in_order(self, known: int) -> Iterator[StatusVersion]:
        """Every version current at `known`, in valid-time order (ties by position)."""
        if not self._all_sorted:
            self.all.sort(key=lambda v: v.key)
            self._all_sorted = True
        return (v for v in self.all if v.visible(known))

    def track_segments(self, track: str, dlo: dt.date, dhi: dt.date, known: int) -> list[Segment]:
        """The segments that can matter on `track` during [dlo, dhi], as known at `known`."""
        versions = self.tracks.get(track)
        if versions is None:
            return []
        return build_segments(versions.window(dlo, dhi, known))

    def track_history(self, track: str, known: int) -> list[Segment]:
        """All segments of `track`, as known at `known`."""
        versions = self.tracks.get(track)
        return build_segments(versions.visible(known)) if versions is not None else []
