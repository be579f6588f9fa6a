#!/usr/bin/env bash
# The HTML report in a real browser.
#
# Renders `provlog analyze --format html` reports of the fixtures (every input shape, both
# languages, other groupings, multi-day spans and hostile values), opens each in headless
# Chromium and checks:
#   - nothing reaches the console: the page carries no script, so any console line is an
#     error or a Content-Security-Policy violation (a control page proves the check sees them);
#   - after the browser's HTML parser, each chart's SVG holds one <rect> per bar, counted
#     independently from the JSON report (top groups) and the NDJSON report (failures per
#     time bucket and category, using the bucket grid the page declares), both read with
#     python3 (the reports' readers below; no jq needed);
#   - every in-page link has its target, and hostile values stayed text;
#   - a screenshot was drawn.
# Screenshots and pages are left in $BROWSER_OUT (default: <target dir>/browser).
#
# Debian's chromium is installed when missing. Only when it cannot be installed (no network,
# no apt, no root) does the script skip, saying so, with status 0.
#
#   bash tests/browser.sh                # check
#   bash tests/browser.sh --update-docs  # also refresh docs/report.png from the bundled example
set -euo pipefail
cd "$(dirname "$0")/.."

update_docs=false
[ "${1:-}" = "--update-docs" ] && update_docs=true

say() { echo "browser test: $*"; }
fail() {
    echo "browser test: FAILED: $*" >&2
    exit 1
}

# shellcheck source=.ci/lib.sh
. .ci/lib.sh

