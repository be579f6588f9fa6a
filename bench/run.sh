#!/usr/bin/env bash
# The provlog benchmark: provlog against jq, jaq, cat and a serde_json parse floor, on the
# same generated exports, commands interleaved round by round so that machine drift
# cancels out. Prints wall time (median), MB/s, ratios and peak memory, then each target
# of issue #20 with met or missed.
#
#   provlog-fail        analyze FILE --status failure --format ndjson
#   provlog-all         analyze FILE --status all --format ndjson          (to /dev/null)
#   provlog-all-wc      the same, piped into wc -c
#   provlog-all-table   analyze FILE --status all                          (the table view)
#
#   bash bench/run.sh                 # 100 MB and 1 GB, 3 rounds
#   SIZES="200" ROUNDS=5 bash bench/run.sh
#
# It installs what it needs: hyperfine (Debian package; used for a cross-check table) and
# jaq (cargo install --locked). Files go to target/bench (override with BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100 1000"}
ROUNDS=${ROUNDS:-3}
DIR=${BENCH_DIR:-target/bench}
SKIP_JQ_ABOVE=${SKIP_JQ_ABOVE:-100000}   # MB; jq needs ~6x the file in memory
mkdir -p "$DIR"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need jq; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine jq time >/dev/null
    else
        echo "bench: please install hyperfine and jq (apt-get install hyperfine jq time)" >&2
        exit 2
    fi
fi
if ! need jaq; then
    cargo install --locked --quiet jaq
    export PATH="$HOME/.cargo/bin:$PATH"
fi

cargo build --release --quiet --bin provlog --example gen-export --example parse-floor
PROVLOG=target/release/provlog
GEN=target/release/examples/gen-export
FLOOR=target/release/examples/parse-floor

JQ_JSON='.[] | select(.provisioningStatusInfo.status=="failure") | {changeId, code: .provisioningStatusInfo.errorInformation.errorCode, reason: .provisioningStatusInfo.errorInformation.reason}'
JQ_NDJSON='select(.properties.provisioningStatusInfo.Status=="failure") | {changeId: .properties.changeId, code: .properties.provisioningStatusInfo.errorInformation.errorCode}'

gen() { # format size path
    [ -e "$3" ] || "$GEN" --format "$1" --size-mb "$2" --failure-rate 0.01 --skip-rate 0.29 --seed 42 --out "$3" >/dev/null
}

# run_round NAME CMD...: one timed run; appends "name wall_s rss_kb" to $RESULTS
run_one() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$DIR/.time" "$@" >/dev/null 2>"$DIR/.err" || {
        echo "bench: $name failed:" >&2; cat "$DIR/.err" >&2; return 1; }
    read -r wall rss < "$DIR/.time"
    echo "$name $wall $rss" >> "$RESULTS"
}

SUMMARY="$DIR/summary"; : > "$SUMMARY"

report() { # size_mb input_kind size_label
    python3 - "$RESULTS" "$1" "$2" "$3" "$SUMMARY" <<'PY'
import sys, statistics, collections
path, size, kind, label, summary = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
runs = collections.OrderedDict()
for line in open(path):
    name, wall, rss = line.split()
    runs.setdefault(name, []).append((float(wall), int(rss)))
med = {n: statistics.median(w for w, _ in v) for n, v in runs.items()}
rss = {n: max(r for _, r in v) for n, v in runs.items()}
base = med.get("provlog-fail")
print(f"{'command':<18} {'median s':>9} {'MB/s':>8} {'peak MiB':>9} {'vs provlog':>11}")
for n in runs:
    mbs = size / med[n] if med[n] > 0 else float('inf')
    ratio = f"{med[n] / base:.2f}x" if base else "-"
    print(f"{n:<18} {med[n]:>9.3f} {mbs:>8.0f} {rss[n] / 1024:>9.1f} {ratio:>11}")
with open(summary, "a") as out:
    for n in runs:
        out.write(f"{kind} {label} {n} {size} {med[n]} {rss[n]}\n")
PY
}

