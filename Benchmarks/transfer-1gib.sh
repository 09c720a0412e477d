#!/usr/bin/env bash
# One 1 GiB upload and download through b2kit, the official `b2` CLI and rclone against the same local
# emulator (`b2kit serve`, release build) in the same run, with curl's download of the same object as the
# reference for what the emulator serves.
#
#   Benchmarks/transfer-1gib.sh            # from the repository root
#
# Measures, on loopback only, with the emulator's recommendedPartSize at B2's default (100000000):
#   for each of b2kit, b2 and rclone: the wall clock (`date +%s.%N`) of one upload of a 1 GiB file of random
#   bytes to its own name, then of one download of that name to a fresh local file, whose SHA-1 must equal
#   the source's (the copy is deleted after the check); each tool runs with its defaults (threads, part
#   sizes, hash checks), one process per transfer, authorization included;
#   curl: `curl -o /dev/null` of b2kit's object with the account's token, best of 3 (the goal's reference);
#   then `curl -o FILE` into the scratch folder, best of 3 (what a download that writes a file can reach).
# Also records each step's client CPU (user + system, from bash's `time`) and the emulator's CPU (from
# /proc/PID/stat). Prints a table and writes a dated section to Benchmarks/BENCHMARKS.md (a section with the
# same heading, date and commit is replaced). Scratch space: /dev/shm when it has room for about 7 GiB
# (source, three stored objects, parts while they are assembled, one downloaded copy), else /tmp.
# About 2-4 minutes after the build.
#
# Then, paired and interleaved (PAIR_RUNS rounds, default 5): `b2kit cp` to a file against `curl -o FILE` in the same
# folder, back to back in alternating order (the goal, like for like: 0.80), and `b2kit cat` > /dev/null against
# `curl -o /dev/null` and against `curl | openssl dgst -sha1` (a curl that checks the bytes, as b2kit does); medians,
# their ratios, and each round's ratio of the two downloads to a file. Each round also times `openssl dgst -sha1` of
# the source file: how fast one core checks B2's SHA-1 here, network aside, which caps any client that verifies what
# it downloads (b2kit, b2 and rclone all do) below what curl reaches when it throws the bytes away.
# Environment: SKIP_BUILD=1 to reuse the last release build; CURL_RUNS (default 3); PAIR_RUNS (default 5);
# PEER_RUNS (default 3: interleaved rounds of each tool's upload and download, medians reported); STEP_TIMEOUT (seconds
# per transfer, default 600); TOOLS (default "b2kit b2 rclone": the order the tools run in).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_file="$repo_root/Benchmarks/BENCHMARKS.md"
curl_runs=${CURL_RUNS:-3}
pair_runs=${PAIR_RUNS:-5}
peer_runs=${PEER_RUNS:-3}
step_timeout=${STEP_TIMEOUT:-600}
read -r -a tools <<<"${TOOLS:-b2kit b2 rclone}"
size=$((1024 * 1024 * 1024))
part_size=100000000
need_bytes=$((7 * size))

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'transfer-1gib.sh: %s\n' "$*" >&2; exit 1; }

# --- tools --------------------------------------------------------------------------------------------------
for tool in swift b2 rclone curl python3 sha1sum openssl timeout; do
    command -v "$tool" >/dev/null || die "$tool is not on PATH (b2: pip install 'b2>=5'; rclone, curl: apt-get)"
done
for tool in "${tools[@]}"; do
    [[ $tool == b2kit || $tool == b2 || $tool == rclone ]] || die "TOOLS: unknown tool $tool"
done

# --- build --------------------------------------------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    log "swift build -c release --product b2kit (may wait for another build's lock)"
    swift build -c release --product b2kit >&2
fi
built="$(swift build -c release --show-bin-path)/b2kit"
[[ -x $built ]] || die "no release binary at $built: run without SKIP_BUILD=1"

# --- scratch space and cleanup ------------------------------------------------------------------------------
scratch_root=/tmp
shm_free=$(df -B1 --output=avail /dev/shm 2>/dev/null | tail -n1 | tr -d ' ' || echo 0)
mem_free_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) # kB: mawk's printf %d stops at 2^31
if [[ -d /dev/shm && -w /dev/shm && ${shm_free:-0} -gt $need_bytes && ${mem_free_kib:-0} -gt $(((need_bytes + 4 * size) / 1024)) ]]; then
    scratch_root=/dev/shm
