"""The traps B2 users hit on the S3 endpoint, answered as B2 answers them: the master key, a
bucket-restricted key listing buckets, a key's bucket/prefix/capability limits, the wrong region,
a wrong secret. Each test asserts the facts the message must carry for a client to guide its user.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import bucket_name
from s3_helpers import ALL_FILE_CAPS, Key, Native, error_of, s3_client


@pytest.fixture(scope="module")
def native(fresh_emulator) -> Native:
    return Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)


@pytest.fixture(scope="module")
def bucket(fresh_emulator, native) -> str:
    name = bucket_name("traps")
    s3 = s3_client(fresh_emulator.url, native.create_key("traps-setup", ALL_FILE_CAPS))
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-004"})
    s3.put_object(Bucket=name, Key="p/inside.txt", Body=b"inside")
    s3.put_object(Bucket=name, Key="outside.txt", Body=b"outside")
    return name


def test_master_key_is_refused(fresh_emulator):
    s3 = s3_client(fresh_emulator.url, Key(fresh_emulator.key_id, fresh_emulator.key))
    with pytest.raises(ClientError) as excinfo:
        s3.list_buckets()
    status, code, message = error_of(excinfo)
    assert (status, code) == (403, "InvalidAccessKeyId")
    assert "Malformed Access Key Id" in message
    assert "application key" in message


def test_restricted_key_needs_list_all_bucket_names(fresh_emulator, native, bucket):
    plain = native.create_key("restricted", ["listBuckets", "listFiles", "readFiles"], bucket=bucket)
    s3 = s3_client(fresh_emulator.url, plain)
    with pytest.raises(ClientError) as excinfo:
        s3.list_buckets()
    status, code, message = error_of(excinfo)
    assert (status, code) == (403, "AccessDenied")
    assert "listAllBucketNames" in message
    # The same key can still use its bucket directly.
    assert s3.get_object(Bucket=bucket, Key="outside.txt")["Body"].read() == b"outside"

    listing = native.create_key("restricted-lab", ["listBuckets", "listAllBucketNames", "listFiles"], bucket=bucket)
    names = [b["Name"] for b in s3_client(fresh_emulator.url, listing).list_buckets()["Buckets"]]
    assert bucket in names


def test_key_restrictions_apply(fresh_emulator, native, bucket):
    other = bucket_name("other")
    native.call("b2_create_bucket", bucketName=other, bucketType="allPrivate")
    scoped = native.create_key("scoped", ["listFiles", "readFiles", "writeFiles"], bucket=bucket, name_prefix="p/")
    s3 = s3_client(fresh_emulator.url, scoped)
    assert s3.get_object(Bucket=bucket, Key="p/inside.txt")["Body"].read() == b"inside"
    s3.put_object(Bucket=bucket, Key="p/new.txt", Body=b"ok")
    for call in (
        lambda: s3.get_object(Bucket=bucket, Key="outside.txt"),
        lambda: s3.put_object(Bucket=bucket, Key="elsewhere.txt", Body=b"no"),
        lambda: s3.list_objects_v2(Bucket=other),
        lambda: s3.delete_object(Bucket=bucket, Key="p/inside.txt"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == (403, "AccessDenied"), error_of(excinfo)
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket=bucket, Key="p/inside.txt")
    assert "deleteFiles" in error_of(excinfo)[2]

    reader = s3_client(fresh_emulator.url, native.create_key("reader", ["listFiles", "readFiles"]))
    with pytest.raises(ClientError) as excinfo:
        reader.put_object(Bucket=bucket, Key="p/x", Body=b"x")
    status, code, message = error_of(excinfo)
    assert (status, code) == (403, "AccessDenied") and "writeFiles" in message


def test_wrong_region_names_the_expected_one(fresh_emulator, native):
    key = native.create_key("region", ALL_FILE_CAPS)
    s3 = s3_client(fresh_emulator.url, key, region="us-east-005")
    with pytest.raises(ClientError) as excinfo:
        s3.list_buckets()
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "AuthorizationHeaderMalformed")
    assert "us-east-005" in message and "us-west-004" in message
    assert excinfo.value.response["Error"].get("Region") == "us-west-004"


def test_emulator_region_is_configurable(emulator_factory):
    emu = emulator_factory("--region", "eu-central-003")
    native = Native(emu.url, emu.key_id, emu.key)
    key = native.create_key("eu", ALL_FILE_CAPS)
    assert s3_client(emu.url, key, region="eu-central-003").list_buckets()["Buckets"] == []
    with pytest.raises(ClientError) as excinfo:
        s3_client(emu.url, key, region="us-west-004").list_buckets()
    assert "eu-central-003" in error_of(excinfo)[2]


def test_wrong_secret_and_unknown_key(fresh_emulator, native):
    key = native.create_key("secret", ALL_FILE_CAPS)
    # The last character changed, whatever it was (a fixed replacement is no change for one key in 62).
    wrong = key.key[:-1] + ("y" if key.key.endswith("x") else "x")
    with pytest.raises(ClientError) as excinfo:
        s3_client(fresh_emulator.url, Key(key.key_id, wrong)).list_buckets()
    assert error_of(excinfo)[:2] == (403, "SignatureDoesNotMatch")
    with pytest.raises(ClientError) as excinfo:
        s3_client(fresh_emulator.url, Key("0049999999999990000000009", key.key)).list_buckets()
    assert error_of(excinfo)[:2] == (403, "InvalidAccessKeyId")
