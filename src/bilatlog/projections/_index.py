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
import contextlib
import datetime as dt
import gc
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from bilatlog._codec import SCHEMA_VERSION, loads
from bilatlog.events import Correction, Event, RecordedEvent, Retraction
from bilatlog.projections._segments import (
    MAX,
    Segment,
    StatusVersion,
    build_segments,
    make_version,
    stored_version,
)

if TYPE_CHECKING:
    from bilatlog.backends import Backend

__all__ = ["KnowledgeIndex", "SortedVersions"]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while indexing creates many small objects.

    Indexing makes no reference cycles, and without the pause the collector
    re-scans the growing index again and again (a third of the time).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_sort_key: Final = operator.attrgetter("key")
_BLOCK: Final = 32  # versions per block in SortedVersions' skip list (a power of two)
_SHIFT: Final = _BLOCK.bit_length() - 1


class SortedVersions:
    """Versions in valid-time order, with their start days for bisecting.

    Looking back from 2021 as the log stood in 2006 means stepping over every
    version recorded after 2006. To do that without visiting each one, the
    versions are grouped in blocks of 32 with the smallest `pos_from` of each
    block: a block whose smallest `pos_from` is after the knowledge position
    holds nothing visible and is skipped whole (`prev_visible`,
    `next_visible`).
    """

    __slots__ = ("_mins", "items", "keys", "los")

    def __init__(self) -> None:
        self.keys: list[tuple[dt.date, dt.date, str, int]] = []
        self.los: list[dt.date] = []
        self.items: list[StatusVersion] = []
        self._mins: list[int] | None = []  # smallest pos_from per block; None: to rebuild

    def insert(self, v: StatusVersion) -> None:
        key = v.key
        keys = self.keys
        if not keys or key >= keys[-1]:
            keys.append(key)
            self.los.append(v.s_lo)
            self.items.append(v)
            mins = self._mins
            if mins is not None:  # a version at the end: its block's minimum, kept up to date
                b = (len(keys) - 1) >> _SHIFT
                if b == len(mins):
                    mins.append(v.pos_from)
                elif v.pos_from < mins[b]:
                    mins[b] = v.pos_from
            return
        i = bisect.bisect_right(keys, key)
        keys.insert(i, key)
        self.los.insert(i, v.s_lo)
        self.items.insert(i, v)
        self._mins = None  # a backfill shifts the blocks after it

    def extend(self, new: list[StatusVersion]) -> None:
        """Add many versions at once, in any order: one sort rather than a bisect each."""
        if len(new) < _BLOCK:
            for v in new:
                self.insert(v)
            return
        items = self.items
        items.extend(new)
        items.sort(key=_sort_key)  # runs already in order cost one pass (timsort)
        self.keys = [v.key for v in items]
        self.los = [v.s_lo for v in items]
        self._mins = None

    def _block_mins(self) -> list[int]:
        mins = self._mins
        if mins is None:
            items = self.items
            mins = self._mins = [
                min(v.pos_from for v in items[b : b + _BLOCK]) for b in range(0, len(items), _BLOCK)
            ]
        return mins

    def prev_visible(self, j: int, known: int) -> int:
        """The index of the last version at or before `j` current at `known`, or -1."""
        items = self.items
        mins = self._block_mins()
        while j >= 0:
            b = j >> _SHIFT
            if mins[b] > known:  # nothing in this block was known yet: skip it and its like
                b -= 1
                while b >= 0 and mins[b] > known:
                    b -= 1
                if b < 0:
                    return -1
                j = (b << _SHIFT) + _BLOCK - 1
            v = items[j]
            if v.pos_from <= known < v.pos_to:
                return j
            j -= 1
        return -1

    def next_visible(self, j: int, known: int) -> int:
        """The index of the first version at or after `j` current at `known`, or len(items)."""
        items = self.items
        n = len(items)
        mins = self._block_mins()
        nb = len(mins)
        while j < n:
            b = j >> _SHIFT
            if mins[b] > known:  # nothing in this block was known yet: skip it and its like
                b += 1
                while b < nb and mins[b] > known:
                    b += 1
                if b >= nb:
                    return n
                j = b << _SHIFT
            v = items[j]
            if v.pos_from <= known < v.pos_to:
                return j
            j += 1
        return n

    def run_start(self, v: StatusVersion, known: int, at: int | None = None) -> StatusVersion:
        """The first version of the run of point events with `v`'s status that ends at `v`.

        "Active since 2008" stays true when a later event re-states "active".
        `at` is `v`'s index in `items`, when the caller knows it.
        """
        items = self.items
        if at is None:
            at = self.index_of(v)
        i = at - 1
        status = v.status
        while i >= 0:
            w = items[i]
            if not (w.pos_from <= known < w.pos_to):
                i = self.prev_visible(i, known)
                if i < 0:
                    break
                w = items[i]
            if w.status != status or w.end is not None:
                break
            v = w
            i -= 1
        return v

    def index_of(self, v: StatusVersion) -> int:
        """Where `v` (one of these versions) sits in `items`.

        Bisects the start days (cheap to compare) and steps over the few
        versions starting the same day, rather than bisecting the sort keys.
        """
        items = self.items
        i, n = bisect.bisect_left(self.los, v.s_lo), len(items)
        while i < n and items[i] is not v:
            i += 1
        return i if i < n else bisect.bisect_left(self.keys, v.key)

    def visible(self, known: int) -> list[StatusVersion]:
        return [v for v in self.items if v.visible(known)]

    def window(
        self, dlo: dt.date, dhi: dt.date, known: int, idx: int | None = None
    ) -> list[StatusVersion]:
        """The visible versions that can decide the status during [dlo, dhi].

        Walks back from the last version that may have started by `dhi` until
        a version whose segment certainly ended before `dlo` (and is not an
        interval, whose end could bring back an older status): every segment
        before it ended before `dlo` too. Adds the first visible version after,
        which may end the last segment. `idx` is `bisect_right(los, dhi)`, when
        the caller has it.
        """
        items = self.items
        n = len(items)
        if idx is None:
            idx = bisect.bisect_right(self.los, dhi)
        k = idx
        if k < n and not (items[k].pos_from <= known < items[k].pos_to):
            k = self.next_visible(k, known)
        nxt = items[k] if k < n else None
        out: list[StatusVersion] = []
        m = nxt.s_hi if nxt is not None else MAX  # least latest-start after the current one
        j = idx - 1
        while j >= 0:
            v = items[j]
            if not (v.pos_from <= known < v.pos_to):
                j = self.prev_visible(j, known)
                if j < 0:
                    break
                v = items[j]
            out.append(v)
            if m <= dlo and v.end is None:
                break
            if v.s_hi < m:  # noqa: PLR1730 - no call: this loop is hot
                m = v.s_hi
            j -= 1
        out.reverse()
        if nxt is not None:
            out.append(nxt)
        return out


