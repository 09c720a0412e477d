"""Today's B2 through b2sdk's v2 interface against `b2kit serve`: SSE-B2, SSE-C, Object Lock, lifecycle
rules, custom upload timestamps and replication. Each feature round-trips, and each refusal reaches b2sdk
as the exception class real B2's answer turns into."""

from __future__ import annotations

import base64
import io
import os
import time

import pytest
from b2sdk.v2 import (
    B2Api,
    CopySource,
    EncryptionAlgorithm,
    EncryptionKey,
    EncryptionMode,
    EncryptionSetting,
    FileRetentionSetting,
    LegalHold,
    ReplicationConfiguration,
    ReplicationRule,
    ReplicationStatus,
    RetentionMode,
)
from b2sdk.v2.exception import BadRequest, RetentionWriteError, SSECKeyError, Unauthorized

from helpers import advance_clock, bucket_name, payload
from test_b2sdk import new_api

DAY = 86_400
SSE_B2 = EncryptionSetting(mode=EncryptionMode.SSE_B2, algorithm=EncryptionAlgorithm.AES256)


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.fixture(scope="module")
def api(emu) -> B2Api:
    return new_api(emu)


def download(bucket, name=None, file_id=None, encryption=None):
    """Answers (bytes, the DownloadVersion b2sdk built from the reply headers)."""
    if file_id is not None:
        d = bucket.download_file_by_id(file_id, encryption=encryption)
    else:
        d = bucket.download_file_by_name(name, encryption=encryption)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue(), d.download_version


def versions(bucket) -> list[tuple[str, str]]:
    return [(fv.file_name, fv.id_) for fv, _ in bucket.ls(latest_only=False, recursive=True)]


def sse_c(secret: bytes, key_id: str) -> EncryptionSetting:
    return EncryptionSetting(
        mode=EncryptionMode.SSE_C,
        algorithm=EncryptionAlgorithm.AES256,
        key=EncryptionKey(secret=secret, key_id=key_id),
    )


def in_future_ms(days: int) -> int:
    return int(time.time() * 1000) + days * DAY * 1000


# ---------------------------------------------------------------------------------------------


def test_sse_b2_upload_and_bucket_default(api):
    bucket = api.create_bucket(bucket_name("sdk-sseb2"), "allPrivate")
    data = payload(40_000, 1)
    fv = bucket.upload_bytes(data, "b2.bin", encryption=SSE_B2)
    assert fv.server_side_encryption == SSE_B2, fv.server_side_encryption
    assert api.get_file_info(fv.id_).server_side_encryption == SSE_B2
    got, dv = download(bucket, name="b2.bin")
    assert got == data
    assert dv.server_side_encryption == SSE_B2, dv.server_side_encryption

    plain = api.create_bucket(bucket_name("sdk-sseb2-def"), "allPrivate",
                              default_server_side_encryption=SSE_B2)
    assert api.get_bucket_by_name(plain.name).default_server_side_encryption == SSE_B2
    fv = plain.upload_bytes(b"no setting given", "plain.txt")
    assert fv.server_side_encryption == SSE_B2, fv.server_side_encryption
    assert download(plain, file_id=fv.id_)[0] == b"no setting given"

    unencrypted = bucket.upload_bytes(b"clear", "clear.txt")
    assert unencrypted.server_side_encryption.mode in (None, EncryptionMode.NONE)


