"""pandas-native frames, the CSV round trip, and the Arrow/Parquet export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import bilatlog as bl
from bilatlog.cli import main
from bilatlog.io import export_csv, import_csv
from bilatlog.io.arrow import export_parquet, schema


def _known(t: bl.Timeline) -> list[bl.Event]:
    """The events as known now (corrections applied, retractions out)."""
    return [k.event for k in t.events()]


@pytest.fixture(scope="module")
def tl():
    return bl.examples.us_mexico()


def _answers(t: bl.Timeline) -> list[object]:
    """What a user asks: states on several days, a history, an explanation's sources, audit."""
    days = ("2008-06-01", "2019-01-01", "2021-01-15", "2021-06-01", "2022-02-01")
    out: list[object] = [
        [(s.track, s.status, s.truth, s.possible) for s in t.state_at(day).values()] for day in days
    ]
    out.append([(p.status, p.start.edtf, p.truth) for p in t.history("dea-operations")])
    out.append(
        [(s.outlet, s.url, s.title, s.published, s.quote)
         for e in t.state_at("2021-06-01")["dea-operations"].events for s in e.sources]
    )  # fmt: skip
    out.append(_known(t))
    return out


def test_frame_dates_are_datetime64_and_categories_are_categoricals(tl):
    """Date columns are datetime64 (NaT for an open end); truth and precision categoricals."""
    events = tl.to_frame()
    assert str(events["earliest"].dtype).startswith("datetime64")
    assert str(events["latest"].dtype).startswith("datetime64")
    assert isinstance(events["precision"].dtype, pd.CategoricalDtype)
    assert "month" in set(events["precision"])
    known = tl.events().to_frame()  # with positions and corrections
    assert str(known["earliest"].dtype).startswith("datetime64")
    assert isinstance(known["precision"].dtype, pd.CategoricalDtype)
    first = events.iloc[0]
    assert first["earliest"] == pd.Timestamp(_known(tl)[0].on.earliest)
    state = tl.state_at("2021-01-15").to_frame()
    assert list(state["truth"].cat.categories) == ["no", "possible", "certain"]
    assert state["truth"].cat.ordered
    assert (state["truth"] >= "possible").all()
    assert str(state["since_earliest"].dtype).startswith("datetime64")
    history = tl.history("merida-initiative").to_frame()
    assert str(history["end_earliest"].dtype).startswith("datetime64")
    assert history["end_earliest"].isna().tolist() == [False, False, False, False, True]
    figures = tl.series_frame("us.overdose-deaths")
    assert str(figures["earliest"].dtype).startswith("datetime64")


def test_frame_of_open_intervals_beside_closed_dates_has_nat():
    """An open end (`2021/..`) beside a closed date is NaT in both event frames."""
    t = bl.open()
    t.record("treaty.signed", on="2019-05", track="pact", status="in-force")
    t.record("talks.open", on="2021/..", summary="talks open, still going")
    t.record("talks.earlier", on="../2018", summary="talks before 2018, start unknown")
    for frame in (t.to_frame(), t.events().to_frame()):
        assert frame["earliest"].isna().tolist() == [True, False, False]
        assert frame["latest"].isna().tolist() == [False, False, True]
        assert frame["latest"].iloc[1] == pd.Timestamp("2019-05-31")


def test_empty_frames_are_typed_as_full_ones():
    """Nothing to show: text columns still take `.str`, flags are bool, positions int."""
    t = bl.open()
    t.record("treaty.signed", on="2019", track="pact", status="in-force")
    empty = bl.open()
    for frame, text in (
        (empty.state_at("2020").to_frame(), "track"),
        (t.states_frame("2010", "2012"), "track"),
        (t.series_frame("no.such-metric"), "metric"),
        (t.history("pact", known_at=0).to_frame(), "status"),
        (empty.to_frame(), "track"),
    ):
        assert frame.empty
        assert frame[frame[text].str.startswith("pa")].empty  # float64 would raise here
    assert empty.to_frame()["planned"].dtype == bool
    assert empty.events().to_frame()["position"].dtype == "int64"
    assert t.series_frame("no.such-metric")["value"].dtype.kind in "fi"


