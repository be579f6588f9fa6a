#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each and prints, per target, the executions
# done and whether a crash was found.
#
#   fuzz/run.sh 600               # each target for 10 minutes, one after the other
#   PARALLEL=2 fuzz/run.sh 600    # two targets at a time (each still gets 600 s)
#   TARGETS="matcher" fuzz/run.sh 60
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). The corpus is
# seeded from fixtures/ and catalog/ on first use and kept in fuzz/corpus/ (not committed);
# crashes land in fuzz/artifacts/TARGET/ and become regression tests in
# tests/integration/fuzz_regressions.rs. Runs are niced: the machine is shared.
set -euo pipefail

seconds=${1:?usage: fuzz/run.sh SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
targets=${TARGETS:-"json_reader csv_reader reason_parser matcher"}
parallel=${PARALLEL:-1}
logs="$here/logs"
mkdir -p "$logs"

seed() {
    local t=$1 dir="$here/corpus/$1"
    mkdir -p "$dir"
    if [ -n "$(ls -A "$dir")" ]; then
        return
    fi
    local n=0
    case $t in
    json_reader)
        for f in portal-export.json portal-export-beta.json diagnostic.ndjson graph/graph-page-1.json; do
            for size in 600 2500 6000; do
                n=$((n + 1))
                { printf '\000'; head -c "$size" "$root/fixtures/$f"; } >"$dir/seed-$n"
            done
        done
        ;;
    csv_reader)
        local set="$root/fixtures/portal-csv"
        for lines in 3 8; do
            n=$((n + 1))
            {
                printf '\000'
                head -n "$lines" "$set/ProvisioningLogs_2026-11-25.csv"
                printf '\n~~~\n'
                head -n "$((lines * 3))" "$set/ProvisioningLogs_ProvisioningSteps_2026-11-25.csv"
                printf '\n~~~\n'
                head -n "$lines" "$set/ProvisioningLogs_ModifiedProperties_2026-11-25.csv"
            } >"$dir/seed-$n"
            n=$((n + 1))
            { printf '\000'; head -n "$lines" "$root/fixtures/log-analytics.csv"; } >"$dir/seed-$n"
        done
        ;;
    reason_parser | matcher)
        # The reasons in the fixtures and the catalog's example messages.
        grep -oh '"reason":"[^"]*"' "$root/fixtures/portal-export.json" | sort -u | head -n 60 |
            while IFS= read -r line; do
                n=$((n + 1))
                { printf '\000'; printf '%s' "$line" | sed 's/^"reason":"//; s/"$//'; } >"$dir/seed-r$n"
            done
        grep -h '^examples' "$root"/catalog/*.toml | head -n 200 | tr -d '\r' |
            while IFS= read -r line; do
                n=$((n + 1))
                { printf '\000'; printf '%s' "$line" | sed 's/^examples *= *\[ *"//; s/" *\] *$//'; } >"$dir/seed-e$n"
            done
        ;;
    esac
}

run_one() {
    local t=$1 log="$logs/$1.log"
    seed "$t"
    # -max_len: exports are large, but 64 KiB reaches every reader state and 4 KiB every
    # message; a bigger input only slows the search down. No sanitizer by default: the
    # crate has no unsafe code, and a panic aborts the run all the same, several times
    # faster (SANITIZER=address to use one).
    local max_len=65536
    case $t in reason_parser | matcher) max_len=4096 ;; esac
    (cd "$here" && nice -n 10 cargo +nightly fuzz run --sanitizer "${SANITIZER:-none}" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1) \
        >"$log" 2>&1 || true
    local runs crash
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    if grep -q 'SUMMARY: libFuzzer\|panicked at\|ERROR: AddressSanitizer\|deadly signal' "$log"; then
        crash="CRASH (see $log and artifacts/$t/)"
    else
        crash="no crash"
    fi
    echo "$t: ${seconds}s, ${runs:-?} executions, corpus $(ls "$here/corpus/$t" | wc -l) inputs, $crash"
}

# Build once before timing anything.
(cd "$here" && nice -n 10 cargo +nightly fuzz build --sanitizer "${SANITIZER:-none}" >/dev/null)

if [ "$parallel" -le 1 ]; then
    for t in $targets; do run_one "$t"; done
else
    printf '%s\n' $targets | xargs -P "$parallel" -I{} bash -c "$(declare -f seed run_one); here='$here' root='$root' seconds='$seconds' logs='$logs' run_one {}"
fi
