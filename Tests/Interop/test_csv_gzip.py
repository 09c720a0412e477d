"""`.csv.gz` across tools: what pandas writes (and `gzip` concatenated members) b2kit reads equal; what b2kit
writes pandas reads equal.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

from test_tables_interop import b2kit


def frame() -> pd.DataFrame:
    return pd.DataFrame({"n": range(5000), "name": [f"row {i}, \"quoted\"" for i in range(5000)],
                         "x": [i / 7 for i in range(5000)]})


def test_pandas_csv_gz_reads_equal_and_b2kit_csv_gz_reads_in_pandas(tmp_path: Path) -> None:
    df = frame()
    theirs = tmp_path / "pandas.csv.gz"
    df.to_csv(theirs, index=False)
    ours = tmp_path / "ours.csv.gz"
    converted = b2kit(tmp_path, "table", "convert", str(theirs), str(ours))
    assert converted.returncode == 0, converted.stderr
    assert ours.read_bytes()[:2] == b"\x1f\x8b"
    back = pd.read_csv(ours)
    pd.testing.assert_frame_equal(back, df)
    plain = tmp_path / "plain.csv"
    assert b2kit(tmp_path, "table", "convert", str(theirs), str(plain)).returncode == 0
    assert plain.read_text() == df.to_csv(index=False)


def test_concatenated_members_read_as_one_file(tmp_path: Path) -> None:
    path = tmp_path / "two.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,x\n") + gzip.compress(b"2,y\n3,z\n"))
    shown = b2kit(tmp_path, "table", "show", str(path), "--json")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ['{"a":1,"b":"x"}', '{"a":2,"b":"y"}', '{"a":3,"b":"z"}']