def test_from_frame_names_the_missing_date_column_and_spaces_in_names():
    """A CSV header `type, edtf` (a space after the comma): the error names edtf, not `on`."""
    frame = pd.read_csv(io.StringIO("type, edtf\ntalks.held, 2021-05\n"))
    with pytest.raises(bl.ValidationError) as caught:
        bl.from_frame(frame)
    assert "missing edtf (or on)" in caught.value.problem
    assert "' edtf'" in caught.value.problem
    assert "str.strip" in caught.value.fix
    with pytest.raises(bl.ValidationError, match="missing type"):
        bl.from_frame(pd.DataFrame({"edtf": ["2021"]}))


def test_import_csv_reads_a_spreadsheet_csv_with_a_byte_order_mark(tmp_path):
    """Excel's "CSV UTF-8" starts with a BOM and ends lines with CRLF: read as plain UTF-8."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbftype,edtf,actors,summary\r\ntalks.held,2021-05,NA;,Windhoek\r\n"
        b'talks.held,"[2019,2021]",US;MX,"S\xc3\xa3o Paulo, again"\r\n'
    )
    t = bl.open()
    report = import_csv(t, path, strict=True)
    assert report.imported == 2
    got = [(e.type, e.on.edtf, e.actors, e.summary) for e in _known(t)]
    assert sorted(got) == sorted([
        ("talks.held", "2021-05", ("NA",), "Windhoek"),
        ("talks.held", "[2019,2021]", ("US", "MX"), "S\u00e3o Paulo, again"),
    ])  # fmt: skip


def test_one_track_as_a_string_is_refused_by_the_state_frames(tl):
    """tracks="dea-operations": a ValidationError, not an empty frame or columns d, e, a, ..."""
    for call in (
        lambda: tl.states_frame("2019", "2021", tracks="dea-operations"),
        lambda: tl.status_matrix(start="2019", end="2021", tracks="dea-operations"),
    ):
        with pytest.raises(bl.ValidationError) as caught:
            call()
        assert caught.value.field == "tracks"
        assert "tracks=['dea-operations']" in caught.value.fix
    assert set(tl.states_frame("2019", "2021", tracks=["dea-operations"])["track"]) == {
        "dea-operations"
    }


def test_frame_dates_reach_beyond_the_nanosecond_range():
    """A date before 1677 (outside datetime64[ns]) is kept, not an overflow error."""
    t = bl.open()
    t.record("treaty.signed", on="1648-10-24", track="westphalia", status="in-force")
    t.record("treaty.noted", on="1500", summary="a century earlier")
    frame = t.to_frame()
    assert frame["earliest"].min() == pd.Timestamp("1500-01-01")
    assert t.history("westphalia").to_frame()["start_earliest"][0].year == 1648


def test_states_frame_is_tidy(tl):
    """One row per date and track: date, track, status, truth, possible."""
    frame = tl.states_frame("2019", "2022", tracks=["merida-initiative", "dea-operations"])
    assert list(frame.columns) == ["date", "track", "status", "truth", "possible"]
    assert str(frame["date"].dtype).startswith("datetime64")
    assert isinstance(frame["truth"].dtype, pd.CategoricalDtype)
    tracks = ("merida-initiative", "dea-operations")
    held = [(d, t) for d, st in tl.replay("2019", "2022") for t in tracks if st.get(t) is not None]
    assert len(frame) == len(held) > 4
    wide = frame.pivot_table(index="date", columns="track", values="status", aggfunc="first")
    matrix = tl.status_matrix(start="2019", end="2022", tracks=["merida-initiative"])
    assert list(wide["merida-initiative"]) == list(matrix["merida-initiative"])
    jan = tl.states_frame("2021-01-15", "2021-01-15", every="day", tracks=["dea-operations"])
    row = jan.iloc[0]
    assert (row["status"], row["truth"]) == ("suspended", "possible")
    state = tl.state_at("2021-01-15")["dea-operations"]
    assert row["possible"].split("|") == list(state.possible)
    assert len(state.possible) > 1


def test_from_frame_takes_midnight_timestamps_as_days():
    """A datetime64 date column gives days; a time of day or a zone is refused, not cut."""
    frame = pd.DataFrame(
        {"type": ["talks.held", "talks.held"],
         "on": pd.to_datetime(["2021-10-08", "2021-10-09"]),
         "track": ["dialogue", "dialogue"], "status": ["active", "paused"]}
    )  # fmt: skip
    t = bl.from_frame(frame)
    assert [e.on.edtf for e in _known(t)] == ["2021-10-08", "2021-10-09"]
    with pytest.raises(bl.ValidationError, match="time of day"):
        bl.from_frame(pd.DataFrame({"type": ["a.b"], "on": [pd.Timestamp("2021-10-08 14:30")]}))
    with pytest.raises(bl.ValidationError, match="time zone"):
        bl.from_frame(pd.DataFrame({"type": ["a.b"], "on": [pd.Timestamp("2021-10-08", tz="UTC")]}))
    days = pd.DataFrame({"type": ["a.b"], "edtf": [dt.date(2021, 10, 8)], "planned": ["False"]})
    assert _known(bl.from_frame(days))[0].on.edtf == "2021-10-08"


def _tricky() -> bl.Timeline:
    """Events that a CSV reader can trip on: years only, Namibia, planned, quotes, JSON."""
    t = bl.examples.us_mexico()
    t.record("visit.made", on="2008", actors=["US", "NA"], id="1234",
             summary='He said "no", then; left', data={"value": 3, "unit": "days"},
             sources=[bl.Source(outlet="Reuters, Mexico City", url="https://r.example/a?x=(1)",
                                title="A title | with a bar", published="2008-05",
                                quote="a quote, with commas")])  # fmt: skip
    t.record("visit.planned", on="2030", planned=True, announced="2021", actors=["NA"])
    return t


def test_csv_round_trip_through_pandas_and_through_import_csv(tmp_path):
    """export csv, then pandas.read_csv + from_frame, or import_csv: the same answers."""
    t = _tricky()
    path = tmp_path / "events.csv"
    assert export_csv(t, path) == len(_known(t))
    expected = _answers(t)
    through_pandas = bl.from_frame(pd.read_csv(path, keep_default_na=False))
    assert _answers(through_pandas) == expected
    plain = pd.read_csv(path)  # default NA handling: years become numbers, "" NaN
    assert _answers(bl.from_frame(plain)) == expected
    target = bl.open()
    report = import_csv(target, path, progress=False)
    assert (report.imported, report.bad) == (len(_known(t)), [])
    assert _answers(target) == expected
    assert import_csv(target, path, progress=False).already_present == report.imported


def test_namibia_alone_survives_plain_read_csv(tmp_path):
    """A lone "NA" actor is written as "NA;", which pandas' default reading keeps."""
    t = bl.open()
    t.record("visit.made", on="2020", actors=["NA"])
    path = tmp_path / "na.csv"
    export_csv(t, path)
    assert _known(bl.from_frame(pd.read_csv(path)))[0].actors == ("NA",)
    assert _known(bl.from_frame(pd.read_csv(path, keep_default_na=False))) == (_known(t))


