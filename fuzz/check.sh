#!/usr/bin/env bash
# Checks that the fuzz crate still compiles against provlog's current API, with its own
# Cargo.lock (`--locked`: a dependency added at the top must be added to fuzz/Cargo.lock
# too). Fuzzing itself is fuzz/run.sh; this only type-checks the targets.
#
# With a nightly toolchain installed it checks with nightly, as cargo-fuzz builds; without
# one, with the default (stable) toolchain, which compiles the crate too. Only when the crate
# needs nightly and none is installed does it skip, saying so, with status 0. Any other
# failure (a target that no longer compiles, a stale lock file) fails.
#
#   bash fuzz/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "fuzz check: $*"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if cargo +nightly --version >/dev/null 2>&1; then
    toolchain=(+nightly)
    say "cargo +nightly check ($(cargo +nightly --version))"
else
    toolchain=()
    say "no nightly toolchain installed; cargo check with $(cargo --version)"
fi
if cargo "${toolchain[@]}" check --manifest-path fuzz/Cargo.toml --locked --quiet 2>"$log"; then
    cat "$log" >&2
    say "ok"
    exit 0
fi
cat "$log" >&2
# The one failure that is not the crate's fault: on stable, it uses something only nightly
# accepts.
if [ ${#toolchain[@]} = 0 ] &&
    grep -qE 'error\[E0554\]|only accepted on the nightly compiler|requires a nightly version' "$log"; then
    say "SKIPPED: fuzz/ needs a nightly toolchain and none is installed (rustup toolchain install nightly)"
    exit 0
fi
echo "fuzz check: FAILED: fuzz/ does not build with its lock file (see above)" >&2
exit 1
