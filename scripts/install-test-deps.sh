#!/usr/bin/env bash
# Installs the programs the tests run besides cargo: Debian's `logrotate`
# (tests/log/logrotate.rs runs it against a live logger). Does nothing when it
# is already there. Uses apt-get, through sudo unless run as root.
set -euo pipefail

have_logrotate() {
    command -v logrotate >/dev/null 2>&1 || [ -x /usr/sbin/logrotate ] || [ -x /sbin/logrotate ]
}

if have_logrotate; then
    echo "logrotate: present"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: logrotate is missing and apt-get is not available: install logrotate by hand" >&2
    exit 1
fi
sudo=
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq logrotate >/dev/null
have_logrotate
echo "logrotate: installed ($(logrotate --version 2>&1 | head -1 || true))"
