#!/usr/bin/env bash
# Download throughput of the local B2 emulator (`b2kit serve`, release build) next to nginx serving the same bytes.
#
#   Benchmarks/emulator-downloads.sh            # from the repository root
#
# Measures, on loopback only:
#   a. small objects: requests/s for 8 KiB files with `wrk -t2 -c64 -d10s`, once on one name (small-0) and once
#      with a Lua script rotating among 100 names;
#   b. one large object: MB/s (10^6 bytes/s) for a 100 MB file with `curl -o /dev/null`, best and median of 5.
# Both servers answer the same paths (/file/BUCKET/NAME): nginx's root holds BUCKET/NAME, so wrk and curl
# run the same commands against both. Prints a table and writes a dated section to Benchmarks/BENCHMARKS.md
# (a section with the same date and commit is replaced). Installs wrk, nginx, curl and python3 with apt-get
# if missing. About 1.5 minutes after the build.
#
# Environment: WRK_DURATION (default 10s), LARGE_RUNS (default 5), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_file="$repo_root/Benchmarks/BENCHMARKS.md"
wrk_duration=${WRK_DURATION:-10s}
large_runs=${LARGE_RUNS:-5}
small_count=100
small_size=8192
large_size=100000000

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'emulator-downloads.sh: %s\n' "$*" >&2; exit 1; }

# --- tools --------------------------------------------------------------------------------------------------
need_packages=()
command -v wrk >/dev/null || need_packages+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_packages+=(nginx-light)
command -v curl >/dev/null || need_packages+=(curl)
command -v python3 >/dev/null || need_packages+=(python3)
if ((${#need_packages[@]})); then
    log "installing ${need_packages[*]} with apt-get"
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "need root or sudo to install ${need_packages[*]}"
        sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need_packages[@]}" >/dev/null \
        || { "${sudo_cmd[@]}" apt-get update >/dev/null \
            && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need_packages[@]}" >/dev/null; }
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
command -v swift >/dev/null || die "swift is not on PATH"

# --- build --------------------------------------------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    log "swift build -c release --product b2kit (may wait for another build's lock)"
    swift build -c release --product b2kit >&2
fi
b2kit="$(swift build -c release --show-bin-path)/b2kit"
[[ -x $b2kit ]] || die "no release binary at $b2kit: run without SKIP_BUILD=1"

# --- scratch space and cleanup ------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/b2kit-bench.XXXXXX")
chmod 755 "$work" # nginx workers may run as nobody
emulator_pid=""
nginx_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in $emulator_pid $nginx_pid; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $emulator_pid $nginx_pid; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- emulator -----------------------------------------------------------------------------------------------
key_id=benchkeyid0001
key=K000benchmarkbenchmarkbenchmark01
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"
start_emulator "$b2kit" "$work/emulator-data" "$work/emulator.out" "$work/emulator.err"
log "emulator at $emulator_url (pid $emulator_pid)"

# --- objects: the same bytes in nginx's root and in the emulator --------------------------------------------
bucket="bench-$(date +%s)-$$"
www="$work/www"
mkdir -p "$www/file/$bucket"
log "writing $small_count x $small_size B and 1 x $large_size B, uploading to bucket $bucket"
python3 - "$emulator_url" "$key_id" "$key" "$bucket" "$www/file/$bucket" "$small_count" "$small_size" \
    "$large_size" <<'PY'
import base64, hashlib, http.client, json, os, sys, urllib.parse

url, key_id, key, bucket, folder = sys.argv[1:6]
small_count, small_size, large_size = map(int, sys.argv[6:9])

def connection(address):
    parts = urllib.parse.urlsplit(address)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=120), parts.path

def call(conn, path, headers, body=None):
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        sys.exit(f"{path}: HTTP {response.status}: {data[:500]!r}")
    return json.loads(data)

api, _ = connection(url)
basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
auth = call(api, "/b2api/v4/b2_authorize_account", {"Authorization": "Basic " + basic})
token = auth["authorizationToken"]
bucket_id = call(api, "/b2api/v4/b2_create_bucket", {"Authorization": token},
                 json.dumps({"accountId": auth["accountId"], "bucketName": bucket, "bucketType": "allPublic"}))["bucketId"]
upload = call(api, "/b2api/v4/b2_get_upload_url", {"Authorization": token}, json.dumps({"bucketId": bucket_id}))
up, up_path = connection(upload["uploadUrl"])

def put(name, path, sha1, length):
    with open(path, "rb") as body:
        result = call(up, up_path, {"Authorization": upload["authorizationToken"], "X-Bz-File-Name": name,
                                    "Content-Type": "b2/x-auto", "X-Bz-Content-Sha1": sha1,
                                    "Content-Length": str(length)}, body)
    if result["contentLength"] != length or result["contentSha1"] != sha1:
        sys.exit(f"upload of {name} came back as {result}")