def test_sse_c_round_trip_wrong_and_missing_key(emu, api):
    bucket = api.create_bucket(bucket_name("sdk-ssec"), "allPrivate")
    secret = os.urandom(32)
    setting = sse_c(secret, "tenant-key-1")
    data = payload(60_000, 2)
    fv = bucket.upload_bytes(data, "c.bin", encryption=setting)
    assert fv.server_side_encryption.mode == EncryptionMode.SSE_C, fv.server_side_encryption
    assert fv.server_side_encryption.algorithm == EncryptionAlgorithm.AES256
    assert fv.file_info.get("sse_c_key_id") == "tenant-key-1", fv.file_info
    # b2_get_file_info needs no key and shows the mode.
    assert api.get_file_info(fv.id_).server_side_encryption.mode == EncryptionMode.SSE_C

    assert download(bucket, name="c.bin", encryption=setting)[0] == data
    assert download(bucket, file_id=fv.id_, encryption=setting)[0] == data

    # Wrong key: B2 answers 403 access_denied, which b2sdk turns into SSECKeyError on reads.
    with pytest.raises(SSECKeyError):
        download(bucket, name="c.bin", encryption=sse_c(os.urandom(32), "other"))
    with pytest.raises(SSECKeyError):
        download(bucket, file_id=fv.id_, encryption=sse_c(os.urandom(32), "other"))
    # No key at all: B2 answers 400 bad_request ("The object was stored using a form of Server Side
    # Encryption. The correct parameters must be provided to retrieve the object.").
    with pytest.raises(BadRequest) as missing:
        download(bucket, name="c.bin")
    assert missing.value.code == "bad_request"
    assert "must be provided to retrieve the object" in missing.value.message, missing.value
    with pytest.raises(BadRequest):
        download(bucket, file_id=fv.id_)

    # The emulator may keep a digest of the key, never the key itself.
    encoded = base64.b64encode(secret)
    blobs = {str(p.relative_to(emu.data_dir)): p.read_bytes() for p in emu.data_dir.rglob("*") if p.is_file()}
    assert any(b"c.bin" in blob for blob in blobs.values()), sorted(blobs)  # the scan sees the metadata
    leaks = [path for path, blob in sorted(blobs.items()) if secret in blob or encoded in blob]
    assert leaks == [], f"SSE-C key stored in {leaks}"


def test_object_lock_retention_and_legal_hold(api):
    bucket = api.create_bucket(bucket_name("sdk-lock"), "allPrivate", is_file_lock_enabled=True)
    assert api.get_bucket_by_name(bucket.name).is_file_lock_enabled is True
    until = in_future_ms(30)
    retention = FileRetentionSetting(RetentionMode.GOVERNANCE, until)
    fv = bucket.upload_bytes(b"keep me", "kept.bin", file_retention=retention, legal_hold=LegalHold.ON)
    assert fv.file_retention == retention, fv.file_retention
    assert fv.legal_hold == LegalHold.ON
    info = api.get_file_info(fv.id_)
    assert (info.file_retention, info.legal_hold) == (retention, LegalHold.ON)

    # Real B2: 401 unauthorized "Access Denied for application key ..." (b2 CLI integration tests).
    with pytest.raises(Unauthorized) as refused:
        api.delete_file_version(fv.id_, fv.file_name)
    assert "Access Denied" in str(refused.value), refused.value
    # A legal hold blocks deletion even when governance is bypassed.
    with pytest.raises(Unauthorized):
        api.delete_file_version(fv.id_, fv.file_name, bypass_governance=True)

    assert api.update_file_legal_hold(fv.id_, fv.file_name, LegalHold.OFF) == LegalHold.OFF
    assert api.get_file_info(fv.id_).legal_hold == LegalHold.OFF
    with pytest.raises(Unauthorized):  # governance still protects it
        api.delete_file_version(fv.id_, fv.file_name)
    # Removing a governance retention needs bypassGovernance.
    with pytest.raises(RetentionWriteError):
        api.update_file_retention(fv.id_, fv.file_name, FileRetentionSetting(RetentionMode.NONE))
    assert api.get_file_info(fv.id_).file_retention == retention

    cleared = api.update_file_retention(fv.id_, fv.file_name, FileRetentionSetting(RetentionMode.NONE),
                                        bypass_governance=True)
    assert cleared.mode == RetentionMode.NONE, cleared
    assert api.get_file_info(fv.id_).file_retention.mode == RetentionMode.NONE
    api.delete_file_version(fv.id_, fv.file_name)
    assert versions(bucket) == []


