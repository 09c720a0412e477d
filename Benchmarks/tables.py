"""Table read and write speed: b2kit against pyarrow, polars and pandas on the same ~100 MB files, in one run.

    python3 Benchmarks/tables.py [--b2kit PATH] [--rows N]      # from the repository root; see tables.sh

Data: N rows (default 2,500,000, about 100 MB as PLAIN Parquet) of int64, float64, a string and a timestamp,
from one seeded generator. Files: Parquet written by pyarrow with its defaults (Snappy, dictionary where it
pays), and the same data as CSV written by pandas. MB/s is the reference file's size (10^6 bytes; for writes too,
whatever each tool's output weighs) over the median wall time of 5 runs. Python tools are timed in-process around the call; b2kit is one process per run, so its
figures include start-up:
  - read: `b2kit table schema FILE` (decodes every column, prints the schema);
  - write: `b2kit table convert PARQUET OUT` minus the Parquet read of the same run's median.
Single-threaded: pyarrow `use_threads=False`, polars with POLARS_MAX_THREADS=1 (set before import, so polars runs
in a child process per mode), b2kit with B2KIT_TABLE_THREADS=1; by default b2kit decodes a Parquet file's columns on
as many threads as there are cores (CSV is read on one thread either way, and writes are one thread). Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def median_seconds(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    rng = np.random.default_rng(20261122)
    df = pd.DataFrame({
        "id": np.arange(rows, dtype=np.int64) * 7 + rng.integers(0, 7, rows),
        "value": rng.normal(size=rows).round(6),
        "name": np.array([f"customer-{i:07d}" for i in rng.integers(0, 5_000_000, rows)]),
        "at": pd.to_datetime(1_700_000_000_000_000, unit="us") + pd.to_timedelta(rng.integers(0, 10**12, rows), unit="us"),
    })
    parquet = folder / "data.parquet"
    csv = folder / "data.csv"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), parquet)
    df.to_csv(csv, index=False)
    return parquet, csv


def python_figures(parquet: Path, csv: Path, out: Path) -> dict:
    """Runs in a child process so POLARS_MAX_THREADS applies; prints JSON of seconds per (tool, op, mode)."""
    import pandas as pd
    import polars as pl
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    threads = os.environ.get("POLARS_MAX_THREADS") != "1"
    mode = "default" if threads else "single"
    table = pq.read_table(parquet)
    frame = table.to_pandas()
    plf = pl.read_parquet(parquet)
    result = {}
    result[f"pyarrow parquet read {mode}"] = median_seconds(lambda: pq.read_table(parquet, use_threads=threads))
    # pyarrow writes a file's columns on one thread either way.
    result[f"pyarrow parquet write {mode}"] = median_seconds(lambda: pq.write_table(table, out / "pa.parquet"))
    result[f"pyarrow csv read {mode}"] = median_seconds(
        lambda: pacsv.read_csv(csv, read_options=pacsv.ReadOptions(use_threads=threads)))
    result[f"polars parquet read {mode}"] = median_seconds(lambda: pl.read_parquet(parquet))
    result[f"polars parquet write {mode}"] = median_seconds(lambda: plf.write_parquet(out / "pl.parquet"))
    result[f"polars csv read {mode}"] = median_seconds(lambda: pl.read_csv(csv))
    result[f"polars csv write {mode}"] = median_seconds(lambda: plf.write_csv(out / "pl.csv"))
    if not threads:
        result["pandas parquet read single"] = median_seconds(lambda: pd.read_parquet(parquet))
        result["pandas parquet write single"] = median_seconds(lambda: frame.to_parquet(out / "pd.parquet"))
        result["pandas csv read single"] = median_seconds(lambda: pd.read_csv(csv))
        result["pandas csv write single"] = median_seconds(lambda: frame.to_csv(out / "pd.csv", index=False))
    print(json.dumps(result))
    return result


def b2kit_figures(binary: str, parquet: Path, csv: Path, out: Path) -> dict:
    figures = {}
    for mode, threads in (("single", "1"), ("default", None)):
        env = dict(os.environ)
        env.pop("B2KIT_TABLE_THREADS", None)
        if threads:
            env["B2KIT_TABLE_THREADS"] = threads

        def run(*args):
            done = subprocess.run([binary, *args], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                sys.exit(f"b2kit {' '.join(args)} failed: {done.stderr}")
        read_parquet = median_seconds(lambda: run("table", "schema", str(parquet)))
        read_csv = median_seconds(lambda: run("table", "schema", str(csv)))
        to_parquet = median_seconds(lambda: run("table", "convert", str(parquet), str(out / "b2kit.parquet")))
        to_csv = median_seconds(lambda: run("table", "convert", str(parquet), str(out / "b2kit.csv")))
        figures.update({
            f"b2kit parquet read {mode}": read_parquet, f"b2kit csv read {mode}": read_csv,
            f"b2kit parquet write {mode}": max(to_parquet - read_parquet, 1e-3),
            f"b2kit csv write {mode}": max(to_csv - read_parquet, 1e-3),
        })
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--b2kit", default=".build/release/b2kit")
    parser.add_argument("--rows", type=int, default=2_500_000)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        python_figures(*(Path(p) for p in args.child))
        return
    with tempfile.TemporaryDirectory(prefix="b2kit-tables-") as scratch:
        folder = Path(scratch)
        parquet, csv = make_files(folder, args.rows)
        sizes = {"parquet": parquet.stat().st_size, "csv": csv.stat().st_size}
        seconds = {}
        for threads in ("1", ""):
            env = dict(os.environ)
            if threads:
                env["POLARS_MAX_THREADS"] = threads
            else:
                env.pop("POLARS_MAX_THREADS", None)
            child = subprocess.run([sys.executable, __file__, "--child", str(parquet), str(csv), str(folder)],
                                   env=env, capture_output=True, text=True, check=True)
            seconds.update(json.loads(child.stdout.splitlines()[-1]))
        seconds.update(b2kit_figures(args.b2kit, parquet, csv, folder))
    print(f"\nrows {args.rows}; Parquet {sizes['parquet'] / 1e6:.1f} MB (pyarrow defaults), CSV {sizes['csv'] / 1e6:.1f} MB\n")
    print("| tool | mode | Parquet read MB/s | Parquet write MB/s | CSV read MB/s | CSV write MB/s |")
    print("|---|---|---:|---:|---:|---:|")
    for tool in ("b2kit", "pyarrow", "polars", "pandas"):
        for mode in ("single", "default"):
            cells = []
            for fmt, op in (("parquet", "read"), ("parquet", "write"), ("csv", "read"), ("csv", "write")):
                key = f"{tool} {fmt} {op} {mode}"
                cells.append(f"{sizes[fmt] / 1e6 / seconds[key]:.0f}" if key in seconds else "")
            if any(cells):
                print(f"| {tool} | {mode} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
