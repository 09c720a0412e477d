"""boto3 against the emulator's S3 API for today's B2: SSE-B2 and SSE-C with `x-amz-server-side-encryption*`, and
Object Lock with `x-amz-object-lock-*`, Get/PutObjectRetention, Get/PutObjectLegalHold and the bucket's
ObjectLockConfiguration. What S3 writes, the native API reads, and each refusal is the error S3 clients expect."""

from __future__ import annotations

import base64
import datetime
import hashlib
import os

import pytest
from botocore.exceptions import ClientError

from helpers import bucket_name, payload
from s3_helpers import ALL_FILE_CAPS, Native, error_of, s3_client

LOCK_CAPS = ALL_FILE_CAPS + [
    "readBucketRetentions", "writeBucketRetentions", "readFileRetentions", "writeFileRetentions",
    "readFileLegalHolds", "writeFileLegalHolds", "bypassGovernance", "readBucketEncryption",
    "writeBucketEncryption",
]


@pytest.fixture(scope="module")
def native(fresh_emulator) -> Native:
    return Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)


@pytest.fixture(scope="module")
def s3(fresh_emulator, native):
    return s3_client(fresh_emulator.url, native.create_key("s3-features", LOCK_CAPS))


@pytest.fixture(scope="module")
def bucket(s3) -> str:
    name = bucket_name("s3sse")
    s3.create_bucket(Bucket=name)
    return name


def sse_c(key: bytes) -> dict:
    return {
        "SSECustomerAlgorithm": "AES256",
        "SSECustomerKey": base64.b64encode(key).decode(),
        "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }


def test_sse_b2_put_get_and_native_view(s3, native, bucket, fresh_emulator):
    data = payload(50_000, 1)
    put = s3.put_object(Bucket=bucket, Key="b2.bin", Body=data, ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="b2.bin")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == data
    info = native.call("b2_get_file_info", fileId=put["VersionId"])
    assert info["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    # Stored encrypted: the plain bytes are nowhere in the data folder.
    for path in (fresh_emulator.data_dir / "blobs").iterdir():
        assert data[:4096] not in path.read_bytes()


def test_bucket_default_encryption_applies_to_s3_puts(s3, native):
    name = bucket_name("s3default")
    native.call("b2_create_bucket", bucketName=name, bucketType="allPrivate",
                defaultServerSideEncryption={"mode": "SSE-B2", "algorithm": "AES256"})
    put = s3.put_object(Bucket=name, Key="plain.txt", Body=b"plain")
    assert put["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=name, Key="plain.txt")["ServerSideEncryption"] == "AES256"


def test_sse_c_round_trip_and_refusals(s3, bucket, fresh_emulator):
    key = os.urandom(32)
    data = payload(30_000, 2)
    put = s3.put_object(Bucket=bucket, Key="c.bin", Body=data, **sse_c(key))
    assert put["SSECustomerAlgorithm"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="c.bin", **sse_c(key))
    assert got["Body"].read() == data
    assert got["SSECustomerKeyMD5"] == sse_c(key)["SSECustomerKeyMD5"]

    with pytest.raises(ClientError) as wrong:
        s3.get_object(Bucket=bucket, Key="c.bin", **sse_c(os.urandom(32)))
    assert error_of(wrong)[:2] == (403, "AccessDenied")
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=bucket, Key="c.bin")
    assert error_of(missing)[:2] == (400, "InvalidRequest")

    # Only the key's MD5 is kept: neither the key nor its base64 is anywhere in the data folder.
    encoded = base64.b64encode(key)
    for path in fresh_emulator.data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert key not in content and encoded not in content, path


def test_sse_c_copy_and_multipart(s3, bucket):
    key = os.urandom(32)
    s3.put_object(Bucket=bucket, Key="c-src.bin", Body=b"source bytes", **sse_c(key))
    s3.copy_object(
        Bucket=bucket, Key="c-copy.bin", CopySource={"Bucket": bucket, "Key": "c-src.bin"},
        CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=base64.b64encode(key).decode(),
        CopySourceSSECustomerKeyMD5=base64.b64encode(hashlib.md5(key).digest()).decode(),
        ServerSideEncryption="AES256",
    )
    copied = s3.get_object(Bucket=bucket, Key="c-copy.bin")
    assert copied["ServerSideEncryption"] == "AES256"
    assert copied["Body"].read() == b"source bytes"

    upload = s3.create_multipart_upload(Bucket=bucket, Key="c-big.bin", **sse_c(key))
    parts = [payload(5 * 1024 * 1024, 3), payload(1000, 4)]
    etags = [
        s3.upload_part(Bucket=bucket, Key="c-big.bin", UploadId=upload["UploadId"], PartNumber=n + 1, Body=part,
                       **sse_c(key))["ETag"]
        for n, part in enumerate(parts)
    ]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="c-big.bin", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]},
    )
    assert s3.get_object(Bucket=bucket, Key="c-big.bin", **sse_c(key))["Body"].read() == b"".join(parts)
    with pytest.raises(ClientError) as wrong:
        s3.get_object(Bucket=bucket, Key="c-big.bin", Range="bytes=0-9", **sse_c(os.urandom(32)))
    assert error_of(wrong)[0] == 403


