"""Parquet pages compressed with every codec pyarrow writes (GZIP, ZSTD, LZ4_RAW, BROTLI, SNAPPY, none) read back
equal in `b2kit table show`; a damaged compressed page is a clear error, never a crash or wrong values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from test_tables_interop import b2kit, expected_records, frame, records_from_b2kit

CODECS = ["gzip", "zstd", "lz4", "brotli", "snappy", "none"]


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_equal(tmp_path: Path, codec: str) -> None:
    df = frame()
    path = tmp_path / f"{codec}.parquet"
    # Small pages, so each column has several compressed pages, dictionary pages among them.
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression=codec, data_page_size=1024)
    written = pq.ParquetFile(path).metadata.row_group(0).column(0).compression
    assert written == ("UNCOMPRESSED" if codec == "none" else codec.upper())
    assert records_from_b2kit(tmp_path, path) == expected_records(df)


@pytest.mark.parametrize("codec", ["gzip", "zstd", "lz4", "brotli"])
def test_a_damaged_compressed_page_is_a_clear_error(tmp_path: Path, codec: str) -> None:
    table = pa.table({"x": [f"value {i}" * 20 for i in range(2000)]})
    path = tmp_path / f"{codec}.parquet"
    pq.write_table(table, path, compression=codec, use_dictionary=False, write_statistics=False)
    column = pq.ParquetFile(path).metadata.row_group(0).column(0)
    data = bytearray(path.read_bytes())
    # Flip bytes of the first data page's compressed bytes (past its page header, short without statistics).
    start = column.data_page_offset + 48
    for offset in range(start, start + 64):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    shown = b2kit(tmp_path, "table", "show", str(path), "--head", "5")
    assert shown.returncode == 1, shown.stdout
    assert "corrupt" in shown.stderr.lower() or "damaged" in shown.stderr.lower(), shown.stderr


ENCODINGS = {
    "DELTA_BINARY_PACKED": ["i", "i32"],
    "DELTA_LENGTH_BYTE_ARRAY": ["s"],
    "DELTA_BYTE_ARRAY": ["s", "sorted"],
    "BYTE_STREAM_SPLIT": ["f", "f32", "i", "i32"],
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_every_encoding_reads_equal(tmp_path: Path, encoding: str, version: str) -> None:
    df = frame()
    # Extra columns the encodings are made for: 32-bit ints and floats, and sorted strings sharing prefixes.
    df["i32"] = (df["i"] % 100_000).astype("int32")
    df["f32"] = df["f"].astype("float32")
    df["sorted"] = sorted(f"key/{i // 10:05d}/{i}" for i in range(len(df)))
    table = pa.Table.from_pandas(df, preserve_index=False)
    path = tmp_path / f"{encoding}-{version}.parquet"
    pq.write_table(table, path, use_dictionary=False, data_page_version=version, data_page_size=2048,
                   column_encoding={name: encoding for name in ENCODINGS[encoding]})
    chunks = pq.ParquetFile(path).metadata.row_group(0)
    used = {chunks.column(i).path_in_schema: chunks.column(i).encodings for i in range(chunks.num_columns)}
    for name in ENCODINGS[encoding]:
        assert encoding in used[name], used
    expected = [{**row, "i32": int(a), "f32": None if pd.isna(b) else float(b), "sorted": c}
                for row, a, b, c in zip(expected_records(df), df["i32"], df["f32"], df["sorted"])]
    got = records_from_b2kit(tmp_path, path)
    # A FLOAT prints as its shortest decimal: compare it as a float32.
    for rows in (got, expected):
        for row in rows:
            row["f32"] = None if row["f32"] is None else np.float32(row["f32"])
    assert got == expected
