"""`b2kit sync` with `s3://` sides, run as a process against `b2kit serve`'s S3 API (SigV4 verified).

The bucket is seeded and read back through boto3, an independent S3 client, and through b2sdk on the native API:
the same account's bucket seen both ways. B2 refuses the master key on S3, so b2kit runs with an application key.
"""

from __future__ import annotations

import io
import json
import os

import pytest
from boto3.s3.transfer import TransferConfig

from helpers import bucket_name, payload, sha1_hex
from s3_helpers import ALL_FILE_CAPS, Native, s3_client
from synchelpers import api, assert_mirror, b2kit, sync_env, temporaries

import subprocess


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.fixture(scope="module")
def key(emu):
    return Native(emu.url, emu.key_id, emu.key).create_key("sync-s3", ALL_FILE_CAPS)


def run_sync(emu, key, *args: str) -> dict:
    env = sync_env(emu)
    env.update(B2_APPLICATION_KEY_ID=key.key_id, B2_APPLICATION_KEY=key.key)
    proc = subprocess.run(b2kit("sync", *args, "--json"), env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert key.key not in proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_s3_to_local_byte_for_byte_with_times_then_a_noop_rerun(emu, key, tmp_path):
    name = bucket_name("sync-s3-down")
    api(emu).create_bucket(name, "allPrivate")
    s3 = s3_client(emu.url, key)
    blobs = {
        "in/a.b": b"dot", "in/a/b": b"slash", "in/a0": b"", "in/b c/\u00e9.json": b'{"k": 1}',
        "in/nested/deep/file.csv": payload(70_000, seed=1), "elsewhere/x": b"not under the prefix",
    }
    for key_name, data in blobs.items():
        s3.put_object(Bucket=name, Key=key_name, Body=data)
    # A multipart object (boto3 sends 5 MiB parts): its ETag is not an MD5, b2kit must not care.
    big = payload(11 << 20, seed=2)
    s3.upload_fileobj(io.BytesIO(big), name, "in/big.bin",
                      Config=TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20))
    blobs["in/big.bin"] = big
    dest = tmp_path / "dest"

    first = run_sync(emu, key, f"s3://{name}/in/", str(dest), "--state", str(tmp_path / "state.db"))
    assert first["copied"] == 6 and first["failed"] == []
    assert_mirror(dest, blobs, "in/")
    assert temporaries(dest) == []
    for entry in s3.list_objects_v2(Bucket=name, Prefix="in/")["Contents"]:
        local = dest / entry["Key"][len("in/"):]
        assert round(local.stat().st_mtime * 1000) == round(entry["LastModified"].timestamp() * 1000)

    again = run_sync(emu, key, f"s3://{name}/in/", str(dest), "--state", str(tmp_path / "state.db"))
    assert again["copied"] == 0 and again["skipped"] == 6


def test_local_to_s3_multipart_metadata_rerun_and_delete(emu, key, tmp_path):
    name = bucket_name("sync-s3-up")
    bucket = api(emu).create_bucket(name, "allPrivate")
    source = tmp_path / "src"
    files = {"a.b": b"dot", "a/b": b"slash", "z/\u00fc.txt": payload(3_000, seed=3),
             "large.bin": payload((40 << 20) + 123, seed=4)}
    for relative, data in files.items():
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    state = str(tmp_path / "state.db")

    first = run_sync(emu, key, str(source), f"s3://{name}/up/", "--state", state)
    assert first["copied"] == 4 and first["failed"] == []
    s3 = s3_client(emu.url, key)
    for relative, data in files.items():
        got = s3.get_object(Bucket=name, Key=f"up/{relative}")["Body"].read()
        assert sha1_hex(got) == sha1_hex(data), relative
    # 40 MiB went as a multipart upload of 32 MiB parts: the S3 ETag of two parts.
    assert s3.head_object(Bucket=name, Key="up/large.bin")["ETag"].strip('"').endswith("-2")
    # The native API (b2sdk) sees the same bucket: the large file whole, by SHA-1.
    version = bucket.get_file_info_by_name("up/large.bin")
    assert version.size == len(files["large.bin"])

    again = run_sync(emu, key, str(source), f"s3://{name}/up/", "--state", state)
    assert again["copied"] == 0 and again["skipped"] == 4

    (source / "a.b").unlink()
    (source / "a/b").write_bytes(b"slash, changed")
    mirrored = run_sync(emu, key, str(source), f"s3://{name}/up/", "--delete", "--state", state)
    assert mirrored["copied"] == 1 and mirrored["deleted"] == 1
    keys = [entry["Key"] for entry in s3.list_objects_v2(Bucket=name, Prefix="up/")["Contents"]]
    assert keys == ["up/a/b", "up/large.bin", "up/z/\u00fc.txt"]
    assert s3.get_object(Bucket=name, Key="up/a/b")["Body"].read() == b"slash, changed"


def test_mixed_b2_and_s3_sides_are_a_usage_error(emu, key, tmp_path):
    env = sync_env(emu)
    proc = subprocess.run(b2kit("sync", "s3://one-bucket/x", "b2://other-bucket/y"), env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "both as s3://" in proc.stderr
