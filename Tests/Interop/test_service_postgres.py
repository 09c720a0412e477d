"""Two `b2kit service` processes sharing one PostgreSQL database (Debian's server, started by
scripts/postgres-test-server on a loopback port): every trigger is executed exactly once, and a run whose process
is killed mid-run is finished by the other process after the run's lease expires, and an events sync fed by the
emulator's notifications loses and repeats nothing when one process is killed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO_ROOT, emulator_binary

LISTEN_RE = re.compile(r"^b2kit service: listening on (http://\S+?)/?\s*$")
RUN_ID_RE = re.compile(r"service\.run=(\S+)")


@pytest.fixture(scope="module")
def postgres_server():
    url = os.environ.get("B2KIT_TEST_POSTGRES_URL", "")
    if url:
        yield url
        return
    started = subprocess.run(
        [str(REPO_ROOT / "scripts" / "postgres-test-server")], capture_output=True, text=True, timeout=120,
    )
    if started.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot start PostgreSQL: {started.stderr}", pytrace=False)
        pytest.skip(f"no PostgreSQL (scripts/postgres-test-server failed: {started.stderr.strip()[-300:]})")
    folder = started.stderr.strip().splitlines()[-1]
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(REPO_ROOT / "scripts" / "postgres-test-server"), "stop", folder], timeout=60)


@pytest.fixture()
def database(postgres_server):
    """A new database on the server; its URL."""
    name = "svc_" + secrets.token_hex(6)
    subprocess.run(["psql", postgres_server, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=60)
    return postgres_server.rsplit("/", 1)[0] + "/" + name


class SharedService:
    """One `b2kit service` process on the shared database."""

    def __init__(self, folder: Path, db: str, b2_url: str, env: dict, name: str):
        folder.mkdir(parents=True, exist_ok=True)
        # The processes share the sync state folder (as they would a volume), so a taken-over run resumes.
        state = folder.parent / "state"
        # Their one root: every sync's local folder lies inside it.
        roots = folder.parent / "roots"
        roots.mkdir(exist_ok=True)
        self.stderr_path = folder / f"{name}.stderr.log"
        self.proc = subprocess.Popen(
            [str(emulator_binary()), "service", "--listen", "127.0.0.1:0", "--db", db, "--b2-api-url", b2_url,
             "--state-dir", str(state), "--root", str(roots), "--verbose"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"), text=True,
            env=env, cwd=folder,
        )
        line = self.proc.stdout.readline()
        match = LISTEN_RE.match(line)
        assert match, f"unexpected first line {line!r}: {self.stderr_path.read_text(errors='replace')}"
        self.url = match.group(1)

    def executed_runs(self) -> list[str]:
        lines = self.stderr_path.read_text(errors="replace").splitlines()
        return [m.group(1) for line in lines if "Executing run" in line for m in [RUN_ID_RE.search(line)] if m]

    def stop(self) -> int:
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def call(url: str, token: str, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode() or "{}")


@pytest.fixture()
def shared(tmp_path, database, fresh_emulator):
    """Environment, token and a factory of service processes on one database."""
    env = dict(os.environ, B2KIT_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
               B2KIT_SERVICE_LEASE_SECONDS="3")
    created = subprocess.run(
        [str(emulator_binary()), "service", "token", "create", "--db", database, "--name", "pg",
         "--role", "admin"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("b2ks_")
    started: list[SharedService] = []

    def start(name: str) -> SharedService:
        svc = SharedService(tmp_path / name, database, fresh_emulator.url, env, name)
        started.append(svc)
        return svc

    yield token, start
    for svc in started:
        svc.stop()


def connect(url: str, token: str, emulator) -> str:
    status, connection = call(url, token, "POST", "/v1/connections", {
        "name": "emulator", "provider_type": "backblaze",
        "provider_config": {"credentials": {"type": "application_key", "key_id": emulator.key_id,
                                            "application_key": emulator.key}},
    })
    assert status == 201, connection
    return connection["id"]


def wait_finished(url: str, token: str, sync_id: str, run_id: str, limit: float = 300) -> dict:
    deadline = time.monotonic() + limit
    while True:
        status, run = call(url, token, "GET", f"/v1/syncs/{sync_id}/runs/{run_id}")
        assert status == 200, run
        if run["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def test_two_processes_execute_every_trigger_exactly_once(shared, fresh_emulator, tmp_path):
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    token, start = shared
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("pg-shared", "allPrivate")
    names = [f"in/f{i}.txt" for i in range(5)]
    for name in names:
        bucket.upload_bytes(f"data of {name}".encode(), name)

    services = [start("first"), start("second")]
    connection = connect(services[0].url, token, fresh_emulator)
    syncs = []
    for index in range(20):
        url = services[index % 2].url
        status, sync = call(url, token, "POST", "/v1/syncs", {
            "connection_id": connection, "source_path": "pg-shared/in", "destination": str(tmp_path / "roots" / f"out{index}"),
            "sync_mode": "one_time",
        })
        assert status == 201, sync
        syncs.append(sync["id"])
    for index, sync_id in enumerate(syncs):
        url = services[index % 2].url
        _, runs = call(url, token, "GET", f"/v1/syncs/{sync_id}/runs")
        assert wait_finished(url, token, sync_id, runs["data"][0]["id"])["status"] == "succeeded"
    triggered = []
    for index, sync_id in enumerate(syncs):
        url = services[(index + 1) % 2].url
        status, run = call(url, token, "POST", f"/v1/syncs/{sync_id}/trigger")
        assert status == 202, run
        triggered.append((sync_id, run["id"]))
    for index, (sync_id, run_id) in enumerate(triggered):
        run = wait_finished(services[index % 2].url, token, sync_id, run_id)
        assert run["status"] == "succeeded", run
        assert run["trigger"] == "manual"
        assert run["skipped"] == len(names), run
    all_runs = []
    for index, sync_id in enumerate(syncs):
        _, runs = call(services[index % 2].url, token, "GET", f"/v1/syncs/{sync_id}/runs")
        assert sorted(r["trigger"] for r in runs["data"]) == ["creation", "manual"], runs
        all_runs += [r["id"] for r in runs["data"]]
        for name in names:
            assert (tmp_path / "roots" / f"out{index}" / name[3:]).read_text() == f"data of {name}"
    for svc in services:
        assert svc.stop() == 0, svc.stderr_path.read_text(errors="replace")[-3000:]
    executed = services[0].executed_runs() + services[1].executed_runs()
    assert sorted(executed) == sorted(all_runs), "each run executed exactly once across the two processes"


def test_killed_process_run_is_finished_by_the_other_after_its_lease(shared, fresh_emulator, tmp_path):
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    token, start = shared
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("pg-long", "allPrivate")
    count = 400
    for i in range(count):
        bucket.upload_bytes(os.urandom(2000), f"in/f{i:04}.bin")

    dying = start("dying")
    connection = connect(dying.url, token, fresh_emulator)
    target = tmp_path / "roots" / "out"
    status, sync = call(dying.url, token, "POST", "/v1/syncs", {
        "connection_id": connection, "source_path": "pg-long/in", "destination": str(target), "sync_mode": "one_time",
    })
    assert status == 201, sync
    _, runs = call(dying.url, token, "GET", f"/v1/syncs/{sync['id']}/runs")
    run_id = runs["data"][0]["id"]
    # Mid-run: some files arrived, the run is still running.
    deadline = time.monotonic() + 120
    while not (target.exists() and any(target.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.02)
    survivor = start("survivor")
    dying.proc.send_signal(signal.SIGKILL)
    dying.proc.wait()
    _, killed_at = call(survivor.url, token, "GET", f"/v1/syncs/{sync['id']}/runs/{run_id}")
    if killed_at["status"] != "running":
        pytest.fail(f"the run was not running when its process was killed: {killed_at}", pytrace=False)
    run = wait_finished(survivor.url, token, sync["id"], run_id)
    assert run["status"] == "succeeded", run
    assert run["copied"] + run["skipped"] == count, run
    assert run["skipped"] > 0, "the survivor resumed from the state database instead of starting over"
    assert len(list(target.iterdir())) == count
    assert survivor.executed_runs() == [run_id]
    assert dying.executed_runs() == [run_id]
    assert survivor.stop() == 0, survivor.stderr_path.read_text(errors="replace")[-3000:]


def test_events_sync_loses_and_repeats_nothing_when_a_process_is_killed(shared, fresh_emulator, tmp_path):
    """An events sync on two processes: 1000 uploads by b2sdk at 50/s, the emulator posting each one's event to
    one process's hook, and the other process killed halfway. Every object lands byte-identical, and each is copied
    exactly once."""
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    token, start = shared
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    bucket = api.create_bucket("pg-events", "allPrivate")
    receiver, dying = start("receiver"), start("dying")
    connection = connect(receiver.url, token, fresh_emulator)
    secret = secrets.token_hex(16)
    target = tmp_path / "roots" / "events-out"
    status, sync = call(receiver.url, token, "POST", "/v1/syncs", {
        "connection_id": connection, "source_path": "b2://pg-events/in", "destination": str(target),
        "sync_mode": "events", "polling_interval_seconds": 3600, "hook_secret": secret, "delete": False,
    })
    assert status == 201, sync
    bucket.set_notification_rules([{
        "name": "service-hook", "eventTypes": ["b2:ObjectCreated:*"], "objectNamePrefix": "in/", "isEnabled": True,
        "maxEventsPerBatch": 10, "targetConfiguration": {
            "targetType": "webhook", "url": receiver.url + sync["hook_path"], "hmacSha256SigningSecret": secret}}])
    blobs = {f"in/e{index:04}.bin": os.urandom(500 + index) for index in range(1000)}
    started = time.monotonic()
    for number, (name, data) in enumerate(blobs.items()):
        bucket.upload_bytes(data, name)
        if number == len(blobs) // 2:
            dying.proc.send_signal(signal.SIGKILL)
            dying.proc.wait()
        time.sleep(max(0.0, started + (number + 1) / 50 - time.monotonic()))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(target.glob("*.bin"))) < len(blobs):
        time.sleep(0.1)
    for name, data in blobs.items():
        assert (target / name[3:]).read_bytes() == data, name
    status, page = call(receiver.url, token, "GET", f"/v1/syncs/{sync['id']}/events?limit=1000")
    assert status == 200, page
    copies = [line["name"] for line in page["data"] if line.get("event") == "copied"]
    assert sorted(copies) == sorted(name[3:] for name in blobs), "each object copied exactly once"
    _, runs = call(receiver.url, token, "GET", f"/v1/syncs/{sync['id']}/runs?limit=1000")
    assert any(run["trigger"] == "event" for run in runs["data"]), runs
    assert receiver.stop() == 0, receiver.stderr_path.read_text(errors="replace")[-3000:]