def test_upload_part_copy_with_ranges_and_sse_c_source(s3, bucket):
    key = os.urandom(32)
    source = payload(5 * 1024 * 1024 + 300, 5)
    s3.put_object(Bucket=bucket, Key="pc-src.bin", Body=source, **sse_c(key))
    upload = s3.create_multipart_upload(Bucket=bucket, Key="pc-joined.bin")
    copy_key = {
        "CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": base64.b64encode(key).decode(),
        "CopySourceSSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }
    split = 5 * 1024 * 1024
    etags = []
    for number, first, last in [(1, 0, split - 1), (2, split, len(source) - 1)]:
        reply = s3.upload_part_copy(
            Bucket=bucket, Key="pc-joined.bin", UploadId=upload["UploadId"], PartNumber=number,
            CopySource={"Bucket": bucket, "Key": "pc-src.bin"}, CopySourceRange=f"bytes={first}-{last}", **copy_key)
        assert reply["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(source[first:last + 1]).hexdigest()
        etags.append(reply["CopyPartResult"]["ETag"])
    with pytest.raises(ClientError) as outside:
        s3.upload_part_copy(
            Bucket=bucket, Key="pc-joined.bin", UploadId=upload["UploadId"], PartNumber=3,
            CopySource={"Bucket": bucket, "Key": "pc-src.bin"}, CopySourceRange=f"bytes=0-{len(source)}", **copy_key)
    assert error_of(outside)[:2] == (400, "InvalidArgument")
    with pytest.raises(ClientError) as keyless:
        s3.upload_part_copy(
            Bucket=bucket, Key="pc-joined.bin", UploadId=upload["UploadId"], PartNumber=3,
            CopySource={"Bucket": bucket, "Key": "pc-src.bin"})
    assert error_of(keyless)[0] in (400, 403)
    s3.complete_multipart_upload(
        Bucket=bucket, Key="pc-joined.bin", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]},
    )
    got = s3.get_object(Bucket=bucket, Key="pc-joined.bin")
    assert got["Body"].read() == source and "SSECustomerAlgorithm" not in got


def test_object_lock_through_s3(s3, native):
    name = bucket_name("s3lock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    assert native.call("b2_list_buckets", bucketName=name)["buckets"][0]["fileLockConfiguration"]["value"][
        "isFileLockEnabled"] is True
    s3.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
                                 "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}},
    )
    config = s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 2}

    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).replace(microsecond=0)
    put = s3.put_object(Bucket=name, Key="kept", Body=b"kept", ObjectLockMode="COMPLIANCE",
                        ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    head = s3.head_object(Bucket=name, Key="kept")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] == until
    assert head["ObjectLockLegalHoldStatus"] == "ON"
    retention = s3.get_object_retention(Bucket=name, Key="kept")["Retention"]
    assert retention == {"Mode": "COMPLIANCE", "RetainUntilDate": until}
    assert s3.get_object_legal_hold(Bucket=name, Key="kept")["LegalHold"] == {"Status": "ON"}

    # The native API sees the same lock.
    info = native.call("b2_get_file_info", fileId=put["VersionId"])
    assert info["fileRetention"]["value"] == {"mode": "compliance", "retainUntilTimestamp": int(until.timestamp() * 1000)}
    assert info["legalHold"]["value"] == "on"

    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=name, Key="kept", VersionId=put["VersionId"])
    assert error_of(refused)[:2] == (403, "AccessDenied")
    s3.put_object_legal_hold(Bucket=name, Key="kept", LegalHold={"Status": "OFF"})
    with pytest.raises(ClientError) as shortened:
        s3.put_object_retention(Bucket=name, Key="kept", BypassGovernanceRetention=True,
                                Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until - datetime.timedelta(days=1)})
    assert error_of(shortened)[:2] == (403, "AccessDenied")
    with pytest.raises(ClientError) as still:
        s3.delete_object(Bucket=name, Key="kept", VersionId=put["VersionId"])
    assert error_of(still)[0] == 403

    # The bucket's default retention applies to a plain put, and governance gives way to the bypass.
    plain = s3.put_object(Bucket=name, Key="governed", Body=b"g")
    assert s3.get_object_retention(Bucket=name, Key="governed")["Retention"]["Mode"] == "GOVERNANCE"
    with pytest.raises(ClientError):
        s3.delete_object(Bucket=name, Key="governed", VersionId=plain["VersionId"])
    s3.delete_object(Bucket=name, Key="governed", VersionId=plain["VersionId"], BypassGovernanceRetention=True)


def test_lock_requests_on_a_bucket_without_lock(s3, bucket):
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="nolock", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=until)
    assert error_of(refused) == (400, "InvalidRequest", "Bucket is missing Object Lock Configuration")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="nolock")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"p")
    with pytest.raises(ClientError) as retention:
        s3.get_object_retention(Bucket=bucket, Key="plain")
    assert error_of(retention)[:2] == (400, "InvalidRequest")
    with pytest.raises(ClientError) as config:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error_of(config)[:2] == (404, "ObjectLockConfigurationNotFoundError")