class KnowledgeIndex:
    """All versions of all events, indexed by track, metric and plan (see the module docstring)."""

    def __init__(self) -> None:
        self.position = 0
        # each event's original record, or its stored canonical text until someone asks for it
        self.records: dict[str, RecordedEvent | str] = {}
        self.versions: dict[str, list[StatusVersion]] = {}
        self.corrections: dict[str, list[RecordedEvent]] = {}
        self.retractions: dict[str, RecordedEvent] = {}
        self.tracks: dict[str, SortedVersions] = {}
        self.metrics: dict[str, SortedVersions] = {}
        self.plans: list[StatusVersion] = []
        self.fulfilments: dict[str, list[StatusVersion]] = {}
        self.all: list[StatusVersion] = []
        self._all_sorted = True
        self._open: Callable[[dict[str, Any]], RecordedEvent] | None = None

    # -- building ---------------------------------------------------------------------

    def catch_up(self, backend: Backend) -> None:
        """Index whatever the log holds beyond what is indexed.

        Backends that can hand over stored envelopes with their text
        (`read_envelopes`: the SQL ones) are indexed without decoding every
        event; the others give decoded records.
        """
        head = backend.head
        if head <= self.position:
            return
        read_envelopes = getattr(backend, "read_envelopes", None)
        if read_envelopes is not None:
            self.extend_envelopes(
                read_envelopes(self.position + 1, head), backend.codec.open_envelope
            )
        else:
            self.extend(backend.read(self.position + 1, head))

    def extend(self, records: Iterable[RecordedEvent]) -> None:
        """Index records, which must follow on from `position`."""
        for rec in records:
            r = rec.record
            if isinstance(r, Event):
                self.records[r.id] = rec
                self._place_event(r, r.id, rec.position, rec.position)
            elif isinstance(r, Correction):
                self.corrections.setdefault(r.target, []).append(rec)
                current = self.versions[r.target][-1]
                current.pos_to = rec.position
                self._place_event(r.apply(current.event), r.target, current.position, rec.position)
            elif isinstance(r, Retraction):
                self.retractions[r.target] = rec
                self.versions[r.target][-1].pos_to = rec.position
            self.position = rec.position

    def extend_envelopes(
        self,
        items: Iterable[tuple[dict[str, Any], str]],
        open_envelope: Callable[[dict[str, Any]], RecordedEvent],
    ) -> None:
        """Index stored envelopes (`(envelope, text)`, following on from `position`).

        Each text must be the canonical envelope whose SHA-256 was checked
        against the stored hash (as the SQL backends' `read_envelopes` give).

        An event of the current schema is indexed from the few fields the
        index needs, keeping its text to decode the event when it is asked
        for; anything else (corrections, retractions, older schemas) is
        decoded in full by `open_envelope`.
        """
        self._open = open_envelope
        # plain status versions wait here, per track, to be sorted in once at the end
        pending: dict[str, list[StatusVersion]] = {}
        with _gc_paused():
            for env, text in items:
                d = env.get("record")
                lazy = env.get("kind") == "event" and env.get("v") == SCHEMA_VERSION
                if lazy and type(d) is dict:
                    try:
                        position = env["position"]
                        event_id = d["id"]
                        v = stored_version(d["on"], d.get("status"), position, text)
                        data = d.get("data")
                        metric = data.get("metric") if data else None
                        ok = type(event_id) is str and type(position) is int
                    except (KeyError, TypeError, ValueError, AttributeError):
                        ok = False  # decode in full below, which says what is wrong
                    if ok:
                        self.records[event_id] = text
                        self._place(
                            v,
                            event_id,
                            d.get("track"),
                            bool(d.get("planned")),
                            metric if type(metric) is str else None,
                            d.get("fulfils"),
                            pending,
                        )
                        self.position = position
                        continue
                self.extend((open_envelope(env),))
            if pending:
                for track, new in pending.items():
                    versions = self.tracks.get(track)
                    if versions is None:
                        versions = self.tracks[track] = SortedVersions()
                    versions.extend(new)

    def _place_event(self, e: Event, event_id: str, position: int, pos_from: int) -> None:
        metric = e.data.get("metric") if e.data else None
        self._place(
            make_version(e, position, pos_from),
            event_id,
            e.track,
            e.planned,
            metric if isinstance(metric, str) else None,
            e.fulfils,
        )

    def _place(  # noqa: PLR0917 - internal, positional for speed
        self,
        v: StatusVersion,
        event_id: str,
        track: str | None,
        planned: bool,
        metric: str | None,
        fulfils: str | None,
        pending: dict[str, list[StatusVersion]] | None = None,
    ) -> None:
        """File a version under its event, track, metric, plan and fulfilment.

        With `pending`, a track's versions wait there to be sorted in together
        (`SortedVersions.extend`) rather than inserted one by one.
        """
        self.versions.setdefault(event_id, []).append(v)
        all_ = self.all
        if all_ and v.key < all_[-1].key:
            self._all_sorted = False
        all_.append(v)
        if planned:
            self.plans.append(v)
        elif track is not None and v.status is not None:
            if pending is not None:
                waiting = pending.get(track)
                if waiting is None:
                    pending[track] = [v]
                else:
                    waiting.append(v)
            else:
                versions = self.tracks.get(track)
                if versions is None:
                    versions = self.tracks[track] = SortedVersions()
                versions.insert(v)
        if not planned and metric is not None:
            versions = self.metrics.get(metric)
            if versions is None:
                versions = self.metrics[metric] = SortedVersions()
            versions.insert(v)
        if fulfils is not None:
            self.fulfilments.setdefault(fulfils, []).append(v)

    def original(self, event_id: str) -> RecordedEvent:
        """The event's original record (decoded from its stored text if need be)."""
        rec = self.records[event_id]
        if isinstance(rec, RecordedEvent):
            return rec
        assert self._open is not None  # noqa: S101 - texts come through extend_envelopes
        # the text is the canonical envelope its hash was checked against: its SHA-256 is the hash
        hash_ = hashlib.sha256(rec.encode("utf-8")).hexdigest()
        decoded = self._open({**loads(rec), "hash": hash_})
        self.records[event_id] = decoded
        return decoded

    # -- reading -------------------------------------------------------------------------

    def in_order(self, known: int) -> Iterator[StatusVersion]:
        """Every version current at `known`, in valid-time order (ties by position)."""
        if not self._all_sorted:
            self.all.sort(key=lambda v: v.key)
            self._all_sorted = True
        return (v for v in self.all if v.visible(known))

    def track_segments(
        self, track: str, dlo: dt.date, dhi: dt.date, known: int, idx: int | None = None
    ) -> list[Segment]:
        """The segments that can matter on `track` during [dlo, dhi], as known at `known`."""
        versions = self.tracks.get(track)
        if versions is None:
            return []
        return build_segments(versions.window(dlo, dhi, known, idx))

    def track_history(self, track: str, known: int) -> list[Segment]:
        """All segments of `track`, as known at `known`."""
        versions = self.tracks.get(track)
        return build_segments(versions.visible(known)) if versions is not None else []
