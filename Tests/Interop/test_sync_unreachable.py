"""`b2kit sync` when B2 goes away or is slow to answer, with the real process against `b2kit serve`.

- The server is killed: the client's circuit breaker ends the whole command within a minute with exit 1 and one
  line, instead of every file retrying on its own; the rerun against the restarted server completes.
- SIGTERM while transfers wait to retry: the waits are cut, the process exits within 15 s, and the rerun completes.
"""

from __future__ import annotations

import signal
import time

from conftest import start_emulator
from helpers import bucket_name
from synchelpers import (
    api,
    assert_mirror,
    copied_names,
    mixed_blobs,
    run_b2kit,
    seed,
    start_sync,
    stop,
    temporaries,
    wait_for,
)

SEED = 20261206


def assert_rerun_completes(emu, data, bucket: str, dest, blobs: dict[str, bytes]) -> None:
    """On the same data folder and key, without faults, a rerun copies the rest and the mirror is exact."""
    again = start_emulator(data, key_id=emu.key_id, key=emu.key)
    try:
        rerun = run_b2kit(again, "sync", f"b2://{bucket}", str(dest))
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert_mirror(dest, blobs)
    finally:
        again.stop()


def test_sync_of_300_files_ends_within_a_minute_of_a_killed_server_and_a_rerun_completes(tmp_path):
    # Half the downloads answer 503 with Retry-After: 1, so the sync is still running when the server dies.
    data = tmp_path / "data"
    emu = start_emulator(data, "--faults", "seed=5;retry-after=1;503:0.5@download")
    bucket = api(emu).create_bucket(bucket_name("gone"), "allPrivate")
    blobs = mixed_blobs(300, large=0, large_size=0, seed_value=SEED)
    seed(bucket, blobs)
    dest = tmp_path / "dest"
    log = tmp_path / "sync.log"
    event_file = tmp_path / "events.jsonl"
    proc = start_sync(emu, f"b2://{bucket.name}", str(dest), "--events", str(event_file), log=log)
    try:
        wait_for(lambda: len(copied_names(event_file)) >= 5, proc, "the first copies")
        assert proc.poll() is None, "the sync ended before the server was killed: " + log.read_text()
        emu.proc.send_signal(signal.SIGKILL)
        emu.proc.wait(timeout=30)
        killed = time.monotonic()
        code = proc.wait(timeout=120)
        elapsed = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text(errors="replace")
    assert code == 1, output[-3000:]
    assert elapsed < 60, f"the sync took {elapsed:.0f} s to end after the server died"
    lines = [line for line in output.splitlines() if line.startswith("b2kit:")]
    assert len(lines) == 1, output[-3000:]
    assert "nothing has answered for 30 s" in lines[0] and "resumes" in lines[0], lines[0]
    assert "Traceback" not in output and "Fatal error" not in output
    copied_before = len(copied_names(event_file))
    assert copied_before < len(blobs)

    assert_rerun_completes(emu, data, bucket.name, dest, blobs)


def test_sigterm_while_transfers_wait_to_retry_exits_within_15_s_and_the_rerun_completes(tmp_path):
    # Most downloads answer 503 with Retry-After: 20, so when the signal comes most transfers wait to retry.
    data = tmp_path / "data"
    emu = start_emulator(data, "--faults", "seed=9;retry-after=20;503:0.7@download")
    bucket = api(emu).create_bucket(bucket_name("retrying"), "allPrivate")
    blobs = mixed_blobs(300, large=0, large_size=0, seed_value=SEED + 1)
    seed(bucket, blobs)
    dest = tmp_path / "dest"
    log = tmp_path / "sync.log"
    event_file = tmp_path / "events.jsonl"
    proc = start_sync(emu, f"b2://{bucket.name}", str(dest), "--events", str(event_file), "--transfers", "8", log=log)
    try:
        wait_for(lambda: len(copied_names(event_file)) >= 3, proc, "the first copies")
        assert proc.poll() is None, "the sync ended before the signal: " + log.read_text()
        signalled = time.monotonic()
        code = stop(proc, signal.SIGTERM, timeout=90)
        elapsed = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            proc.kill()
        emu.stop()
    output = log.read_text(errors="replace")
    assert code == 0, output[-3000:]
    assert "stopping after the transfers in flight (up to 10 s" in output
    assert elapsed < 15, f"the sync took {elapsed:.0f} s to exit after SIGTERM"
    assert "failed" not in output, "a transfer cut short by the stop was reported as failed: " + output[-3000:]
    assert temporaries(dest) == []
    assert len(copied_names(event_file)) < len(blobs)

    assert_rerun_completes(emu, data, bucket.name, dest, blobs)