find_chromium() { command -v chromium || command -v chromium-browser || true; }
chrome=$(find_chromium)
if [ -z "$chrome" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium"
    if apt_install chromium; then
        chrome=$(find_chromium)
    fi
fi
if [ -z "$chrome" ]; then
    say "SKIPPED: chromium is not installed and could not be installed (no network, apt or root)"
    exit 0
fi
# A Japanese font makes the --lang ja screenshot legible; the checks do not need it.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    apt_install fonts-ipafont-gothic 2>/dev/null || say "no Japanese font (the ja screenshot shows boxes)"
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the JSON reports"

target=${CARGO_TARGET_DIR:-target}
cargo build --locked --quiet
provlog="$target/debug/provlog"
out=${BROWSER_OUT:-$target/browser}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browser() {
    "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" "$@"
}

# Console lines of a page: Chromium logs every console message, error or not, as CONSOLE.
console_of() {
    browser --enable-logging=stderr --v=0 --dump-dom "file://$1" 2>"$2.log" >"$2.dom" || true
    grep -E ':CONSOLE[(:]' "$2.log" || true
}

# The check must be able to fail: a page with a console error and a blocked script.
printf '%s' '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'"><p>x</p><script>console.error("control")</script>' \
    >"$work/control.html"
[ -n "$(console_of "$work/control.html" "$work/control")" ] ||
    fail "the console check did not see the control page's error"

# Bars the JSON report calls for in the top chart: its groups (only diagnosed ones when
# grouped by diagnosis), at most 20.
top_groups() {
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
groups = [g for g in r["groups"] if r["group_by"] != "diagnosis" or g.get("diagnosis") is not None]
print(min(len(groups), 20))
PY
}

# Bar segments the NDJSON report calls for in the timeline: distinct (time bucket, category)
# pairs of the diagnosed failures, on the grid of bucket start $2 and width $3 seconds.
timeline_segments() {
    python3 - "$1" "$2" "$3" <<'PY'
import calendar, json, re, sys, time
path, start, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = set()
for line in open(path, encoding="utf-8"):
    if not line.strip():
        continue
    e = json.loads(line)
    if e.get("status") == "success" or e.get("diagnosis") is None or e.get("time") is None:
        continue
    t = calendar.timegm(time.strptime(re.sub(r"\.[0-9]+", "", e["time"], count=1), "%Y-%m-%dT%H:%M:%SZ"))
    seen.add(((t - start) // width, e["diagnosis"].get("category")))
print(len(seen))
PY
}

# <rect> elements inside the element that opens with id="$2" (up to its </figure>).
rects_in() {
    awk -v id="id=\"$2\"" 'index($0, id) { on = 1 } on { n += gsub(/<rect/, "&") } on && /<\/figure>/ { exit } END { print n + 0 }' "$1"
}
attr_of() { grep -o "$2=\"[0-9-]*\"" "$1" | head -1 | sed 's/.*="\(.*\)"/\1/'; }

# Exports that span days, made from the bundled one by moving events apart: event i moves
# (i mod DAYS) days and (i mod 7) hours later (fractional seconds dropped).
spread() {
    python3 - "$1" fixtures/portal-export.json >"$2" <<'PY'
import calendar, json, re, sys, time
days, path = int(sys.argv[1]), sys.argv[2]
events = json.load(open(path, encoding="utf-8"))
for i, e in enumerate(events):
    t = calendar.timegm(time.strptime(re.sub(r"\.[0-9]+", "", e["activityDateTime"], count=1), "%Y-%m-%dT%H:%M:%SZ"))
    t += (i % days) * 86400 + (i % 7) * 3600
    e["activityDateTime"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
json.dump(events, sys.stdout, ensure_ascii=False, separators=(",", ":"))
print()
PY
}
spread 9 "$work/input-days.json"
spread 28 "$work/input-month.json"

cat >"$work/input-hostile.json" <<'EOF'
[{"id":"e1","activityDateTime":"2026-11-20T00:00:04Z","cycleId":"c\"><img src=x onerror=console.error(1)>",
  "changeId":"chg-<b>1</b>","provisioningAction":"create",
  "servicePrincipal":{"id":"sp","displayName":"App</title><script>console.error(2)</script>"},
  "sourceIdentity":{"id":"u1","displayName":"\"><img src=x onerror=console.error(3)>","identityType":"User"},
  "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"Bad<Code>\u001b[31m",
    "reason":"</style><script>console.error(4)</script>\u001b[2J <svg onload=console.error(5)>"}},
  "provisioningSteps":[]}]
EOF

# name | global options | analyze arguments
cases=(
    "example||fixtures/portal-export.json"
    "beta||fixtures/portal-export-beta.json"
    "diagnostic||fixtures/diagnostic.ndjson"
    "log-analytics||fixtures/log-analytics.csv"
    "portal-csv||fixtures/portal-csv"
    "graph||fixtures/graph"
    "ja|--lang ja|fixtures/portal-export.json"
    "all||fixtures/portal-export.json --status all"
    "by-app||fixtures/portal-export.json --group-by app"
    "days||$work/input-days.json"
    "month||$work/input-month.json"
    "hostile||$work/input-hostile.json"
)

checked=0
for c in "${cases[@]}"; do
    IFS='|' read -r name global args <<<"$c"
    # shellcheck disable=SC2086 # the arguments are meant to split
    {
        "$provlog" $global analyze $args --format html >"$out/$name.html"
        "$provlog" $global analyze $args --format json >"$work/$name.json"
        "$provlog" $global analyze $args --format ndjson >"$work/$name.ndjson"
    }
    page="$out/$name.html"
    console=$(console_of "$page" "$work/$name")
    [ -z "$console" ] || fail "$name: console output:
$console"
    dom="$work/$name.dom"
    grep -q '</html>' "$dom" || fail "$name: the browser returned no document"

    want_top=$(top_groups "$work/$name.json")
    got_top=$(rects_in "$dom" chart-top)
    [ "$got_top" = "$want_top" ] || fail "$name: top chart has $got_top bars, the JSON report $want_top groups"

    start=$(attr_of "$dom" data-bucket-start)
    width=$(attr_of "$dom" data-bucket-seconds)
    [ -n "$start" ] && [ -n "$width" ] || fail "$name: no timeline chart"
    want_tl=$(timeline_segments "$work/$name.ndjson" "$start" "$width")
    got_tl=$(rects_in "$dom" chart-timeline)
    [ "$got_tl" = "$want_tl" ] || fail "$name: timeline has $got_tl bar segments, the NDJSON report gives $want_tl"

    for target_id in $(grep -o 'href="#[^"]*"' "$dom" | sort -u | sed 's/href="#//; s/"$//'); do
        grep -q "id=\"$target_id\"" "$dom" || fail "$name: link to #$target_id has no target"
    done
    if grep -qiE '<(script|img|iframe|object|embed|link)[ >]|<svg onload' "$dom"; then
        fail "$name: markup from the input became elements"
    fi

    browser --screenshot="$out/$name.png" --window-size=1280,2000 "file://$page" >/dev/null 2>&1 || true
    size=$(wc -c <"$out/$name.png" 2>/dev/null || echo 0)
    [ "$size" -gt 30000 ] || fail "$name: the screenshot is missing or blank ($size bytes)"
    say "$name: ok (top bars $got_top, timeline segments $got_tl in ${width}s buckets, screenshot $size bytes)"
    checked=$((checked + 1))
done

if $update_docs; then
    mkdir -p docs
    browser --screenshot="$PWD/docs/report.png" --window-size=1280,1800 "file://$out/example.html" >/dev/null 2>&1 || true
    say "docs/report.png updated"
fi
say "$checked reports checked in $("$chrome" --version 2>/dev/null | head -1); screenshots in $out"