for size in $SIZES; do
    json="$DIR/portal-$size.json"; ndjson="$DIR/diag-$size.ndjson"; csv3="$DIR/csv3-$size"
    gen json "$size" "$json"; gen ndjson "$size" "$ndjson"; gen csv3 "$size" "$csv3"
    bytes=$(stat -c %s "$json"); mb=$(python3 -c "print($bytes/1e6)")

    echo "== portal JSON, $size MiB ($bytes bytes), $ROUNDS rounds, interleaved"
    # Same selection check: the change ids of the failures.
    "$PROVLOG" analyze "$json" --format ndjson | python3 -c 'import sys,json; [print(json.loads(l)["change_id"]) for l in sys.stdin if json.loads(l)["status"]=="failure"]' | sort > "$DIR/ids-provlog"
    if [ "$size" -le "$SKIP_JQ_ABOVE" ]; then
        jq -r '.[] | select(.provisioningStatusInfo.status=="failure") | .changeId' "$json" | sort > "$DIR/ids-jq"
        if cmp -s "$DIR/ids-provlog" "$DIR/ids-jq"; then
            echo "same failures selected by provlog and jq: $(wc -l < "$DIR/ids-jq") change ids"
        else
            echo "bench: provlog and jq selected different change ids" >&2; exit 1
        fi
    fi
    # The file read in parts on every core writes what one thread writes.
    "$PROVLOG" analyze "$json" --status all --format ndjson > "$DIR/out-parts"
    PROVLOG_THREADS=1 "$PROVLOG" analyze "$json" --status all --format ndjson > "$DIR/out-one"
    if cmp -s "$DIR/out-parts" "$DIR/out-one"; then
        echo "read in parts: the same $(wc -c < "$DIR/out-one") bytes as one thread"
    else
        echo "bench: reading in parts changed the output" >&2; exit 1
    fi
    rm -f "$DIR/out-parts" "$DIR/out-one"
    RESULTS="$DIR/results-json-$size"; : > "$RESULTS"
    for r in $(seq "$ROUNDS"); do
        run_one cat cat "$json"
        run_one parse-floor "$FLOOR" "$json"
        run_one provlog-fail "$PROVLOG" analyze "$json" --status failure --format ndjson
        run_one provlog-all "$PROVLOG" analyze "$json" --status all --format ndjson
        run_one provlog-all-wc sh -c "$PROVLOG analyze $json --status all --format ndjson | wc -c"
        run_one provlog-all-table "$PROVLOG" analyze "$json" --status all
        run_one jaq jaq -c "$JQ_JSON" "$json"
        if [ "$size" -le "$SKIP_JQ_ABOVE" ]; then run_one jq jq -c "$JQ_JSON" "$json"; fi
    done
    report "$mb" json "$size"

    bytes=$(stat -c %s "$ndjson"); mb=$(python3 -c "print($bytes/1e6)")
    echo "== diagnostic NDJSON, $size MiB ($bytes bytes)"
    RESULTS="$DIR/results-ndjson-$size"; : > "$RESULTS"
    for r in $(seq "$ROUNDS"); do
        run_one cat cat "$ndjson"
        run_one parse-floor "$FLOOR" "$ndjson"
        run_one provlog-fail "$PROVLOG" analyze "$ndjson" --status failure --format ndjson
        run_one provlog-all "$PROVLOG" analyze "$ndjson" --status all --format ndjson
        run_one jaq jaq -c "$JQ_NDJSON" "$ndjson"
        if [ "$size" -le "$SKIP_JQ_ABOVE" ]; then run_one jq jq -c "$JQ_NDJSON" "$ndjson"; fi
    done
    report "$mb" ndjson "$size"

    bytes=$(du -cb "$csv3"/*.csv | tail -1 | cut -f1); mb=$(python3 -c "print($bytes/1e6)")
    echo "== portal three-CSV set, $size MiB ($bytes bytes)"
    RESULTS="$DIR/results-csv3-$size"; : > "$RESULTS"
    for r in $(seq "$ROUNDS"); do
        run_one cat sh -c "cat $csv3/*.csv"
        run_one provlog-fail "$PROVLOG" analyze "$csv3" --status failure --format ndjson
        run_one provlog-all "$PROVLOG" analyze "$csv3" --status all --format ndjson
    done
    report "$mb" csv3 "$size"
done

# A small input answers at once: the 300-event fixture, median of 11 runs.
RESULTS="$DIR/results-small"; : > "$RESULTS"
for r in $(seq 11); do
    run_one provlog-fail "$PROVLOG" analyze fixtures/portal-export.json --status failure --format ndjson
    run_one provlog-all-table "$PROVLOG" analyze fixtures/portal-export.json --status all
done
echo "== the 300-event fixture"
report "$(python3 -c "import os; print(os.path.getsize('fixtures/portal-export.json')/1e6)")" small 0

echo "== targets (#20; medians of this run)"
python3 bench/targets.py "$SUMMARY"

echo "== hyperfine cross-check (portal JSON, first size)"
first=$(echo "$SIZES" | cut -d' ' -f1)
hyperfine -N --warmup 1 --runs 3 \
    "$PROVLOG analyze $DIR/portal-$first.json --status failure --format ndjson" \
    "$PROVLOG analyze $DIR/portal-$first.json --status all --format ndjson" \
    "$FLOOR $DIR/portal-$first.json" \
    "jaq -c '$JQ_JSON' $DIR/portal-$first.json" 2>/dev/null | grep -E "Time|±|Benchmark" || true
lscpu | head -15
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
