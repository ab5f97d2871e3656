//! The latency of a log call by its position in a paced burst: the first
//! call after the pause, the second, and the rest, each against the same
//! pacing with no logger at all (`nop`: an empty call; `fmt`: `write!` of the
//! same line into a reused `String`, what a caller that formats does at
//! least).
//!
//! The log group's latency runs pace calls in bursts of 32 every 250 µs, so
//! one call in 32 (3.1%) is the first after a sleep: the p99 of a run is a
//! percentile of the *first* calls. This driver shows how much of that is
//! the pause itself (caches and TLB of a thread that slept while the writer
//! thread ran) rather than the log call:
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench --example burst_position -- macro
//! ```
//!
//! Modes: `nop`, `fmt`, `macro` (`ringlog::info!` with a logger), `log`
//! (`Logger::info`); a second argument `spin` makes the pause a busy wait
//! instead of a sleep (the thread keeps its core and its caches). Each runs 3 s of bursts, one thread, into a file under
//! the temporary directory, and prints gross percentiles (the timer
//! included) per position and the whole run's p50/p99 net of the timer, as
//! the bench tool computes them.

use ringlog::log::LoggerBuilder;
use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

const BURST: usize = 32;
const PAUSE: Duration = Duration::from_micros(250);
const PAYLOAD: &str = "user=42 action=checkout total=99.95 ok";

fn percentile(v: &mut [u64], q: f64) -> u64 {
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * q) as usize]
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "macro".into());
    let spin = std::env::args().nth(2).is_some_and(|a| a == "spin");
    if !["nop", "fmt", "macro", "log"].contains(&mode.as_str()) {
        eprintln!("usage: burst_position nop|fmt|macro|log [spin]");
        std::process::exit(2);
    }
    let dir = std::env::temp_dir().join(format!("ringlog-burst-position-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let (logger, guard) = LoggerBuilder::new(dir.join("burst.log"))
        .build()
        .expect("logger");
    let mut line = String::with_capacity(256);
    // Every call's latency by its position in the burst, and the empty
    // timed region.
    let mut at: Vec<Vec<u64>> = vec![Vec::new(); BURST];
    let mut timer = Vec::new();
    let end = Instant::now() + Duration::from_secs(3);
    let mut i = 0u64;
    while Instant::now() < end {
        if spin {
            let until = Instant::now() + PAUSE;
            while Instant::now() < until {
                std::hint::spin_loop();
            }
        } else {
            std::thread::sleep(PAUSE);
        }
        for position in &mut at {
            let start = Instant::now();
            match mode.as_str() {
                "nop" => {
                    black_box(i);
                }
                "fmt" => {
                    line.clear();
                    let _ = write!(line, "t={} i={} {}", 0, i, PAYLOAD);
                    black_box(&line);
                }
                "log" => {
                    let _ = logger.info("bench", format_args!("t={} i={} {}", 0, i, PAYLOAD));
                }
                _ => {
                    ringlog::info!(logger: &logger, target: "bench", "t={} i={} {}", 0, i, PAYLOAD)
                }
            }
            let call = start.elapsed().as_nanos() as u64;
            let start = Instant::now();
            timer.push(start.elapsed().as_nanos() as u64);
            position.push(call);
            i += 1;
        }
    }
    let timer_ns = percentile(&mut timer, 0.5);
    let pause = if spin { "spinning" } else { "sleeping" };
    println!(
        "{mode}: {i} calls in bursts of {BURST}, {pause} {PAUSE:?} between; timer {timer_ns} ns"
    );
    let rest: Vec<u64> = at[2..].concat();
    for (name, mut v) in [
        ("first", at[0].clone()),
        ("second", at[1].clone()),
        ("rest", rest),
    ] {
        let v = &mut v;
        println!(
            "  {name:6} p50 {:5}  p90 {:5}  p99 {:5}  p99.9 {:6} ns (gross)",
            percentile(v, 0.5),
            percentile(v, 0.9),
            percentile(v, 0.99),
            percentile(v, 0.999)
        );
    }
    let p90: Vec<String> = at
        .iter_mut()
        .map(|v| percentile(v, 0.9).to_string())
        .collect();
    println!("  p90 by position (gross): {}", p90.join(" "));
    let mut all: Vec<u64> = at.concat();
    let (p50, p99) = (percentile(&mut all, 0.5), percentile(&mut all, 0.99));
    println!(
        "  all    p50 {} ns, p99 {} ns net of the timer",
        p50.saturating_sub(timer_ns),
        p99.saturating_sub(timer_ns)
    );
    logger.flush().expect("flush");
    drop(logger);
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
