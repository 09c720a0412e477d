#!/usr/bin/env bash
# `b2kit sync` against rclone (`--transfers 32`) and the official `b2 sync`, B2 -> local, on the same emulator
# (`b2kit serve`, release build) in the same run; plus b2kit's peak memory over a very large listing.
#
#   Benchmarks/sync.sh                  # from the repository root
#
# Cases (issue 5):
#   (a) SMALL_FILES files of 8 KiB (default 10000) into an empty folder;
#   (b) LARGE_FILES files of 256 MiB (default 3) into an empty folder;
#   (c) a no-op rerun of (a), against `b2kit ls -r` of the same prefix (a bare listing);
#   (d) `b2kit sync --dry-run` over MANY_OBJECTS objects (default 1000000) into an empty folder, and `b2kit ls -r`
#       of them, for peak memory. They are written straight into the emulator's metadata database (copies of
#       the row of one uploaded empty file, with the emulator stopped), since uploading a million objects
#       one by one takes too long here; a listing reads nothing else.
# (a) runs once per tool; (b), (c) and the bare listing run ROUNDS times (default 5), interleaved across the tools,
# and their figures are the medians. For each run: wall seconds (`date +%s.%N`), files/s, MB/s (10^6 bytes) and peak memory (max RSS from
# `/usr/bin/time -v`). Every copy is checked file for file (SHA-1 of the sorted list of SHA-1s) outside the timing.
# Prints a table and appends a dated section to Benchmarks/BENCHMARKS.md.
#
# Environment: B2KIT_BIN (a release b2kit to use; default: build it with `swift build -c release`);
# SMALL_FILES, LARGE_FILES, MANY_OBJECTS, ROUNDS; TOOLS (default "b2kit rclone b2"); STEP_TIMEOUT (default 900 s).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_file="$repo_root/Benchmarks/BENCHMARKS.md"
small_files=${SMALL_FILES:-10000}
large_files=${LARGE_FILES:-3}
many_objects=${MANY_OBJECTS:-1000000}
step_timeout=${STEP_TIMEOUT:-900}
rounds=${ROUNDS:-5}
read -r -a tools <<<"${TOOLS:-b2kit rclone b2}"
small_size=8192
large_size=$((256 * 1024 * 1024))
part_size=100000000

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'sync.sh: %s\n' "$*" >&2; exit 1; }

for tool in b2 rclone python3 sha1sum timeout /usr/bin/time; do
    command -v "$tool" >/dev/null || die "$tool is not on PATH (b2: pip install 'b2>=5'; rclone, time: apt-get)"
done

# --- build --------------------------------------------------------------------------------------------------
if [[ -z ${B2KIT_BIN:-} ]]; then
    log "swift build -c release --product b2kit (may wait for another build's lock)"
    swift build -c release --product b2kit >&2
    B2KIT_BIN="$(swift build -c release --show-bin-path)/b2kit"
fi
[[ -x $B2KIT_BIN ]] || die "no b2kit at $B2KIT_BIN"

# --- scratch space and cleanup ------------------------------------------------------------------------------
need_bytes=$((5 * large_files * large_size + 4 * small_files * (small_size + 4096) + 2 * 1024 * 1024 * 1024))
scratch_root=/tmp
shm_free=$(df -B1 --output=avail /dev/shm 2>/dev/null | tail -n1 | tr -d ' ' || echo 0)
if [[ -d /dev/shm && -w /dev/shm && ${shm_free:-0} -gt $need_bytes ]]; then scratch_root=/dev/shm; fi
work=$(mktemp -d "$scratch_root/b2kit-sync-bench.XXXXXX")
emulator_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $emulator_pid ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "scratch space $work"
b2kit="$work/b2kit" # a copy, so that a rebuild cannot swap it in the middle of the run
cp "$B2KIT_BIN" "$b2kit"

