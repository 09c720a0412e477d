"""The AWS CLI (`aws --endpoint-url`) against the emulator's S3 API: high-level `s3` commands
(cp up and down, multipart for a large file, ls with prefixes, rm) and `s3api` calls (ranged get,
copy, presign fetched with curl).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from helpers import bucket_name, find_executable, payload, write
from s3_helpers import ALL_FILE_CAPS, REGION, Native


@pytest.fixture(scope="module")
def aws(fresh_emulator, tmp_path_factory):
    native = Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    key = native.create_key("awscli", ALL_FILE_CAPS)
    home = tmp_path_factory.mktemp("aws-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), AWS_ACCESS_KEY_ID=key.key_id, AWS_SECRET_ACCESS_KEY=key.key,
               AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=str(home / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"))
    binary = find_executable("aws")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([binary, "--endpoint-url", fresh_emulator.url, *args], env=env,
                              capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
        proc.out = proc.stdout.decode(errors="replace")
        proc.err = proc.stderr.decode(errors="replace")
        assert key.key not in proc.out + proc.err
        if check:
            assert proc.returncode == 0, f"aws {' '.join(args)} failed:\n{proc.out}\n{proc.err}"
        return proc

    return run


def test_aws_cli_round_trip(aws, tmp_path: Path):
    bucket = bucket_name("awscli")
    aws("s3", "mb", f"s3://{bucket}")
    small = write(tmp_path / "small.txt", b"small file via the aws cli\n")
    large_data = payload(20 * 1024 * 1024 + 5, 21)  # above the CLI's 8 MiB multipart threshold
    large = write(tmp_path / "large.bin", large_data)
    aws("s3", "cp", str(small), f"s3://{bucket}/docs/small.txt")
    aws("s3", "cp", str(large), f"s3://{bucket}/big/large.bin")
    aws("s3", "cp", str(small), f"s3://{bucket}/top.txt")

    listing = aws("s3", "ls", f"s3://{bucket}/").out
    assert "PRE docs/" in listing and "PRE big/" in listing and "top.txt" in listing
    recursive = aws("s3", "ls", "--recursive", f"s3://{bucket}").out
    assert str(len(large_data)) in recursive

    back = tmp_path / "back.bin"
    aws("s3", "cp", f"s3://{bucket}/big/large.bin", str(back))
    assert hashlib.sha1(back.read_bytes()).digest() == hashlib.sha1(large_data).digest()
    head = aws("s3api", "head-object", "--bucket", bucket, "--key", "big/large.bin").out
    assert '-3\\"' in head  # a multipart ETag: md5-of-md5s-3 (8 MiB parts)

    ranged = tmp_path / "ranged.bin"
    aws("s3api", "get-object", "--bucket", bucket, "--key", "big/large.bin", "--range", "bytes=100-199",
        str(ranged))
    assert ranged.read_bytes() == large_data[100:200]

    aws("s3api", "copy-object", "--bucket", bucket, "--key", "copy.txt", "--copy-source", f"{bucket}/top.txt")
    url = aws("s3", "presign", f"s3://{bucket}/copy.txt", "--expires-in", "120").out.strip()
    fetched = subprocess.run(["curl", "-sS", "-f", url], capture_output=True, timeout=30)
    assert fetched.stdout == small.read_bytes()

    aws("s3", "rm", f"s3://{bucket}/top.txt")
    assert "top.txt" not in aws("s3", "ls", f"s3://{bucket}/").out
    missing = aws("s3api", "head-object", "--bucket", bucket, "--key", "top.txt", check=False)
    assert missing.returncode != 0 and "404" in missing.err
