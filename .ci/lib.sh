# shellcheck shell=bash
# Shared by the CI scripts that install what they need from the system packages
# (.ci/windows.sh, tests/browser.sh, tests/kql.sh): source it, do not run it.

# Runs a command as root: directly when we are root, else through passwordless sudo;
# fails when neither is possible.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

# Installs Debian packages (options such as --no-install-recommends may come first),
# refreshing the package lists once per script; fails without apt-get, root or network.
apt_updated=false
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    if ! $apt_updated; then
        as_root apt-get update -qq >/dev/null || return 1
        apt_updated=true
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
