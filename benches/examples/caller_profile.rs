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
//! `raw`: `Logger::log_raw`; `empty`: nothing, the loop's own cost), the
//! second the number of calls. The ring holds every call, so none waits for
//! the writer thread (a null sink); only the calls' thread is counted.

use ringlog::log::LoggerBuilder;
use ringlog_bench::null_sink::NullSink;
use std::hint::black_box;

/// The measured loop (callgrind's `--toggle-collect` target).
#[inline(never)]
fn calls(n: u64, call: &dyn Fn(u64)) {
    for i in 0..n {
        call(black_box(i));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "log".into());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
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
        other => panic!("unknown entry point {other:?}"),
    };
    // Warm-up outside the counted loop: the thread's id, scratch buffer.
    calls(16, &*call);
    calls(n, &*call);
    drop(guard);
}
