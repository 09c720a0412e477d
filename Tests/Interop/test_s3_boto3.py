"""boto3 against the emulator's S3-compatible API: objects written through S3 are the native API's
files (same bytes, SHA-1, content type, file info, upload time) and the other way round; listings,
ranges, copies, deletes, multipart uploads and presigned URLs behave as S3 clients expect.
"""

from __future__ import annotations

import hashlib
import subprocess

import pytest
import requests
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from helpers import bucket_name, payload, sha1_hex
from s3_helpers import ALL_FILE_CAPS, Native, error_of, s3_client


@pytest.fixture(scope="module")
def native(fresh_emulator) -> Native:
    return Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)


@pytest.fixture(scope="module")
def key(native):
    return native.create_key("s3-all", ALL_FILE_CAPS)


@pytest.fixture(scope="module")
def s3(fresh_emulator, key):
    return s3_client(fresh_emulator.url, key)


@pytest.fixture(scope="module")
def bucket(s3) -> str:
    name = bucket_name("s3obj")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-004"})
    return name


def test_put_get_head_and_native_view(s3, native, bucket):
    data = payload(70_000, 7)
    put = s3.put_object(Bucket=bucket, Key="docs/report.bin", Body=data, ContentType="application/x-report",
                        Metadata={"color": "blue"})
    assert put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()

    got = s3.get_object(Bucket=bucket, Key="docs/report.bin")
    assert got["Body"].read() == data
    assert got["ContentType"] == "application/x-report"
    assert got["Metadata"] == {"color": "blue"}
    assert got["ETag"] == put["ETag"]

    head = s3.head_object(Bucket=bucket, Key="docs/report.bin")
    assert head["ContentLength"] == len(data)

    # The native API sees the same file: bytes, SHA-1, content type, file info, upload time.
    download = native.download(bucket, "docs/report.bin")
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["x-bz-content-sha1"] == sha1_hex(data)
    assert download.headers["Content-Type"] == "application/x-report"
    assert download.headers["x-bz-info-color"] == "blue"
    upload_ms = int(download.headers["x-bz-upload-timestamp"])
    assert int(head["LastModified"].timestamp()) == upload_ms // 1000


def test_native_upload_is_read_through_s3(s3, native, bucket):
    data = b"written natively\n"
    bucket_id = native.bucket_id(bucket)
    upload = native.call("b2_get_upload_url", bucketId=bucket_id)
    reply = requests.post(upload["uploadUrl"], data=data, headers={
        "Authorization": upload["authorizationToken"], "X-Bz-File-Name": "native/one.txt",
        "Content-Type": "text/plain", "X-Bz-Content-Sha1": sha1_hex(data), "X-Bz-Info-origin": "native",
    })
    assert reply.status_code == 200, reply.text
    got = s3.get_object(Bucket=bucket, Key="native/one.txt")
    assert got["Body"].read() == data
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"origin": "native"}
    assert got["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    assert got["VersionId"] == reply.json()["fileId"]


def test_ranged_get(s3, bucket):
    data = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="range.bin", Body=data)
    part = s3.get_object(Bucket=bucket, Key="range.bin", Range="bytes=10-19")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["ContentRange"] == f"bytes 10-19/{len(data)}"
    assert part["Body"].read() == data[10:20]
    tail = s3.get_object(Bucket=bucket, Key="range.bin", Range="bytes=-5")
    assert tail["Body"].read() == data[-5:]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="range.bin", Range=f"bytes={len(data)}-")
    assert error_of(excinfo)[:2] == (416, "InvalidRange")


def test_list_with_delimiter_and_pages(s3, bucket):
    listing_bucket = bucket_name("s3list")
    s3.create_bucket(Bucket=listing_bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-004"})
    names = ["a/1.txt", "a/2.txt", "a/sub/3.txt", "b/4.txt", "c.txt", "d e+f%.txt"]
    for name in names:
        s3.put_object(Bucket=listing_bucket, Key=name, Body=name.encode())

    top = s3.list_objects_v2(Bucket=listing_bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in top["Contents"]] == ["c.txt", "d e+f%.txt"]
    inside = s3.list_objects_v2(Bucket=listing_bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in inside["Contents"]] == ["a/1.txt", "a/2.txt"]
    assert [p["Prefix"] for p in inside["CommonPrefixes"]] == ["a/sub/"]

    paged = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=listing_bucket, PaginationConfig={"PageSize": 2}):
        assert page["KeyCount"] <= 2
        paged += [o["Key"] for o in page.get("Contents", [])]
    assert paged == sorted(names)

    v1 = []
    for page in s3.get_paginator("list_objects").paginate(Bucket=listing_bucket, PaginationConfig={"PageSize": 2}):
        v1 += [o["Key"] for o in page.get("Contents", [])]
    assert v1 == sorted(names)
    v1_prefixes = []
    for page in s3.get_paginator("list_objects").paginate(Bucket=listing_bucket, Delimiter="/",
                                                          PaginationConfig={"PageSize": 1}):
        v1_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    assert v1_prefixes == ["a/", "b/"]