fi
work=$(mktemp -d "$scratch_root/b2kit-transfer.XXXXXX")
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
tmp_free=$(df -B1 --output=avail "$work" | tail -n1 | tr -d ' ')
((tmp_free > need_bytes)) || die "$scratch_root has $tmp_free bytes free; need about $need_bytes"
log "scratch space $work"

# A copy of the binary, so that another engineer's rebuild cannot swap it in the middle of the run.
b2kit="$work/b2kit"
cp "$built" "$b2kit"

# --- emulator -----------------------------------------------------------------------------------------------
key_id=benchkeyid0001
key=K000benchmarkbenchmarkbenchmark01
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"
start_emulator "$b2kit" "$work/emulator-data" "$work/emulator.out" "$work/emulator.err" --recommended-part-size "$part_size"
log "emulator at $emulator_url (pid $emulator_pid)"

# Every client is configured by its environment (b2 and rclone keep their state in $work).
export B2_ENVIRONMENT=$emulator_url B2_APPLICATION_KEY_ID=$key_id B2_APPLICATION_KEY=$key
export B2_ACCOUNT_INFO="$work/b2-account-info"
export RCLONE_CONFIG="$work/rclone.conf" RCLONE_CONFIG_EMU_TYPE=b2 RCLONE_CONFIG_EMU_ACCOUNT=$key_id
export RCLONE_CONFIG_EMU_KEY=$key RCLONE_CONFIG_EMU_ENDPOINT=$emulator_url
: >"$RCLONE_CONFIG"

bucket="transfer-$(date +%s)-$$"
timeout 60 "$b2kit" mb "b2://$bucket" >"$work/mb.log" 2>&1 || { cat "$work/mb.log" >&2; die "b2kit mb failed"; }
timeout 60 b2 account authorize "$key_id" "$key" >"$work/b2-authorize.log" 2>&1 \
    || { cat "$work/b2-authorize.log" >&2; die "b2 account authorize failed"; }

# --- source file --------------------------------------------------------------------------------------------
source_file="$work/source-1gib"
log "writing $size random bytes to $source_file"
head -c "$size" /dev/urandom >"$source_file"
source_sha1=$(sha1sum "$source_file" | cut -d' ' -f1)

