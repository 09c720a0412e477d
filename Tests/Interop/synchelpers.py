"""Helpers for the tests that run `b2kit sync` as a process against `b2kit serve`.

They seed a bucket through b2sdk (an independent client, so a bug in b2kit's uploads cannot hide one in its
downloads), run `b2kit sync` with the emulator's credentials in the environment, read its `--events` file, and
check a destination folder against the seeded bytes.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from b2sdk.v2 import B2Api, InMemoryAccountInfo

from conftest import emulator_binary
from helpers import sha1_hex

# `.NAME.b2kit-UUID`: the temporary file of a download that has not been renamed into place yet.
TEMPORARY_RE = re.compile(r"^\..+\.b2kit-[0-9A-Fa-f-]{36}$")
STATE_FILE = ".b2kit-sync.db"


def sync_env(emu) -> dict[str, str]:
    """The environment for b2kit: the emulator's master key and URL, nothing else that names credentials."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith("B2_") or k.startswith("B2KIT_"))}
    env.update(
        B2_APPLICATION_KEY_ID=emu.key_id,
        B2_APPLICATION_KEY=emu.key,
        B2_ENVIRONMENT=emu.url,
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
    )
    return env


def b2kit(*args: str) -> list[str]:
    return [str(emulator_binary()), *args]


def start_sync(emu, *args: str, log: Path) -> subprocess.Popen:
    """Start `b2kit sync ARGS...` in the background, its output going to LOG."""
    out = open(log, "ab")
    try:
        return subprocess.Popen(
            b2kit("sync", *args), env=sync_env(emu), stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    finally:
        out.close()


def run_b2kit(emu, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        b2kit(*args), env=sync_env(emu), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )


def api(emu) -> B2Api:
    b2 = B2Api(InMemoryAccountInfo())
    b2.authorize_account(emu.url, emu.key_id, emu.key)
    return b2


def seed(bucket, blobs: dict[str, bytes], threads: int = 8) -> None:
    """Upload BLOBS (name -> bytes) with b2sdk, several at once."""
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(bucket.upload_bytes, data, name) for name, data in blobs.items()]:
            future.result()


def mixed_blobs(count: int, large: int, large_size: int, seed_value: int, prefix: str = "") -> dict[str, bytes]:
    """COUNT small files of 0-48 KiB in nested folders, and LARGE files of about LARGE_SIZE spread among them."""
    rng = random.Random(seed_value)
    blobs = {}
    for index in range(count):
        size = rng.choice([0, 1, rng.randrange(2, 4096), rng.randrange(4096, 49_152)])
        blobs[f"{prefix}d{index % 9}/s{index % 4}/f{index:05d}.bin"] = rng.randbytes(size)
    for index in range(large):
        blobs[f"{prefix}d{(index * 4) % 9}/big-{index}.bin"] = rng.randbytes(large_size + rng.randrange(0, 100_000))
    return blobs


def events(path: Path) -> list[dict]:
    """The complete lines of an `--events` file (a line being written is not complete yet)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return [json.loads(line) for line in text.split("\n")[:-1] if line]


def copied_names(path: Path) -> list[str]:
    return [event["name"] for event in events(path) if event.get("event") == "copied"]


def wait_for(condition, proc: subprocess.Popen | None, what: str, timeout: float = 120) -> None:
    """Poll CONDITION (a real signal: a file, an event line) until it holds; fail if PROC exits first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None and not condition():
            raise AssertionError(f"b2kit sync exited with {proc.returncode} before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def local_files(root: Path) -> dict[str, os.stat_result]:
    """Every regular file under ROOT by relative name, except the state database (and its journal).

    A sync may be running: a file renamed or removed between the listing and its lstat is not there.
    """
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative.startswith(STATE_FILE):
                continue
            try:
                found[relative] = path.lstat()
            except FileNotFoundError:
                continue
    return found


def temporaries(root: Path) -> list[str]:
    return sorted(name for name in local_files(root) if TEMPORARY_RE.match(name.rsplit("/", 1)[-1]))


def assert_mirror(root: Path, blobs: dict[str, bytes], prefix: str = "") -> None:
    """ROOT holds exactly the BLOBS under PREFIX, byte for byte (by SHA-1), and nothing else."""
    expected = {name[len(prefix):]: data for name, data in blobs.items() if name.startswith(prefix)}
    actual = local_files(root)
    assert sorted(actual) == sorted(expected), (
        f"missing: {sorted(set(expected) - set(actual))[:10]}; extra: {sorted(set(actual) - set(expected))[:10]}"
    )
    for name, data in expected.items():
        got = (root / name).read_bytes()
        assert sha1_hex(got) == sha1_hex(data), f"{name}: {len(got)} bytes, SHA-1 differs from the source"


def catalog(emu, root: Path) -> dict[str, dict]:
    proc = run_b2kit(emu, "catalog", str(root), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {row["name"]: row for row in rows}


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"b2kit sync did not exit within {timeout}s of signal {sig}")