def test_older_flat_sources_text_is_read_as_sources_not_characters():
    """The flattened `outlet (url) | outlet` text of older CSV files gives whole sources."""
    frame = pd.DataFrame({
        "type": ["talks.held"], "edtf": ["2021-10-08"],
        "sources": ["Reuters (https://reuters.example/a) | El Universal"],
    })  # fmt: skip
    sources = _known(bl.from_frame(frame))[0].sources
    assert [(s.outlet, s.url) for s in sources] == [
        ("Reuters", "https://reuters.example/a"),
        ("El Universal", ""),
    ]


def test_cli_import_csv_round_trips_an_export(tmp_path, capsys):
    """`bilatlog export csv` then `bilatlog import csv` gives the same states."""
    path = tmp_path / "us-mx.csv"
    assert main(["export", "csv", "--to", str(path)]) == 0
    store = tmp_path / "copy.jsonl"
    assert main(["--store", str(store), "import", "csv", str(path), "--quiet"]) == 0
    copy = bl.open(store)
    assert _answers(copy) == _answers(bl.examples.us_mexico())
    capsys.readouterr()
    assert main(["--store", str(store), "import", "csv", str(path), "--between", "US,MX"]) == 2
    assert "not for a bilatlog CSV" in capsys.readouterr().err


def test_arrow_stream_is_the_events_as_known(tmp_path):
    """to_arrow streams the events as known: corrections applied, retractions out."""
    t = bl.examples.us_mexico()
    first, second = _known(t)[:2]
    t.correct(first.id, reason="exact day", summary="corrected summary")
    t.retract(second.id, reason="duplicate")
    reader = t.to_arrow(batch_size=5)
    assert isinstance(reader, pa.RecordBatchReader)
    table = reader.read_all()
    assert table.schema == schema()
    known = {e.id: e for e in _known(t)}
    assert sorted(table["id"].to_pylist()) == sorted(known)
    rows = {r["id"]: r for r in table.to_pylist()}
    assert rows[first.id]["summary"] == "corrected summary"
    assert second.id not in rows
    for event_id, e in known.items():
        assert rows[event_id]["earliest"] == e.on.earliest
        assert rows[event_id]["actors"] == list(e.actors)
    as_of = t.to_arrow(known_at=t.position - 2).read_all()
    assert first.id in as_of["id"].to_pylist()
    assert second.id in as_of["id"].to_pylist()


