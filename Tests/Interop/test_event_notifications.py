"""Event notifications from `b2kit serve` to a receiver written here in Python: every delivery is checked with
the receiver's own HMAC-SHA256 (as a user's receiver would), and events queued while the target is down survive a
kill -9 of the emulator and arrive, in order, after it restarts."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from conftest import start_emulator
from helpers import bucket_name, sha1_hex
from s3_helpers import Native

SECRET = "k8Jx2mQ9pL4vR7tY1wE5uI3oP6aS0dF2"


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """What a receiver does: compare, in constant time, each v1= signature the header carries."""
    if not header:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return any(
        part.strip().startswith("v1=") and hmac.compare_digest(part.strip()[3:], expected)
        for part in header.split(",")
    )


class Receiver:
    """A webhook target on a loopback port, started and stopped at will on the same port."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.events: list[dict] = []
        self.unverified = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if verify(body, self.headers.get("x-bz-event-notification-signature"), SECRET):
                    receiver.events.extend(json.loads(body)["events"])
                    self.send_response(200)
                else:
                    receiver.unverified += 1
                    self.send_response(401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events


def upload(native: Native, bucket_id: str, name: str, data: bytes) -> dict:
    target = native.call("b2_get_upload_url", bucketId=bucket_id)
    reply = requests.post(target["uploadUrl"], data=data, headers={
        "Authorization": target["authorizationToken"], "X-Bz-File-Name": name, "Content-Type": "text/plain",
        "X-Bz-Content-Sha1": sha1_hex(data)})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_signatures_verify_with_pythons_own_hmac(fresh_emulator):
    receiver = Receiver()
    receiver.start()
    try:
        native = Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
        name = bucket_name("events")
        bucket_id = native.call("b2_create_bucket", bucketName=name, bucketType="allPrivate")["bucketId"]
        native.call("b2_set_bucket_notification_rules", bucketId=bucket_id, eventNotificationRules=[{
            "name": "python-receiver", "eventTypes": ["b2:ObjectCreated:*"], "objectNamePrefix": "",
            "isEnabled": True, "targetConfiguration": {
                "targetType": "webhook", "url": receiver.url, "hmacSha256SigningSecret": SECRET}}])
        version = upload(native, bucket_id, "hello.txt", b"hello")
        events = receiver.wait_for(2)
        assert [e["eventType"] for e in events] == ["b2:TestEvent", "b2:ObjectCreated:Upload"]
        assert events[1]["objectVersionId"] == version["fileId"] and events[1]["objectSize"] == 5
        assert receiver.unverified == 0
        # The check can fail: a body changed by one byte, or another secret, does not verify.
        body = json.dumps({"events": events}).encode()
        good = "v1=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert verify(body, good, SECRET) and verify(body, "v1=00, " + good, SECRET)
        assert not verify(body + b" ", good, SECRET) and not verify(body, good, SECRET.upper())
    finally:
        receiver.stop()


def test_queued_events_survive_kill_9(tmp_path):
    receiver = Receiver()  # its port is chosen but nothing listens yet: every delivery fails
    data_dir = tmp_path / "data"
    emu = start_emulator(data_dir)
    try:
        native = Native(emu.url, emu.key_id, emu.key)
        bucket_id = native.call(
            "b2_create_bucket", bucketName=bucket_name("outbox"), bucketType="allPrivate")["bucketId"]
        native.call("b2_set_bucket_notification_rules", bucketId=bucket_id, eventNotificationRules=[{
            "name": "durable-rule", "eventTypes": ["b2:ObjectCreated:*"], "objectNamePrefix": "",
            "isEnabled": True, "maxEventsPerBatch": 5, "targetConfiguration": {
                "targetType": "webhook", "url": receiver.url, "hmacSha256SigningSecret": SECRET}}])
        names = [f"f{index:02}.txt" for index in range(20)]
        for name in names:
            upload(native, bucket_id, name, name.encode())
        emu.proc.kill()
        emu.proc.wait()
        assert receiver.events == []
        receiver.start()
        emu = start_emulator(data_dir, key_id=emu.key_id, key=emu.key)
        events = receiver.wait_for(21)
        assert [e["eventType"] for e in events] == ["b2:TestEvent"] + ["b2:ObjectCreated:Upload"] * 20
        assert [e.get("objectName") for e in events[1:]] == names
        assert len({e["eventId"] for e in events}) == 21
        assert receiver.unverified == 0
    finally:
        receiver.stop()
        if emu.proc.poll() is None:
            emu.proc.kill()
            emu.proc.wait()
