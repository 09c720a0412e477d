"""`b2kit serve` as a process: clean shutdown with clients connected, durable state on restart."""

from __future__ import annotations

import http.client
import io
import signal
import subprocess
import time

from b2sdk.v2 import B2Api, InMemoryAccountInfo

from conftest import start_emulator
from helpers import TRICKY_NAME, bucket_name, payload, sha1_hex

EXIT_TIMEOUT = 10


def authorized(emu) -> B2Api:
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(emu.url, emu.key_id, emu.key)
    return api


def sigterm_and_wait(emu) -> tuple[int | None, float]:
    start = time.monotonic()
    emu.proc.send_signal(signal.SIGTERM)
    try:
        emu.proc.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start
    return emu.proc.returncode, time.monotonic() - start


def test_sigterm_with_idle_keepalive_connections(tmp_path):
    """Clients keep connections alive between calls: SIGTERM must not wait for them."""
    emu = start_emulator(tmp_path / "data")
    try:
        api = authorized(emu)
        bucket = api.create_bucket(bucket_name("life"), "allPrivate")
        data = b"keep-alive test\n"
        bucket.upload_bytes(data, "a.txt")
        buf = io.BytesIO()
        bucket.download_file_by_name("a.txt").save(buf)
        assert buf.getvalue() == data

        # One more idle keep-alive connection whose last request was a HEAD of a file
        # (what `b2 file info b2://...` and b2sdk's get_file_info_by_name send).
        host, port = emu.url.split("//")[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        token = api.account_info.get_account_auth_token()
        conn.request("HEAD", f"/file/{bucket.name}/a.txt", headers={"Authorization": token})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
        assert resp.getheader("Content-Length") == str(len(data))
        assert resp.getheader("x-bz-content-sha1") == sha1_hex(data)

        code, elapsed = sigterm_and_wait(emu)
        assert code is not None, (
            f"b2kit serve still running {elapsed:.0f}s after SIGTERM while a client holds an idle "
            f"keep-alive connection whose last request was HEAD /file/...\n{emu.diagnostics()}"
        )
        assert code == 0, f"exit code {code} after SIGTERM\n{emu.diagnostics()}"
        conn.close()
    finally:
        if emu.proc.poll() is None:
            emu.proc.kill()
            emu.proc.wait()


def test_state_survives_restart(tmp_path):
    data_dir = tmp_path / "data"
    emu = start_emulator(data_dir)
    small = payload(20_000, 1)
    large = payload(11_000_000, 2)
    try:
        api = authorized(emu)
        name = bucket_name("durable")
        bucket = api.create_bucket(name, "allPrivate")
        small_id = bucket.upload_bytes(small, TRICKY_NAME, file_info={"k": "v"}).id_
        bucket.upload_bytes(large, "big.bin")
        bucket.upload_bytes(b"old", "hidden.txt")
        bucket.hide_file("hidden.txt")
        key = api.create_key(["listBuckets", "listFiles", "readFiles"], "durable-key",
                             bucket_id=bucket.id_)
    finally:
        code = emu.stop()
    assert code == 0, emu.diagnostics()

    emu2 = start_emulator(data_dir, key_id=emu.key_id, key=emu.key)
    try:
        api2 = authorized(emu2)
        b2 = api2.get_bucket_by_name(name)
        assert b2.id_ == bucket.id_
        assert [fv.file_name for fv, _ in b2.ls(recursive=True)] == ["big.bin", TRICKY_NAME]
        versions = [(fv.file_name, fv.action) for fv in b2.list_file_versions("hidden.txt")]
        assert versions == [("hidden.txt", "hide"), ("hidden.txt", "upload")]
        buf = io.BytesIO()
        b2.download_file_by_id(small_id).save(buf)
        assert buf.getvalue() == small
        assert b2.get_file_info_by_id(small_id).file_info == {"k": "v"}
        buf = io.BytesIO()
        b2.download_file_by_name("big.bin").save(buf)
        assert sha1_hex(buf.getvalue()) == sha1_hex(large)
        # Keys survive too.
        r = B2Api(InMemoryAccountInfo())
        r.authorize_account(emu2.url, key.id_, key.application_key)
        assert r.account_info.get_allowed()["bucketName"] == name
    finally:
        code = emu2.stop()
    assert code == 0, emu2.diagnostics()
