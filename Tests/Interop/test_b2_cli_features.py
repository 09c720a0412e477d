"""Today's B2 through the official `b2` CLI against `b2kit serve`: encryption, Object Lock, lifecycle rules,
replication and custom upload times. Each feature round-trips, and each refusal reaches the CLI as B2's would."""

from __future__ import annotations

import base64
import json
import os
import time

import pytest

from helpers import advance_clock, bucket_name, payload, write
from test_b2_cli import B2Cli

DAY = 86_400


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.fixture(scope="module")
def cli(emu, tmp_path_factory) -> B2Cli:
    c = B2Cli(emu.url, tmp_path_factory.mktemp("b2cli-features"))
    c.run("account", "authorize", emu.key_id, emu.key)
    return c


def test_bucket_create_with_lock_lifecycle_and_default_encryption(cli, tmp_path):
    name = bucket_name("cli-lock")
    rule = {"daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": None, "fileNamePrefix": "old/"}
    cli.run(
        "bucket", "create", "--file-lock-enabled", "--lifecycle-rule", json.dumps(rule),
        "--default-server-side-encryption", "SSE-B2", name, "allPrivate",
    )
    bucket = cli.json("bucket", "get", name)
    assert bucket["isFileLockEnabled"] is True, bucket
    assert bucket["lifecycleRules"] == [rule], bucket
    assert bucket["defaultServerSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}, bucket

    # The bucket's default encrypts a plain upload.
    local = write(tmp_path / "plain.bin", payload(2000, 1))
    version = cli.upload(name, local, "plain.bin")
    assert version["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}, version


def test_lifecycle_rule_runs_on_the_advanced_clock(cli, emu, tmp_path):
    name = bucket_name("cli-aging")
    rule = {"daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": None, "fileNamePrefix": "logs/"}
    cli.run("bucket", "create", "--lifecycle-rule", json.dumps(rule), name, "allPrivate")
    for seed in (1, 2):
        cli.upload(name, write(tmp_path / f"v{seed}", payload(100, seed)), "logs/app.log")
        cli.upload(name, write(tmp_path / f"k{seed}", payload(100, seed)), "keep/app.log")
    assert len(cli.lines("ls", "--versions", "-r", f"b2://{name}")) == 4

    swept = advance_clock(emu.url, emu.key_id, emu.key, DAY + 60)
    assert swept["lifecycle"] == {"hidden": 0, "deleted": 1, "canceled": 0}, swept
    cli.run("account", "authorize", emu.key_id, emu.key)  # the old account token has expired
    assert sorted(cli.lines("ls", "--versions", "-r", f"b2://{name}")) == [
        "keep/app.log", "keep/app.log", "logs/app.log",
    ]


def test_sse_b2_and_sse_c_round_trip_and_a_wrong_key_is_refused(cli, tmp_path):
    name = bucket_name("cli-sse")
    cli.run("bucket", "create", name, "allPrivate")
    data = payload(70_000, 3)
    local = write(tmp_path / "secret.bin", data)

    b2_version = cli.upload(name, local, "sse-b2.bin", "--destination-server-side-encryption", "SSE-B2")
    assert b2_version["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    cli.run("file", "download", "--no-progress", f"b2://{name}/sse-b2.bin", str(tmp_path / "b2.out"))
    assert (tmp_path / "b2.out").read_bytes() == data

    key = os.urandom(32)
    cli.env["B2_DESTINATION_SSE_C_KEY_B64"] = base64.b64encode(key).decode()
    try:
        c_version = cli.upload(name, local, "sse-c.bin", "--destination-server-side-encryption", "SSE-C")
    finally:
        del cli.env["B2_DESTINATION_SSE_C_KEY_B64"]
    assert c_version["serverSideEncryption"]["mode"] == "SSE-C", c_version

    cli.env["B2_SOURCE_SSE_C_KEY_B64"] = base64.b64encode(key).decode()
    try:
        cli.run(
            "file", "download", "--no-progress", "--source-server-side-encryption", "SSE-C",
            f"b2://{name}/sse-c.bin", str(tmp_path / "c.out"),
        )
        assert (tmp_path / "c.out").read_bytes() == data
        cli.env["B2_SOURCE_SSE_C_KEY_B64"] = base64.b64encode(os.urandom(32)).decode()
        refused = cli.fail(
            "file", "download", "--no-progress", "--source-server-side-encryption", "SSE-C",
            f"b2://{name}/sse-c.bin", str(tmp_path / "wrong.out"),
        )
    finally:
        del cli.env["B2_SOURCE_SSE_C_KEY_B64"]
    # b2sdk turns B2's 403 access_denied on an SSE-C read into SSECKeyError.
    assert "Wrong or no SSE-C key provided when reading a file" in refused.stderr_text, refused.stderr_text
    assert not (tmp_path / "wrong.out").exists()


def test_retention_and_legal_hold_refuse_deletion(cli, tmp_path):
    name = bucket_name("cli-hold")
    cli.run("bucket", "create", "--file-lock-enabled", name, "allPrivate")
    # Well past the emulator's clock, which the lifecycle test moved a day ahead.
    until = int(time.time() * 1000) + 30 * DAY * 1000
    local = write(tmp_path / "kept.bin", payload(500, 4))
    version = cli.upload(
        name, local, "kept.bin", "--file-retention-mode", "governance", "--retain-until", str(until),
        "--legal-hold", "on",
    )
    assert version["fileRetention"] == {"mode": "governance", "retainUntilTimestamp": until}, version
    assert version["legalHold"] == "on", version

    refused = cli.fail("rm", f"b2id://{version['fileId']}")
    assert "Access Denied" in refused.stdout_text + refused.stderr_text

    cli.run("file", "update", "--legal-hold", "off", f"b2id://{version['fileId']}")
    # Governance still protects it, until bypassed.
    cli.fail("rm", f"b2id://{version['fileId']}")
    cli.run("file", "update", "--file-retention-mode", "none", "--bypass-governance", f"b2id://{version['fileId']}")
    cli.run("rm", f"b2id://{version['fileId']}")
    assert cli.lines("ls", "--versions", f"b2://{name}") == []


def test_retention_on_a_bucket_without_lock_is_refused(cli, tmp_path):
    name = bucket_name("cli-nolock")
    cli.run("bucket", "create", name, "allPrivate")
    local = write(tmp_path / "x.bin", payload(10, 5))
    refused = cli.fail(
        "file", "upload", "--no-progress", "--file-retention-mode", "compliance",
        "--retain-until", str(int(time.time() * 1000) + 3_600_000), name, str(local), "x.bin",
    )
    assert "file lock" in (refused.stdout_text + refused.stderr_text).lower()
    assert cli.lines("ls", "--versions", f"b2://{name}") == []


def test_custom_upload_timestamp(cli, tmp_path):
    name = bucket_name("cli-stamp")
    cli.run("bucket", "create", name, "allPrivate")
    stamp = 1_500_000_000_000
    version = cli.upload(name, write(tmp_path / "t.bin", b"t"), "t.bin", "--custom-upload-timestamp", str(stamp))
    assert version["uploadTimestamp"] == stamp, version
    assert cli.file_info(name, "t.bin")["uploadTimestamp"] == stamp


def test_replication_setup(cli, tmp_path):
    source, destination = bucket_name("cli-src"), bucket_name("cli-dst")
    cli.run("bucket", "create", source, "allPrivate")
    cli.run("bucket", "create", destination, "allPrivate")
    cli.run("replication", "setup", "--name", "mirror", "--priority", "1", source, destination)
    src = cli.json("bucket", "get", source)
    rules = src["replication"]["asReplicationSource"]["replicationRules"]
    assert [r["replicationRuleName"] for r in rules] == ["mirror"], src
    dst = cli.json("bucket", "get", destination)
    assert dst["replication"]["asReplicationDestination"]["sourceToDestinationKeyMapping"], dst

    version = cli.upload(source, write(tmp_path / "r.bin", b"replicate me"), "r.bin")
    # b2sdk shows B2's `pending` as its enum's name.
    assert version["replicationStatus"] == "PENDING", version


def test_notification_rules_create_list_update_delete(cli):
    """The official CLI's `bucket notification-rule`, as its own integration test drives it."""
    name = bucket_name("cli-notify")
    cli.run("bucket", "create", name, "allPrivate")
    assert cli.json("bucket", "notification-rule", "list", f"b2://{name}", "--json") == []
    created = cli.json(
        "bucket", "notification-rule", "create", "--json", f"b2://{name}", "test-rule",
        "--webhook-url", "https://example.com/webhook", "--event-type", "b2:ObjectCreated:*",
    )
    assert created["name"] == "test-rule" and created["eventTypes"] == ["b2:ObjectCreated:*"], created
    assert created["isSuspended"] is False and created["suspensionReason"] == "", created
    assert created["targetConfiguration"]["url"] == "https://example.com/webhook", created
    secret = "0testSecret000000000000000000032"
    updated = cli.json(
        "bucket", "notification-rule", "update", "--json", f"b2://{name}/prefix", "test-rule", "--disable",
        "--sign-secret", secret,
    )
    assert updated["objectNamePrefix"] == "prefix" and updated["isEnabled"] is False, updated
    assert updated["targetConfiguration"]["hmacSha256SigningSecret"] == secret, updated
    assert cli.json("bucket", "notification-rule", "list", f"b2://{name}", "--json") == [updated]

    refused = cli.fail(
        "bucket", "notification-rule", "create", f"b2://{name}", "other-rule",
        "--webhook-url", "http://example.com/plain", "--event-type", "b2:ObjectCreated:*",
    )
    assert "https://" in refused.stderr_text, refused.stderr_text
    deleted = cli.run("bucket", "notification-rule", "delete", f"b2://{name}", "test-rule").stdout_text
    assert deleted == f"Rule 'test-rule' has been deleted from b2://{name}/\n"
    assert cli.json("bucket", "notification-rule", "list", f"b2://{name}", "--json") == []
