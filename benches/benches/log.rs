//! Logging end to end: ~110-byte lines from 1, 2 and 4 threads into a real
//! file in a temporary directory: ringlog (`Logger::log`, Block policy)
//! against tracing-appender `non_blocking` in lossless mode, a
//! `Mutex<BufWriter<File>>`, and the limit (one thread formatting and writing
//! the same lines through one `BufWriter`). Then the latency of one log call
//! (ringlog vs tracing-appender, paced bursts), printed as hdrhistogram
//! percentiles. The same for the `tracing` contenders (the event
//! `info!(id, bytes, route, "request done")` inside one span): ringlog's
//! `Layer` against fmt over tracing-appender `non_blocking` (lossless) and
//! fmt over ringlog's `MakeWriter`.
//!
//! Every iteration reads its file back and checks it (every thread's lines
//! present once, in order, counts exact) and panics if the check fails. Every
//! iteration is bounded: threads stop after `LIMIT`; a run still unfinished
//! `HARD_LIMIT` after that aborts the bench with a message naming the
//! contender, rather than hanging.
//!
//! Last, the caller's cost of one log call through the deferred-formatting
//! macro (`ringlog::info!`), `Logger::info(format_args!(..))` and `log::info!`
//! (the `log` adapter) for the same message, into a sink that discards (so the writer keeps up and the
//! caller's work is what is timed): interleaved rounds, each timing a chunk
//! of calls into an empty ring, printed as medians (not a criterion
//! measurement, like the latency runs).
//!
//! `cargo bench -p ringlog-bench --bench log`; the bench tool (`cargo run
//! --profile bench -p ringlog-bench -- --group log`) runs the same workloads
//! interleaved, in child processes, and writes tables and plots.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use ringlog::log::{Logger, LoggerBuilder};
use ringlog_bench::log::{self as support, Contender, Hooks, Outcome, CONTENDERS, THREAD_COUNTS};
use ringlog_bench::null_sink::NullSink;
use ringlog_bench::watchdog::watchdog;
use std::hint::black_box;
use std::time::{Duration, Instant};

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

/// Latency is not a criterion measurement: each run's percentiles are
/// printed, net of the timer's own cost (an empty timed region beside each
/// call, its median subtracted).
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
                "  {:<44} {threads} threads: p50 {:>6}  p99 {:>7}  p99.9 {:>8}  max {:>9}  \
                 (net of the timer: {} ns)",
                contender.label,
                h.net(0.5),
                h.net(0.99),
                h.net(0.999),
                h.net(1.0),
                h.timer_ns()
            );
        }
    }
}

/// Calls per timed chunk (fits the ring, so no call waits for room).
const CHUNK: u64 = 16 * 1024;
/// Interleaved rounds of the caller-cost measurement.
const ROUNDS: usize = 41;

/// Nanoseconds per call of `CHUNK` calls of `call` into an empty ring
/// (flushed, untimed, first).
fn ns_per_call(logger: &Logger, round: usize, call: impl Fn(u64)) -> f64 {
    logger.flush().expect("flush");
    let base = (round as u64) * CHUNK;
    let start = Instant::now();
    for i in base..base + CHUNK {
        call(black_box(i));
    }
    start.elapsed().as_nanos() as f64 / CHUNK as f64
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// What one log call costs its caller, for the message of the throughput
/// runs (`t=.. i=.. payload`: two integers and a string): the deferred
/// macro, `Logger::info(format_args!(..))` and `log::info!` through the
/// `log` adapter, interleaved round by round (the order rotates; the machine
/// is shared and noisy), printed as medians and minimums, and the median of
/// the per-round ratios to `Logger::info`. Not a criterion measurement.
fn caller_cost(_: &mut Criterion) {
    let (logger, guard) = LoggerBuilder::with_sink(NullSink)
        .capacity(2 * CHUNK as usize)
        .build()
        .expect("logger");
    // The `log` crate's records from this thread go to this logger.
    support::route_log_facade(Some(logger.clone()));
    let payload: &str = support::PAYLOAD;
    let macro_call = |i: u64| {
        ringlog::info!(logger: &logger, target: "bench", "t={} i={} {}", 0u64, i, payload);
    };
    let log_call = |i: u64| {
        let _ = logger.info("bench", format_args!("t={} i={} {}", 0u64, i, payload));
    };
    let facade_call = |i: u64| log::info!(target: "bench", "t={} i={} {}", 0u64, i, payload);
    let calls: Vec<(&str, &dyn Fn(u64))> = vec![
        ("ringlog::info! (deferred)", &macro_call),
        ("Logger::info(format_args!)", &log_call),
        ("log::info! (log adapter)", &facade_call),
    ];
    // Warm-up: thread id, scratch buffer, caches.
    for (_, call) in &calls {
        ns_per_call(&logger, 0, call);
    }
    let mut times = vec![Vec::new(); calls.len()];
    let mut ratios = vec![Vec::new(); calls.len()];
    for round in 0..ROUNDS {
        let mut this_round = vec![0.0; calls.len()];
        // Rotate which goes first.
        for k in 0..calls.len() {
            let j = (round + k) % calls.len();
            this_round[j] = ns_per_call(&logger, round, calls[j].1);
        }
        for (j, ns) in this_round.iter().enumerate() {
            times[j].push(*ns);
            ratios[j].push(ns / this_round[1]);
        }
    }
    // The minimum round is the least disturbed by other processes (the
    // machine is shared); the median says what a typical round cost.
    println!(
        "\nlog-call caller cost, ns per call (null sink, {ROUNDS} interleaved rounds of {CHUNK} calls):"
    );
    for (j, (label, _)) in calls.iter().enumerate() {
        println!(
            "  {label:<28} median {:>7.1}  min {:>7.1}  ÷ Logger::info: median of per-round ratios {:.2}",
            median(&times[j]),
            min(&times[j]),
            median(&ratios[j])
        );
    }
    support::route_log_facade(None);
    drop(guard);
}

criterion_group!(benches, throughput, latency, caller_cost);
criterion_main!(benches);
