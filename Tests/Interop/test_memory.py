"""Uploads and downloads stream: the server's peak memory does not grow with object size."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from helpers import bucket_name

SIZE = 400 * 1024 * 1024
CHUNK = 1024 * 1024


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/PID/status")


class Stream:
    """SIZE deterministic bytes then their SHA-1 in hex (hex_digits_at_end), read in chunks, with a length."""

    def __init__(self) -> None:
        self.sent = 0
        self.sha1 = hashlib.sha1()
        self.trailer = b""
        self.block = bytes(range(256)) * (CHUNK // 256)

    def __len__(self) -> int:
        return SIZE + 40

    def read(self, n: int = -1) -> bytes:
        if self.sent < SIZE:
            piece = self.block[: min(len(self.block), SIZE - self.sent, n if n > 0 else CHUNK)]
            self.sent += len(piece)
            self.sha1.update(piece)
            if self.sent == SIZE:
                self.trailer = self.sha1.hexdigest().encode()
            return piece
        piece, self.trailer = self.trailer, b""
        return piece


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


def test_large_single_upload_and_download_stream(emu):
    basic = base64.b64encode(f"{emu.key_id}:{emu.key}".encode()).decode()
    auth = requests.get(f"{emu.url}/b2api/v4/b2_authorize_account", headers={"Authorization": f"Basic {basic}"})
    token = auth.json()["authorizationToken"]
    api = lambda call, body: requests.post(f"{emu.url}/b2api/v4/{call}", json=body, headers={"Authorization": token})
    name = bucket_name("mem")
    bucket_id = api("b2_create_bucket", {"accountId": "a", "bucketName": name, "bucketType": "allPrivate"}).json()[
        "bucketId"
    ]
    target = api("b2_get_upload_url", {"bucketId": bucket_id}).json()
    before = peak_rss_mib(emu.proc.pid)

    stream = Stream()
    up = requests.post(
        target["uploadUrl"],
        data=stream,
        headers={
            "Authorization": target["authorizationToken"],
            "X-Bz-File-Name": "big.bin",
            "Content-Type": "b2/x-auto",
            "X-Bz-Content-Sha1": "hex_digits_at_end",
        },
    )
    assert up.status_code == 200, up.text
    assert up.json()["contentLength"] == SIZE
    assert up.json()["contentSha1"] == stream.sha1.hexdigest()

    digest = hashlib.sha1()
    received = 0
    with requests.get(f"{emu.url}/file/{name}/big.bin", headers={"Authorization": token}, stream=True) as down:
        assert down.status_code == 200
        for piece in down.iter_content(CHUNK):
            digest.update(piece)
            received += len(piece)
    assert received == SIZE
    assert digest.hexdigest() == stream.sha1.hexdigest()

    growth = peak_rss_mib(emu.proc.pid) - before
    # A buffered 400 MiB body would show as 400 MiB or more here.
    print(f"peak memory growth: {growth:.1f} MiB")
    assert growth < 100, f"peak memory grew by {growth:.0f} MiB while moving a {SIZE >> 20} MiB object"
