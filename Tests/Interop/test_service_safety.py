"""`b2kit service --root` against `b2kit serve`, over HTTP as a caller would: every way out of the roots is refused
and no byte outside is read or written; roles; the service's own state kept out of roots; file modes; TLS and the
loopback rule; B2_ENVIRONMENT; the body limit.
"""

from __future__ import annotations

import os
import secrets
import ssl
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import emulator_binary
from test_service import Service


def wait_for_run(service: Service, sync: str, run: str) -> dict:
    deadline = time.monotonic() + 120
    while True:
        _, answer = service.call("GET", f"/v1/syncs/{sync}/runs/{run}")
        if answer["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def first_run(service: Service, sync: str) -> dict:
    _, runs = service.call("GET", f"/v1/syncs/{sync}/runs")
    return wait_for_run(service, sync, runs["data"][0]["id"])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def world(tmp_path, fresh_emulator):
    """A service with one root, a bucket with files, an admin-made connection, and a folder outside the root holding
    a secret."""
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    (tmp_path / "svc").mkdir()
    service = Service(tmp_path / "svc", fresh_emulator.url)
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("svc-safety-" + secrets.token_hex(4), "allPrivate")
    bucket.upload_bytes(b"first", "in/a.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"the host's secret")
    status, connection = service.call("POST", "/v1/connections", {
        "name": "emulator", "provider_type": "backblaze",
        "provider_config": {"credentials": {"type": "application_key", "key_id": fresh_emulator.key_id,
                                            "application_key": fresh_emulator.key}},
    })
    assert status == 201, connection
    yield service, bucket, connection["id"], outside
    code = service.stop()
    assert code == 0, service.stderr_path.read_text(errors="replace")


def test_escapes_over_http_are_refused_and_nothing_outside_is_touched(world):
    service, bucket, connection, outside = world
    operator = service.tokens["operator"]
    (service.root / "link").symlink_to(outside)
    (service.root / "keyfile").symlink_to(service.folder / "service.db")
    for destination in ["/etc", str(outside), "../outside", "a/../../outside", "link", "link/deeper",
                        "roots:../outside", "keyfile/x", str(service.folder / "state")]:
        status, problem = service.call("POST", "/v1/syncs", {
            "connection_id": connection, "source_path": f"{bucket.name}/in", "destination": destination,
            "sync_mode": "one_time"}, token=operator)
        assert status == 422, (destination, problem)
        assert problem["field"] == "destination" and str(service.root.resolve()) in problem["detail"], problem
    for source in ["/etc", str(outside), "link", "../outside", str(service.folder)]:
        status, problem = service.call("POST", "/v1/syncs", {
            "connection_id": connection, "source_path": source, "destination": f"b2://{bucket.name}/up/",
            "sync_mode": "one_time"}, token=operator)
        assert status == 422, (source, problem)
        assert problem["field"] == "source_path", problem
    _, listed = service.call("GET", "/v1/syncs")
    assert listed["data"] == []

    # Inside the root a sync works; a link swapped in for its folder afterwards is refused when the run starts.
    status, down = service.call("POST", "/v1/syncs", {
        "connection_id": connection, "source_path": f"{bucket.name}/in", "destination": "down",
        "sync_mode": "one_time"}, token=operator)
    assert status == 201, down
    assert first_run(service, down["id"])["status"] == "succeeded"
    assert (service.root / "down" / "a.txt").read_bytes() == b"first"
    (service.root / "down" / "a.txt").unlink()
    (service.root / "down").rmdir()
    (service.root / "down").symlink_to(outside)
    bucket.upload_bytes(b"second", "in/b.txt")
    _, triggered = service.call("POST", f"/v1/syncs/{down['id']}/trigger", token=operator)
    run = wait_for_run(service, down["id"], triggered["id"])
    assert run["status"] == "failed" and "outside the service's roots" in run["message"], run

    # Uploads: a link to a host file or folder inside the source folder is never followed.
    (service.root / "up").mkdir()
    (service.root / "up" / "mine.txt").write_bytes(b"mine")
    (service.root / "up" / "passwd").symlink_to("/etc/passwd")
    (service.root / "up" / "host").symlink_to(outside)
    status, up = service.call("POST", "/v1/syncs", {
        "connection_id": connection, "source_path": "up", "destination": f"b2://{bucket.name}/up",
        "sync_mode": "one_time"}, token=operator)
    assert status == 201, up
    assert first_run(service, up["id"])["copied"] == 1
    names = sorted(version.file_name for version, _ in bucket.ls("up", recursive=True))
    assert names == ["up/mine.txt"], names
    assert tree(outside) == {"secret.txt": b"the host's secret"}


def test_roles_over_http(world):
    service, bucket, connection, _ = world
    viewer, operator = service.tokens["viewer"], service.tokens["operator"]
    assert service.call("GET", "/v1/syncs", token=viewer)[0] == 200
    status, problem = service.call("POST", "/v1/syncs", {
        "connection_id": connection, "source_path": f"{bucket.name}/in", "destination": "v", "sync_mode": "one_time"},
        token=viewer)
    assert status == 403 and "needs the operator role" in problem["detail"], problem
    status, problem = service.call("DELETE", f"/v1/connections/{connection}", token=operator)
    assert status == 403 and "needs the admin role" in problem["detail"], problem
    assert service.call("GET", "/v1/tokens", token=operator)[0] == 403
    status, made = service.call("POST", "/v1/tokens", {"name": "ci", "role": "viewer"})
    assert status == 201 and made["role"] == "viewer" and made["token"].startswith("b2ks_")
    listed = subprocess.run([str(emulator_binary()), "service", "token", "list", "--db", service.db],
                            capture_output=True, text=True, env=service.env, timeout=60, check=True).stdout
    assert "\tviewer\t" in listed and "\tadmin\t" in listed and "\tci\t" in listed, listed
    assert not any(token in listed for token in [*service.tokens.values(), made["token"]])
    # The admin token authenticated requests above: its last use is a date, the new token's is "never".
    rows = {line.split("\t")[1]: line.split("\t") for line in listed.splitlines()[1:]}
    assert rows["ci"][4] == "never" and rows["interop-admin"][4] != "never", rows


def test_synced_files_and_folders_are_0640_and_0750(world):
    service, bucket, connection, _ = world
    bucket.upload_bytes(b"deep", "in/sub/deep.txt")
    status, sync = service.call("POST", "/v1/syncs", {
        "connection_id": connection, "source_path": f"{bucket.name}/in", "destination": "modes/x",
        "sync_mode": "one_time"})
    assert status == 201, sync
    assert first_run(service, sync["id"])["status"] == "succeeded"
    for path, mode in [("modes", 0o750), ("modes/x", 0o750), ("modes/x/sub", 0o750), ("modes/x/a.txt", 0o640),
                       ("modes/x/sub/deep.txt", 0o640)]:
        assert stat.S_IMODE((service.root / path).stat().st_mode) == mode, path


def test_body_over_one_mebibyte_is_413(world):
    service, _, _, _ = world
    status, problem = service.call("POST", "/v1/syncs", raw=b'{"name":"' + b"x" * (1 << 20) + b'"}')
    assert status == 413, problem


def run_service(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(emulator_binary()), "service", *args], capture_output=True, text=True, timeout=60,
                          env=env or dict(os.environ, B2KIT_MASTER_KEY="A" * 43 + "="), stdin=subprocess.DEVNULL)


def test_service_refuses_a_root_around_its_own_state_or_missing(tmp_path):
    around = run_service("--db", f"sqlite:{tmp_path}/service.db", "--root", str(tmp_path), "--listen", "127.0.0.1:0")
    assert around.returncode == 2, around
    assert "holds the service's own" in around.stderr and "Traceback" not in around.stderr, around.stderr
    assert not (tmp_path / "service.db").exists()
    missing = run_service("--db", f"sqlite:{tmp_path}/db/service.db", "--root", str(tmp_path / "nope"),
                          "--listen", "127.0.0.1:0")
    assert missing.returncode == 2 and "is not an existing folder" in missing.stderr, missing


def test_plain_http_only_on_loopback_unless_allowed(tmp_path):
    refused = run_service("--db", f"sqlite:{tmp_path}/service.db", "--listen", "0.0.0.0:0")
    assert refused.returncode == 2, refused
    assert "--tls-cert" in refused.stderr and "--allow-plain-http" in refused.stderr, refused.stderr
    half = run_service("--db", f"sqlite:{tmp_path}/service.db", "--tls-cert", str(tmp_path / "c.pem"))
    assert half.returncode == 2 and "go together" in half.stderr, half


def test_tls_serves_https_with_the_given_certificate(tmp_path, fresh_emulator):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(certificate), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    (tmp_path / "svc").mkdir()
    service = Service(tmp_path / "svc", fresh_emulator.url, "--tls-cert", str(certificate), "--tls-key", str(key))
    try:
        assert service.url.startswith("https://127.0.0.1:"), service.url
        service.context = ssl.create_default_context(cafile=str(certificate))
        status, health = service.call("GET", "/healthz")
        assert status == 200 and health == {"status": "ok"}
        assert service.call("GET", "/v1/syncs", token=service.tokens["viewer"])[0] == 200
        assert "HTTPS" in service.stderr_path.read_text(errors="replace")
        bad = run_service("--db", f"sqlite:{tmp_path}/other.db", "--tls-cert", str(key), "--tls-key", str(key))
        assert bad.returncode == 2 and "--tls-cert" in bad.stderr, bad
    finally:
        assert service.stop() == 0


def test_b2_environment_is_the_default_api_url(tmp_path, fresh_emulator):
    (tmp_path / "svc").mkdir()
    env = dict(os.environ, B2_ENVIRONMENT=fresh_emulator.url)
    service = Service(tmp_path / "svc", None, env=env)
    try:
        status, connection = service.call("POST", "/v1/connections", {
            "name": "emulator", "provider_type": "backblaze",
            "provider_config": {"credentials": {"type": "application_key", "key_id": fresh_emulator.key_id,
                                                "application_key": fresh_emulator.key}},
        })
        assert status == 201, connection
        started = service.stderr_path.read_text(errors="replace")
        assert f"authorize against {fresh_emulator.url} (B2_ENVIRONMENT)" in started, started
        assert "plain HTTP on loopback only" in started, started
    finally:
        assert service.stop() == 0
