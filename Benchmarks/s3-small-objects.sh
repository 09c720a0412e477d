#!/usr/bin/env bash
# Small-object rate of the emulator's S3-compatible API (`b2kit serve`, release build) next to moto's server
# (`moto_server`, in-memory: the only other S3 server on these machines), measured in the same run.
#
#   Benchmarks/s3-small-objects.sh            # from the repository root
#
# Measures, on loopback only, per server:
#   a. boto3 PUT and GET of 8 KiB objects: a fixed number of requests from one Python process with a pool of
#      threads (one shared client, a connection per thread); requests/s and latency percentiles;
#   b. GET of one 8 KiB object through a presigned URL with `wrk -t2 -c64` (no Python in the loop: what the
#      server itself sustains).
# Prints a table and writes a dated section to Benchmarks/BENCHMARKS.md (a section with the same heading is
# replaced). Needs boto3 and moto (scripts/install-peers) and wrk. About two minutes after the build.
#
# Environment: REQUESTS (default 3000), THREADS (default 16), WRK_DURATION (default 10s), SKIP_BUILD=1 to reuse
# the last release build, B2KIT_BIN to measure another binary (with SKIP_BUILD=1).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_file="$repo_root/Benchmarks/BENCHMARKS.md"
requests=${REQUESTS:-3000}
threads=${THREADS:-16}
wrk_duration=${WRK_DURATION:-10s}
object_size=8192
key_id="000benchs3000000000000001"
key="K000benchmarkmasterkey0000000001"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 's3-small-objects.sh: %s\n' "$*" >&2; exit 1; }
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
python3 -c 'import boto3, moto' 2>/dev/null || die "boto3 and moto are missing: run scripts/install-peers"
moto_bin=$(python3 -c 'import os, sys; p = os.path.join(os.path.dirname(sys.executable), "moto_server"); print(p if os.path.exists(p) else "")')
[[ -n $moto_bin ]] || moto_bin=$(command -v moto_server || true)
[[ -n $moto_bin ]] || die "moto_server not found: run scripts/install-peers"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    log "swift build -c release --product b2kit (may wait for another build's lock)"
    swift build -c release --product b2kit >&2
fi
b2kit=${B2KIT_BIN:-"$(swift build -c release --show-bin-path)/b2kit"}
[[ -x $b2kit ]] || die "no release binary at $b2kit: run without SKIP_BUILD=1"

work=$(mktemp -d "${TMPDIR:-/tmp}/b2kit-s3bench.XXXXXX")
emulator_pid=""
moto_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in $emulator_pid $moto_pid; do kill "$pid" 2>/dev/null || true; done
    for pid in $emulator_pid $moto_pid; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- servers ------------------------------------------------------------------------------------------------
log "starting the emulator"
start_emulator "$b2kit" "$work/data" "$work/emulator.out" "$work/emulator.err"
log "emulator at $emulator_url"
moto_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$moto_bin" -H 127.0.0.1 -p "$moto_port" >"$work/moto.out" 2>"$work/moto.err" &
moto_pid=$!
moto_url="http://127.0.0.1:$moto_port"
for _ in $(seq 1 100); do
    curl -s -o /dev/null "$moto_url/" && break
    kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.err" >&2; die "moto_server exited at start"; }
    sleep 0.1
done
log "moto at $moto_url"

# --- the driver -----------------------------------------------------------------------------------------------
cat >"$work/driver.py" <<'PY'
"""PUT then GET fixed counts of small objects with boto3 from a thread pool; prints JSON results."""
import base64, hashlib, json, os, statistics, sys, time
from concurrent.futures import ThreadPoolExecutor

import boto3, requests
from botocore.config import Config

url, kind, count, threads, size, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
if kind == "emulator":
    master = base64.b64encode(f"{os.environ['KEY_ID']}:{os.environ['KEY']}".encode()).decode()
    account = requests.get(f"{url}/b2api/v4/b2_authorize_account", headers={"Authorization": f"Basic {master}"}).json()
    made = requests.post(f"{url}/b2api/v4/b2_create_key", headers={"Authorization": account["authorizationToken"]},
                         json={"accountId": account["accountId"], "keyName": "bench",
                               "capabilities": ["listBuckets", "writeBuckets", "listFiles", "readFiles", "writeFiles",
                                                "deleteFiles"]}).json()
    key_id, secret, region = made["applicationKeyId"], made["applicationKey"], "us-west-004"
else:
    key_id, secret, region = "testing", "testing", "us-east-1"
s3 = boto3.client("s3", endpoint_url=url, aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=region,
                  config=Config(max_pool_connections=threads * 2, retries={"max_attempts": 1}))
bucket = f"bench-s3-{int(time.time())}"
if region == "us-east-1":
    s3.create_bucket(Bucket=bucket)
else:
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
body = os.urandom(size)
digest = hashlib.md5(body).hexdigest()
names = [f"small/{i:06d}" for i in range(count)]

def timed(call):
    def run(name):
        start = time.perf_counter()
        call(name)
        return time.perf_counter() - start
    return run

def put(name):
    assert s3.put_object(Bucket=bucket, Key=name, Body=body)["ETag"] == f'"{digest}"'

def get(name):
    assert s3.get_object(Bucket=bucket, Key=name)["Body"].read() == body

