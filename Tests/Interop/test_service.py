"""`b2kit service` live, with `b2kit serve` behind it: schemathesis against its OpenAPI document (as a viewer, an
operator and an admin), an end-to-end run driven over HTTP (token from the CLI, connection, one_time sync, run
finished, files arrived, key never shown), the escapes out of `--root` tried over HTTP, roles, TLS and limits.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO_ROOT, emulator_binary

LISTEN_RE = re.compile(r"^b2kit service: listening on (https?://\S+?)/?\s*$")


def create_token(db: str, env: dict, role: str) -> str:
    created = subprocess.run(
        [str(emulator_binary()), "service", "token", "create", "--db", db, "--name", f"interop-{role}",
         "--role", role],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )
    token = created.stdout.strip()
    assert token.startswith("b2ks_"), created
    return token


class Service:
    """`b2kit service` on SQLite in `folder`, with one root `folder/roots` and a token of each role (`token` is the
    admin's)."""

    def __init__(self, folder: Path, b2_url: str | None, *extra: str, env: dict | None = None):
        self.folder = folder
        self.db = f"sqlite:{folder}/service.db"
        self.root = folder / "roots"
        self.root.mkdir(exist_ok=True)
        self.env = dict(env or os.environ, B2KIT_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode())
        self.tokens = {role: create_token(self.db, self.env, role) for role in ("viewer", "operator", "admin")}
        self.token = self.tokens["admin"]
        self.stderr_path = folder / "service.stderr.log"
        command = [str(emulator_binary()), "service", "--listen", "127.0.0.1:0", "--db", self.db,
                   "--root", str(self.root), "--verbose", *extra]
        if b2_url:
            command += ["--b2-api-url", b2_url]
        self.proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"),
            text=True, env=self.env,
        )
        line = self.proc.stdout.readline()
        match = LISTEN_RE.match(line)
        assert match, f"unexpected first line {line!r}: {self.stderr_path.read_text(errors='replace')}"
        self.url = match.group(1)
        self.context = None

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None, raw: bytes = None):
        data = json.dumps(body).encode() if body is not None else raw
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token or self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60, context=self.context) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text and path != "/openapi.yaml" else text)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "{}")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


@pytest.fixture()
def service(tmp_path, fresh_emulator):
    svc = Service(tmp_path, fresh_emulator.url)
    yield svc
    code = svc.stop()
    assert code == 0, f"b2kit service exited with {code}: {svc.stderr_path.read_text(errors='replace')}"