def test_copy_and_metadata_directive(s3, native, bucket):
    s3.put_object(Bucket=bucket, Key="copy/src.txt", Body=b"copy me", ContentType="text/plain",
                  Metadata={"kept": "yes"})
    s3.copy_object(Bucket=bucket, Key="copy/dst.txt", CopySource={"Bucket": bucket, "Key": "copy/src.txt"})
    got = s3.get_object(Bucket=bucket, Key="copy/dst.txt")
    assert got["Body"].read() == b"copy me"
    assert got["Metadata"] == {"kept": "yes"} and got["ContentType"] == "text/plain"

    s3.copy_object(Bucket=bucket, Key="copy/replaced.txt", CopySource=f"{bucket}/copy/src.txt",
                   MetadataDirective="REPLACE", ContentType="text/x-new", Metadata={"fresh": "1"})
    replaced = s3.head_object(Bucket=bucket, Key="copy/replaced.txt")
    assert replaced["Metadata"] == {"fresh": "1"} and replaced["ContentType"] == "text/x-new"
    assert native.download(bucket, "copy/replaced.txt").headers["x-bz-content-sha1"] == sha1_hex(b"copy me")

    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="copy/x", CopySource={"Bucket": bucket, "Key": "copy/missing"})
    assert error_of(excinfo)[:2] == (404, "NoSuchKey")


def test_delete_and_delete_objects(s3, bucket):
    for name in ("del/1", "del/2", "del/3"):
        s3.put_object(Bucket=bucket, Key=name, Body=b"x")
    s3.delete_object(Bucket=bucket, Key="del/1")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="del/1")
    assert error_of(excinfo)[:2] == (404, "NoSuchKey")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "del/2"}, {"Key": "del/3"},
                                                                  {"Key": "del/never"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["del/2", "del/3", "del/never"]
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="del/")
    # Deleting what does not exist succeeds, as on S3.
    s3.delete_object(Bucket=bucket, Key="del/never-there")


def test_multipart_upload_by_hand(s3, native, bucket):
    parts_data = [payload(5 * 1024 * 1024, 11), payload(1234, 12)]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp/hand.bin", ContentType="application/x-mp",
                                        Metadata={"way": "multipart"})
    etags = []
    for number, data in enumerate(parts_data, start=1):
        part = s3.upload_part(Bucket=bucket, Key="mp/hand.bin", UploadId=upload["UploadId"], PartNumber=number,
                              Body=data)
        assert part["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
        etags.append(part["ETag"])
    listed = s3.list_parts(Bucket=bucket, Key="mp/hand.bin", UploadId=upload["UploadId"])
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, len(parts_data[0])), (2, 1234)]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp/hand.bin", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
    digests = b"".join(hashlib.md5(d).digest() for d in parts_data)
    assert done["ETag"] == '"%s-2"' % hashlib.md5(digests).hexdigest()
    whole = b"".join(parts_data)
    got = s3.get_object(Bucket=bucket, Key="mp/hand.bin")
    assert got["Body"].read() == whole
    assert got["ETag"] == done["ETag"] and got["Metadata"] == {"way": "multipart"}
    assert native.download(bucket, "mp/hand.bin").content == whole
    with pytest.raises(ClientError) as excinfo:
        s3.list_parts(Bucket=bucket, Key="mp/hand.bin", UploadId=upload["UploadId"])
    assert error_of(excinfo)[:2] == (404, "NoSuchUpload")


def test_multipart_abort_and_transfer_manager(s3, bucket, tmp_path):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp/aborted")
    s3.upload_part(Bucket=bucket, Key="mp/aborted", UploadId=upload["UploadId"], PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="mp/aborted", UploadId=upload["UploadId"])
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="mp/aborted")
    assert error_of(excinfo)[0] == 404

    data = payload(12 * 1024 * 1024 + 77, 13)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    s3.upload_file(str(source), bucket, "mp/managed.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="mp/managed.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "mp/managed.bin", str(target), Config=config)
    assert target.read_bytes() == data


def test_presigned_url_with_curl(s3, bucket):
    data = b"shared through a presigned URL\n"
    s3.put_object(Bucket=bucket, Key="share/file name.txt", Body=data)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "share/file name.txt"},
                                    ExpiresIn=300)
    fetched = subprocess.run(["curl", "-sS", "-f", url], capture_output=True, timeout=30)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout == data
    tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
    refused = subprocess.run(["curl", "-sS", "-w", "%{http_code}", "-o", "-", tampered], capture_output=True,
                             timeout=30)
    assert refused.stdout.endswith(b"403")
    assert b"<Code>SignatureDoesNotMatch</Code>" in refused.stdout


def test_buckets_list_head_location_delete(s3, bucket):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert bucket in names
    s3.head_bucket(Bucket=bucket)
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "us-west-004"
    scratch = bucket_name("s3tmp")
    s3.create_bucket(Bucket=scratch, CreateBucketConfiguration={"LocationConstraint": "us-west-004"})
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket=scratch, CreateBucketConfiguration={"LocationConstraint": "us-west-004"})
    assert error_of(excinfo)[:2] == (409, "BucketAlreadyExists")
    s3.delete_bucket(Bucket=scratch)
    with pytest.raises(ClientError) as excinfo:
        s3.head_bucket(Bucket=scratch)
    assert error_of(excinfo)[0] == 404
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=scratch, Key="x")
    assert error_of(excinfo)[:2] == (404, "NoSuchBucket")
    with pytest.raises(ClientError) as excinfo:
        s3.delete_bucket(Bucket=bucket)
    assert error_of(excinfo)[:2] == (409, "BucketNotEmpty")
