"""Tables across tools: Parquet, CSV and JSON that pandas, pyarrow, polars, DuckDB and fastparquet write (default settings, one seeded data set
with ints, floats, strings, bools, dates, timestamps and nulls) read back equal in `b2kit table`, and what b2kit
writes reads back equal in all five.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import emulator_binary
from test_b2kit_cli import CRASH_MARKERS, scrubbed_environment

ROWS = 257


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(20261122)
    ints = rng.integers(-10**12, 10**12, ROWS)
    floats = rng.normal(size=ROWS).round(6)
    floats[::7] = np.nan
    names = [f"name {i} é,\"q\"" if i % 5 else None for i in range(ROWS)]
    flags = rng.integers(0, 2, ROWS).astype(bool)
    days = pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, ROWS), unit="D")
    times = pd.to_datetime(1_700_000_000_000_000, unit="us", utc=True) + pd.to_timedelta(
        rng.integers(0, 10**12, ROWS), unit="us")
    return pd.DataFrame({"i": ints, "f": floats, "s": names, "b": flags, "d": days.date, "t": times})


def b2kit(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(emulator_binary()), *args], cwd=cwd, env=scrubbed_environment(cwd),
                            capture_output=True, text=True, timeout=120)
    assert not any(marker in result.stderr for marker in CRASH_MARKERS), result.stderr
    return result


def records_from_b2kit(cwd: Path, path: Path) -> list[dict]:
    shown = b2kit(cwd, "table", "show", str(path), "--head", str(ROWS + 10), "--json")
    assert shown.returncode == 0, shown.stderr
    return [json.loads(line) for line in shown.stdout.splitlines()]


def expected_records(df: pd.DataFrame) -> list[dict]:
    """The frame as b2kit's JSON lines give it: nulls as None, dates and times as epoch milliseconds."""
    out = []
    for row in df.itertuples(index=False):
        out.append({
            "i": int(row.i),
            "f": None if pd.isna(row.f) else float(row.f),
            "s": None if pd.isna(row.s) else row.s,
            "b": bool(row.b),
            "d": int(pd.Timestamp(row.d).value // 10**6),
            "t": int(row.t.value // 10**6),
        })
    return out


def write_with(writer: str, df: pd.DataFrame, path: Path) -> None:
    """Writes `df` to `path` with `writer`'s default settings."""
    if writer == "pyarrow":
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    elif writer == "pandas":
        df.to_parquet(path, index=False)
    elif writer == "polars":
        import polars as pl
        pl.from_pandas(df).write_parquet(path)
    elif writer == "duckdb":
        import duckdb
        connection = duckdb.connect()
        connection.register("frame", df)
        connection.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
        connection.close()
    elif writer == "fastparquet":
        import fastparquet
        # fastparquet cannot write an object column of dates: it gets them as datetime64[ns] (a timestamp column;
        # with pandas 3's datetime64[s] it stores seconds under a millisecond unit, which pyarrow misreads too).
        fastparquet.write(str(path), df.assign(d=pd.to_datetime(df["d"]).astype("datetime64[ns]")), write_index=False)
    else:
        raise AssertionError(writer)


def read_with(reader: str, path: Path) -> pd.DataFrame:
    """Reads `path` with `reader`, as a pandas frame."""
    if reader == "pyarrow":
        return pq.read_table(path).to_pandas()
    if reader == "pandas":
        return pd.read_parquet(path)
    if reader == "polars":
        import polars as pl
        return pl.read_parquet(path).to_pandas()
    if reader == "duckdb":
        import duckdb
        connection = duckdb.connect()
        try:
            return connection.execute(f"SELECT * FROM read_parquet('{path}')").df()
        finally:
            connection.close()
    if reader == "fastparquet":
        import fastparquet
        return fastparquet.ParquetFile(str(path)).to_pandas()
    raise AssertionError(reader)


def normalized(df: pd.DataFrame) -> list[dict]:
    """Any reader's frame in the form of `expected_records`: dates and times as epoch ms, nulls as None."""
    out = []
    for row in df.to_dict("records"):
        record = {}
        for name, value in row.items():
            if value is None or (not isinstance(value, (str, bytes)) and pd.isna(value)):
                record[name] = None
            elif name == "d":
                record[name] = int(pd.Timestamp(value).value // 10**6)
            elif name == "t":
                stamp = pd.Timestamp(value)
                record[name] = int((stamp.tz_convert("UTC") if stamp.tzinfo else stamp).value // 10**6)
            elif name == "i":
                record[name] = int(value)
            elif name == "f":
                record[name] = float(value)
            elif name == "b":
                record[name] = bool(value)
            else:
                record[name] = value
        out.append(record)
    return out


PEERS = ["pyarrow", "pandas", "polars", "duckdb", "fastparquet"]


@pytest.mark.parametrize("writer", PEERS)
def test_parquet_written_by_python_reads_equal(tmp_path: Path, writer: str) -> None:
    df = frame()
    path = tmp_path / f"{writer}.parquet"
    write_with(writer, df, path)
    assert records_from_b2kit(tmp_path, path) == expected_records(df)
    schema = b2kit(tmp_path, "table", "schema", str(path))
    assert schema.returncode == 0, schema.stderr
    lines = {line.split()[0]: line.split()[1] for line in schema.stdout.splitlines()[:-1]}
    assert lines.pop("t").startswith("timestamp[")
    if writer == "fastparquet":
        assert lines.pop("d").startswith("timestamp[")
        lines["d"] = "date"
    assert lines == {"i": "int64", "f": "float64", "s": "string", "b": "bool", "d": "date"}


@pytest.mark.parametrize("reader", PEERS)
def test_parquet_written_by_b2kit_reads_equal_in_each_peer(tmp_path: Path, reader: str) -> None:
    df = frame()
    source = tmp_path / "source.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), source)
    ours = tmp_path / "ours.parquet"
    converted = b2kit(tmp_path, "table", "convert", str(source), str(ours))
    assert converted.returncode == 0, converted.stderr
    back = read_with(reader, ours)
    assert list(back.columns) == list(df.columns)
    assert normalized(back) == expected_records(df)


def paged_frame(rows: int) -> pd.DataFrame:
    """Enough rows that b2kit splits each column chunk into several 1 MiB data pages: a dictionary-encoded
    string column and PLAIN ones (too many distinct values), with nulls and NaN."""
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "id": np.arange(rows, dtype=np.int64) * 3 - rows,
        "kind": [None if i % 9 == 4 else ("red", "green", "blue", "")[i % 4] for i in range(rows)],
        "name": [None if i % 13 == 6 else f"customer-{v:07d}" for i, v in enumerate(rng.integers(0, 5_000_000, rows))],
        "value": np.where(np.arange(rows) % 17 == 0, np.nan, rng.normal(size=rows).round(6)),
    })


def plain_values(series: pd.Series) -> list:
    return [None if value is None or (isinstance(value, float) and np.isnan(value)) else value for value in series]


@pytest.mark.parametrize("reader", PEERS)
def test_parquet_of_many_pages_written_by_b2kit_reads_equal_in_each_peer(tmp_path: Path, reader: str) -> None:
    df = paged_frame(400_000)
    source = tmp_path / "source.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), source)
    ours = tmp_path / "ours.parquet"
    converted = b2kit(tmp_path, "table", "convert", str(source), str(ours))
    assert converted.returncode == 0, converted.stderr
    chunk = pq.ParquetFile(ours).metadata.row_group(0)
    assert chunk.column(1).has_dictionary_page and not chunk.column(2).has_dictionary_page
    assert chunk.column(2).total_uncompressed_size > 3 << 20  # several pages of 1 MiB
    back = read_with(reader, ours)
    assert list(back.columns) == list(df.columns)
    assert back["id"].tolist() == df["id"].tolist()
    for name in ("kind", "name", "value"):
        assert plain_values(back[name]) == plain_values(df[name]), name


def test_parquet_written_by_b2kit_reads_equal_in_pandas_and_pyarrow(tmp_path: Path) -> None:
    df = frame()
    source = tmp_path / "source.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), source)
    ours = tmp_path / "ours.parquet"
    converted = b2kit(tmp_path, "table", "convert", str(source), str(ours))
    assert converted.returncode == 0, converted.stderr
    back = pd.read_parquet(ours)
    assert list(back.columns) == list(df.columns)
    assert back["i"].tolist() == df["i"].tolist()
    assert np.allclose(back["f"].to_numpy(), df["f"].to_numpy(), equal_nan=True)
    assert [None if pd.isna(x) else x for x in back["s"]] == [None if pd.isna(x) else x for x in df["s"]]
    assert back["b"].tolist() == df["b"].tolist()
    assert [pd.Timestamp(x).date() for x in back["d"]] == list(df["d"])
    assert (back["t"] == df["t"]).all()
    metadata = pq.ParquetFile(ours).metadata
    assert metadata.row_group(0).column(0).statistics.min == int(df["i"].min())
    assert metadata.row_group(0).column(2).statistics.null_count == int(df["s"].isna().sum())
    assert pq.read_table(ours).schema.field("s").type == pa.string()


def test_csv_and_json_round_trip_with_pandas(tmp_path: Path) -> None:
    df = frame().drop(columns=["d", "t"])
    csv_path = tmp_path / "p.csv"
    df.to_csv(csv_path, index=False)
    ours_csv = tmp_path / "ours.csv"
    assert b2kit(tmp_path, "table", "convert", str(csv_path), str(ours_csv)).returncode == 0
    left = pd.read_csv(csv_path)
    right = pd.read_csv(ours_csv)
    pd.testing.assert_frame_equal(left, right)
    assert ours_csv.read_bytes() == csv_path.read_bytes()

    json_path = tmp_path / "p.json"
    df.to_json(json_path, orient="records")
    ours_jsonl = tmp_path / "ours.jsonl"
    assert b2kit(tmp_path, "table", "convert", str(json_path), str(ours_jsonl)).returncode == 0
    pd.testing.assert_frame_equal(pd.read_json(json_path), pd.read_json(ours_jsonl, lines=True))

    columns_path = tmp_path / "columns.json"
    df.to_json(columns_path)  # pandas' default orient: what Mage exports
    assert records_from_b2kit(tmp_path, columns_path) == records_from_b2kit(tmp_path, json_path)
