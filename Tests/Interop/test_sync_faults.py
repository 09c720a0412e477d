"""`b2kit sync` under the emulator's fault injection at 10%: 2,000 files go up and come back down byte-identical.

Every kind of fault fires (500, 503 and 429 with Retry-After, expired tokens, dropped connections, truncated
downloads) on listings, uploads, large-file parts and downloads, about one request in ten; the sync retries
them away and exits 0 both ways, and a rerun finds nothing to copy.
"""

from __future__ import annotations

import json
import random

import pytest

from helpers import bucket_name, sha1_hex, write
from synchelpers import api, assert_mirror, run_b2kit

FILES = 2000
UPLOAD_CALLS = "b2_get_upload_url+b2_upload_file+b2_start_large_file+b2_get_upload_part_url+b2_upload_part" \
    "+b2_finish_large_file"
LIST_CALLS = "b2_list_file_names+b2_list_buckets"
# About 10% of each kind of request gets a fault.
FAULTS = ";".join([
    "seed=11",
    "retry-after=0",
    "500:0.02@download",
    "503:0.02@download",
    "429:0.01@download",
    "expired:0.01@download",
    "drop:0.01@download",
    "truncate:0.03@download",
    f"500:0.02@{UPLOAD_CALLS}+{LIST_CALLS}",
    f"503:0.03@{UPLOAD_CALLS}+{LIST_CALLS}",
    f"429:0.02@{UPLOAD_CALLS}+{LIST_CALLS}",
    f"expired:0.02@{UPLOAD_CALLS}+{LIST_CALLS}",
    f"drop:0.01@{UPLOAD_CALLS}+{LIST_CALLS}",
])


@pytest.fixture(scope="module")
def faulty(emulator_factory):
    # 1 MB parts: the large files go up in parts and come down in parallel ranges.
    return emulator_factory("--faults", FAULTS, "--recommended-part-size", "1000000", "--minimum-part-size", "100000")


def summary(proc) -> dict:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_two_thousand_files_both_ways_under_ten_percent_faults(faulty, tmp_path):
    rng = random.Random(7)
    blobs = {}
    for index in range(FILES):
        size = rng.choice([0, rng.randrange(1, 2048), rng.randrange(2048, 16_384)])
        blobs[f"p{index % 20:02d}/f{index:05d}.dat"] = rng.randbytes(size)
    for index in range(3):
        blobs[f"large/l{index}.bin"] = rng.randbytes(2_500_000 + index)
    source = tmp_path / "source"
    for name, data in blobs.items():
        write(source / name, data)
    bucket = bucket_name("sync-faults")
    api(faulty).create_bucket(bucket, "allPrivate")

    up = summary(run_b2kit(faulty, "sync", str(source), f"b2://{bucket}/in/", "--transfers", "16", "--json"))
    assert up["copied"] == len(blobs) and up["failed"] == []
    listed = {
        version.file_name[len("in/"):]: version.content_sha1
        for version, _ in api(faulty).get_bucket_by_name(bucket).ls("in/", recursive=True)
    }
    assert sorted(listed) == sorted(blobs)
    for name, data in blobs.items():
        if listed[name] != "none":  # large files carry no whole-file SHA-1 in B2
            assert listed[name].removeprefix("unverified:") == sha1_hex(data), name

    dest = tmp_path / "dest"
    down = summary(run_b2kit(faulty, "sync", f"b2://{bucket}/in/", str(dest), "--transfers", "16", "--json"))
    assert down["copied"] == len(blobs) and down["failed"] == []
    assert_mirror(dest, blobs)

    again = summary(run_b2kit(faulty, "sync", f"b2://{bucket}/in/", str(dest), "--json"))
    assert again["copied"] == 0 and again["skipped"] == len(blobs)
    # The faults really fired, every kind of them.
    log = faulty.stderr_text()
    for kind in ("500", "503", "429", "expired", "drop", "truncate"):
        assert f"b2.fault={kind}" in log, f"no {kind} fault was injected"
