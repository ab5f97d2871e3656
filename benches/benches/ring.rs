//! Ring throughput: ringlog (each wait strategy, single-event and batch-of-16
//! publish) against crossbeam-channel, std mpsc, flume and the `disruptor`
//! crate, u64 events, capacity 65536, at 1, 2 and 4 producers (4 is more
//! threads than the 2 cores of the reference machine).
//!
//! Every iteration verifies its own result (count and per-producer order) and
//! panics if the check fails. Every iteration is bounded: producers stop after
//! `LIMIT`; such a *time-limited* iteration is reported on stderr and counted
//! at its measured rate (its time is scaled up to the full event count). A run
//! still unfinished `HARD_LIMIT` after that aborts the whole bench with a
//! message naming the contender, rather than hanging.
//!
//! `cargo bench -p ringlog-bench --bench ring` runs it all (a few minutes);
//! the bench tool (`cargo run --profile bench -p ringlog-bench -- --group
//! ring`) runs the same workloads interleaved and writes tables and plots.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use ringlog_bench::ring::{self as support, Contender, Outcome, CONTENDERS, PRODUCER_COUNTS};
use ringlog_bench::watchdog::watchdog;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Events per iteration (a multiple of 4 producers × 16).
const EVENTS: u64 = 1 << 19;
/// Producers stop after this long (per iteration).
const LIMIT: Duration = Duration::from_millis(500);
/// Extra time before an unfinished iteration aborts the bench.
const HARD_LIMIT: Duration = Duration::from_secs(20);

static TIME_LIMITED_NOTED: AtomicBool = AtomicBool::new(false);

/// One run on its own thread, with a watchdog: a failed check panics, a hang
/// aborts the process loudly.
fn guarded_run(contender: &'static Contender, producers: usize) -> Outcome {
    let what = format!(
        "{} with {producers} producers (producers stop after {LIMIT:?})",
        contender.label
    );
    let outcome = watchdog(&what, LIMIT + HARD_LIMIT, move || {
        support::run(contender, producers, EVENTS, LIMIT)
    });
    if outcome.time_limited() && !TIME_LIMITED_NOTED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "\nnote: {what} hit the time limit ({} of {} events); time-limited \
             iterations are counted at their measured rate (further notes suppressed)",
            outcome.delivered, outcome.requested
        );
    }
    outcome
}

fn ring(c: &mut Criterion) {
    support::checker_self_test();
    for producers in PRODUCER_COUNTS {
        let name = if producers > 2 {
            format!("ring/{producers} producers (more threads than cores)")
        } else {
            format!("ring/{producers} producers")
        };
        let mut group = c.benchmark_group(name);
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .throughput(Throughput::Elements(EVENTS));
        for contender in CONTENDERS {
            group.bench_with_input(
                BenchmarkId::from_parameter(contender.label),
                &producers,
                |b, &producers| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| guarded_run(contender, producers).scaled_elapsed())
                            .sum()
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, ring);
criterion_main!(benches);
