"""`b2kit sync --mode scheduled|continuous`: a running sync picks up an object uploaded after its first run, and
SIGTERM stops it cleanly (exit 0, every run recorded as finished)."""

from __future__ import annotations

import sqlite3

import pytest

from helpers import bucket_name, payload
from synchelpers import STATE_FILE, api, assert_mirror, copied_names, seed, start_sync, stop, wait_for


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.mark.parametrize("mode", ["scheduled", "continuous"])
def test_a_running_sync_picks_up_a_new_object_and_stops_on_sigterm(emu, tmp_path, mode):
    bucket = api(emu).create_bucket(bucket_name(f"mode-{mode[:5]}"), "allPrivate")
    blobs = {f"in/{index}.csv": payload(1000 + index, seed=index) for index in range(3)}
    seed(bucket, blobs)
    dest = tmp_path / "dest"
    log = tmp_path / "events.jsonl"
    proc = start_sync(emu, f"b2://{bucket.name}/in/", str(dest), "--mode", mode, "--interval", "1",
                      "--events", str(log), log=tmp_path / "sync.log")
    try:
        wait_for(lambda: len(copied_names(log)) == 3, proc, "the first run's three copies")
        # Uploaded after the first run copied everything: only a later run can bring it.
        late = {"in/late.json": payload(777, seed=99)}
        seed(bucket, late)
        blobs.update(late)
        wait_for(lambda: "late.json" in copied_names(log), proc, "a later run to copy late.json", timeout=60)
    finally:
        code = stop(proc)
    assert code == 0, (tmp_path / "sync.log").read_text()
    assert sorted(copied_names(log)) == ["0.csv", "1.csv", "2.csv", "late.json"]
    assert_mirror(dest, blobs, "in/")
    with sqlite3.connect(dest / STATE_FILE) as db:
        runs, unfinished = db.execute("SELECT count(*), count(*) - count(finishedAt) FROM run").fetchone()
    assert runs >= 2 and unfinished == 0