# --- measuring ----------------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
emulator_cpu() { awk -v t="$clk_tck" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$emulator_pid/stat"; }

declare -A result
# step KEY COMMAND...: runs one transfer under `timeout`, records wall seconds, client CPU and emulator CPU.
step() {
    local key=$1 t0 t1 e0 e1 cpu
    shift
    log "$key: $*"
    e0=$(emulator_cpu)
    t0=$(date +%s.%N)
    if ! { TIMEFORMAT='%U %S'; time timeout "$step_timeout" "$@" >"$work/$key.log" 2>&1; } 2>"$work/$key.time"; then
        tail -n 30 "$work/$key.log" >&2
        die "$key failed (or ran longer than $step_timeout s): $*"
    fi
    t1=$(date +%s.%N)
    e1=$(emulator_cpu)
    cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$work/$key.time")
    result[$key.s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    result[$key.mbps]=$(awk -v a="$t0" -v b="$t1" -v n="$size" 'BEGIN { printf "%.0f", n / (b - a) / 1e6 }')
    result[$key.cpu]=$cpu
    result[$key.emu]=$(awk -v a="$e0" -v b="$e1" 'BEGIN { printf "%.1f", b - a }')
    log "$key: ${result[$key.s]} s, ${result[$key.mbps]} MB/s; client CPU ${cpu} s, emulator CPU ${result[$key.emu]} s"
}

check_copy() { # KEY FILE: the downloaded copy has the source's SHA-1; then it is deleted
    local got
    [[ -f $2 ]] || die "$1: no file at $2"
    got=$(sha1sum "$2" | cut -d' ' -f1)
    rm -f "$2"
    [[ $got == "$source_sha1" ]] || die "$1: downloaded SHA-1 $got, expected $source_sha1"
}

declare -A up_cmd down_cmd
up_cmd[b2kit]="b2kit cp SOURCE b2://BUCKET/b2kit-1gib"
down_cmd[b2kit]="b2kit cp b2://BUCKET/b2kit-1gib COPY"
up_cmd[b2]="b2 file upload --no-progress BUCKET SOURCE b2-1gib"
down_cmd[b2]="b2 file download --no-progress b2://BUCKET/b2-1gib COPY"
up_cmd[rclone]="rclone copyto SOURCE emu:BUCKET/rclone-1gib"
down_cmd[rclone]="rclone copyto emu:BUCKET/rclone-1gib COPY"

load_before=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews every tool
# $peer_runs interleaved rounds of each tool's upload then download; the figures are the medians, so load from
# other work on the shared machine falls on every tool alike. Earlier rounds' objects are deleted (all versions)
# after their download; the last round's stay, for the hash check and curl.
for round in $(seq 1 "$peer_runs"); do
    for tool in "${tools[@]}"; do
        copy="$work/copy-$tool"
        name="$tool-1gib"
        ((round < peer_runs)) && name="$tool-1gib-round$round"
        case $tool in
        b2kit)
            step "b2kit.up.$round" "$b2kit" cp "$source_file" "b2://$bucket/$name"
            step "b2kit.down.$round" "$b2kit" cp "b2://$bucket/$name" "$copy"
            ;;
        b2)
            step "b2.up.$round" b2 file upload --no-progress "$bucket" "$source_file" "$name"
            step "b2.down.$round" b2 file download --no-progress "b2://$bucket/$name" "$copy"
            ;;
        rclone)
            step "rclone.up.$round" rclone copyto "$source_file" "emu:$bucket/$name"
            step "rclone.down.$round" rclone copyto "emu:$bucket/$name" "$copy"
            ;;
        esac
        check_copy "$tool" "$copy"
        if ((round < peer_runs)); then
            "$b2kit" rm --versions "b2://$bucket/$name" >"$work/rm.log" 2>&1 || { cat "$work/rm.log" >&2; die "b2kit rm failed"; }
        fi
    done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# median_of KEY: KEY's figures from the median wall time of KEY.1 ... KEY.$peer_runs (CPU: their medians too).
median_of() {
    local key=$1 round walls="" cpus="" emus=""
    for round in $(seq 1 "$peer_runs"); do
        walls+="${result[$key.$round.s]} " cpus+="${result[$key.$round.cpu]} " emus+="${result[$key.$round.emu]} "
    done
    result[$key.s]=$(median <<<"$walls")
    result[$key.cpu]=$(median <<<"$cpus")
    result[$key.emu]=$(median <<<"$emus")
    result[$key.mbps]=$(awk -v s="${result[$key.s]}" -v n="$size" 'BEGIN { printf "%.0f", n / s / 1e6 }')
    result[$key.list]=$(awk -v n="$size" '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), n / $i / 1e6 }' <<<"$walls")
    log "$key: median ${result[$key.s]} s (${result[$key.mbps]} MB/s), runs MB/s ${result[$key.list]}"
}
for tool in "${tools[@]}"; do
    median_of "$tool.up"
    median_of "$tool.down"
done

# --- curl: what the emulator serves ------------------------------------------------------------------------
read -r token download_url < <(curl -fsS --max-time 30 -u "$key_id:$key" "$emulator_url/b2api/v4/b2_authorize_account" \
    | python3 -c 'import json, sys; a = json.load(sys.stdin); print(a["authorizationToken"], a["apiInfo"]["storageApi"]["downloadUrl"])')
