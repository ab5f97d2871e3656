//! Logging end to end: ~110-byte lines from 1, 2 and 4 threads into a real
//! file in a temporary directory: ringlog (`Logger::log`, Block policy)
//! against tracing-appender `non_blocking` in lossless mode, a
//! `Mutex<BufWriter<File>>`, and the limit (one thread formatting and writing
//! the same lines through one `BufWriter`). Then the latency of one log call
//! (ringlog vs tracing-appender, paced bursts), printed as hdrhistogram
//! percentiles.
//!
//! Every iteration reads its file back and checks it (every thread's lines
//! present once, in order, counts exact) and panics if the check fails. Every
//! iteration is bounded: threads stop after `LIMIT`; a run still unfinished
//! `HARD_LIMIT` after that aborts the bench with a message naming the
//! contender, rather than hanging.
//!
//! `cargo bench -p ringlog-bench --bench log`; the bench tool (`cargo run
//! --profile bench -p ringlog-bench -- --group log`) runs the same workloads
//! interleaved, in child processes, and writes tables and plots.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use ringlog_bench::log::{self as support, Contender, Hooks, Outcome, CONTENDERS, THREAD_COUNTS};
use ringlog_bench::watchdog::watchdog;
use std::time::Duration;

/// Lines per iteration (a multiple of 4 threads).
const RECORDS: u64 = 1 << 18;
/// Lines per latency run.
const LATENCY_RECORDS: u64 = 1 << 15;
/// Threads stop after this long (per iteration).
const LIMIT: Duration = Duration::from_secs(2);
/// Extra time before an unfinished iteration aborts the bench.
const HARD_LIMIT: Duration = Duration::from_secs(20);

/// One checked run on its own thread, with a watchdog: a failed check
/// panics, a hang aborts the process loudly.
fn guarded_run(
    contender: &'static Contender,
    threads: usize,
    records: u64,
    latency: bool,
) -> Outcome {
    let what = format!("{} with {threads} threads", contender.label);
    let outcome = watchdog(&what, LIMIT + HARD_LIMIT, move || {
        support::run(contender, threads, records, LIMIT, latency, Hooks::NONE)
    });
    if outcome.time_limited() {
        eprintln!(
            "\nnote: {what} hit the {LIMIT:?} time limit ({} of {} lines; counted at its \
             measured rate)",
            outcome.delivered, outcome.requested
        );
    }
    outcome
}

fn throughput(c: &mut Criterion) {
    support::checker_self_test();
    for threads in THREAD_COUNTS {
        let name = if threads > 2 {
            format!("log/{threads} threads (more threads than cores)")
        } else {
            format!("log/{threads} threads")
        };
        let mut group = c.benchmark_group(name);
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Elements(RECORDS));
        for contender in CONTENDERS {
            group.bench_with_input(
                BenchmarkId::from_parameter(contender.label),
                &threads,
                |b, &threads| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| {
                                guarded_run(contender, threads, RECORDS, false).scaled_elapsed()
                            })
                            .sum()
                    })
                },
            );
        }
        group.finish();
    }
}

/// Latency is not a criterion measurement: each run's histogram is printed.
fn latency(_: &mut Criterion) {
    println!(
        "\nlog-call latency, ns (paced: bursts of {} calls, {:?} apart):",
        support::BURST,
        support::PAUSE
    );
    for threads in THREAD_COUNTS {
        for contender in CONTENDERS.iter().filter(|c| c.latency) {
            let outcome = guarded_run(contender, threads, LATENCY_RECORDS * threads as u64, true);
            let h = outcome.latency.expect("latency run has a histogram");
            println!(
                "  {:<40} {threads} threads: p50 {:>6}  p99 {:>7}  p99.9 {:>8}  max {:>9}",
                contender.label,
                h.value_at_quantile(0.5),
                h.value_at_quantile(0.99),
                h.value_at_quantile(0.999),
                h.max()
            );
        }
    }
}

criterion_group!(benches, throughput, latency);
criterion_main!(benches);