def test_retention_writes_need_the_capability(emu, api):
    bucket = api.create_bucket(bucket_name("sdk-lock-key"), "allPrivate", is_file_lock_enabled=True)
    retention = FileRetentionSetting(RetentionMode.GOVERNANCE, in_future_ms(30))
    fv = bucket.upload_bytes(b"locked", "locked.bin", file_retention=retention)
    key = api.create_key(["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"],
                         "sdk-no-retention")
    limited = new_api(emu, key.id_, key.application_key)
    # Fields the key may not read come back as unknown.
    seen = limited.get_file_info(fv.id_)
    assert seen.file_retention.mode == RetentionMode.UNKNOWN, seen.file_retention
    assert seen.legal_hold == LegalHold.UNKNOWN, seen.legal_hold

    longer = FileRetentionSetting(RetentionMode.GOVERNANCE, in_future_ms(60))
    with pytest.raises(RetentionWriteError):
        limited.update_file_retention(fv.id_, fv.file_name, longer)
    with pytest.raises(RetentionWriteError):
        limited.update_file_legal_hold(fv.id_, fv.file_name, LegalHold.ON)
    info = api.get_file_info(fv.id_)
    assert (info.file_retention, info.legal_hold) == (retention, LegalHold.UNSET)


def test_retention_on_a_bucket_without_lock_is_refused(api):
    bucket = api.create_bucket(bucket_name("sdk-nolock"), "allPrivate")
    assert bucket.is_file_lock_enabled is False
    retention = FileRetentionSetting(RetentionMode.COMPLIANCE, in_future_ms(1))
    # Real B2: 400 bucket_missing_file_lock "The bucket is not file lock enabled" -> BadRequest.
    with pytest.warns(UserWarning, match="unknown `code`"), pytest.raises(BadRequest) as refused:
        bucket.upload_bytes(b"x", "x.bin", file_retention=retention)
    assert refused.value.code == "bucket_missing_file_lock", refused.value
    with pytest.warns(UserWarning, match="unknown `code`"), pytest.raises(BadRequest) as refused:
        bucket.upload_bytes(b"x", "x.bin", legal_hold=LegalHold.ON)
    assert refused.value.code == "bucket_missing_file_lock", refused.value
    assert versions(bucket) == []
    assert list(bucket.list_unfinished_large_files()) == []


def test_lifecycle_rule_deletes_old_versions(emulator_factory):
    # Its own emulator: advancing the clock must not age the other tests' retention dates.
    emu = emulator_factory()
    api = new_api(emu)
    rule = {"daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": None, "fileNamePrefix": "logs/"}
    bucket = api.create_bucket(bucket_name("sdk-aging"), "allPrivate", lifecycle_rules=[rule])
    assert api.get_bucket_by_name(bucket.name).lifecycle_rules == [rule]
    bucket.upload_bytes(b"old log", "logs/a")
    new = bucket.upload_bytes(b"new log", "logs/a")
    keep = [bucket.upload_bytes(f"keep {i}".encode(), "keep/a").id_ for i in range(2)]
    assert len(versions(bucket)) == 4

    swept = advance_clock(emu.url, emu.key_id, emu.key, DAY + 60)
    assert swept["lifecycle"]["deleted"] == 1, swept
    api = new_api(emu)  # the old account token has expired on the moved clock
    bucket = api.get_bucket_by_name(bucket.name)
    assert versions(bucket) == [("keep/a", keep[1]), ("keep/a", keep[0]), ("logs/a", new.id_)]
    assert download(bucket, name="logs/a")[0] == b"new log"


def test_custom_upload_timestamp(api):
    bucket = api.create_bucket(bucket_name("sdk-stamp"), "allPrivate")
    stamp = 1_500_000_000_000
    fv = bucket.upload_bytes(b"t", "t.bin", custom_upload_timestamp=stamp)
    assert fv.upload_timestamp == stamp
    assert bucket.get_file_info_by_name("t.bin").upload_timestamp == stamp
    assert api.get_file_info(fv.id_).upload_timestamp == stamp
    assert [v.upload_timestamp for v, _ in bucket.ls(recursive=True)] == [stamp]