[[ -n $token && $download_url == http://127.0.0.1:* ]] || die "the download URL is not on loopback: $download_url"
curl_object="${tools[0]}-1gib"
curl_cmd="curl -fsS -o /dev/null -H 'Authorization: TOKEN' -w '%{speed_download}'"
curl_file_cmd="curl -fsS -o FILE -H 'Authorization: TOKEN' -w '%{speed_download}'"
# curl_best KEY OUTPUT: best and all of $curl_runs downloads of $curl_object to OUTPUT (a file is deleted after each)
curl_best() {
    local key=$1 output=$2 speeds=() _
    for _ in $(seq 1 "$curl_runs"); do
        speeds+=("$(curl -fsS -o "$output" --max-time "$step_timeout" -H "Authorization: $token" -w '%{speed_download}' \
            "$download_url/file/$bucket/$curl_object")")
        [[ $output == /dev/null ]] || rm -f "$output"
    done
    result[$key.best]=$(printf '%s\n' "${speeds[@]}" | sort -g | tail -n1 | awk '{ printf "%.0f", $1 / 1e6 }')
    result[$key.runs]=$(printf '%s\n' "${speeds[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 / 1e6 }')
}
log "curl: $curl_cmd $download_url/file/$bucket/$curl_object, $curl_runs runs"
curl_best curl /dev/null
# Not a goal, a ceiling: what a download that writes the bytes to a file beside the others can reach here.
log "curl: $curl_file_cmd $download_url/file/$bucket/$curl_object, $curl_runs runs"
curl_best curlfile "$work/copy-curl"
curl_check=$(curl -fsS --max-time "$step_timeout" -H "Authorization: $token" "$download_url/file/$bucket/$curl_object" \
    | sha1sum | cut -d' ' -f1)
[[ $curl_check == "$source_sha1" ]] || die "curl: SHA-1 $curl_check, expected $source_sha1"

# --- paired runs: b2kit against curl on the same bytes and the same sink -----------------------------------
# Apples to apples: `b2kit cat` (one GET, like curl) into /dev/null against `curl -o /dev/null`, and `b2kit cp`
# to a file against `curl -o FILE` in the same folder, each pair run back to back $pair_runs times (so load from
# other work hits both alike), timed the same way (wall clock around the process, authorization included for
# b2kit); the medians and their ratios are reported.
pair_object="b2://$bucket/$curl_object"
if [[ " ${tools[*]} " == *" b2kit "* ]]; then
    cat_check=$(timeout "$step_timeout" "$b2kit" cat "$pair_object" | sha1sum | cut -d' ' -f1)
    [[ $cat_check == "$source_sha1" ]] || die "b2kit cat: SHA-1 $cat_check, expected $source_sha1"
    # timed KEY COMMAND...: appends the wall seconds and the client CPU (user + system) of one run to result[KEY.*]
    timed() {
        local key=$1 t0 t1
        shift
        t0=$(date +%s.%N)
        { TIMEFORMAT='%U %S'; time timeout "$step_timeout" "$@" >/dev/null 2>"$work/pair.err"; } 2>"$work/pair.time" \
            || { cat "$work/pair.err" >&2; die "$key failed: $*"; }
        t1=$(date +%s.%N)
        result[$key.walls]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
        result[$key.cpus]+="$(awk '{ printf "%.2f", $1 + $2 }' "$work/pair.time") "
    }
    curl_to=(curl -fsS -H "Authorization: $token" "$download_url/file/$bucket/$curl_object" -o)
    pair_file="$work/copy-pair"
    # A download that checks B2's SHA-1 as b2kit does, with curl: the bytes through OpenSSL's SHA-1 (which uses the
    # CPU's SHA instructions; coreutils' sha1sum takes twice as long here).
    curl_sha=(bash -c 'set -o pipefail; curl -fsS -H "Authorization: $1" "$2" | openssl dgst -sha1' curlsha "$token"
        "$download_url/file/$bucket/$curl_object")
    log "paired runs, $pair_runs of each: b2kit cat > /dev/null | curl -o /dev/null | curl | openssl dgst -sha1 | b2kit cp FILE | curl -o FILE"
    # The two downloads to a file run back to back, b2kit first in odd rounds and curl first in even ones: a write
    # of 1 GiB to fresh memory costs 0.8-2.5 s of system time from one run to the next on this VM (any writer, dd
    # included), and a fixed order would hand one of them the memory the other just freed every time.
    to_file() { # KEY COMMAND...: one timed download to $pair_file, deleted after
        timed "$@"
        rm -f "$pair_file"
    }
    for round in $(seq 1 "$pair_runs"); do
        timed pair.cat "$b2kit" cat "$pair_object" # timed sends standard output to /dev/null
        timed pair.curlnull "${curl_to[@]}" /dev/null
        timed pair.curlsha "${curl_sha[@]}"
        if ((round % 2)); then
            to_file pair.cp "$b2kit" cp "$pair_object" "$pair_file"
            to_file pair.curlfile "${curl_to[@]}" "$pair_file"
        else
            to_file pair.curlfile "${curl_to[@]}" "$pair_file"
            to_file pair.cp "$b2kit" cp "$pair_object" "$pair_file"
        fi
        timed pair.sha1 openssl dgst -sha1 "$source_file"
    done
    for key in pair.cat pair.curlnull pair.curlsha pair.cp pair.curlfile pair.sha1; do
        result[$key.median]=$(median <<<"${result[$key.walls]}")
        result[$key.mbps]=$(awk -v s="${result[$key.median]}" -v n="$size" 'BEGIN { printf "%.0f", n / s / 1e6 }')
        result[$key.cpu]=$(median <<<"${result[$key.cpus]}")
        result[$key.list]=$(awk -v n="$size" '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), n / $i / 1e6 }' <<<"${result[$key.walls]}")
        log "$key: median ${result[$key.median]} s (${result[$key.mbps]} MB/s), runs MB/s ${result[$key.list]}; CPU median ${result[$key.cpu]} s"
    done
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Whether each upload recorded the whole file's SHA-1 (large_file_sha1), as B2 asks of large files.
bucket_id=$(sed -n 's/.*(.*id \([0-9a-f]*\)).*/\1/p' "$work/mb.log")
[[ -n $bucket_id ]] || die "no bucket id in the output of b2kit mb: $(cat "$work/mb.log")"
hashes=$(curl -fsS --max-time 30 -H "Authorization: $token" -d "{\"bucketId\": \"$bucket_id\", \"maxFileCount\": 100}" \
    "$emulator_url/b2api/v4/b2_list_file_names" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["files"]:
    info = f.get("fileInfo") or {}
    sha1 = f.get("contentSha1") or "none"
    whole = info.get("large_file_sha1") or (sha1 if sha1 != "none" else "")
    print(f["fileName"].removesuffix("-1gib"), "yes" if whole else "no")
')
for tool in "${tools[@]}"; do
    result[$tool.sha1]=$(awk -v t="$tool" '$1 == t { print $2 }' <<<"$hashes")
done

# --- report -------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
best_peer() { # DIRECTION: "tool MB/s" of the fastest peer other than b2kit
    local tool best="" best_tool=""
    for tool in "${tools[@]}"; do
        [[ $tool == b2kit ]] && continue
        if [[ -z $best ]] || awk -v a="${result[$tool.$1.mbps]}" -v b="$best" 'BEGIN { exit !(a > b) }'; then
            best=${result[$tool.$1.mbps]} best_tool=$tool
        fi
    done
    echo "$best_tool $best"
}
table=$(
    printf '| tool, median of %s | upload s | upload MB/s (runs) | download s | download MB/s (runs) | client CPU s (up; down) | emulator CPU s (up; down) | whole-file SHA-1 stored |\n' "$peer_runs"
    printf '|---|---:|---:|---:|---:|---:|---:|---|\n'
    for tool in "${tools[@]}"; do
        printf '| %s | %s | %s (%s) | %s | %s (%s) | %s; %s | %s; %s | %s |\n' "$tool" "${result[$tool.up.s]}" \
            "${result[$tool.up.mbps]}" "${result[$tool.up.list]}" "${result[$tool.down.s]}" "${result[$tool.down.mbps]}" "${result[$tool.down.list]}" \
            "${result[$tool.up.cpu]}" "${result[$tool.down.cpu]}" "${result[$tool.up.emu]}" "${result[$tool.down.emu]}" \
            "${result[$tool.sha1]:-?}"
    done
    printf '| curl -o /dev/null, best of %s (runs: %s) | | | | %s | | | |\n' "$curl_runs" "${result[curl.runs]}" \
        "${result[curl.best]}"
    printf '| curl -o FILE, best of %s (runs: %s) | | | | %s | | | |\n' "$curl_runs" "${result[curlfile.runs]}" \
        "${result[curlfile.best]}"
    if [[ -n ${result[pair.cat.median]:-} ]]; then
        printf '\n| paired, median of %s (wall clock per process) | s | MB/s | runs MB/s | client CPU s |\n' "$pair_runs"
        printf '|---|---:|---:|---|---:|\n'
        printf '| `b2kit cat` > /dev/null | %s | %s | %s | %s |\n' "${result[pair.cat.median]}" "${result[pair.cat.mbps]}" "${result[pair.cat.list]}" "${result[pair.cat.cpu]}"
        printf '| `curl -o /dev/null` | %s | %s | %s | %s |\n' "${result[pair.curlnull.median]}" "${result[pair.curlnull.mbps]}" "${result[pair.curlnull.list]}" "${result[pair.curlnull.cpu]}"
        printf '| `curl \\| openssl dgst -sha1` (checks the bytes, as b2kit does) | %s | %s | %s | %s |\n' "${result[pair.curlsha.median]}" "${result[pair.curlsha.mbps]}" "${result[pair.curlsha.list]}" "${result[pair.curlsha.cpu]}"
        printf '| `b2kit cp` to FILE | %s | %s | %s | %s |\n' "${result[pair.cp.median]}" "${result[pair.cp.mbps]}" "${result[pair.cp.list]}" "${result[pair.cp.cpu]}"
        printf '| `curl -o FILE` | %s | %s | %s | %s |\n' "${result[pair.curlfile.median]}" "${result[pair.curlfile.mbps]}" "${result[pair.curlfile.list]}" "${result[pair.curlfile.cpu]}"
        printf '| `openssl dgst -sha1 SOURCE` (no network: SHA-1 alone, on one core) | %s | %s | %s | %s |\n' "${result[pair.sha1.median]}" "${result[pair.sha1.mbps]}" "${result[pair.sha1.list]}" "${result[pair.sha1.cpu]}"
    fi
)
summary=""
if [[ -n ${result[b2kit.up.mbps]:-} ]]; then
    read -r up_peer up_best < <(best_peer up)
    read -r down_peer down_best < <(best_peer down)
    summary=$(
        if [[ -n $up_peer ]]; then
            printf -- '- b2kit / fastest peer: upload %s (%s, %s MB/s), download %s (%s, %s MB/s).\n' \
                "$(ratio "${result[b2kit.up.mbps]}" "$up_best")" "$up_peer" "$up_best" \
                "$(ratio "${result[b2kit.down.mbps]}" "$down_best")" "$down_peer" "$down_best"
        fi
        if [[ -n ${result[pair.cat.median]:-} ]]; then
            # Each round's curl -o FILE time over its b2kit cp time: pairs that ran back to back, so drift in the
            # machine's speed between rounds cancels out.
            read -r -a cp_walls <<<"${result[pair.cp.walls]}"
            read -r -a curlfile_walls <<<"${result[pair.curlfile.walls]}"
            round_ratios="" first_ratios="" second_ratios=""
            for i in "${!cp_walls[@]}"; do
                r=$(ratio "${curlfile_walls[$i]}" "${cp_walls[$i]}")
                round_ratios+="$r "
                if ((i % 2 == 0)); then first_ratios+="$r "; else second_ratios+="$r "; fi
            done
            printf -- '- **The goal, like for like** (both write the 1 GiB file into the same folder): b2kit cp FILE / curl -o FILE, paired medians: **%s** (goal 0.80); round by round: %s(median %s; %s in the rounds where b2kit went first, %s where curl did).\n' \
                "$(ratio "${result[pair.cp.mbps]}" "${result[pair.curlfile.mbps]}")" "$round_ratios" \
                "$(median <<<"$round_ratios")" "$(median <<<"$first_ratios")" "$(median <<<"${second_ratios:-n/a}")"
            printf -- '- Into /dev/null, no file written: b2kit cat / curl -o /dev/null: %s, where SHA-1 alone / curl -o /dev/null is %s, the most any client that checks B2'"'"'s SHA-1 can reach here (b2kit, b2 and rclone all check it); b2kit cat / SHA-1 alone: %s; b2kit cat / curl | openssl dgst -sha1 (a curl that checks the bytes): %s.\n' \
                "$(ratio "${result[pair.cat.mbps]}" "${result[pair.curlnull.mbps]}")" \
                "$(ratio "${result[pair.sha1.mbps]}" "${result[pair.curlnull.mbps]}")" \
                "$(ratio "${result[pair.cat.mbps]}" "${result[pair.sha1.mbps]}")" \
                "$(ratio "${result[pair.cat.mbps]}" "${result[pair.curlsha.mbps]}")"
        fi
        printf -- '- Not paired: b2kit'"'"'s median download in the rounds with the peers / best of %s curl -o /dev/null: %s; / best of %s curl -o FILE: %s.\n' \
            "$curl_runs" "$(ratio "${result[b2kit.down.mbps]}" "${result[curl.best]}")" \
            "$curl_runs" "$(ratio "${result[b2kit.down.mbps]}" "${result[curlfile.best]}")"
    )
fi
printf '\n%s\n\n%s\n\n' "$table" "$summary"

date_utc=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain -- Sources Package.swift Package.resolved 2>/dev/null) ]] \
    && commit="$commit (with uncommitted changes in Sources/ or Package.*)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
versions="$(swift --version 2>/dev/null | head -n1); $(b2 version 2>/dev/null | head -n1); $(rclone version 2>/dev/null | head -n1); $(curl --version | head -n1 | cut -d' ' -f1-2)"
heading="## $date_utc, commit $commit: 1 GiB upload and download (transfer-1gib.sh)"

section=$(
    cat <<EOF
$heading

Written by \`Benchmarks/transfer-1gib.sh\`.

- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r); loopback only, clients and emulator on the
  same CPUs; load average $load_before before the first transfer, $load_after after curl.
- Tools: $versions.
- Emulator: \`swift build -c release --product b2kit\`, then \`b2kit serve --data TMP --port 0
  --master-key-id ID --master-key KEY --recommended-part-size $part_size\`; one allPrivate bucket made with
  \`b2kit mb\`. Source, emulator data and downloaded copies on $scratch_root ($(df --output=fstype "$work" | tail -n1)).
- Source: $size bytes from /dev/urandom. Each tool uploads it to its own name, then downloads that name to a
  fresh file whose SHA-1 is checked against the source's (outside the timing) and deleted; $peer_runs rounds,
  interleaved across the tools (earlier rounds' objects deleted after their download), medians reported. Times are wall
  clock around one process per transfer, authorization included; MB = 10^6 bytes. Client CPU is user +
  system of the process (bash \`time\`); emulator CPU is from /proc/PID/stat over the same interval.
- Commands (environment: \`B2_ENVIRONMENT=URL\`, \`B2_APPLICATION_KEY_ID\`, \`B2_APPLICATION_KEY\`;
  \`B2_ACCOUNT_INFO\` for b2 after \`b2 account authorize ID KEY\`; \`RCLONE_CONFIG_EMU_TYPE=b2\`,
  \`RCLONE_CONFIG_EMU_ACCOUNT\`, \`RCLONE_CONFIG_EMU_KEY\`, \`RCLONE_CONFIG_EMU_ENDPOINT=URL\` for rclone), each tool
  with its default threads and part sizes, in this order:
$(for tool in "${tools[@]}"; do printf '  - `%s`, then `%s`\n' "${up_cmd[$tool]}" "${down_cmd[$tool]}"; done)
  - \`$curl_cmd URL/file/BUCKET/$curl_object\`, $curl_runs times (the goal's reference), then
    \`$curl_file_cmd URL/file/BUCKET/$curl_object\`, $curl_runs times, FILE beside the other copies and
    deleted after each run (a ceiling for downloads that write a file on this machine).
- Paired runs (when b2kit is among the tools), $pair_runs rounds of: \`b2kit cat b2://BUCKET/$curl_object > /dev/null\`
  (one GET, like curl), \`curl -o /dev/null\`, \`curl URL | openssl dgst -sha1\` (a curl that checks the SHA-1, as b2kit does), \`b2kit cp b2://BUCKET/$curl_object FILE\` and \`curl -o FILE\` back to back
  (b2kit first in odd rounds, curl first in even ones; FILE in the same folder, deleted after each run), \`openssl dgst -sha1
  SOURCE\` (SHA-1 alone); wall clock around each process; medians compared.

$table

$summary
EOF
)

printf '%s\n' "$section" >"$work/section.md"
python3 - "$results_file" "$heading" "$work/section.md" <<'PY'
import sys
path, heading, section_path = sys.argv[1:4]
section = open(section_path).read()
header = "# Benchmarks\n"
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
log "wrote the section \"${heading#'## '}\" to ${results_file#"$repo_root"/}"
