"""b2sdk's v2 interface (native API /b2api/v3/) against `b2kit serve`."""

from __future__ import annotations

import io

import pytest
from b2sdk.v2 import B2Api, InMemoryAccountInfo
from b2sdk.v2.exception import (
    B2Error,
    DuplicateBucketName,
    FileNotPresent,
    InvalidAuthToken,
    Unauthorized,
)

from helpers import LARGE_SIZE, TRICKY_NAME, bucket_name, payload, sha1_hex

ALL_BASIC_CAPS = {"listBuckets", "writeBuckets", "deleteBuckets", "listFiles", "readFiles",
                  "writeFiles", "deleteFiles", "listKeys", "writeKeys", "deleteKeys"}


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


def new_api(emu, key_id=None, key=None) -> B2Api:
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(emu.url, key_id or emu.key_id, key or emu.key)
    return api


@pytest.fixture(scope="module")
def api(emu) -> B2Api:
    return new_api(emu)


@pytest.fixture
def bucket(api):
    return api.create_bucket(bucket_name("sdk"), "allPrivate")


def download(bucket, name=None, file_id=None, range_=None) -> bytes:
    if file_id is not None:
        d = bucket.download_file_by_id(file_id, range_=range_)
    else:
        d = bucket.download_file_by_name(name, range_=range_)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------


def test_authorize(emu, api):
    info = api.account_info
    assert info.get_api_url().rstrip("/") == emu.url
    assert info.get_download_url().rstrip("/") == emu.url
    assert info.get_recommended_part_size() == 5_000_000
    assert info.get_absolute_minimum_part_size() == 5_000_000
    assert info.get_application_key_id() == emu.key_id
    allowed = info.get_allowed()
    assert ALL_BASIC_CAPS <= set(allowed["capabilities"]), allowed
    assert allowed["bucketId"] is None and allowed["namePrefix"] is None

    with pytest.raises((InvalidAuthToken, Unauthorized, B2Error)):
        new_api(emu, emu.key_id, "wrong-key")


def test_bucket_lifecycle(api):
    name = bucket_name("sdk-bkt")
    b = api.create_bucket(name, "allPrivate", bucket_info={"purpose": "test"})
    assert b.name == name and b.id_
    names = {x.name: x for x in api.list_buckets()}
    assert name in names and names[name].id_ == b.id_
    assert names[name].type_ == "allPrivate"
    fetched = api.get_bucket_by_name(name)
    assert fetched.id_ == b.id_
    assert fetched.bucket_info == {"purpose": "test"}
    assert [x.name for x in api.list_buckets(bucket_name=name)] == [name]

    with pytest.raises(DuplicateBucketName):
        api.create_bucket(name, "allPrivate")

    updated = b.update(bucket_type="allPublic")
    assert updated.type_ == "allPublic"
    assert updated.revision > fetched.revision

    api.delete_bucket(b)
    assert name not in {x.name for x in api.list_buckets()}


def test_upload_bytes_and_download(bucket):
    data = payload(123_456, 3)
    fv = bucket.upload_bytes(data, TRICKY_NAME, file_info={"color": "blue", "note": "ünï +%"})
    assert fv.file_name == TRICKY_NAME
    assert fv.content_sha1 == sha1_hex(data)
    assert fv.size == len(data)

    assert download(bucket, name=TRICKY_NAME) == data
    assert download(bucket, file_id=fv.id_) == data
    # Ranges (inclusive both ends).
    assert download(bucket, name=TRICKY_NAME, range_=(10, 99)) == data[10:100]
    assert download(bucket, file_id=fv.id_, range_=(100_000, len(data) - 1)) == data[100_000:]

    by_name = bucket.get_file_info_by_name(TRICKY_NAME)  # HEAD /file/...
    assert by_name.id_ == fv.id_
    assert by_name.size == len(data)
    assert by_name.content_sha1 == sha1_hex(data)
    assert by_name.file_info["color"] == "blue"
    assert by_name.file_info["note"] == "ünï +%"

    by_id = bucket.get_file_info_by_id(fv.id_)
    assert by_id.file_name == TRICKY_NAME
    assert by_id.content_sha1 == sha1_hex(data)
    assert by_id.file_info == {"color": "blue", "note": "ünï +%"}

    with pytest.raises(FileNotPresent):
        download(bucket, name="no/such file.txt")


