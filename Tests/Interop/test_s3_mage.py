"""A Mage-style round trip: a pipeline reads an io_config.yaml profile's B2_APPLICATION_KEY_ID and
B2_APPLICATION_KEY and hands them to boto3 with the emulator's S3 endpoint, while b2kit uses the same
profile over the native API. Each side reads exactly what the other wrote.
"""

from __future__ import annotations

import yaml

from helpers import bucket_name, payload, write
from s3_helpers import ALL_FILE_CAPS, Key, Native, s3_client
from test_b2kit_cli import B2Kit, scrubbed_environment

IO_CONFIG = """\
version: 0.1.1
default:
  B2_APPLICATION_KEY_ID: {key_id}
  B2_APPLICATION_KEY: "{key}"
"""


def test_mage_profile_round_trip(fresh_emulator, tmp_path):
    native = Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    made = native.create_key("mage", ALL_FILE_CAPS)
    config = write(tmp_path / "mage" / "io_config.yaml",
                   IO_CONFIG.format(key_id=made.key_id, key=made.key).encode())
    env = scrubbed_environment(tmp_path / "home")
    env["B2_ENVIRONMENT"] = fresh_emulator.url
    kit = B2Kit(env, tmp_path / "cwd", secrets=(made.key, fresh_emulator.key))

    # As Mage does: read the profile, take the two values, build a boto3 client on the S3 endpoint.
    profile = yaml.safe_load(config.read_text())["default"]
    s3 = s3_client(fresh_emulator.url, Key(profile["B2_APPLICATION_KEY_ID"], profile["B2_APPLICATION_KEY"]))

    bucket = bucket_name("mage")
    made_bucket = kit.run("--config", str(config), "mb", f"b2://{bucket}")
    assert made_bucket.returncode == 0, made_bucket.stderr_text

    # b2kit writes natively (a large file in parts, and a small one); boto3 reads them through S3.
    large = payload(11 * 1024 * 1024 + 3, 31)
    source = write(tmp_path / "large.bin", large)
    small = write(tmp_path / "small.csv", b"id,name\n1,alpha\n2,beta\n")
    for path, name in ((source, "raw/large.bin"), (small, "raw/small.csv")):
        copied = kit.run("--config", str(config), "cp", "--part-size", "5000000", str(path), f"b2://{bucket}/{name}")
        assert copied.returncode == 0, copied.stderr_text
    assert s3.get_object(Bucket=bucket, Key="raw/large.bin")["Body"].read() == large
    assert s3.get_object(Bucket=bucket, Key="raw/small.csv")["Body"].read() == small.read_bytes()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="raw/")["Contents"]]
    assert keys == ["raw/large.bin", "raw/small.csv"]

    # boto3 writes through S3 (simple and multipart); b2kit cat reads them natively.
    exported = b"id,total\n1,42\n"
    s3.put_object(Bucket=bucket, Key="out/export.csv", Body=exported)
    multipart = payload(6 * 1024 * 1024, 32)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="out/big.bin")
    first = s3.upload_part(Bucket=bucket, Key="out/big.bin", UploadId=upload["UploadId"], PartNumber=1,
                           Body=multipart[:5 * 1024 * 1024])
    second = s3.upload_part(Bucket=bucket, Key="out/big.bin", UploadId=upload["UploadId"], PartNumber=2,
                            Body=multipart[5 * 1024 * 1024:])
    s3.complete_multipart_upload(Bucket=bucket, Key="out/big.bin", UploadId=upload["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]})
    for name, data in (("out/export.csv", exported), ("out/big.bin", multipart)):
        cat = kit.run("--config", str(config), "cat", f"b2://{bucket}/{name}")
        assert cat.returncode == 0, cat.stderr_text
        assert cat.stdout == data