def test_replication_configuration_and_pending_status(api):
    source = api.create_bucket(bucket_name("sdk-src"), "allPrivate")
    destination = api.create_bucket(bucket_name("sdk-dst"), "allPrivate")
    src_key = api.create_key(["readFiles", "readFileLegalHolds", "readFileRetentions"], "sdk-repl-src",
                             bucket_id=source.id_)
    dst_key = api.create_key(["writeFiles", "writeFileLegalHolds", "writeFileRetentions", "deleteFiles"],
                             "sdk-repl-dst", bucket_id=destination.id_)
    rule = ReplicationRule(destination_bucket_id=destination.id_, name="mirror", priority=1,
                           file_name_prefix="")
    destination.update(replication=ReplicationConfiguration(
        source_to_destination_key_mapping={src_key.id_: dst_key.id_}))
    source.update(replication=ReplicationConfiguration(rules=[rule], source_key_id=src_key.id_))

    src = api.get_bucket_by_name(source.name).replication
    assert src.rules == [rule], src
    assert src.source_key_id == src_key.id_
    dst = api.get_bucket_by_name(destination.name).replication
    assert dst.source_to_destination_key_mapping == {src_key.id_: dst_key.id_}, dst
    assert dst.rules == []

    fv = source.upload_bytes(b"replicate me", "r.bin")
    assert fv.replication_status == ReplicationStatus.PENDING, fv.replication_status
    assert api.get_file_info(fv.id_).replication_status == ReplicationStatus.PENDING
    # A bucket that replicates nowhere gives its uploads no status.
    assert destination.upload_bytes(b"plain", "p.bin").replication_status is None


def test_notification_rules_round_trip(api):
    bucket = api.create_bucket(bucket_name("sdk-notify"), "allPrivate")
    assert bucket.get_notification_rules() == []
    secret = "0testSecret000000000000000000032"
    rules = [
        {
            "name": "new-objects", "eventTypes": ["b2:ObjectCreated:*"], "objectNamePrefix": "in/",
            "isEnabled": True, "maxEventsPerBatch": 10,
            "targetConfiguration": {
                "targetType": "webhook", "url": "https://example.com/hook", "hmacSha256SigningSecret": secret,
                "customHeaders": [{"name": "X-Team", "value": "data"}],
            },
        },
        {
            "name": "removals", "eventTypes": ["b2:ObjectDeleted:*", "b2:HideMarkerCreated:*"],
            "objectNamePrefix": "", "isEnabled": False,
            "targetConfiguration": {"targetType": "webhook", "url": "http://127.0.0.1:9/local"},
        },
    ]
    answered = bucket.set_notification_rules(rules)
    assert [r["name"] for r in answered] == ["new-objects", "removals"]
    assert all(r["isSuspended"] is False and r["suspensionReason"] == "" for r in answered), answered
    assert answered[0]["targetConfiguration"]["hmacSha256SigningSecret"] == secret
    assert answered[0]["targetConfiguration"]["customHeaders"] == [{"name": "X-Team", "value": "data"}]
    assert answered[1]["maxEventsPerBatch"] == 1, "the default batch size is 1"
    assert bucket.get_notification_rules() == answered

    with pytest.raises(BadRequest) as refused:
        bucket.set_notification_rules([{**rules[0], "name": "b2-reserved"}])
    assert "b2-" in str(refused.value)
    assert bucket.get_notification_rules() == answered, "a refused set changes nothing"
    assert bucket.set_notification_rules([]) == []


def test_large_copy_is_made_of_copied_parts(emu, api):
    """b2sdk joins ranges of existing versions with b2_start_large_file and b2_copy_part."""
    bucket = api.create_bucket(bucket_name("sdk-copy-part"), "allPrivate")
    data = payload(12_000_000, 12)
    source = bucket.upload_bytes(data, "big/source.bin")
    copied = bucket.concatenate(
        [CopySource(source.id_, offset=0, length=7_000_000), CopySource(source.id_, offset=7_000_000, length=5_000_000)],
        "big/copy.bin",
    )
    assert copied.size == len(data)
    assert copied.id_.split("_f")[1][0] == "2", f"{copied.id_} is not a large file's id"
    assert "b2_copy_part" in emu.stderr_text(), "the copy was not made of parts"
    out = io.BytesIO()
    bucket.download_file_by_name("big/copy.bin").save(out)
    assert out.getvalue() == data