# --- emulator -----------------------------------------------------------------------------------------------
key_id=benchkeyid0001
key=K000benchmarkbenchmarkbenchmark01
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"
serve() {
    start_emulator "$b2kit" "$work/emulator-data" "$work/emulator.out" "$work/emulator.err" \
        --recommended-part-size "$part_size"
    log "emulator at $emulator_url (pid $emulator_pid)"
    export B2_ENVIRONMENT=$emulator_url RCLONE_CONFIG_EMU_ENDPOINT=$emulator_url
}
serve
export B2_APPLICATION_KEY_ID=$key_id B2_APPLICATION_KEY=$key B2_ACCOUNT_INFO="$work/b2-account-info"
export RCLONE_CONFIG="$work/rclone.conf" RCLONE_CONFIG_EMU_TYPE=b2 RCLONE_CONFIG_EMU_ACCOUNT=$key_id
export RCLONE_CONFIG_EMU_KEY=$key
: >"$RCLONE_CONFIG"
timeout 60 b2 account authorize "$key_id" "$key" >"$work/b2-authorize.log" 2>&1 \
    || { cat "$work/b2-authorize.log" >&2; die "b2 account authorize failed"; }
bucket=syncbench
"$b2kit" mb "b2://$bucket" >/dev/null

# --- source data, uploaded by b2kit sync ----------------------------------------------------------------------
log "writing $small_files files of $small_size bytes and $large_files of $large_size bytes"
python3 - "$work/src-small" "$small_files" "$small_size" <<'PY'
import os, sys
root, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    folder = os.path.join(root, f"d{i % 100:02d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
mkdir -p "$work/src-large"
for i in $(seq 1 "$large_files"); do head -c "$large_size" /dev/urandom >"$work/src-large/big-$i.bin"; done
tree_digest() { (cd "$1" && find . -type f ! -name '.b2kit-sync.db*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40); }
small_digest=$(tree_digest "$work/src-small")
large_digest=$(tree_digest "$work/src-large")

declare -A result
# measure KEY FILES BYTES COMMAND...: wall seconds, files/s, MB/s and max RSS of one process.
measure() {
    local key=$1 files=$2 bytes=$3 t0 t1 rss
    shift 3
    log "$key: $*"
    t0=$(date +%s.%N)
    if ! /usr/bin/time -v -o "$work/$key.time" timeout "$step_timeout" "$@" >"$work/$key.log" 2>&1; then
        tail -n 30 "$work/$key.log" >&2
        die "$key failed (or ran longer than $step_timeout s): $*"
    fi
    t1=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/$key.time")
    result[$key.s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    result[$key.fps]=$(awk -v a="$t0" -v b="$t1" -v n="$files" 'BEGIN { printf "%.0f", n / (b - a) }')
    result[$key.mbps]=$(awk -v a="$t0" -v b="$t1" -v n="$bytes" 'BEGIN { printf "%.1f", n / (b - a) / 1e6 }')
    result[$key.rss]=$rss
    log "$key: ${result[$key.s]} s, ${result[$key.fps]} files/s, ${result[$key.mbps]} MB/s, max RSS $rss MiB"
}
check_tree() { # KEY FOLDER DIGEST
    local got
    got=$(tree_digest "$2")
    [[ $got == "$3" ]] || die "$1: the copy in $2 differs from the source"
}

small_bytes=$((small_files * small_size))
large_bytes=$((large_files * large_size))
measure seed.small "$small_files" "$small_bytes" "$b2kit" sync "$work/src-small" "b2://$bucket/small/" -q
measure seed.large "$large_files" "$large_bytes" "$b2kit" sync "$work/src-large" "b2://$bucket/large/" -q
rm -rf "$work/src-large" # only its digest is needed now

declare -A cmd
# run_of TOOL CASE DEST: the sync command of TOOL (also recorded, generalised, in cmd[TOOL]).
run_of() {
    case $1 in
    b2kit) run=("$b2kit" sync "b2://$bucket/$2/" "$3" -q); cmd[$1]="b2kit sync b2://BUCKET/CASE/ DEST -q" ;;
    rclone) run=(rclone sync "emu:$bucket/$2" "$3" --transfers 32)
        cmd[$1]="rclone sync emu:BUCKET/CASE DEST --transfers 32" ;;
    b2) run=(b2 sync --no-progress "b2://$bucket/$2/" "$3")
        cmd[$1]="b2 sync --no-progress b2://BUCKET/CASE/ DEST" ;;
    *) die "TOOLS: unknown tool $1" ;;
    esac
}
# median_of KEY FILES BYTES: KEY's figures from the median wall time of KEY.1 ... KEY.$rounds (max RSS: the largest).
median_of() {
    local key=$1 files=$2 bytes=$3 times="" rss=0 round
    for round in $(seq 1 "$rounds"); do
        times+="${result[$key.$round.s]} "
        ((result[$key.$round.rss] > rss)) && rss=${result[$key.$round.rss]}
    done
    result[$key.s]=$(printf '%s\n' $times | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    result[$key.runs]=$(printf '%s\n' $times | paste -sd' ' -)
    result[$key.fps]=$(awk -v t="${result[$key.s]}" -v n="$files" 'BEGIN { printf "%.0f", n / t }')
    result[$key.mbps]=$(awk -v t="${result[$key.s]}" -v n="$bytes" 'BEGIN { printf "%.1f", n / t / 1e6 }')
    result[$key.rss]=$rss
    log "$key: median ${result[$key.s]} s of ${result[$key.runs]}"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews every tool
# (a) once per tool (rclone needs about two minutes); its copy stays for the reruns (c).
for tool in "${tools[@]}"; do
    run_of "$tool" small "$work/dst-$tool-small"
    measure "$tool.a" "$small_files" "$small_bytes" "${run[@]}"
    check_tree "$tool.a" "$work/dst-$tool-small" "$small_digest"
done
# (b), (c) and the bare listing take seconds: $rounds interleaved rounds, so load from other work on the shared
# machine falls on every tool alike; each figure is the median.
for round in $(seq 1 "$rounds"); do
    for tool in "${tools[@]}"; do
        run_of "$tool" small "$work/dst-$tool-small"
        measure "$tool.c.$round" "$small_files" 0 "${run[@]}"
        check_tree "$tool.c" "$work/dst-$tool-small" "$small_digest"
        run_of "$tool" large "$work/dst-$tool-large"
        measure "$tool.b.$round" "$large_files" "$large_bytes" "${run[@]}"
        check_tree "$tool.b" "$work/dst-$tool-large" "$large_digest"
        rm -rf "$work/dst-$tool-large"
    done
    measure "listing.$round" "$small_files" 0 "$b2kit" ls -r "b2://$bucket/small/"
done
for tool in "${tools[@]}"; do
    median_of "$tool.c" "$small_files" 0
    median_of "$tool.b" "$large_files" "$large_bytes"
    rm -rf "$work/dst-$tool-small"
done
median_of listing "$small_files" 0
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- a very large listing -------------------------------------------------------------------------------------
log "writing $many_objects objects into the emulator's database"
"$b2kit" mb "b2://many-$bucket" >/dev/null
: >"$work/empty"
"$b2kit" cp "$work/empty" "b2://many-$bucket/template" >/dev/null
kill "$emulator_pid" && wait "$emulator_pid" || true
emulator_pid=""
python3 - "$work/emulator-data/metadata.sqlite" "$many_objects" <<'PY'
import sqlite3, sys
path, count = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
columns = [row[1] for row in db.execute("PRAGMA table_info(file)") if row[1] != "seq"]
template = db.execute("SELECT * FROM file WHERE fileName = 'template'").fetchone()
names = [d[0] for d in db.execute("SELECT * FROM file WHERE fileName = 'template'").description]
row = dict(zip(names, template))
values = ", ".join(
    "printf('%s-%09d', ?, value)" if c == "fileId" else
    "printf('p%03d/obj-%09d', value % 997, value)" if c == "fileName" else "?"
    for c in columns)
arguments = [row["fileId"] if c == "fileId" else row[c] for c in columns if c != "fileName"]
db.execute("BEGIN")
db.execute(
    f"WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < ?) "
    f"INSERT INTO file ({', '.join(columns)}) SELECT {values} FROM n",
    [count, *arguments])
db.execute("DELETE FROM file WHERE fileName = 'template'")
db.commit()
print(db.execute("SELECT count(*) FROM file WHERE bucketId = ?", (row["bucketId"],)).fetchone()[0])
PY
serve
measure many.dry "$many_objects" 0 "$b2kit" sync --dry-run "b2://many-$bucket/" "$work/never-made" -q
measure many.ls "$many_objects" 0 "$b2kit" ls -r "b2://many-$bucket/"
listed=$(grep -c . "$work/many.ls.log" || true)
[[ $listed -ge $many_objects ]] || die "b2kit ls -r listed $listed of $many_objects objects"

# --- report -------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
table=$(
    printf '| tool | (a) %s x 8 KiB: s, files/s, MB/s, max RSS MiB | (b) %s x 256 MiB: s, MB/s, max RSS MiB | (c) no-op rerun of (a): s, max RSS MiB |\n' "$small_files" "$large_files"
    printf '|---|---:|---:|---:|\n'
    for tool in "${tools[@]}"; do
        printf '| %s | %s, %s, %s, %s | %s, %s, %s | %s, %s |\n' "$tool" \
            "${result[$tool.a.s]}" "${result[$tool.a.fps]}" "${result[$tool.a.mbps]}" "${result[$tool.a.rss]}" \
            "${result[$tool.b.s]}" "${result[$tool.b.mbps]}" "${result[$tool.b.rss]}" \
            "${result[$tool.c.s]}" "${result[$tool.c.rss]}"
    done
    printf '| b2kit ls -r (bare listing of (a)) | | | %s, %s |\n' "${result[listing.s]}" "${result[listing.rss]}"
)
many=$(
    printf '| %s objects | s | max RSS MiB |\n|---|---:|---:|\n' "$many_objects"
    printf '| b2kit sync --dry-run b2://BUCKET/ NEW-FOLDER -q | %s | %s |\n' "${result[many.dry.s]}" "${result[many.dry.rss]}"
    printf '| b2kit ls -r b2://BUCKET/ | %s | %s |\n' "${result[many.ls.s]}" "${result[many.ls.rss]}"
)
goals=$(
    if [[ -n ${result[rclone.a.fps]:-} && -n ${result[b2kit.a.fps]:-} ]]; then
        printf -- '- (a) b2kit / rclone files/s: %s (goal >= 2).\n' "$(ratio "${result[b2kit.a.fps]}" "${result[rclone.a.fps]}")"
        printf -- '- (b) b2kit / rclone MB/s: %s (goal >= 1).\n' "$(ratio "${result[b2kit.b.mbps]}" "${result[rclone.b.mbps]}")"
    fi
    printf -- '- (c) b2kit no-op rerun / bare listing: %s (goal <= 1.3).\n' "$(ratio "${result[b2kit.c.s]}" "${result[listing.s]}")"
    printf -- '- (d) b2kit sync --dry-run peak memory at %s objects: %s MiB (goal < 100 MB, i.e. 95 MiB).\n' \
        "$many_objects" "${result[many.dry.rss]}"
)
printf '\n%s\n\n%s\n\n%s\n\n' "$table" "$many" "$goals"

date_utc=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain -- Sources Package.swift 2>/dev/null) ]] \
    && commit="$commit (with uncommitted changes in Sources/ or Package.swift)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