for i in range(small_count):
    data = os.urandom(small_size)
    path = os.path.join(folder, f"small-{i}")
    with open(path, "wb") as f:
        f.write(data)
    put(f"small-{i}", path, hashlib.sha1(data).hexdigest(), small_size)

path, digest, left = os.path.join(folder, "large"), hashlib.sha1(), large_size
with open(path, "wb") as f:
    while left:
        chunk = os.urandom(min(left, 1 << 20))
        digest.update(chunk)
        f.write(chunk)
        left -= len(chunk)
put("large", path, digest.hexdigest(), large_size)
PY
chmod -R a+rX "$www"

# --- nginx on a loopback port, its own prefix, config and pid file ------------------------------------------
nginx_port=$(free_port)
nginx_dir="$work/nginx"
mkdir -p "$nginx_dir/logs" "$nginx_dir/tmp"
cat >"$nginx_dir/nginx.conf" <<EOF
worker_processes auto;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type application/octet-stream;
    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path $nginx_dir/tmp/proxy;
    fastcgi_temp_path $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path $nginx_dir/tmp/uwsgi;
    scgi_temp_path $nginx_dir/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $www;
    }
}
EOF
"$nginx_bin" -e "$nginx_dir/logs/error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$nginx_url/file/$bucket/small-0" && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$nginx_dir/logs/error.log" >&2; die "nginx exited at start"; }
    sleep 0.1
done
log "nginx at $nginx_url (pid $nginx_pid)"

# --- both peers serve the same bytes ------------------------------------------------------------------------
for name in small-0 "small-$((small_count - 1))" large; do
    want=$(sha1sum <"$www/file/$bucket/$name" | cut -d' ' -f1)
    for base in "$emulator_url" "$nginx_url"; do
        got=$(curl -fsS "$base/file/$bucket/$name" | sha1sum | cut -d' ' -f1)
        [[ $got == "$want" ]] || die "$base/file/$bucket/$name: SHA-1 $got, expected $want"
    done
done

cat >"$work/rotate.lua" <<EOF
-- Each wrk thread walks small-0 .. small-$((small_count - 1)) in turn.
local i = 0
request = function()
    local path = "/file/$bucket/small-" .. i
    i = (i + 1) % $small_count
    return wrk.format("GET", path)
end
EOF

# --- a. small objects ---------------------------------------------------------------------------------------
# Prints "requests/s non2xx socket_errors p50 p99" from one wrk run.
wrk_run() {
    local out
    out=$(wrk "$@")
    printf '%s\n' "$out" >>"$work/wrk.log"
    awk '
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { sock = $0; sub(/.*Socket errors: /, "", sock); gsub(/ /, "", sock) }
        $1 == "50%" { p50 = $2 }
        $1 == "99%" { p99 = $2 }
        END { printf "%s %s %s %s %s\n", rps, bad + 0, (sock == "" ? "none" : sock), p50, p99 }
    ' <<<"$out"
}

declare -A result
load_before=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews both peers
small_cmd="wrk -t2 -c64 -d$wrk_duration --latency"
for peer in emulator nginx; do
    base_var="${peer}_url"
    base=${!base_var}
    log "$peer: warm-up, then $small_cmd on small-0 and rotating among $small_count names"
    wrk -t2 -c64 -d2s "$base/file/$bucket/small-0" >/dev/null
    line=$(wrk_run -t2 -c64 -d"$wrk_duration" --latency "$base/file/$bucket/small-0")
    read -r rps bad sock p50 p99 <<<"$line"
    [[ -n $rps ]] || die "no Requests/sec from wrk against $peer: see the output above"
    result[$peer.one]=$rps result[$peer.one.bad]=$bad result[$peer.one.sock]=$sock
    result[$peer.one.p50]=$p50 result[$peer.one.p99]=$p99
    line=$(wrk_run -t2 -c64 -d"$wrk_duration" --latency -s "$work/rotate.lua" "$base")
    read -r rps bad sock p50 p99 <<<"$line"
    [[ -n $rps ]] || die "no Requests/sec from wrk against $peer: see the output above"
    result[$peer.rot]=$rps result[$peer.rot.bad]=$bad result[$peer.rot.sock]=$sock
    result[$peer.rot.p50]=$p50 result[$peer.rot.p99]=$p99
done

