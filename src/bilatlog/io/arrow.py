"""Arrow and Parquet: a store's events, streamed in batches, for DuckDB, polars and pandas.

`record_batches` reads the log once for its corrections and retractions
(their target ids only), then streams the events in position order, a batch at
a time, with corrections applied and retractions left out: the events as known
at `known_at`, as `Timeline.events` gives them, but in recording order
and with memory flat in the size of the store (a batch, plus the ids of the
corrected events). Sort by `earliest` in the tool you read them with.

Needs the `arrow` extra (`pip install 'bilatlog[arrow]'`: pyarrow).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilatlog import _seam
from bilatlog._optional import require
from bilatlog.events import Correction, Event, RecordedEvent, Retraction
from bilatlog.exceptions import ValidationError
from bilatlog.io.exporters import event_record, export_head, record_head, refuse_store
from bilatlog.timeline import Timeline

if TYPE_CHECKING:
    from bilatlog.timeline import KnownAt

__all__ = ["export_parquet", "known_batches", "record_batches", "schema"]

#: events per batch: a batch is what sits in memory at once
BATCH = 10_000
_SOURCE_FIELDS = ("outlet", "title", "url", "published", "quote")


def _pa() -> Any:  # noqa: ANN401 - pyarrow is optional
    return require("pyarrow", extra="arrow", needed_for="Arrow and Parquet need")


def schema() -> Any:  # noqa: ANN401 - pyarrow
    """The Arrow schema of exported events: `event_record`'s columns, typed, plus provenance.

    Dates are `date32` (null for an open end), `precision` is dictionary-encoded,
    `actors` a list of strings, `sources` a list of structs, `data` JSON text;
    `position` and `recorded_at` are those of the event's original record.
    """
    pa = _pa()
    text = pa.string()
    return pa.schema(
        [
            ("id", text),
            ("type", text),
            ("edtf", text),
            ("earliest", pa.date32()),
            ("latest", pa.date32()),
            ("precision", pa.dictionary(pa.int32(), text)),
            ("uncertain", pa.bool_()),
            ("approximate", pa.bool_()),
            ("track", text),
            ("status", text),
            ("planned", pa.bool_()),
            ("announced", text),
            ("fulfils", text),
            ("actors", pa.list_(text)),
            ("summary", text),
            ("sources", pa.list_(pa.struct([(f, text) for f in _SOURCE_FIELDS]))),
            ("data", text),
            ("position", pa.int64()),
            ("recorded_at", pa.timestamp("us", tz="UTC")),
        ]
    )


def known_batches(
    tl: Timeline, *, known_at: KnownAt = None, batch_size: int = BATCH
) -> Iterator[list[tuple[RecordedEvent, Event]]]:
    """The events as known at `known_at`, in position order, in lists of `batch_size`.

    Each item is the event's original record (for its position and
    `recorded_at`) and the event with its corrections applied.
    """
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValidationError("batch_size", batch_size, "not a positive number.", "e.g. 10000.")
    stop = tl.resolve_known_at(known_at)
    targeted = {
        rec.record.target  # type: ignore[union-attr]
        for rec in tl.log(kinds=("correction", "retraction"), known_at=stop)
    }
    batch: list[RecordedEvent] = []
    for rec in tl.log(kinds=("event",), known_at=stop):
        batch.append(rec)
        if len(batch) >= batch_size:
            yield _apply(tl, batch, targeted, stop)
            batch = []
    if batch:
        yield _apply(tl, batch, targeted, stop)


def _apply(
    tl: Timeline, batch: list[RecordedEvent], targeted: set[str], stop: int
) -> list[tuple[RecordedEvent, Event]]:
    changed = [r.record.id for r in batch if r.record.id in targeted]
    later: dict[str, list[RecordedEvent]] = {}
    for rec in tl.backend.targeting(changed, stop) if changed else ():
        later.setdefault(rec.record.target, []).append(rec)  # type: ignore[union-attr]
    out = []
    for rec in batch:
        event = rec.record
        assert isinstance(event, Event)  # noqa: S101 - kinds=("event",)
        kept = True
        for after in later.get(event.id, ()):
            if isinstance(after.record, Retraction):
                kept = False
                break
            if isinstance(after.record, Correction):
                event = after.record.apply(event)
        if kept:
            out.append((rec, event))
    return out


def _batch(pa: Any, sch: Any, items: list[tuple[RecordedEvent, Event]]) -> Any:  # noqa: ANN401
    columns: dict[str, list[Any]] = {name: [] for name in sch.names}
    for rec, event in items:
        row = event_record(event)
        row["data"] = (
            json.dumps(row["data"], ensure_ascii=False, sort_keys=True) if event.data else None
        )
        row["sources"] = [{f: s.get(f) for f in _SOURCE_FIELDS} for s in row["sources"]]
        row["position"] = rec.position
        row["recorded_at"] = rec.recorded_at
        for name, values in columns.items():
            values.append(row[name])
    arrays = []
    for field in sch:
        values = columns[field.name]
        if field.name in ("earliest", "latest"):
            arrays.append(pa.array(values, type=pa.string()).cast(pa.date32()))
        elif field.name == "precision":
            arrays.append(pa.array(values, type=pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=sch)


def record_batches(tl: Timeline, *, known_at: KnownAt = None, batch_size: int = BATCH) -> Any:  # noqa: ANN401 - pyarrow
    """The events as known, as a `pyarrow.RecordBatchReader` (streamed: read it once).

    DuckDB queries it directly (`duckdb.sql("SELECT ... FROM reader")`);
    `reader.read_all()` gives a `pyarrow.Table`, `.read_pandas()` a DataFrame,
    and `polars.from_arrow(reader)` a polars frame.
    """
    pa = _pa()
    sch = schema()
    batches = (
        _batch(pa, sch, items)
        for items in known_batches(tl, known_at=known_at, batch_size=batch_size)
    )
    return pa.RecordBatchReader.from_batches(sch, batches)


def export_parquet(
    tl: Timeline,
    path: str | Path,
    *,
    known_at: KnownAt = None,
    batch_size: int = BATCH,
    compression: str = "zstd",
) -> int:
    """Write the events as known to a Parquet file, a batch (one row group) at a time.

    The file appears whole or not at all (written beside it, then renamed).
    As every exporter, it refuses the store's own file and records the head
    it reflects in `<file>.head.json`. Returns the number of events written.
    """
    pa = _pa()
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415 - with pyarrow

    target = refuse_store(tl, path)
    head = export_head(tl, known_at)
    known_at = head.position
    partial = target.with_name(target.name + ".partial")
    sch = schema()
    n = 0
    try:
        with pq.ParquetWriter(partial, sch, compression=compression) as writer:
            for items in known_batches(tl, known_at=known_at, batch_size=batch_size):
                if items:
                    writer.write_batch(_batch(pa, sch, items))
                    n += len(items)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    record_head(tl, target, head)
    return n


_seam.arrow.register(Timeline)(record_batches)  # Timeline.to_arrow
