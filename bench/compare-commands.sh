#!/usr/bin/env bash
# Compares two provlog binaries command by command on the bundled fixtures: stdout, stderr
# and exit status of every analyze shape x format x language x view, show, diff, explain,
# explain --csv of each console export, and catalog. Used to prove that a reshaping or an
# optimisation keeps every output byte.
#
#   bash bench/compare-commands.sh OLD_BINARY NEW_BINARY   (bench/compare.sh: analyze on any inputs)
set -uo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2
n=0 bad=0
check() {
    n=$((n + 1))
    local a b
    a=$("$OLD" "$@" 2>&1; echo "exit $?")
    b=$("$NEW" "$@" 2>&1; echo "exit $?")
    if [ "$a" != "$b" ]; then
        bad=$((bad + 1))
        echo "differs: provlog $*"
    fi
}
for f in fixtures/portal-export.json fixtures/portal-export-beta.json fixtures/diagnostic.ndjson \
         fixtures/log-analytics.csv fixtures/portal-csv fixtures/graph fixtures/graph-docs; do
    for fmt in table json ndjson csv markdown html; do
        for lang in en ja; do
            for view in "" "--status all" "--group-by cycle" "--group-by attribute" \
                        "--group-by template" "--group-by app" "--group-by none"; do
                # shellcheck disable=SC2086 # the view is two words on purpose
                check analyze "$f" --format "$fmt" --lang "$lang" $view
            done
        done
    done
done
for fmt in table markdown json; do
    check show 17bf fixtures/portal-export.json --format "$fmt"
    check show 17bf fixtures/portal-export.json --format "$fmt" --lang ja --redact
done
for fmt in table markdown json ndjson csv; do
    check diff fixtures/diff/old.json fixtures/diff/new.ndjson --format "$fmt"
    check diff fixtures/diff/old.json fixtures/diff/new.ndjson --format "$fmt" --lang ja
done
check explain AzureDirectoryB2BManagementPolicyCheckFailure
check explain --lang ja --format markdown DuplicateTargetEntries
check explain --format json "qwerty asdf"
for f in fixtures/console/*; do
    for fmt in csv table json ndjson markdown; do
        for lang in en ja; do
            check explain --csv "$f" --format "$fmt" --lang "$lang"
        done
    done
done
check catalog list
check catalog list --lang ja --format csv
check catalog export --format kql
check catalog export --format json
check catalog draft fixtures/portal-export.json
echo "compare: $n commands, $bad differ"
[ "$bad" = 0 ]