def test_large_file_upload(bucket):
    data = payload(LARGE_SIZE, 11)
    digest = sha1_hex(data)
    fv = bucket.upload_bytes(data, "large/ü big.bin", large_file_sha1=digest)
    # Went up as a large file (parts), so B2 has no whole-file SHA-1, only large_file_sha1.
    assert fv.content_sha1 in (None, "none"), fv
    assert fv.size == len(data)
    assert fv.file_info.get("large_file_sha1") == digest
    got = download(bucket, name="large/ü big.bin")
    assert len(got) == len(data) and sha1_hex(got) == digest
    # A range that spans the boundary between part 1 and part 2.
    assert download(bucket, file_id=fv.id_, range_=(4_999_990, 5_000_009)) == data[4_999_990:5_000_010]
    assert list(bucket.list_unfinished_large_files()) == []


def test_manual_large_file_parts(api, bucket):
    part1 = payload(5_000_000, 21)
    part2 = payload(777_777, 22)
    whole = part1 + part2
    session = api.session

    started = session.start_large_file(bucket.id_, "manual/parts.bin", "application/octet-stream",
                                       {"large_file_sha1": sha1_hex(whole)})
    file_id = started["fileId"]
    assert started["action"] == "start"

    unfinished = list(bucket.list_unfinished_large_files())
    assert [(u.file_id, u.file_name) for u in unfinished] == [(file_id, "manual/parts.bin")]

    # Parts out of order.
    r2 = session.upload_part(file_id, 2, len(part2), sha1_hex(part2), io.BytesIO(part2))
    r1 = session.upload_part(file_id, 1, len(part1), sha1_hex(part1), io.BytesIO(part1))
    assert r1["contentSha1"] == sha1_hex(part1) and r2["contentSha1"] == sha1_hex(part2)
    assert r1["partNumber"] == 1 and r2["partNumber"] == 2

    parts = list(bucket.list_parts(file_id))
    assert [(p.part_number, p.content_length, p.content_sha1) for p in parts] == [
        (1, len(part1), sha1_hex(part1)),
        (2, len(part2), sha1_hex(part2)),
    ]

    # A wrong SHA-1 array is refused.
    with pytest.raises(B2Error):
        session.finish_large_file(file_id, [sha1_hex(part2), sha1_hex(part1)])

    done = session.finish_large_file(file_id, [sha1_hex(part1), sha1_hex(part2)])
    assert done["action"] == "upload"
    assert done["contentLength"] == len(whole)
    assert download(bucket, name="manual/parts.bin") == whole
    assert list(bucket.list_unfinished_large_files()) == []

    # Start and cancel: no file appears.
    other = session.start_large_file(bucket.id_, "manual/cancelled.bin", "b2/x-auto", {})
    api.cancel_large_file(other["fileId"])
    assert list(bucket.list_unfinished_large_files()) == []
    assert [fv.file_name for fv, _ in bucket.ls(recursive=True)] == ["manual/parts.bin"]


def test_part_too_small_is_refused(api, bucket):
    session = api.session
    started = session.start_large_file(bucket.id_, "small-parts.bin", "b2/x-auto", {})
    a, b = payload(1000, 1), payload(1000, 2)
    session.upload_part(started["fileId"], 1, len(a), sha1_hex(a), io.BytesIO(a))
    session.upload_part(started["fileId"], 2, len(b), sha1_hex(b), io.BytesIO(b))
    with pytest.raises(B2Error):
        session.finish_large_file(started["fileId"], [sha1_hex(a), sha1_hex(b)])
    api.cancel_large_file(started["fileId"])