def test_parquet_export_reads_back_in_pyarrow_and_duckdb(tmp_path):
    """`bilatlog export parquet` writes a file pyarrow, pandas and DuckDB read directly."""
    path = tmp_path / "us-mx.parquet"
    assert main(["export", "parquet", "--to", str(path)]) == 0
    table = pq.read_table(path)
    us_mx = bl.examples.us_mexico()
    assert table.num_rows == len(_known(us_mx))
    assert pq.ParquetFile(path).schema_arrow == schema()
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT status, count(*) FROM '{path}' WHERE track = 'merida-initiative' "
        "AND status IS NOT NULL "
        "GROUP BY status ORDER BY status"
    ).fetchall()
    expected = sorted(
        {e.status for e in _known(us_mx) if e.track == "merida-initiative" and e.status}
    )
    assert [r[0] for r in rows] == expected
    assert not list(tmp_path.glob("*.partial"))
    back = bl.from_frame(pd.read_parquet(path))  # and back, through pandas

    def by_id(t):
        return sorted(_known(t), key=lambda e: e.id)

    assert by_id(back) == by_id(us_mx)


def test_parquet_export_writes_nothing_on_a_bad_batch_size(tmp_path):
    """A refused export leaves no file behind."""
    path = tmp_path / "x.parquet"
    with pytest.raises(bl.ValidationError, match="batch_size"):
        export_parquet(bl.examples.us_mexico(), path, batch_size=0)
    assert list(tmp_path.iterdir()) == []


def test_export_parquet_in_python_refuses_its_store_and_records_its_head(tmp_path):
    """As every other exporter: the store's own file is refused, a written file has its head."""
    store = tmp_path / "s.jsonl"
    with bl.open(store) as t:
        t.record("talks.held", on="2021")
        before = store.read_bytes()
        with pytest.raises(bl.ValidationError, match="is the store being exported"):
            export_parquet(t, store)
        assert store.read_bytes() == before
        out = tmp_path / "s.parquet"
        assert export_parquet(t, out) == 1
        head = json.loads((tmp_path / "s.parquet.head.json").read_text(encoding="utf-8"))
        assert head["position"] == t.position == 1


def test_an_export_never_overwrites_the_store_it_reads(tmp_path, capsys):
    """`export parquet --to` the store's own file is refused, and the store is intact."""
    store = tmp_path / "s.jsonl"
    assert main(["--store", str(store), "record", "talks.held", "--on", "2021"]) == 0
    before = store.read_bytes()
    for kind in ("parquet", "csv"):
        assert main(["--store", str(store), "export", kind, "--to", str(store)]) == 2
        assert "is the store being exported" in capsys.readouterr().err
    assert store.read_bytes() == before
