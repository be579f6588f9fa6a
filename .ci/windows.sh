#!/usr/bin/env bash
# Windows: lint the code (tests included) for x86_64-pc-windows-gnu, build the release
# .exe with MinGW, and run a smoke set under Wine whose outputs must equal the Linux
# binary's byte for byte (after turning `\` into `/`, the only difference a path may show).
#
# Installs what is missing: the Rust target (rustup), MinGW-w64 and Wine (Debian packages).
# Only when they cannot be installed (no network, apt or root) does a step skip, saying so.
# Debian 12's Wine is 8.0, older than 8.13, the first with bcryptprimitives.dll's
# ProcessPrng, which current Rust's standard library calls at start-up; for the test run
# only, a stand-in DLL is built from .ci/processprng.c (RtlGenRandom) and put beside the
# .exe. Nothing of it ships.
#
# The .exe is left at target/x86_64-pc-windows-gnu/release/provlog.exe, the outputs of
# both binaries in $WINDOWS_OUT (default: <target dir>/windows-smoke).
#
#   bash .ci/windows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "windows: $*"; }
fail() {
    echo "windows: FAILED: $*" >&2
    exit 1
}
# shellcheck source=.ci/lib.sh
. .ci/lib.sh
elapsed() { echo "$((SECONDS - $1))s"; }

triple=x86_64-pc-windows-gnu
target=${CARGO_TARGET_DIR:-target}
export CARGO_TERM_COLOR=never

# 1. The target and the linker.
if ! rustup target list --installed 2>/dev/null | grep -qx "$triple"; then
    say "adding the Rust target $triple"
    rustup target add "$triple" >/dev/null 2>&1 || {
        say "SKIPPED: the Rust target $triple could not be added (no rustup or no network); Windows is NOT checked"
        exit 0
    }
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    say "installing gcc-mingw-w64-x86-64"
    apt_install --no-install-recommends gcc-mingw-w64-x86-64 || {
        say "SKIPPED: MinGW-w64 (gcc-mingw-w64-x86-64) could not be installed; Windows is NOT checked"
        exit 0
    }
fi
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc

# 2. Lints, tests included: the test suite must compile for Windows too.
t=$SECONDS
cargo clippy --locked --all-targets --target "$triple" -- -D warnings
say "clippy for $triple: $(elapsed $t)"

# 3. The release .exe.
t=$SECONDS
cargo build --locked --release --target "$triple"
exe="$target/$triple/release/provlog.exe"
[ -f "$exe" ] || fail "no $exe after the build"
say "release build: $exe ($(stat -c %s "$exe") bytes, $(elapsed $t))"

# 4. Wine.
find_wine() { command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || command -v wine || true; }
wine=$(find_wine)
if [ -z "$wine" ]; then
    say "installing wine"
    apt_install --no-install-recommends wine64 wine >/dev/null 2>&1 || true
    wine=$(find_wine)
fi
if [ -z "$wine" ]; then
    say "SKIPPED the run under Wine: Wine is not installed and could not be installed (no network, apt or root); the .exe was built and linted, not run"
    exit 0
fi
version=$("$wine" --version 2>/dev/null | sed -n 's/^wine-\([0-9][0-9.]*\).*/\1/p')
say "running under $("$wine" --version 2>/dev/null) ($wine)"

t=$SECONDS
cargo build --locked --quiet
linux="$target/debug/provlog"
out=${WINDOWS_OUT:-$target/windows-smoke}
rm -rf "$out"
mkdir -p "$out/bin" "$out/linux" "$out/wine"
cp "$exe" "$out/bin/provlog.exe"
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
if [ -n "$version" ] && { [ "$major" -lt 8 ] || { [ "$major" -eq 8 ] && [ "${minor:-0}" -lt 13 ]; }; }; then
    say "Wine $version lacks ProcessPrng (added in 8.13): building the stand-in bcryptprimitives.dll from .ci/processprng.c, for this run only"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bin/bcryptprimitives.dll" .ci/processprng.c -ladvapi32
