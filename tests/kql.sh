#!/usr/bin/env bash
# `provlog catalog export --format kql`, checked by Microsoft's Kusto language service.
#
# Exports the built-in catalog's query, then with tests/kql/check.js parses and analyses it
# against the AADProvisioningLogs table's documented columns and types, and fails on any
# error (with line, column and the KQL line), on a join that shadows a table column, and on
# a regular expression RE2 rejects. The checker's unit cases (tests/kql/check.test.js)
# run first: they prove it catches broken queries.
#
# The language service (@kusto/language-service-next) and re2js are npm packages pinned by
# tests/kql/package-lock.json; `npm ci` installs them into tests/kql/node_modules when they
# are missing or not the pinned versions. Node.js comes from the machine (Debian's nodejs
# is installed when missing); only when there is no Node.js and it cannot be installed
# does the script skip, saying so, with status 0.
#
#   bash tests/kql.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "kql check: $*"; }
fail() {
    echo "kql check: FAILED: $*" >&2
    exit 1
}

# shellcheck source=.ci/lib.sh
. .ci/lib.sh

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's nodejs and npm"
        apt_install nodejs npm || say "could not install nodejs and npm"
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        say "SKIPPED: Node.js and npm are not installed and could not be installed (no network, apt or root)"
        exit 0
    fi
fi

# Installed only when a package is missing or not at the version the lock file pins.
stale=$(cd tests/kql && node -e '
    const lock = require("./package-lock.json").packages;
    for (const [where, pkg] of Object.entries(lock)) {
        if (!where) continue;
        let have = null;
        try { have = require("./" + where + "/package.json").version; } catch {}
        if (have !== pkg.version) console.log(where.replace(/^node_modules\//, "") + "@" + pkg.version);
    }')
if [ -n "$stale" ]; then
    say "npm ci: $(echo "$stale" | paste -sd " " -)"
    (cd tests/kql && npm ci --no-audit --no-fund --loglevel=error) ||
        fail "npm ci in tests/kql failed (package.json and package-lock.json out of step, or no registry)"
fi

if ! unit=$(node --test tests/kql/check.test.js 2>&1); then
    echo "$unit" >&2
    fail "the checker's unit cases failed"
fi
say "unit cases of the checker: $(echo "$unit" | awk '/^# pass /{p=$3} /^# fail /{f=$3} END{print p " passed, " f " failed"}')"

target=${CARGO_TARGET_DIR:-target}
cargo build --locked --quiet
mkdir -p "$target/kql"
"$target/debug/provlog" catalog export --format kql >"$target/kql/provlog.kql"
node tests/kql/check.js "$target/kql/provlog.kql"
