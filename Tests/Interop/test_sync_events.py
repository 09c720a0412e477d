"""`b2kit sync --mode events`: a full sync, then every upload lands as its event notification arrives (uploads by
b2sdk at 50/s), a deletion is applied with --delete, the rule it registered is removed on exit, and a delivery with
a bad signature (401) or a malformed body (400) changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from pathlib import Path

import requests

from helpers import bucket_name, payload
from synchelpers import api, assert_mirror, copied_names, seed, start_sync, stop, wait_for

SECRET = "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6"


def listener_url(log: Path, proc) -> str:
    found: list[str] = []

    def listening() -> bool:
        match = re.search(r"listening for event notifications on (\S+)", log.read_text(errors="replace"))
        if match:
            found.append(match.group(1))
        return bool(found)

    wait_for(listening, proc, "the listener's line")
    return found[0]


def test_events_mode_lands_every_upload_and_applies_deletes(fresh_emulator, tmp_path):
    b2 = api(fresh_emulator)
    bucket = b2.create_bucket(bucket_name("events-sync"), "allPrivate")
    blobs = {f"in/seed-{index}.bin": payload(500 + index, seed=index) for index in range(3)}
    seed(bucket, blobs)
    dest, log, out = tmp_path / "dest", tmp_path / "events.jsonl", tmp_path / "sync.log"
    proc = start_sync(fresh_emulator, f"b2://{bucket.name}/in/", str(dest), "--mode", "events", "--listen",
                      "127.0.0.1:0", "--register", "--delete", "--events", str(log), log=out)
    try:
        listener_url(out, proc)
        wait_for(lambda: len(copied_names(log)) == 3 and "registered notification rule" in out.read_text(), proc,
                 "the first full sync and the rule")
        rules = bucket.get_notification_rules()
        assert [rule["name"].startswith("b2kit-sync-") for rule in rules] == [True]
        # 300 uploads at 50 per second, each landing from its event alone (the next full sync is an hour away).
        late = {f"in/late/{index:04}.bin": payload(100 + index * 7, seed=1000 + index) for index in range(300)}
        start = time.monotonic()
        for number, (name, data) in enumerate(late.items()):
            bucket.upload_bytes(data, name)
            time.sleep(max(0.0, start + (number + 1) / 50 - time.monotonic()))
        blobs.update(late)
        wait_for(lambda: len(copied_names(log)) == 303, proc, "every upload's event", timeout=120)
        assert_mirror(dest, blobs, "in/")
        gone = bucket.get_file_info_by_name("in/seed-0.bin")
        b2.delete_file_version(gone.id_, gone.file_name)
        del blobs["in/seed-0.bin"]
        wait_for(lambda: not (dest / "seed-0.bin").exists(), proc, "the deletion's event")
    finally:
        code = stop(proc)
    assert code == 0, out.read_text()
    assert_mirror(dest, blobs, "in/")
    assert bucket.get_notification_rules() == []
    assert "removed notification rule" in out.read_text()


def test_bad_signatures_and_malformed_bodies_change_nothing(fresh_emulator, tmp_path):
    b2 = api(fresh_emulator)
    bucket = b2.create_bucket(bucket_name("events-auth"), "allPrivate")
    seed(bucket, {"x/a.txt": b"kept"})
    dest, out = tmp_path / "dest", tmp_path / "sync.log"
    proc = start_sync(fresh_emulator, f"b2://{bucket.name}/x/", str(dest), "--mode", "events", "--listen",
                      "127.0.0.1:0", "--secret", SECRET, "--delete", log=out)
    try:
        url = listener_url(out, proc)
        wait_for(lambda: (dest / "a.txt").exists(), proc, "the first full sync")
        event = {"accountId": "a", "bucketId": bucket.id_, "bucketName": bucket.name, "eventId": "forged-1",
                 "eventTimestamp": 1, "eventType": "b2:ObjectDeleted:Delete", "eventVersion": 1,
                 "matchedRuleName": "r", "objectName": "x/a.txt", "objectSize": 4, "objectVersionId": "4_z"}
        body = json.dumps({"events": [event]}).encode()
        wrong = "v1=" + hmac.new(b"not-the-secret-not-the-secret-00", body, hashlib.sha256).hexdigest()
        header = "x-bz-event-notification-signature"
        assert requests.post(url, data=body, headers={header: wrong}).status_code == 401
        assert requests.post(url, data=body).status_code == 401
        malformed = b'{"events": "no"}'
        signed = "v1=" + hmac.new(SECRET.encode(), malformed, hashlib.sha256).hexdigest()
        reply = requests.post(url, data=malformed, headers={header: signed})
        assert reply.status_code == 400 and "not an event notification" in reply.json()["message"]
        # A correctly signed delete of a name the bucket still shows changes nothing either.
        good = "v1=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert requests.post(url, data=body, headers={header: good}).status_code == 200
        assert (dest / "a.txt").read_bytes() == b"kept"
    finally:
        code = stop(proc)
    assert code == 0, out.read_text()
