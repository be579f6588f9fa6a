#!/usr/bin/env bash
# Where the time of `analyze --status all --format ndjson` goes, counted in instructions
# with callgrind (so that it does not depend on what else the machine is doing).
#
#   bash bench/profile.sh                  # 20 MiB generated portal export
#   SIZE=100 THREADS=2 bash bench/profile.sh
#
# Builds the `profiling` profile (release with symbols), generates the export, runs
# callgrind once on it and once on a 10 MiB one of the same kind, and prints the
# instructions per event (the difference of the two, so that start-up costs such as
# compiling the catalog's patterns cancel out) and the heaviest functions, inclusive.
# One thread by default (PROVLOG_THREADS=1): callgrind runs threads one after the other,
# so the counts are the work, whichever thread does it.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-20}
THREADS=${THREADS:-1}
ARGS=${ARGS:-"--status all --format ndjson"}
DIR=${BENCH_DIR:-target/bench}
mkdir -p "$DIR"
command -v valgrind >/dev/null || { echo "profile: please install valgrind" >&2; exit 2; }

cargo build --profile profiling --quiet --bin provlog
cargo build --release --quiet --example gen-export
BIN=target/profiling/provlog
GEN=target/release/examples/gen-export

count() { # file -> instructions
    local out="$DIR/callgrind.$1.out"
    # shellcheck disable=SC2086
    PROVLOG_THREADS=$THREADS valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$BIN" analyze "$DIR/profile-$1.json" $ARGS >/dev/null 2>"$DIR/callgrind.$1.log"
    grep -o "Collected : [0-9]*" "$DIR/callgrind.$1.log" | awk '{print $3}'
}
events() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$1"; }

for s in 10 "$SIZE"; do
    f="$DIR/profile-$s.json"
    [ -e "$f" ] || "$GEN" --format json --size-mb "$s" --failure-rate 0.01 --skip-rate 0.29 --seed 42 --out "$f" >/dev/null
done
small=$(count 10); big=$(count "$SIZE")
n_small=$(events "$DIR/profile-10.json"); n_big=$(events "$DIR/profile-$SIZE.json")
echo "analyze $ARGS, PROVLOG_THREADS=$THREADS"
echo "  $n_big events: $big instructions; $n_small events: $small"
echo "  per event: $(( (big - small) / (n_big - n_small) )) instructions"
echo "heaviest functions (inclusive, $SIZE MiB run):"
callgrind_annotate --inclusive=yes "$DIR/callgrind.$SIZE.out" 2>/dev/null \
    | grep -E "provlog::|serde_json::|malloc|free|memcpy" \
    | grep -vE "backtrace|lang_start|provlog::main|provlog::run |cmd::analyze::run " \
    | sed -E 's#/root/.cargo/registry/src/[^/]+/##; s#/rustc/[0-9a-f]+/library/##; s# \[[^]]*\]$##' \
    | head -40
