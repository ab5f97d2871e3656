#!/usr/bin/env bash
# Runs the ring's unit tests and integration tests (tests/ring/) under
# Miri with strict provenance, installing the nightly components it needs.
#
#   scripts/miri.sh
#
# Not run under Miri, and why:
# - doctests, and the logging backend's unit tests (src/log) and tests
#   (tests/log/, tests/process/): not the ring, and they read the wall clock
#   (`SystemTime::now`), which Miri's isolation refuses;
# - tests/ring/prop_*.rs: proptest is far too slow under Miri (the modules are
#   `#[cfg(not(miri))]`, so they compile to nothing there);
# - exactly_once::capacity_65536: a 65536-slot ring and 65536+ events per
#   producer count would take hours in the interpreter; capacities 1, 2 and 64
#   cover the same code;
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || true
rustup component add --toolchain nightly miri rust-src >/dev/null
cargo +nightly miri setup >/dev/null

export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
run() {
    local start=$SECONDS
    timeout 900 cargo +nightly miri test -q -p ringlog "$@"
    echo "  (miri $*: $((SECONDS - start)) s)"
}

run --lib -- ring:: wait:: sync::
run --test ring -- --skip capacity_65536