def test_run_over_http_and_key_never_shown(service, fresh_emulator, tmp_path):
    """Token from the CLI, connection with the emulator's key, a one_time sync: the run finishes, files arrive,
    and the application key is in no response, no log line and no byte of the database."""
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("svc-interop", "allPrivate")
    for name in ["in/a.txt", "in/b/c.txt"]:
        bucket.upload_bytes(f"data of {name}".encode(), name)

    status, _ = service.call("GET", "/v1/connections", token="b2ks_wrong")
    assert status == 401
    status, connection = service.call("POST", "/v1/connections", {
        "name": "emulator", "provider_type": "backblaze",
        "provider_config": {"credentials": {"type": "application_key", "key_id": fresh_emulator.key_id,
                                            "application_key": fresh_emulator.key}},
    })
    assert status == 201, connection
    target = service.root / "out"
    status, sync = service.call("POST", "/v1/syncs", {
        "connection_id": connection["id"], "source_path": "svc-interop/in", "destination": str(target),
        "sync_mode": "one_time",
    })
    assert status == 201, sync
    status, runs = service.call("GET", f"/v1/syncs/{sync['id']}/runs")
    run_id = runs["data"][0]["id"]
    deadline = time.monotonic() + 120
    while True:
        status, run = service.call("GET", f"/v1/syncs/{sync['id']}/runs/{run_id}")
        if run["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert run["status"] == "succeeded", run
    assert run["copied"] == 2
    assert (target / "b" / "c.txt").read_text() == "data of in/b/c.txt"
    status, listed = service.call("GET", "/v1/connections")
    everything = json.dumps([connection, sync, run, listed])
    assert fresh_emulator.key not in everything
    assert fresh_emulator.key not in service.stderr_path.read_text(errors="replace")
    for file in service.folder.glob("service.db*"):
        assert fresh_emulator.key.encode() not in file.read_bytes(), file


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(service, fresh_emulator, tmp_path, role):
    """schemathesis generates requests from the OpenAPI document (valid and invalid) against the live service, with a
    token of each role: every 403 it meets is documented, and no generated path leaves the root."""
    st = shutil.which("schemathesis") or shutil.which("st")
    assert st, "schemathesis is not installed: run scripts/install-peers"
    status, document = service.call("GET", "/openapi.yaml", token="b2ks_not_needed")
    assert status == 200 and document.startswith("openapi: 3.1")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(document)
    before = {p.name for p in tmp_path.iterdir()}
    result = subprocess.run(
        [st, "run", str(spec), "--url", service.url, "-H", f"Authorization: Bearer {service.tokens[role]}",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
         "response_schema_conformance,response_headers_conformance",
         "--max-examples", "30", "--seed", "7", "--workers", "1", "--no-shrink",
         # An admin's run would revoke its own token (its id is in GET /v1/tokens) and meet only 401s after.
         "--exclude-operation-id", "revokeToken"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    print(result.stdout[-700:])  # the summary, in the test log
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout) or "passed" in result.stdout, result.stdout[-3000:]
    # Whatever the generated syncs named, the service wrote only inside its root and its own state folder.
    new = {p.name for p in tmp_path.iterdir()} - before
    assert new <= {"state", ".hypothesis", ".schemathesis", "schemathesis-report"}, new


def test_remote_cli_creates_connection_and_sync_and_waits_for_a_triggered_run(service, fresh_emulator, tmp_path):
    """`b2kit remote` end to end: connect (key from the environment), sync, trigger --wait; a wrong token exits 1
    with the service's detail; the key is never printed."""
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("svc-remote", "allPrivate")
    bucket.upload_bytes(b"one", "p/one.txt")
    env = dict(os.environ, B2KIT_SERVICE_URL=service.url, B2KIT_SERVICE_TOKEN=service.token,
               B2_APPLICATION_KEY_ID=fresh_emulator.key_id, B2_APPLICATION_KEY=fresh_emulator.key)

    def remote(*args, **kwargs):
        return subprocess.run([str(emulator_binary()), "remote", *args], capture_output=True, text=True,
                              timeout=120, env=kwargs.get("env", env))

    connected = remote("connect", "--name", "cli")
    assert connected.returncode == 0, connected.stderr
    assert fresh_emulator.key not in connected.stdout + connected.stderr
    connection = json.loads(connected.stdout)["id"]
    target = service.root / "raw" / "2024"
    created = remote("sync", "--connection", connection, "--source", "b2://svc-remote/p",
                     "--destination", "raw/2024", "--mode", "scheduled", "--interval", "86400",
                     env=dict(env, B2KIT_SERVICE_TOKEN=service.tokens["operator"]))
    assert created.returncode == 0, created.stderr
    sync = json.loads(created.stdout)["id"]
    bad = remote("sync", "--connection", connection, "--source", "b2://svc-remote/p", "--destination", "../outside")
    assert bad.returncode == 2, bad
    assert "destination" in bad.stderr and str(service.root) in bad.stderr and "Traceback" not in bad.stderr
    viewer = remote("sync", "--connection", connection, "--source", "b2://svc-remote/p", "--destination", "v",
                    env=dict(env, B2KIT_SERVICE_TOKEN=service.tokens["viewer"]))
    assert viewer.returncode == 1, viewer
    assert "needs the operator role" in viewer.stderr and "--role operator" in viewer.stderr, viewer.stderr
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the scheduler's first run, queued at creation, ends first
        first = json.loads(remote("runs", sync).stdout)["data"]
        if first and first[0]["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert first and first[0]["status"] == "succeeded", first
    bucket.upload_bytes(b"two", "p/two.txt")
    triggered = remote("trigger", sync, "--wait")
    assert triggered.returncode == 0, triggered.stdout + triggered.stderr
    run = json.loads(triggered.stdout)
    assert run["status"] == "succeeded"
    assert run["id"] != first[0]["id"] and run["copied"] == 1
    assert (target / "two.txt").read_text() == "two"
    runs = json.loads(remote("runs", sync).stdout)["data"]
    assert run["id"] in [r["id"] for r in runs]
    wrong = remote("runs", sync, env=dict(env, B2KIT_SERVICE_TOKEN="b2ks_wrong"))
    assert wrong.returncode == 1
    assert "token" in wrong.stderr