results = {}
for label, call in (("put", put), ("get", get)):
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(timed(call), names[: threads * 4]))  # warm-up: connections and caches
        start = time.perf_counter()
        latencies = sorted(pool.map(timed(call), names))
        elapsed = time.perf_counter() - start
    results[label] = {
        "rate": count / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }
results["presigned"] = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": names[0]},
                                                 ExpiresIn=3600)
json.dump(results, open(out, "w"))
PY

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for peer in emulator moto; do
    url_var="${peer}_url"
    log "$peer: $requests PUTs then $requests GETs of $object_size B from $threads threads"
    KEY_ID=$key_id KEY=$key python3 "$work/driver.py" "${!url_var}" "$peer" "$requests" "$threads" "$object_size" \
        "$work/$peer.json"
    presigned=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["presigned"])' "$work/$peer.json")
    [[ $(curl -s "$presigned" | wc -c) -eq $object_size ]] || die "$peer: the presigned URL did not return the object"
    log "$peer: wrk -t2 -c64 -d$wrk_duration on a presigned GET"
    wrk -t2 -c64 -d2s "$presigned" >/dev/null
    wrk -t2 -c64 -d"$wrk_duration" --latency "$presigned" >"$work/$peer.wrk"
done

# --- report ---------------------------------------------------------------------------------------------------
table=$(python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
data = {peer: json.load(open(f"{work}/{peer}.json")) for peer in ("emulator", "moto")}
def wrk(peer):
    text = open(f"{work}/{peer}.wrk").read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    p50 = re.search(r"50%\s+(\S+)", text).group(1)
    p99 = re.search(r"99%\s+(\S+)", text).group(1)
    return rate, (int(non2xx.group(1)) if non2xx else 0), (errors.group(1).strip() if errors else "none"), p50, p99
w = {peer: wrk(peer) for peer in data}
ratio = lambda a, b: f"{a / b:.2f}" if b else "n/a"
rows = ["| metric | emulator | moto | emulator / moto |", "|---|---:|---:|---:|"]
for op in ("put", "get"):
    e, m = data["emulator"][op], data["moto"][op]
    rows.append(f"| boto3 8 KiB {op.upper()} (requests/s) | {e['rate']:.0f} | {m['rate']:.0f} | {ratio(e['rate'], m['rate'])} |")
    rows.append(f"| boto3 8 KiB {op.upper()} latency p50 / p99 | {e['p50_ms']:.1f}ms / {e['p99_ms']:.1f}ms | "
                f"{m['p50_ms']:.1f}ms / {m['p99_ms']:.1f}ms | |")
rows.append(f"| wrk presigned 8 KiB GET (requests/s) | {w['emulator'][0]:.0f} | {w['moto'][0]:.0f} | "
            f"{ratio(w['emulator'][0], w['moto'][0])} |")
rows.append(f"| wrk presigned GET latency p50 / p99 | {w['emulator'][3]} / {w['emulator'][4]} | "
            f"{w['moto'][3]} / {w['moto'][4]} | |")
rows.append(f"| wrk non-2xx; socket errors | {w['emulator'][1]}; {w['emulator'][2]} | {w['moto'][1]}; {w['moto'][2]} | |")
print("\n".join(rows))
PY
)
printf '\n%s\n\n' "$table"

if [[ -n ${B2KIT_BIN:-} ]]; then
    build_note="the binary \`${B2KIT_BIN}\` (B2KIT_BIN; not the release build)"
else
    build_note="\`swift build -c release --product b2kit\`"
fi
date_utc=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain -- Sources Package.swift 2>/dev/null) ]] \
    && commit="$commit (with uncommitted changes in Sources/ or Package.*)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
wrk_version=$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2 || true) # wrk -v exits 1
versions="$(swift --version 2>/dev/null | head -n1); boto3 $(python3 -c 'import boto3; print(boto3.__version__)'); moto $(python3 -c 'import moto; print(moto.__version__)'); $wrk_version"
heading="## $date_utc, commit $commit: S3 small objects (s3-small-objects.sh)"
section=$(
    cat <<EOF
$heading

- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r); loopback only, client and servers on the same
  CPUs; load average $load_before just before measuring.
- Tools: $versions.
- Emulator: $build_note, then \`b2kit serve --data TMP --port 0\` (SigV4 verified,
  region us-west-004, an application key with file capabilities). moto: \`moto_server -H 127.0.0.1 -p PORT\`
  (in-memory, no signature checks, region us-east-1).
- boto3: one client, \`max_pool_connections=$((threads * 2))\`, $threads threads; $requests PUTs of $object_size random
  bytes (ETag checked), then $requests GETs of them (bytes checked), each after $((threads * 4)) untimed requests.
- wrk: \`wrk -t2 -c64 -d$wrk_duration --latency PRESIGNED_URL\` on one object, after a 2 s warm-up.

$table
EOF
)
printf '%s\n' "$section" >"$work/section.md"
python3 - "$results_file" "$heading" "$work/section.md" <<'PY'
import sys
path, heading, section_path = sys.argv[1:4]
section = open(section_path).read()
out, skipping = [], False
for line in open(path).read().splitlines():
    if line.startswith("## "):
        skipping = line == heading
    if not skipping:
        out.append(line)
open(path, "w").write("\n".join(out).rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n")
PY
log "wrote the section \"${heading#'## '}\" to ${results_file#"$repo_root"/}"
