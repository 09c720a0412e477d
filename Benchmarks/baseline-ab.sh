#!/usr/bin/env bash
# A change against a baseline build, paired: the transfers of transfer-1gib.sh and the syncs of sync.sh, run by two
# release builds of b2kit in interleaved rounds against one emulator (the current build's `b2kit serve`).
#
#   BASE_BIN=/path/to/old/b2kit Benchmarks/baseline-ab.sh     # from the repository root
#
# Build the baseline in a worktree, for example:
#   git worktree add /tmp/base COMMIT && (cd /tmp/base && swift build -c release --product b2kit)
#   BASE_BIN=/tmp/base/.build/release/b2kit Benchmarks/baseline-ab.sh
#
# Steps, each run by both builds in each round (which build goes first alternates by round):
#   up    `b2kit cp SOURCE b2://BUCKET/NAME`, SOURCE 1 GiB of random bytes;
#   down  `b2kit cp b2://BUCKET/NAME COPY` (SHA-1 checked outside the timing, then the copy deleted);
#   cat   `b2kit cat b2://BUCKET/NAME > /dev/null`;
#   small `b2kit sync b2://BUCKET/small/ EMPTY-FOLDER -q`, SMALL_FILES files of 8 KiB (default 2000);
#   large `b2kit sync b2://BUCKET/large/ EMPTY-FOLDER -q`, 3 files of 256 MiB;
#   noop  the same small sync again into its full copy.
# Reports, per step: each build's median wall seconds and largest max RSS, the ratio of the medians
# (current / baseline: below 1 is faster), and the median and spread of the per-round ratios, which is the noise.
# Writes a dated section to Benchmarks/BENCHMARKS.md. Environment: BASE_BIN (required); B2KIT_BIN (default: the
# release build, built first); BASE_LABEL (what the baseline is, for the section); ROUNDS (default 7); SMALL_FILES (default 2000); STEP_TIMEOUT (default 600 s).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
results_file="$repo_root/Benchmarks/BENCHMARKS.md"
rounds=${ROUNDS:-7}
small_files=${SMALL_FILES:-2000}
step_timeout=${STEP_TIMEOUT:-600}
size=$((1024 * 1024 * 1024))
large_size=$((256 * 1024 * 1024))

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'baseline-ab.sh: %s\n' "$*" >&2; exit 1; }

[[ -n ${BASE_BIN:-} && -x ${BASE_BIN:-} ]] || die "set BASE_BIN to a release b2kit of the baseline commit"
for tool in python3 sha1sum timeout /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool is not on PATH"; done
if [[ -z ${B2KIT_BIN:-} ]]; then
    log "swift build -c release --product b2kit"
    swift build -c release --product b2kit >&2
    B2KIT_BIN="$(swift build -c release --show-bin-path)/b2kit"
fi
[[ -x $B2KIT_BIN ]] || die "no b2kit at $B2KIT_BIN"

scratch_root=/tmp
shm_free=$(df -B1 --output=avail /dev/shm 2>/dev/null | tail -n1 | tr -d ' ' || echo 0)
if [[ -d /dev/shm && -w /dev/shm && ${shm_free:-0} -gt $((8 * size)) ]]; then scratch_root=/dev/shm; fi
work=$(mktemp -d "$scratch_root/b2kit-ab.XXXXXX")
emulator_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $emulator_pid ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Copies, so that a rebuild cannot swap a binary in the middle of the run.
cp "$B2KIT_BIN" "$work/current"
cp "$BASE_BIN" "$work/baseline"
base_version=${BASE_LABEL:-$("$work/baseline" --version 2>/dev/null || echo "a build")}

key_id=benchkeyid0001
key=K000benchmarkbenchmarkbenchmark01
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"
start_emulator "$work/current" "$work/emulator-data" "$work/emulator.out" "$work/emulator.err" \
    --recommended-part-size 100000000
export B2_ENVIRONMENT=$emulator_url B2_APPLICATION_KEY_ID=$key_id B2_APPLICATION_KEY=$key
bucket=ab-bench
"$work/current" mb "b2://$bucket" >/dev/null

