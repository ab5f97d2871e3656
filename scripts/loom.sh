#!/usr/bin/env bash
# Runs the loom models (loom-tests/tests/*.rs) the way CI does.
#
#   scripts/loom.sh [extra cargo test args...]
#
# Release build with debug assertions kept, preemption bound 2, and a target
# directory of its own: `--cfg loom` changes RUSTFLAGS, which would otherwise
# invalidate the normal build's artifacts on every switch.
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="--cfg loom ${RINGLOG_EXTRA_RUSTFLAGS:-}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/loom}"

exec timeout "${LOOM_TIMEOUT:-1200}" cargo test -p loom-tests --release "$@"
