//! A small driver for counting the instructions of one log call under
//! callgrind (repeatable on a noisy machine, unlike timings):
//!
//! ```text
//! cargo build --profile bench -p ringlog-bench --example caller_profile
//! valgrind --tool=callgrind --toggle-collect='*caller_profile*calls*' \
//!     target/bench/examples/caller_profile log 100000
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>
//! ```
//!
//! The first argument picks the entry point (`log`: `Logger::info` with the
//! benchmarks' message; `literal`: `Logger::info` of a literal; `facade`:
//! `log::info!` through the `log` adapter; `macro`: `ringlog::info!`;
//! `raw`: `Logger::log_raw`; `empty`: nothing, the loop's own cost;
//! `tracing`: the tracing event through ringlog's `Layer`, see [`tracing_layer`]), the
//! second the number of calls. `names` is a timing instead (see [`names`]). The ring holds every call, so none waits for
//! the writer thread (a null sink); only the calls' thread is counted.

use ringlog::log::{Logger, LoggerBuilder};
use ringlog_bench::null_sink::NullSink;
use std::hint::black_box;

/// The measured loop (callgrind's `--toggle-collect` target).
#[inline(never)]
fn calls(n: u64, call: &dyn Fn(u64)) {
    for i in 0..n {
        call(black_box(i));
    }
}

/// Nanoseconds per call of 2 threads, named or not, each making `n` calls
/// of a literal `Logger::info` at once into an empty ring.
fn two_threads(logger: &Logger, named: bool, n: u64) -> f64 {
    logger.flush().expect("flush");
    let barrier = std::sync::Barrier::new(2);
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for t in 0..2 {
            let mut builder = std::thread::Builder::new();
            if named {
                builder = builder.name(format!("caller-{t}"));
            }
            let barrier = &barrier;
            builder
                .spawn_scoped(s, move || {
                    barrier.wait();
                    for _ in 0..n {
                        let _ = logger.info("bench", format_args!("a literal message"));
                    }
                })
                .expect("spawn");
        }
    });
    start.elapsed().as_nanos() as f64 / (2 * n) as f64
}

/// `names`: the cost of the thread name's reference count moving between
/// threads (a slot whose previous record came from another named thread
/// clones and drops an `Arc<str>`), named against unnamed threads,
/// interleaved rounds. A timing, not an instruction count: run it without
/// valgrind.
fn names(n: u64) {
    let (logger, guard) = LoggerBuilder::with_sink(NullSink)
        .capacity((2 * n as usize).next_power_of_two())
        .slot_size(64)
        .build()
        .expect("logger");
    let (mut named, mut unnamed) = (Vec::new(), Vec::new());
    for round in 0..11 {
        if round % 2 == 0 {
            named.push(two_threads(&logger, true, n));
            unnamed.push(two_threads(&logger, false, n));
        } else {
            unnamed.push(two_threads(&logger, false, n));
            named.push(two_threads(&logger, true, n));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "2 threads, ns per call, median of 11 rounds: named {:.1}, unnamed {:.1}",
        median(&mut named),
        median(&mut unnamed)
    );
    drop(guard);
}

/// `tracing`: the tracing contenders' event (`ringlog_bench::log::tracing_event`,
/// inside the span `request{t=0}`) through ringlog's `Layer` into a null
/// sink. The writer thread renders every event: run under callgrind with
/// `--separate-threads=yes` and no `--toggle-collect` to read both sides
/// (`calls` on the caller's thread, the layer's `render_line` on the
/// writer's), per event = inclusive count / `n`.
fn tracing_layer(n: u64, capacity: usize) {
    use tracing_subscriber::layer::SubscriberExt as _;
    let (layer, guard) =
        ringlog::tracing::Layer::new(LoggerBuilder::with_sink(NullSink).capacity(capacity))
            .expect("layer");
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer));
    tracing::dispatcher::with_default(&dispatch, || {
        let span = tracing::info_span!("request", t = 0u64);
        let _entered = span.enter();
        let call = |i| ringlog_bench::log::tracing_event(i);
        calls(16, &call);
        calls(n, &call);
    });
    drop(guard);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "log".into());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    if which == "names" {
        return names(n);
    }
    let capacity = (2 * n as usize).next_power_of_two().max(1024);
    let (logger, guard) = LoggerBuilder::with_sink(NullSink)
        .capacity(capacity)
        .build()
        .expect("logger");
    let payload: &str = ringlog_bench::log::PAYLOAD;
    let call: Box<dyn Fn(u64)> = match which.as_str() {
        "log" => Box::new(|i| {
            let _ = logger.info("bench", format_args!("t={} i={} {}", 0u64, i, payload));
        }),
        "literal" => Box::new(|_| {
            let _ = logger.info(
                "bench",
                format_args!("a literal message of some forty bytes"),
            );
        }),
        "facade" => {
            log::set_boxed_logger(Box::new(logger.clone())).expect("log logger");
            log::set_max_level(log::LevelFilter::Trace);
            Box::new(|i| log::info!(target: "bench", "t={} i={} {}", 0u64, i, payload))
        }
        "macro" => Box::new(|i| {
            ringlog::info!(logger: &logger, target: "bench", "t={} i={} {}", 0u64, i, payload);
        }),
        "raw" => Box::new(|_| {
            let _ = logger.log_raw(
                ringlog::log::Level::Info,
                b"2026-11-21T20:03:16.123456789Z INFO  [bench-0#2] bench: t=0 i=1 user=42\n",
            );
        }),
        "empty" => Box::new(|i| {
            black_box(i);
        }),
        "tracing" => return tracing_layer(n, capacity),
        other => panic!("unknown entry point {other:?}"),
    };
    // Warm-up outside the counted loop: the thread's id, scratch buffer.
    calls(16, &*call);
    calls(n, &*call);
    drop(guard);
}
