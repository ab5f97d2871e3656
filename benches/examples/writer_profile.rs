//! A small driver for counting the writer thread's instructions per record
//! under callgrind (the other side of `caller_profile.rs`):
//!
//! ```text
//! cargo build --profile bench -p ringlog-bench --example writer_profile
//! valgrind --tool=callgrind --toggle-collect='*State::render_run*' \
//!     target/bench/examples/writer_profile macro 100000
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>
//! ```
//!
//! Per record = the inclusive count of `render_run` / `n` (the gate below
//! makes the writer render the records in full runs, so a run's own cost is
//! spread over ~2,000 records).
//!
//! The first argument picks the record (`macro`: `ringlog::info!` of the
//! benchmarks' workload line, 2 integers and a short string; `log`:
//! `Logger::info` of the same line, formatted in the caller; `json-macro`
//! and `json-log`: the same in the JSON format), the second the number of
//! records. The records are logged from a thread named `bench-0` into a ring
//! that holds them all, while the writer thread is held in its first sink
//! write (a gate); then the gate opens and the writer renders the rest into
//! a null sink.

use ringlog::log::{Format, LoggerBuilder, Sink};
use ringlog_bench::log::{PAYLOAD, TARGET};
use std::hint::black_box;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A null sink whose first write waits until `open` is set (at most 60 s),
/// so the records logged meanwhile pile up in the ring.
struct GateSink {
    open: Arc<AtomicBool>,
}

impl Sink for GateSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        // Acquire: pairs with the Release store in `main` once every record
        // is logged (only a gate: nothing else is published through it).
        while !self.open.load(Ordering::Acquire) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        black_box(bytes);
        Ok(())
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "macro".into());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let (json, deferred) = match which.as_str() {
        "macro" => (false, true),
        "log" => (false, false),
        "json-macro" => (true, true),
        "json-log" => (true, false),
        other => panic!("unknown record {other:?}"),
    };
    let open = Arc::new(AtomicBool::new(false));
    let sink = GateSink {
        open: Arc::clone(&open),
    };
    let (logger, guard) = LoggerBuilder::with_sink(sink)
        .capacity((2 * n as usize).next_power_of_two().max(1024))
        .format(if json { Format::Json } else { Format::Text })
        .build()
        .expect("logger");
    std::thread::Builder::new()
        .name("bench-0".into())
        .spawn(move || {
            let t = 0usize;
            for i in 0..n {
                let i = black_box(i);
                if deferred {
                    let payload: &str = PAYLOAD;
                    ringlog::info!(logger: &logger, target: "bench", "t={} i={} {}", t, i, payload);
                } else {
                    logger
                        .info(TARGET, format_args!("t={t} i={i} {PAYLOAD}"))
                        .expect("log");
                }
            }
        })
        .expect("spawn")
        .join()
        .expect("logging thread");
    // Release: pairs with the gate's Acquire load.
    open.store(true, Ordering::Release);
    guard.shutdown().expect("shutdown");
}
