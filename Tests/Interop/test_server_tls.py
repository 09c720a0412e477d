"""`b2kit serve --tls-cert --tls-key`: the official `b2` CLI and boto3 over HTTPS, trusting a certificate made
here, and the addresses the emulator hands out are https:// (the CLI's own suite checks `file url` for it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from conftest import emulator_binary
from helpers import bucket_name, payload, write
from test_b2_cli import B2Cli


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def emu(emulator_factory, certificate):
    cert, key = certificate
    return emulator_factory("--tls-cert", str(cert), "--tls-key", str(key))


@pytest.fixture(scope="module")
def cli(emu, certificate, tmp_path_factory) -> B2Cli:
    c = B2Cli(emu.url, tmp_path_factory.mktemp("b2cli-tls"))
    c.env.update(REQUESTS_CA_BUNDLE=str(certificate[0]), SSL_CERT_FILE=str(certificate[0]))
    c.run("account", "authorize", emu.key_id, emu.key)
    return c


def test_official_cli_over_https(emu, cli, tmp_path):
    assert emu.url.startswith("https://127.0.0.1:"), emu.url
    name = bucket_name("tls")
    cli.run("bucket", "create", name, "allPrivate")
    data = payload(70_000, 7)
    cli.upload(name, write(tmp_path / "up.bin", data), "dir/over-tls.bin")
    url = cli.run("file", "url", f"b2://{name}/dir/over-tls.bin").stdout_text.strip()
    assert url.startswith("https://127.0.0.1:") and url.endswith(f"/file/{name}/dir/over-tls.bin"), url
    cli.run("file", "download", "--no-progress", f"b2://{name}/dir/over-tls.bin", str(tmp_path / "down.bin"))
    assert (tmp_path / "down.bin").read_bytes() == data


def test_cli_refuses_the_certificate_it_does_not_trust(emu, tmp_path):
    cli = B2Cli(emu.url, tmp_path / "home")
    cli.env.pop("REQUESTS_CA_BUNDLE", None)
    cli.env.pop("SSL_CERT_FILE", None)
    failed = cli.fail("account", "authorize", emu.key_id, emu.key)
    assert "certificate" in (failed.stdout_text + failed.stderr_text).lower(), failed.stderr_text


def test_boto3_over_https(emu, cli, certificate):
    key_id, key = cli.run(
        "key", "create", "s3-over-tls", "listBuckets,writeBuckets,readFiles,writeFiles"
    ).stdout_text.split()
    s3 = boto3.client(
        "s3", endpoint_url=emu.url, aws_access_key_id=key_id, aws_secret_access_key=key,
        region_name="us-west-004", verify=str(certificate[0]),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    name = bucket_name("tls-s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"secure bytes")
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"secure bytes"


def test_tls_options_refused_with_what_to_fix(certificate, tmp_path):
    binary = str(emulator_binary())
    alone = subprocess.run(
        [binary, "serve", "--data", str(tmp_path / "a"), "--port", "0", "--tls-cert", str(certificate[0])],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert alone.returncode == 2, alone
    assert "--tls-cert and --tls-key together" in alone.stderr, alone.stderr
    junk = write(tmp_path / "junk.pem", b"not a certificate")
    bad = subprocess.run(
        [binary, "serve", "--data", str(tmp_path / "b"), "--port", "0", "--tls-cert", str(junk),
         "--tls-key", str(certificate[1])],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert bad.returncode == 1, bad
    assert "is not a readable PEM certificate" in bad.stderr and "openssl req" in bad.stderr, bad.stderr
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir()), "nothing is created on a bad start"