fi
export WINEPREFIX="$(cd "$target" && pwd)/wine-prefix"
export WINEDEBUG=-all
# No Mono or Gecko prompts; the stand-in DLL (when there is one) before any builtin.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
unset DISPLAY WAYLAND_DISPLAY
"$wine" cmd /c exit >/dev/null 2>&1 || true # create the prefix once, outside the timings
say "Wine prefix ready: $(elapsed $t)"

# The smoke set: one command per line in shell quoting, run by both binaries from the
# project folder with the same environment (no locale, no colour settings).
commands=$(mktemp)
trap 'rm -f "$commands"' EXIT
{
    echo "--version"
    for f in $(find fixtures -type f ! -name '*.md' | LC_ALL=C sort); do
        for format in table json ndjson csv markdown html; do
            echo "analyze $f --status all --format $format"
        done
    done
    echo "analyze fixtures/portal-csv"
    echo "analyze fixtures/graph --format json"
    echo "--lang ja analyze fixtures/portal-export.json"
    echo "--lang ja analyze fixtures/portal-export.json --format csv"
    echo "--table-style ascii analyze fixtures/portal-export.json"
    echo "show 06c7 fixtures/portal-export.json"
    echo "show 06c7 fixtures/portal-export.json --format markdown --redact"
    echo "show 06c7 fixtures/portal-export.json --format json"
    for format in table json ndjson csv markdown; do
        echo "diff fixtures/diff/old.json fixtures/diff/new.ndjson --format $format"
    done
    echo "--lang ja explain 'Another object with the same value for property proxyAddresses already exists.'"
    echo "--lang ja explain AADSTS7000222"
    echo "explain --format json SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering"
    echo "explain '???? ?????????'"
    for f in fixtures/console/*.csv; do
        for format in csv table json; do
            echo "explain --csv $f --format $format"
        done
        echo "--lang ja explain --csv $f"
    done
    echo "catalog list --system iij"
    echo "catalog export --format kql"
    echo "analyze fixtures/not-there.json"
} >"$commands"

clean_env() { env -u LANG -u LC_ALL -u LC_MESSAGES -u NO_COLOR -u COLUMNS "$@"; }
run_linux() { # n, args...
    local n=$1
    shift
    set +e
    clean_env "$linux" "$@" >"$out/linux/$n.out" 2>"$out/linux/$n.err" </dev/null
    echo $? >"$out/linux/$n.code"
    set -e
}
run_wine() { # n, args...
    local n=$1
    shift
    set +e
    clean_env "$wine" "$out/bin/provlog.exe" "$@" >"$out/wine/$n.out" 2>"$out/wine/$n.err" </dev/null
    echo $? >"$out/wine/$n.code"
    set -e
}
# `\` and `\\` (a path in JSON) read as `/`: the one difference allowed.
slashes() { sed 's#\\\\#/#g; s#\\#/#g' "$1"; }
# Prints same, slashes or differ for command n.
verdict() {
    local v=same part
    for part in out err code; do
        cmp -s "$out/linux/$1.$part" "$out/wine/$1.$part" && continue
        if cmp -s <(slashes "$out/linux/$1.$part") <(slashes "$out/wine/$1.$part"); then
            v=slashes
        else
            echo differ
            return
        fi
    done
    echo $v
}

t=$SECONDS
n=0 same=0 same_but_slashes=0 differ=0 retried=0
while read -r line; do
    n=$((n + 1))
    eval "args=($line)"
    echo "$line" >"$out/linux/$n.cmd"
    run_linux "$n" "${args[@]}"
    run_wine "$n" "${args[@]}"
    v=$(verdict "$n")
    if [ "$v" = differ ]; then
        # Wine 8.0 now and then reports a page fault while a process ends, after the
        # program has written everything (seen once in about 200 runs, never twice in a
        # row): one more run, said out loud, tells that from a real difference.
        first=$(head -c 200 "$out/wine/$n.err" | head -1)
        run_wine "$n" "${args[@]}"
        v=$(verdict "$n")
        if [ "$v" != differ ]; then
            retried=$((retried + 1))
            say "matched on a second run under Wine: provlog $line (first run's stderr: $first)"
        fi
    fi
    case $v in
    same) same=$((same + 1)) ;;
    slashes) same_but_slashes=$((same_but_slashes + 1)) ;;
    *)
        differ=$((differ + 1))
        say "DIFFERS: provlog $line"
        for part in out err code; do
            diff <(slashes "$out/linux/$n.$part") <(slashes "$out/wine/$n.$part") | head -10 || true
        done
        ;;
    esac
done <"$commands"
say "smoke set under Wine: $n commands, $same identical byte for byte, $same_but_slashes identical but for path separators (\\ for /), $differ different; $retried needed a second run ($(elapsed $t))"
[ "$differ" = 0 ] || fail "$differ command(s) print differently under Wine; outputs in $out"
# Only if the comparison can see a difference does "identical" mean anything.
[ "$(cat "$out/wine/1.out")" != "" ] || fail "the Windows binary printed nothing for --version"
grep -q '^provlog ' "$out/wine/1.out" || fail "the Windows binary's --version is not provlog's"

# 5. A Japanese Windows: Japanese without --lang, from the display language alone, and
# the CSV report with its byte-order mark. Wine takes its display language from LANG and
# also copies LANG into the program's environment, where provlog would find it first; cmd
# removes it there, so only the display language is left to go by.
# Wine's locale comes from the C library's, so ja_JP.UTF-8 is compiled into a folder of
# our own (LOCPATH) rather than installed system-wide.
t=$SECONDS
locales="$(cd "$target" && pwd)/locale"
if [ ! -f /usr/share/i18n/locales/ja_JP ]; then
    apt_install --no-install-recommends locales || true
fi
if ! { [ -d "$locales/ja_JP.UTF-8" ] || { mkdir -p "$locales" &&
    localedef -i ja_JP -f UTF-8 "$locales/ja_JP.UTF-8" >/dev/null 2>&1; }; }; then
    say "SKIPPED the Japanese Windows check: the ja_JP.UTF-8 locale could not be made (Debian's locales package); the smoke set above passed"
    say "PASSED"
    exit 0
fi
ja() {
    (cd "$out/bin" && env -u LC_ALL -u LC_MESSAGES LOCPATH="$locales" WINEPREFIX="$WINEPREFIX-ja" \
        LANG=ja_JP.UTF-8 "$wine" cmd /c "set LANG=&& set LC_ALL=&& set LC_MESSAGES=&& $*")
}
cp fixtures/portal-export.json "$out/bin/"
ja "exit" >/dev/null 2>&1 || true
ja "provlog.exe explain AADSTS7000222" >"$out/wine/ja-explain.out" 2>"$out/wine/ja-explain.err" || true
LANG=ja_JP.UTF-8 "$linux" explain AADSTS7000222 >"$out/linux/ja-explain.out" 2>&1 || true
ja "provlog.exe analyze portal-export.json --format csv" >"$out/wine/ja-analyze.csv" 2>&1 || true
if ! cmp -s "$out/linux/ja-explain.out" "$out/wine/ja-explain.out"; then
    diff "$out/linux/ja-explain.out" "$out/wine/ja-explain.out" | head -10 || true
    cat "$out/wine/ja-explain.err" >&2
    fail "under a Japanese Wine, provlog did not speak Japanese by default"
fi
env -u LANG -u LC_ALL -u LC_MESSAGES "$linux" explain AADSTS7000222 >"$out/linux/en-explain.out" 2>&1 || true
cmp -s "$out/linux/en-explain.out" "$out/wine/ja-explain.out" &&
    fail "the Japanese check cannot fail: the English and Japanese outputs are the same"
[ "$(head -c 3 "$out/wine/ja-analyze.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] ||
    fail "under a Japanese Wine, the CSV report has no byte-order mark (Excel would garble it)"
say "Japanese Windows (display language ja-JP, no LANG): Japanese output and a CSV with a BOM by default ($(elapsed $t))"
say "PASSED"