versions="$(swift --version 2>/dev/null | head -n1); $(b2 version 2>/dev/null | head -n1); $(rclone version 2>/dev/null | head -n1)"
{
    cat <<EOF

## $date_utc, commit $commit: sync, B2 to local (sync.sh)

Written by \`Benchmarks/sync.sh\`.

- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r); loopback only, clients and emulator on the
  same CPUs; load average $load_before before the first sync, $load_after after the last (the machine is shared).
- Tools: $versions.
- Emulator: release \`b2kit serve --recommended-part-size $part_size\`; data, sources and copies on $scratch_root.
  Sources uploaded with \`b2kit sync SRC b2://BUCKET/CASE/ -q\`: (a) in ${result[seed.small.s]} s
  (${result[seed.small.fps]} files/s), (b) in ${result[seed.large.s]} s (${result[seed.large.mbps]} MB/s).
- Commands, each tool with its defaults but rclone's \`--transfers 32\` (b2kit: 16 transfers; b2: 10 threads),
  into a new folder, then (c) the same command again; each copy checked file by file (SHA-1) outside the timing:
$(for tool in "${tools[@]}"; do printf '  - `%s`\n' "${cmd[$tool]}"; done)
  - bare listing: \`b2kit ls -r b2://BUCKET/small/\` (output to a file).
- Times are wall clock around one process, authorization included; MB = 10^6 bytes; max RSS from
  \`/usr/bin/time -v\`. (a) ran once per tool; (b), (c) and the listing are medians of $rounds interleaved rounds
  (seconds per round: $(for tool in "${tools[@]}"; do printf '%s (b) %s, (c) %s; ' "$tool" "${result[$tool.b.runs]}" "${result[$tool.c.runs]}"; done)listing ${result[listing.runs]}).

$table

$many

$goals
EOF
} >>"$results_file"
log "appended a section to $results_file"
