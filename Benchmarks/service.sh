#!/usr/bin/env bash
# `b2kit service`: trigger-to-finished latency and throughput (runs per minute) of small syncs, against
# `b2kit serve` on loopback.
#
#   Benchmarks/service.sh              # from the repository root
#
# SYNCS one_time syncs (default 20), each of FILES files of 4 KiB (default 10) under its own prefix, into its own
# folder. After their creation runs, (a) LATENCY_RUNS sequential triggers of one sync (a no-op rerun: list both
# sides, compare), latency = the run's finished_at - queued_at (server clock, milliseconds); (b) every sync
# triggered at once with changed files, throughput = runs / (last finished_at - first queued_at) per minute.
# Environment: B2KIT_BIN (default .build/release/b2kit, built if missing), SYNCS, FILES, LATENCY_RUNS, WORKERS;
# SERVICE_DB: the service's --db (default a new SQLite file; `postgres` starts scripts/postgres-test-server and
# uses a new database on it).
# Prints the figures and appends a dated section to Benchmarks/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${B2KIT_BIN:-.build/release/b2kit}
if [ ! -x "$bin" ]; then swift build -c release --product b2kit >&2; fi
B2KIT_BIN="$bin" SYNCS="${SYNCS:-20}" FILES="${FILES:-10}" LATENCY_RUNS="${LATENCY_RUNS:-20}" \
    WORKERS="${WORKERS:-4}" SERVICE_DB="${SERVICE_DB:-}" python3 - <<'PY'
import base64, datetime, json, os, re, secrets, statistics, subprocess, tempfile, time, urllib.request
from b2sdk.v2 import B2Api, InMemoryAccountInfo

bin_, syncs, files, latency_runs, workers = (os.environ["B2KIT_BIN"], int(os.environ["SYNCS"]),
    int(os.environ["FILES"]), int(os.environ["LATENCY_RUNS"]), os.environ["WORKERS"])
tmp = tempfile.mkdtemp(prefix="b2kit-service-bench-")
key_id, key = "000benchkey0000000001", "K000" + secrets.token_hex(12)
emu = subprocess.Popen([bin_, "serve", "--data", tmp + "/emu", "--port", "0", "--master-key-id", key_id,
                        "--master-key", key], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
emu_url = re.search(r"(http://\S+)", emu.stdout.readline()).group(1)
env = dict(os.environ, B2KIT_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode())
db, postgres_folder = os.environ["SERVICE_DB"] or f"sqlite:{tmp}/svc/service.db", None
if db == "postgres":
    started = subprocess.run(["scripts/postgres-test-server"], capture_output=True, text=True, check=True)
    postgres_folder, server = started.stderr.strip().splitlines()[-1], started.stdout.strip()
    subprocess.run(["psql", server, "-qc", "CREATE DATABASE service_bench"], check=True, capture_output=True)
    db = server.rsplit("/", 1)[0] + "/service_bench"
store = "PostgreSQL" if db.startswith("postgres") else "SQLite"
token = subprocess.run([bin_, "service", "token", "create", "--db", db], capture_output=True, text=True, env=env,
                       check=True).stdout.strip()
svc = subprocess.Popen([bin_, "service", "--listen", "127.0.0.1:0", "--db", db, "--b2-api-url", emu_url,
                        "--workers", workers, "--state-dir", f"{tmp}/svc/state"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
url = re.search(r"(http://\S+)", svc.stdout.readline()).group(1)

def call(method, path, body=None):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode() if body else None, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

def stamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

def wait(sync, run):
    while True:
        answer = call("GET", f"/v1/syncs/{sync}/runs/{run}")
        if answer["status"] not in ("queued", "running"):
            assert answer["status"] == "succeeded", answer
            return answer
        time.sleep(0.005)

try:
    api = B2Api(InMemoryAccountInfo()); api.authorize_account(emu_url, key_id, key)
    bucket = api.create_bucket("svc-bench", "allPrivate")
    for s in range(syncs):
        for f in range(files):
            bucket.upload_bytes(os.urandom(4096), f"s{s}/f{f}")
    connection = call("POST", "/v1/connections", {"name": "bench", "provider_type": "backblaze",
        "provider_config": {"credentials": {"type": "application_key", "key_id": key_id, "application_key": key}}})
    ids = []
    for s in range(syncs):
        sync = call("POST", "/v1/syncs", {"connection_id": connection["id"], "source_path": f"svc-bench/s{s}",
                                          "destination": f"{tmp}/out/{s}", "sync_mode": "one_time"})
        ids.append(sync["id"])
    for sync in ids:
        wait(sync, call("GET", f"/v1/syncs/{sync}/runs")["data"][0]["id"])
    latencies = []
    for _ in range(latency_runs):
        run = call("POST", f"/v1/syncs/{ids[0]}/trigger")
        done = wait(ids[0], run["id"])
        latencies.append((stamp(done["finished_at"]) - stamp(done["queued_at"])) * 1000)
    for s in range(syncs):
        bucket.upload_bytes(os.urandom(4096), f"s{s}/f0")
    runs = [(sync, call("POST", f"/v1/syncs/{sync}/trigger")) for sync in ids]
    finished = [wait(sync, run["id"]) for sync, run in runs]
    assert all(r["copied"] == 1 for r in finished), finished
    span = max(stamp(r["finished_at"]) for r in finished) - min(stamp(r["queued_at"]) for r in finished)
    per_minute = len(finished) / span * 60
    line = (f"{store}: no-op run latency (queued -> finished, {latency_runs} runs, {files} files): median "
            f"{statistics.median(latencies):.1f} ms, p90 {sorted(latencies)[int(0.9 * len(latencies)) - 1]:.1f} ms; "
            f"{syncs} syncs triggered at once ({files} files, 1 changed, {workers} workers): {per_minute:.0f} runs/min")
    print(line)
    with open("Benchmarks/BENCHMARKS.md", "a") as out:
        out.write(f"\n### service.sh, {datetime.date.today()} ({os.path.basename(os.path.dirname(bin_))} build)\n\n"
                  f"- {line}\n")
finally:
    svc.terminate(); emu.terminate(); svc.wait(); emu.wait()
    if postgres_folder:
        subprocess.run(["scripts/postgres-test-server", "stop", postgres_folder], check=True)
PY