log "writing the sources"
head -c "$size" /dev/urandom >"$work/source"
source_sha1=$(sha1sum "$work/source" | cut -c1-40)
python3 - "$work/src-small" "$small_files" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    folder = os.path.join(root, f"d{i % 100:02d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(8192))
PY
mkdir -p "$work/src-large"
for i in 1 2 3; do head -c "$large_size" /dev/urandom >"$work/src-large/big-$i.bin"; done
tree_digest() { (cd "$1" && find . -type f ! -name '.b2kit-sync.db*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40); }
small_digest=$(tree_digest "$work/src-small")
large_digest=$(tree_digest "$work/src-large")
"$work/current" sync "$work/src-small" "b2://$bucket/small/" -q
"$work/current" sync "$work/src-large" "b2://$bucket/large/" -q
rm -rf "$work/src-large"

declare -A seconds rss
# measure KEY COMMAND...: wall seconds and max RSS (MiB) of one process, stdout to /dev/null.
measure() {
    local key=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$work/time" timeout "$step_timeout" "$@" >/dev/null 2>"$work/step.err" \
        || { cat "$work/step.err" >&2; die "$key failed: $*"; }
    t1=$(date +%s.%N)
    seconds[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss[$key]=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time")
    log "$key: ${seconds[$key]} s, ${rss[$key]} MiB"
}
# step BUILD ROUND: every step of one build in one round.
steps=(up down cat small large noop)
step() {
    local build=$1 round=$2 bin="$work/$1"
    measure "$build.up.$round" "$bin" cp "$work/source" "b2://$bucket/$build-$round"
    measure "$build.down.$round" "$bin" cp "b2://$bucket/$build-$round" "$work/copy"
    [[ $(sha1sum "$work/copy" | cut -c1-40) == "$source_sha1" ]] || die "$build.down.$round: the copy differs"
    rm -f "$work/copy"
    measure "$build.cat.$round" "$bin" cat "b2://$bucket/$build-$round"
    "$work/current" rm --versions "b2://$bucket/$build-$round" >/dev/null
    rm -rf "$work/dst-small" "$work/dst-large"
    measure "$build.small.$round" "$bin" sync "b2://$bucket/small/" "$work/dst-small" -q
    [[ $(tree_digest "$work/dst-small") == "$small_digest" ]] || die "$build.small.$round: the copy differs"
    measure "$build.large.$round" "$bin" sync "b2://$bucket/large/" "$work/dst-large" -q
    [[ $(tree_digest "$work/dst-large") == "$large_digest" ]] || die "$build.large.$round: the copy differs"
    rm -rf "$work/dst-large"
    measure "$build.noop.$round" "$bin" sync "b2://$bucket/small/" "$work/dst-small" -q
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then step baseline "$round"; step current "$round"; else step current "$round"; step baseline "$round"; fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
commit=$(git rev-parse --short HEAD)
today=$(date -u +%Y-%m-%d)
heading="## $today, commit $commit: against a baseline build, paired (baseline-ab.sh)"
{
    printf '%s\n\n' "$heading"
    printf 'Written by `Benchmarks/baseline-ab.sh`. Baseline: %s (`%s`). Current: commit %s.\n\n' \
        "$base_version" "$BASE_BIN" "$commit"
    printf -- '- Machine: %s CPUs, load average %s before, %s after; loopback, one emulator (the current build), data\n' \
        "$(nproc)" "$load_before" "$load_after"
    printf '  on %s. %s rounds; in each, both builds run every step, the baseline first in odd rounds.\n' \
        "$scratch_root" "$rounds"
    printf -- '- Steps: up/down/cat: `b2kit cp` of a 1 GiB file up, `b2kit cp` down (SHA-1 checked outside the timing),\n'
    printf '  `b2kit cat > /dev/null`; small: `b2kit sync b2://BUCKET/small/ EMPTY -q`, %s x 8 KiB; large: the same for\n' \
        "$small_files"
    printf '  3 x 256 MiB; noop: the small sync again. Wall clock per process; max RSS from `/usr/bin/time -v`.\n\n'
    printf '| step | baseline median s | current median s | current / baseline | per-round ratios (median; min-max) | max RSS MiB (baseline; current) |\n'
    printf '|---|---:|---:|---:|---|---:|\n'
    for s in "${steps[@]}"; do
        base_times="" cur_times="" ratios="" base_rss=0 cur_rss=0
        for round in $(seq 1 "$rounds"); do
            base_times+="${seconds[baseline.$s.$round]}"$'\n'
            cur_times+="${seconds[current.$s.$round]}"$'\n'
            ratios+=$(awk -v a="${seconds[current.$s.$round]}" -v b="${seconds[baseline.$s.$round]}" 'BEGIN { printf "%.2f", a / b }')$'\n'
            ((rss[baseline.$s.$round] > base_rss)) && base_rss=${rss[baseline.$s.$round]}
            ((rss[current.$s.$round] > cur_rss)) && cur_rss=${rss[current.$s.$round]}
        done
        bm=$(printf '%s' "$base_times" | median)
        cm=$(printf '%s' "$cur_times" | median)
        rm_=$(printf '%s' "$ratios" | median)
        lo=$(printf '%s' "$ratios" | sort -g | head -n1)
        hi=$(printf '%s' "$ratios" | sort -g | tail -n1)
        printf '| %s | %s | %s | %.2f | %.2f; %s-%s (%s) | %s; %s |\n' "$s" "$bm" "$cm" \
            "$(awk -v a="$cm" -v b="$bm" 'BEGIN { print a / b }')" "$rm_" "$lo" "$hi" \
            "$(printf '%s' "$ratios" | paste -sd' ' -)" "$base_rss" "$cur_rss"
    done
    printf '\n'
} >"$work/section.md"
cat "$work/section.md"
python3 - "$results_file" "$work/section.md" "$heading" <<'PY'
import sys
path, section_path, heading = sys.argv[1:4]
text = open(path).read()
section = open(section_path).read()
start = text.find(heading + "\n")
if start >= 0:
    end = text.find("\n## ", start + len(heading))
    text = text[:start] + section.rstrip("\n") + ("\n" + text[end:] if end >= 0 else "\n")
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
log "wrote the section \"${heading#\#\# }\" to Benchmarks/BENCHMARKS.md"
