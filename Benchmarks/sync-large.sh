#!/usr/bin/env bash
# Case (b) of Benchmarks/sync.sh alone (3 files of 256 MiB, B2 -> a new local folder), b2kit and rclone
# (`--transfers 32`) back to back for ROUNDS rounds (default 3) on one release emulator, so a shared machine's
# load hits both alike. Per run: wall seconds, MB/s, client CPU (user + sys, `/usr/bin/time`), the emulator's CPU
# over the same interval (/proc/PID/stat) and max RSS; every copy is checked by SHA-1. Prints one line per run.
#
#   B2KIT_BIN=.build/release/b2kit Benchmarks/sync-large.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
rounds=${ROUNDS:-3}
work=$(mktemp -d /dev/shm/b2kit-lb.XXXXXX)
emulator_pid=""
cleanup() {
    if [[ -n $emulator_pid ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s\n' "$*" >&2; exit 1; }
b2kit="$work/b2kit"; cp "${B2KIT_BIN:-$repo_root/.build/release/b2kit}" "$b2kit"
key_id=benchkeyid0001; key=K000benchmarkbenchmarkbenchmark01
# shellcheck source=Benchmarks/lib-emulator.sh
source "$repo_root/Benchmarks/lib-emulator.sh"
start_emulator "$b2kit" "$work/emulator-data" "$work/emulator.out" "$work/emulator.err" --recommended-part-size 100000000
export B2_ENVIRONMENT=$emulator_url RCLONE_CONFIG_EMU_ENDPOINT=$emulator_url
export B2_APPLICATION_KEY_ID=$key_id B2_APPLICATION_KEY=$key
export RCLONE_CONFIG="$work/rclone.conf" RCLONE_CONFIG_EMU_TYPE=b2 RCLONE_CONFIG_EMU_ACCOUNT=$key_id RCLONE_CONFIG_EMU_KEY=$key
: >"$RCLONE_CONFIG"
"$b2kit" mb b2://lbbench >/dev/null
mkdir -p "$work/src"; for i in 1 2 3; do head -c $((256<<20)) /dev/urandom >"$work/src/big-$i.bin"; done
"$b2kit" sync "$work/src" b2://lbbench/large/ -q
digest=$(cd "$work/src" && sha1sum big-* | sha1sum)
rm -rf "$work/src"
emu_ticks() { awk '{ print $14 + $15 }' "/proc/$emulator_pid/stat"; }
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$rounds"); do
  for tool in b2kit rclone; do
    dest="$work/dst-$tool"
    case $tool in
      b2kit) run=("$b2kit" sync b2://lbbench/large/ "$dest" -q) ;;
      rclone) run=(rclone sync emu:lbbench/large "$dest" --transfers 32) ;;
    esac
    e0=$(emu_ticks); t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$work/t" "${run[@]}" >"$work/log" 2>&1 || { cat "$work/log"; die "$tool failed"; }
    t1=$(date +%s.%N); e1=$(emu_ticks)
    got=$(cd "$dest" && sha1sum big-* | sha1sum)
    [[ $got == "$digest" ]] || die "$tool: copy differs"
    read -r u s m <"$work/t"
    awk -v tool=$tool -v r=$round -v a=$t0 -v b=$t1 -v u=$u -v s=$s -v m=$m -v e=$((e1-e0)) -v hz=$hz -v load="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%s round %d: %.2f s wall, %.1f MB/s, client CPU %.2f s (user %.2f, sys %.2f), emulator CPU %.2f s, max RSS %d MiB, load %s\n", tool, r, b-a, 3*268435456/(b-a)/1e6, u+s, u, s, e/hz, m/1024, load }'
    rm -rf "$dest"
  done
done
