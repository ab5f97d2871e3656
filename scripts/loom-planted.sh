#!/usr/bin/env bash
# Shows that the loom models bite: rebuilds them with a bug planted in the
# ring (`--cfg ringlog_planted_bug="<bug>"`, see src/ring/sequencer.rs), runs
# every model on its own, and requires that at least one fails. Prints, per
# bug, which models failed and loom's first complaint.
#
#   scripts/loom-planted.sh [bug...]   (default: all seven)
#
# Each model runs in its own process: a loom failure unwinds the model while
# its other threads are mid-flight, whose destructors then panic and abort the
# process, which would hide the results of the other models in the binary.
# Not part of CI (about 10 minutes on 2 cores); results are in docs/design.md.
# Target directory: $RINGLOG_PLANTED_TARGET_DIR, default target/loom-planted.
set -uo pipefail
cd "$(dirname "$0")/.."

bugs=("$@")
if [ ${#bugs[@]} -eq 0 ]; then
    bugs=(publish_relaxed release_relaxed no_consumer_wake no_producer_wake cache_relaxed no_abandon release_ahead)
fi

export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export RUST_BACKTRACE=0
status=0
for bug in "${bugs[@]}"; do
    echo "=== planted bug: $bug"
    export RUSTFLAGS="--cfg loom --cfg ringlog_planted_bug=\"$bug\""
    export CARGO_TARGET_DIR="${RINGLOG_PLANTED_TARGET_DIR:-target/loom-planted}"
    if ! cargo test -q -p loom-tests --release --no-run 2>/dev/null; then
        echo "build failed"; status=1; continue
    fi
    failed=0
    for bin in $(cargo test -q -p loom-tests --release --no-run --message-format=json 2>/dev/null \
        | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | grep -v '/loom_tests-'); do
        for t in $("$bin" --list 2>/dev/null | sed -n 's/: test$//p'); do
            start=$(date +%s)
            out=$(timeout 300 "$bin" --exact "$t" --test-threads=1 2>&1)
            rc=$?
            secs=$(( $(date +%s) - start ))
            if [ $rc -eq 0 ]; then
                printf '  pass  %-45s %4ss\n' "$t" "$secs"
            else
                failed=$((failed + 1))
                why=$(printf '%s\n' "$out" | grep -m1 -A1 'panicked at' | tail -1 | cut -c1-150)
                [ $rc -eq 124 ] && why="(timed out after 300 s)"
                printf '  FAIL  %-45s %4ss  %s\n' "$t" "$secs" "$why"
            fi
        done
    done
    if [ $failed -eq 0 ]; then
        echo "  !! no model caught planted bug $bug"
        status=1
    else
        echo "  caught: $failed model(s) failed"
    fi
done
exit $status
