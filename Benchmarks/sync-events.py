#!/usr/bin/env python3
"""Latency of `b2kit sync --mode events` against `--mode continuous --interval 5`, in the same run.

Starts `b2kit serve` (release build by default) on loopback, runs both syncs of one bucket prefix into two
folders, uploads N objects (default 1000) at RATE per second (default 50) with b2sdk, and measures for each object
the time from its upload's 200 to its file appearing under its final name in each folder (files are renamed into
place, so a name that exists is complete). Every file is then compared byte for byte. Prints the p50, p90, p99
and max of each mode as a Markdown table row.

    python3 Benchmarks/sync-events.py [--bin .build/release/b2kit] [--count 1000] [--rate 50]

Goal (issue 21): events p50 under 100 ms and p99 under 500 ms on the emulator.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from b2sdk.v2 import B2Api, InMemoryAccountInfo


def start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=open(log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)


def wait_for_line(log: Path, pattern: str, proc: subprocess.Popen, timeout: float = 60) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return match
        if proc.poll() is not None:
            sys.exit(f"{proc.args[0]} exited: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.01)
    sys.exit(f"no line matching {pattern!r} in {log}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/b2kit")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50)
    options = parser.parse_args()
    binary = str(Path(options.bin).resolve())
    work = Path(tempfile.mkdtemp(prefix="b2kit-events-bench-"))
    key_id, key = "000" + secrets.token_hex(6) + "0000000001", "K000" + secrets.token_hex(12)
    serve = start([binary, "serve", "--data", str(work / "data"), "--port", "0", "--master-key-id", key_id,
                   "--master-key", key], work / "serve.log", dict(os.environ))
    syncs: list[subprocess.Popen] = []
    try:
        url = wait_for_line(work / "serve.log", r"listening on (\S+)", serve).group(1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("B2")}
        env.update(B2_APPLICATION_KEY_ID=key_id, B2_APPLICATION_KEY=key, B2_ENVIRONMENT=url)
        api = B2Api(InMemoryAccountInfo())
        api.authorize_account(url, key_id, key)
        bucket = api.create_bucket("events-bench-" + secrets.token_hex(3), "allPrivate")
        folders = {"events": work / "events", "continuous": work / "continuous"}
        modes = {
            "events": ["--mode", "events", "--listen", "127.0.0.1:0", "--register"],
            "continuous": ["--mode", "continuous", "--interval", "5"],
        }
        for mode, extra in modes.items():
            syncs.append(start([binary, "sync", f"b2://{bucket.name}/in/", str(folders[mode]), *extra],
                               work / f"{mode}.log", env))
        wait_for_line(work / "events.log", r"registered notification rule", syncs[0])
        wait_for_line(work / "continuous.log", r"copied 0", syncs[1])

        names = [f"in/d{index % 10}/obj-{index:05}.bin" for index in range(options.count)]
        data = {name: hashlib.sha256(name.encode()).digest() * (1 + index % 64) for index, name in enumerate(names)}
        uploaded: dict[str, float] = {}
        seen: dict[str, dict[str, float]] = {mode: {} for mode in folders}
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                now = time.monotonic()
                for name, at in list(uploaded.items()):
                    for mode, folder in folders.items():
                        if name not in seen[mode] and (folder / name[3:]).exists():
                            seen[mode][name] = now
                time.sleep(0.002)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        started = time.monotonic()
        for number, name in enumerate(names):
            bucket.upload_bytes(data[name], name)
            uploaded[name] = time.monotonic()
            time.sleep(max(0.0, started + (number + 1) / options.rate - time.monotonic()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(len(seen[mode]) < len(names) for mode in folders):
            time.sleep(0.05)
        done.set()
        watcher.join()
        rows = []
        for mode, folder in folders.items():
            latencies = [1000 * (seen[mode][name] - uploaded[name]) for name in names if name in seen[mode]]
            wrong = sum(1 for name in names if name in seen[mode] and (folder / name[3:]).read_bytes() != data[name])
            rows.append(
                f"| {mode} | {len(latencies)}/{len(names)} | {wrong} | {statistics.median(latencies):.0f} | "
                f"{percentile(latencies, 0.9):.0f} | {percentile(latencies, 0.99):.0f} | {max(latencies):.0f} |")
        print(f"{options.count} objects at {options.rate:g}/s, uploads by b2sdk; latency from the upload's 200 to "
              "the file in place, ms")
        print("| mode | landed | differing | p50 | p90 | p99 | max |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
    finally:
        for proc in syncs:
            proc.send_signal(signal.SIGTERM)
        for proc in syncs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)


if __name__ == "__main__":
    main()
