#!/usr/bin/env bash
# Byte-identity check between two provlog binaries: every input given, in every format,
# with the options that change what is read in full (statuses, redaction, groups, strict,
# language). Compares stdout, stderr and the exit status of each run.
#
#   bash bench/compare.sh OLD_BINARY NEW_BINARY INPUT...
#
# Prints one line per difference and a count; exits 1 if any run differs. Set
# PROVLOG_THREADS for the new binary to compare its one-thread and parallel paths too.
set -uo pipefail
old=$1 new=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
runs=0 diffs=0
OPTS=(
    ""
    "--status all"
    "--status success,skipped"
    "--status all --redact"
    "--status all --redact keep-domain"
    "--status all --group-by attribute"
    "--status all --group-by identity"
    "--status all --group-by step"
    "--status all --group-by template"
    "--status all --group-by none"
    "--status all --strict"
    "--status all --lang ja"
    "--status all --identity a"
    "--fail-on failure"
)
FORMATS=(table json ndjson csv markdown html)
for input in "$@"; do
    for fmt in "${FORMATS[@]}"; do
        for opt in "${OPTS[@]}"; do
            # shellcheck disable=SC2086
            "$old" analyze "$input" --format "$fmt" $opt >"$tmp/o1" 2>"$tmp/e1"; rc1=$?
            # shellcheck disable=SC2086
            "$new" analyze "$input" --format "$fmt" $opt >"$tmp/o2" 2>"$tmp/e2"; rc2=$?
            runs=$((runs + 1))
            if ! cmp -s "$tmp/o1" "$tmp/o2" || ! cmp -s "$tmp/e1" "$tmp/e2" || [ "$rc1" != "$rc2" ]; then
                diffs=$((diffs + 1))
                echo "DIFF: $input --format $fmt $opt (exit $rc1 vs $rc2)"
                cmp "$tmp/o1" "$tmp/o2" | head -1
                cmp "$tmp/e1" "$tmp/e2" | head -1
            fi
        done
    done
done
echo "compare: $runs runs, $diffs differ"
[ "$diffs" = 0 ]
