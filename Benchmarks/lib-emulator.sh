# shellcheck shell=bash disable=SC2154
# Shared by the benchmark scripts (source it): start `b2kit serve` on loopback and wait for its URL.
#
#   start_emulator BINARY DATA_DIR OUT ERR [EXTRA SERVE FLAGS...]
#
# Needs $key_id, $key and a `die` function; sets $emulator_pid and $emulator_url.
start_emulator() {
    local binary=$1 data=$2 out=$3 err=$4
    shift 4
    "$binary" serve --data "$data" --port 0 --master-key-id "$key_id" --master-key "$key" "$@" >"$out" 2>"$err" &
    emulator_pid=$!
    emulator_url=""
    local line
    for _ in $(seq 1 300); do
        line=$(head -n1 "$out" 2>/dev/null || true)
        if [[ $line == "b2kit serve: listening on "* ]]; then
            emulator_url=${line#b2kit serve: listening on }
            break
        fi
        kill -0 "$emulator_pid" 2>/dev/null || { cat "$err" >&2; die "the emulator exited at start"; }
        sleep 0.1
    done
    [[ -n $emulator_url ]] || die "the emulator did not print its URL within 30 s"
    [[ $emulator_url == http://127.0.0.1:* ]] || die "the emulator is not on loopback: $emulator_url"
}