def test_ls_hide_delete(api, bucket):
    names = ["a.txt", "dir/b.txt", "dir/sub/c.txt", "dir/ü +.txt", "z.txt"]
    ids = {}
    for i, n in enumerate(names):
        ids[n] = bucket.upload_bytes(f"data {i}".encode(), n).id_

    rec = [fv.file_name for fv, _ in bucket.ls(recursive=True)]
    assert rec == sorted(names, key=lambda s: s.encode())

    top = [(folder or fv.file_name) for fv, folder in bucket.ls()]
    assert top == ["a.txt", "dir/", "z.txt"], top
    inside = [(folder or fv.file_name) for fv, folder in bucket.ls("dir/")]
    assert inside == ["dir/b.txt", "dir/sub/", "dir/ü +.txt"], inside

    # Second version of a.txt, then hide it.
    v2 = bucket.upload_bytes(b"second", "a.txt")
    assert download(bucket, name="a.txt") == b"second"
    hidden = bucket.hide_file("a.txt")
    assert hidden.action == "hide"
    assert "a.txt" not in [fv.file_name for fv, _ in bucket.ls(recursive=True)]
    with pytest.raises(FileNotPresent):
        download(bucket, name="a.txt")
    # Still downloadable by id.
    assert download(bucket, file_id=v2.id_) == b"second"

    versions = [(fv.file_name, fv.action) for fv in bucket.list_file_versions("a.txt")]
    assert versions == [("a.txt", "hide"), ("a.txt", "upload"), ("a.txt", "upload")]

    all_versions = [(fv.file_name, fv.action) for fv, _ in bucket.ls(recursive=True, latest_only=False)]
    assert len(all_versions) == len(names) + 2

    # Delete every version of everything, then the bucket.
    for fv, _ in bucket.ls(recursive=True, latest_only=False):
        bucket.delete_file_version(fv.id_, fv.file_name)
    assert list(bucket.ls(recursive=True, latest_only=False)) == []
    with pytest.raises(FileNotPresent):
        bucket.get_file_info_by_id(ids["z.txt"])
    api.delete_bucket(bucket)
    assert bucket.name not in {b.name for b in api.list_buckets()}


def test_server_side_copy(bucket):
    data = payload(50_000, 5)
    src = bucket.upload_bytes(data, "copy/src.bin", file_info={"k": "v"})
    copied = bucket.copy(src.id_, "copy/dst ü.bin")
    assert copied.file_name == "copy/dst ü.bin"
    assert download(bucket, name="copy/dst ü.bin") == data
    info = bucket.get_file_info_by_name("copy/dst ü.bin")
    assert info.content_sha1 == sha1_hex(data)
    assert info.file_info == {"k": "v"}
    part = bucket.copy(src.id_, "copy/range.bin", offset=100, length=1000)
    assert download(bucket, file_id=part.id_) == data[100:1100]


def test_restricted_key_sdk(emu, api, bucket):
    bucket.upload_bytes(b"inside", "p/in.txt")
    bucket.upload_bytes(b"outside", "q/out.txt")
    key = api.create_key(["listBuckets", "listFiles", "readFiles"], "sdk-restricted",
                         bucket_id=bucket.id_, name_prefix="p/")
    r = new_api(emu, key.id_, key.application_key)
    allowed = r.account_info.get_allowed()
    assert allowed["bucketId"] == bucket.id_
    assert allowed["bucketName"] == bucket.name
    assert allowed["namePrefix"] == "p/"
    rb = r.get_bucket_by_name(bucket.name)
    assert [fv.file_name for fv, _ in rb.ls("p/", recursive=True)] == ["p/in.txt"]
    assert download(rb, name="p/in.txt") == b"inside"
    with pytest.raises(Unauthorized):
        download(rb, name="q/out.txt")
    with pytest.raises(Unauthorized):
        list(rb.ls("q/", recursive=True))
    with pytest.raises(B2Error):  # Unauthorized, possibly wrapped by the upload retry loop
        rb.upload_bytes(b"nope", "p/new.txt")
    assert [fv.file_name for fv, _ in bucket.ls(recursive=True)] == ["p/in.txt", "q/out.txt"]


def test_expired_token_reauthorizes(emulator_factory):
    """With short-lived tokens b2sdk gets 401 expired_auth_token, re-authorizes and carries on."""
    import time

    emu = emulator_factory("--token-ttl", "2")
    api = new_api(emu)
    b = api.create_bucket(bucket_name("sdk-ttl"), "allPrivate")
    first_token = api.account_info.get_account_auth_token()
    time.sleep(3)
    fv = b.upload_bytes(b"after expiry", "ttl.txt")
    assert download(b, name="ttl.txt") == b"after expiry"
    assert [x.file_name for x, _ in b.ls(recursive=True)] == ["ttl.txt"]
    assert api.account_info.get_account_auth_token() != first_token
    assert fv.content_sha1 == sha1_hex(b"after expiry")
