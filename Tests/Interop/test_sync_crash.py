"""Crash safety of `b2kit sync` (B2 -> folder), with the real process against `b2kit serve`.

- SIGKILL at seeded random moments, then a run to completion: every file byte for byte, no temporary files
  left, and no finished file transferred twice (its inode and time stay put, and no name is reported copied
  by two runs).
- SIGTERM and SIGINT: the run finishes the transfers in flight, exits 0, and the catalog holds exactly the files
  it finished, each with the right SHA-1.
- A crash between a file's rename and its catalog row: the next run records the row without copying again.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time

import pytest

from helpers import bucket_name, sha1_hex
from synchelpers import (
    STATE_FILE,
    api,
    assert_mirror,
    catalog,
    copied_names,
    events,
    local_files,
    mixed_blobs,
    run_b2kit,
    seed,
    start_sync,
    stop,
    temporaries,
    wait_for,
)

KILLS = 5
SEED = 20261122
PREFIX = "src/"


@pytest.fixture(scope="module")
def emu(emulator_factory):
    # A 1 MB part size, so the ~2.5 MB files download as parallel ranged pieces.
    return emulator_factory("--recommended-part-size", "1000000", "--minimum-part-size", "100000")


@pytest.fixture(scope="module")
def seeded(emu):
    bucket = api(emu).create_bucket(bucket_name("crash"), "allPrivate")
    blobs = mixed_blobs(300, large=8, large_size=2_500_000, seed_value=SEED, prefix=PREFIX)
    seed(bucket, blobs)
    return bucket.name, blobs


def test_sigkill_at_random_moments_then_a_full_run(emu, seeded, tmp_path):
    bucket, blobs = seeded
    dest = tmp_path / "dest"
    rng = random.Random(SEED)
    source = f"b2://{bucket}/{PREFIX}"
    finished: dict[str, tuple[int, int]] = {}  # name -> (inode, mtime_ns) of files in place after a kill
    copied_by_run: list[set[str]] = []
    left_temporaries = 0
    for run in range(KILLS):
        log = tmp_path / f"events-{run}.jsonl"
        target = rng.randint(1, 40)
        proc = start_sync(emu, source, str(dest), "--events", str(log), "--transfers", "8",
                          log=tmp_path / "sync.log")
        wait_for(lambda: len(copied_names(log)) >= target, proc, f"{target} copies in run {run}")
        time.sleep(rng.uniform(0, 0.03))  # a random moment after the target, not a wait for anything
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        names = set(copied_names(log))
        for earlier, seen in enumerate(copied_by_run):
            assert not names & seen, f"run {run} copied again what run {earlier} finished: {sorted(names & seen)[:5]}"
        copied_by_run.append(names)
        left_temporaries += len(temporaries(dest))
        now = local_files(dest)
        for name, (inode, mtime) in finished.items():
            assert (now[name].st_ino, now[name].st_mtime_ns) == (inode, mtime), f"{name} was rewritten by run {run}"
        finished.update({
            name: (stat.st_ino, stat.st_mtime_ns) for name, stat in now.items() if name not in temporaries(dest)
        })
    # The kills landed while downloads were in flight (each leaves its temporary file behind).
    assert left_temporaries > 0

    final_log = tmp_path / "events-final.jsonl"
    proc = start_sync(emu, source, str(dest), "--events", str(final_log), log=tmp_path / "sync.log")
    assert proc.wait(timeout=300) == 0, (tmp_path / "sync.log").read_text()
    final = set(copied_names(final_log))
    for earlier, seen in enumerate(copied_by_run):
        assert not final & seen, f"the final run copied again what run {earlier} finished: {sorted(final & seen)[:5]}"
    assert temporaries(dest) == []
    assert_mirror(dest, blobs, PREFIX)
    now = local_files(dest)
    for name, (inode, mtime) in finished.items():
        assert (now[name].st_ino, now[name].st_mtime_ns) == (inode, mtime), f"{name} was transferred twice"
    rows = catalog(emu, dest)
    assert sorted(rows) == sorted(now)
    for name, row in rows.items():
        assert row["sha1"] == sha1_hex(blobs[PREFIX + name]), name
        assert row["size"] == len(blobs[PREFIX + name]), name
    # A no-op rerun copies nothing.
    again = run_b2kit(emu, "sync", source, str(dest), "--json")
    assert again.returncode == 0, again.stderr
    assert '"copied":0' in again.stdout.replace(" ", ""), again.stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_finishes_the_transfers_in_flight_and_exits_cleanly(emu, seeded, tmp_path, sig):
    bucket, blobs = seeded
    dest = tmp_path / "dest"
    log = tmp_path / "events.jsonl"
    proc = start_sync(emu, f"b2://{bucket}/{PREFIX}", str(dest), "--events", str(log), "--transfers", "8",
                      log=tmp_path / "sync.log")
    wait_for(lambda: len(copied_names(log)) >= 20, proc, "20 copies")
    in_flight = temporaries(dest)
    code = stop(proc, sig)
    output = (tmp_path / "sync.log").read_text()
    assert code == 0, output
    assert "stopping after the transfers in flight" in output
    assert temporaries(dest) == [], "a transfer in flight was abandoned"
    now = local_files(dest)
    assert 20 <= len(now) < len([n for n in blobs if n.startswith(PREFIX)]), "the run did not stop early"
    # What was in flight at the signal was finished, not dropped.
    for temporary in in_flight:
        folder, _, base = temporary.rpartition("/")
        name = (folder + "/" if folder else "") + base[1:base.rindex(".b2kit-")]
        assert name in now, f"{name} was in flight at the signal and was not finished"
    for name in now:
        assert sha1_hex((dest / name).read_bytes()) == sha1_hex(blobs[PREFIX + name]), name
    rows = catalog(emu, dest)
    assert sorted(rows) == sorted(now)
    assert sorted(copied_names(log)) == sorted(now)
    with sqlite3.connect(dest / STATE_FILE) as db:
        assert db.execute("SELECT count(*) FROM run WHERE finishedAt IS NULL").fetchone()[0] == 0


def test_a_crash_between_rename_and_catalog_row_is_reconciled_without_a_copy(emu, seeded, tmp_path):
    bucket, blobs = seeded
    dest = tmp_path / "dest"
    source = f"b2://{bucket}/{PREFIX}"
    first = run_b2kit(emu, "sync", source, str(dest), "--include", "d1/**")
    assert first.returncode == 0, first.stderr
    # What SIGKILL leaves when it lands after a rename and before the row is written: the file in place, no row,
    # and a run that never finished.
    lost = sorted(catalog(emu, dest))[0]
    inode = (dest / lost).stat().st_ino
    with sqlite3.connect(dest / STATE_FILE) as db:
        db.execute("DELETE FROM catalog WHERE name = ?", (lost,))
        db.execute("UPDATE run SET finishedAt = NULL WHERE id = (SELECT max(id) FROM run)")
    log = tmp_path / "events.jsonl"
    again = run_b2kit(emu, "sync", source, str(dest), "--include", "d1/**", "--events", str(log))
    assert again.returncode == 0, again.stderr
    assert (dest / lost).stat().st_ino == inode, "the file was copied again"
    assert lost in catalog(emu, dest)
    assert [(e["event"], e["name"]) for e in events(log)] == [("copied", lost)]