# --- b. one large object ------------------------------------------------------------------------------------
large_cmd="curl -s -o /dev/null -w '%{speed_download}'"
for peer in emulator nginx; do
    base_var="${peer}_url"
    base=${!base_var}
    log "$peer: $large_cmd $base/file/$bucket/large, 1 warm-up + $large_runs runs"
    curl -fs -o /dev/null --max-time 60 "$base/file/$bucket/large"
    speeds=()
    for _ in $(seq 1 "$large_runs"); do
        speeds+=("$(curl -fs -o /dev/null --max-time 60 -w '%{speed_download}' "$base/file/$bucket/large")")
    done
    read -r best median < <(printf '%s\n' "${speeds[@]}" | sort -g | awk '
        { v[NR] = $1 / 1e6 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f\n", v[NR], m }')
    result[$peer.best]=$best result[$peer.median]=$median
    result[$peer.runs]=$(printf '%s\n' "${speeds[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 / 1e6 }')
done

# --- report -------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
fmt() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }
errors_note() { # non-2xx and socket errors for one wrk run, or "0"
    local bad=${result[$1.$2.bad]} sock=${result[$1.$2.sock]}
    if [[ $bad == 0 && $sock == none ]]; then echo 0; else echo "non-2xx $bad; socket $sock"; fi
}
table=$(
    printf '| metric | emulator | nginx | emulator / nginx |\n'
    printf '|---|---:|---:|---:|\n'
    printf '| 8 KiB GET, one name (requests/s) | %s | %s | %s |\n' "$(fmt "${result[emulator.one]}")" \
        "$(fmt "${result[nginx.one]}")" "$(ratio "${result[emulator.one]}" "${result[nginx.one]}")"
    printf '| 8 KiB GET, %s names rotating (requests/s) | %s | %s | %s |\n' "$small_count" \
        "$(fmt "${result[emulator.rot]}")" "$(fmt "${result[nginx.rot]}")" \
        "$(ratio "${result[emulator.rot]}" "${result[nginx.rot]}")"
    printf '| 8 KiB GET latency p50 / p99, one name | %s / %s | %s / %s | |\n' \
        "${result[emulator.one.p50]}" "${result[emulator.one.p99]}" "${result[nginx.one.p50]}" "${result[nginx.one.p99]}"
    printf '| 8 KiB GET errors (one name; rotating) | %s; %s | %s; %s | |\n' \
        "$(errors_note emulator one)" "$(errors_note emulator rot)" "$(errors_note nginx one)" "$(errors_note nginx rot)"
    printf '| 100 MB GET, best of %s (MB/s) | %s | %s | %s |\n' "$large_runs" "${result[emulator.best]}" \
        "${result[nginx.best]}" "$(ratio "${result[emulator.best]}" "${result[nginx.best]}")"
    printf '| 100 MB GET, median of %s (MB/s) | %s | %s | %s |\n' "$large_runs" "${result[emulator.median]}" \
        "${result[nginx.median]}" "$(ratio "${result[emulator.median]}" "${result[nginx.median]}")"
    printf '| 100 MB GET, all runs (MB/s) | %s | %s | |\n' "${result[emulator.runs]}" "${result[nginx.runs]}"
)
printf '\n%s\n\n' "$table"

date_utc=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain -- Sources Package.swift Package.resolved 2>/dev/null) ]] \
    && commit="$commit (with uncommitted changes in Sources/ or Package.*)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
versions="$(swift --version 2>/dev/null | head -n1); $("$nginx_bin" -v 2>&1); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); $(curl --version | head -n1 | cut -d' ' -f1-2)"

section=$(
    cat <<EOF
## $date_utc, commit $commit

- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r); loopback only, client and server on the same CPUs;
  load average $load_before just before measuring.
- Tools: $versions.
- Emulator: \`swift build -c release --product b2kit\`, then
  \`b2kit serve --data TMP --port 0 --master-key-id ID --master-key KEY\`; one allPublic bucket holding
  $small_count objects of $small_size B (small-0 ... small-$((small_count - 1))) and one of $large_size B (large),
  uploaded with b2_upload_file. Downloads go to /file/BUCKET/NAME without a token.
- nginx: the same files under its root at the same paths; \`worker_processes auto\`, \`sendfile on\`,
  \`access_log off\`, \`keepalive_requests 1000000\`, otherwise defaults. Both peers' bytes checked by SHA-1 first.
- Commands, per peer (after a 2 s wrk warm-up and one untimed curl):
  - \`$small_cmd http://127.0.0.1:PORT/file/BUCKET/small-0\`
  - \`$small_cmd -s rotate.lua http://127.0.0.1:PORT\` (each thread requests small-0 ... small-$((small_count - 1)) in turn)
  - \`$large_cmd http://127.0.0.1:PORT/file/BUCKET/large\`, $large_runs times; MB = 10^6 bytes.

$table
EOF
)

printf '%s\n' "$section" >"$work/section.md"
python3 - "$results_file" "## $date_utc, commit $commit" "$work/section.md" <<'PY'
import sys
path, heading, section_path = sys.argv[1:4]
section = open(section_path).read()
header = ("# Benchmarks\n\nWritten by `Benchmarks/emulator-downloads.sh` (run it from the repository root). Each\n"
          "section is one run; a rerun on the same date and commit replaces its section.\n")
try:
    text = open(path).read()
except FileNotFoundError:
    text = header
out, skipping = [], False
for line in text.splitlines():
    if line.startswith("## "):
        skipping = line == heading
    if not skipping:
        out.append(line)
open(path, "w").write("\n".join(out).rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n")
PY
log "wrote the section \"$date_utc, commit $commit\" to ${results_file#"$repo_root"/}"
