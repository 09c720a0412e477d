"""The golden files of apache/parquet-testing (`../shared/parquet-testing`, or `PARQUET_TESTING`): every flat file
in `data/` reads equal to pyarrow's reading of it; nested files and every file in `bad_data/` that pyarrow refuses
get a clear error (exit 1 or 2, one line, no crash). Skipped, with a message, when the folder is absent.

b2kit's reading is compared through its writer: `b2kit table convert GOLDEN OUT.parquet`, then pyarrow reads both
and the values must be equal (ints of any width as ints, floats exactly, NaN as NaN, decimals, times, bytes).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from test_tables_interop import b2kit
from test_b2kit_cli import CRASH_MARKERS

ROOT = Path(os.environ.get("PARQUET_TESTING", Path(__file__).resolve().parents[3] / "shared" / "parquet-testing"))
pytestmark = pytest.mark.skipif(not (ROOT / "data").is_dir(),
                                reason=f"{ROOT} is absent: the golden-file tests need apache/parquet-testing there")

# Flat files whose values b2kit reads differently from pyarrow, with the reason (each a known limit); none today.
KNOWN_DIFFERENT: dict[str, str] = {}


def files(folder: str) -> list[str]:
    if not (ROOT / folder).is_dir():
        return []
    return sorted(p.name for p in (ROOT / folder).glob("*.parquet"))


def is_nested(path: Path) -> bool:
    return any(pa.types.is_nested(field.type) for field in pq.read_schema(path))


def normalized(table: pa.Table, float32: set[str] = frozenset()) -> list[tuple]:
    """The table's values by column, comparable across tools; the columns named in `float32` (FLOAT in the golden
    file, a double in b2kit's table) compare as float32."""
    def value(v):
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if hasattr(v, "value") and hasattr(v, "to_pydatetime"):  # a pandas Timestamp (nanoseconds)
            return ("ns", v.value)
        if hasattr(v, "isoformat") and hasattr(v, "timestamp"):  # a datetime
            return ("us", round(v.replace(tzinfo=None).timestamp() * 1e6) if v.tzinfo else v.isoformat())
        return v
    def narrowed(name, values):
        return [np.float32(v) if name in float32 and isinstance(v, float) else v for v in values]

    columns = [narrowed(name, [value(v) for v in column.to_pylist()])
               for name, column in zip(table.column_names, table.columns)]
    return list(zip(table.column_names, columns))


def same(ours: Path, theirs: pa.Table) -> bool:
    float32 = {field.name for field in theirs.schema if pa.types.is_float32(field.type) or pa.types.is_float16(field.type)}
    return normalized(pq.read_table(ours), float32) == normalized(theirs, float32)


def assert_clear_error(result) -> None:
    assert result.returncode in (1, 2), (result.returncode, result.stdout[:300])
    assert not any(marker in result.stderr for marker in CRASH_MARKERS), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("b2kit: "), result.stderr


@pytest.mark.parametrize("name", files("data"))
def test_golden_data_file(tmp_path: Path, name: str) -> None:
    golden = ROOT / "data" / name
    out = tmp_path / "out.parquet"
    result = b2kit(tmp_path, "table", "convert", str(golden), str(out))
    if is_nested(golden):
        assert_clear_error(result)
        assert "nested" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    if name in KNOWN_DIFFERENT:
        pytest.skip(KNOWN_DIFFERENT[name])
    assert same(out, pq.read_table(golden))


@pytest.mark.parametrize("name", files("bad_data"))
def test_golden_bad_data_file(tmp_path: Path, name: str) -> None:
    golden = ROOT / "bad_data" / name
    out = tmp_path / "out.parquet"
    result = b2kit(tmp_path, "table", "convert", str(golden), str(out))
    try:
        theirs = pq.read_table(golden)
    except Exception:  # noqa: BLE001 - pyarrow refuses it: b2kit must refuse it too, clearly
        assert_clear_error(result)
        assert not out.exists()
        return
    # pyarrow reads it (a bug that was fixed by reading it): b2kit must read it equal or refuse it clearly.
    if result.returncode == 0:
        assert same(out, theirs)
    else:
        assert_clear_error(result)
