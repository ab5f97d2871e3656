//! One producer against ring size, a setting off and on: the measurements
//! behind `MIN_SLEEP_BATCH` in `src/ring/linger.rs` (`linger`) and behind the
//! default of `RingBuilder::evict_consumed` (`evict`).
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench --example capacity_sweep [rounds] [linger|evict]
//! ```
//!
//! For each capacity from 256 to 262 144 slots, runs one producer pushing 2 M
//! `u64` events to a `Park` consumer, alternately with each setting:
//! - `linger` (the default): the linger sleep off
//!   (`RingBuilder::linger(Duration::ZERO)`) and at its default;
//! - `evict`: `Evict::Never`, `Evict::Always` and `Evict::Adaptive`.
//!
//! Prints the median throughput and the consumer's median mean run (events
//! per `consume` call) of each. Every run checks that every event arrived,
//! in order. Placement is left to the scheduler.

use ringlog::{Evict, RingBuilder};
use ringlog_bench::driver::{median, push_and_time, rounds_arg};
use std::time::Duration;

const EVENTS: u64 = 2_000_000;

/// A setting under test: a name, and what it does to the builder.
type Setting = (&'static str, fn(RingBuilder) -> RingBuilder);

/// (Eviction fixed off, as when `MIN_SLEEP_BATCH` was measured.)
const LINGER: &[Setting] = &[
    ("sleep off", |b| {
        b.linger(Duration::ZERO).evict_consumed(Evict::Never)
    }),
    ("default sleep", |b| b.evict_consumed(Evict::Never)),
];

const EVICT: &[Setting] = &[
    ("Never", |b| b.evict_consumed(Evict::Never)),
    ("Always", |b| b.evict_consumed(Evict::Always)),
    ("Adaptive", |b| b.evict_consumed(Evict::Adaptive)),
];

/// One run: (M events/s, mean run).
fn run(capacity: usize, setting: fn(RingBuilder) -> RingBuilder) -> (f64, f64) {
    let builder = setting(RingBuilder::new(capacity).wait_strategy(ringlog::Park::default()));
    let (producer, mut consumer) = builder.build::<u64>().expect("ring");
    let reader = std::thread::spawn(move || {
        let (mut next, mut calls) = (0u64, 0u64);
        while next < EVENTS {
            let read = consumer.consume(|e, _| {
                assert_eq!(*e, next, "lost or out of order");
                next += 1;
            });
            if read.is_err() {
                break;
            }
            calls += 1;
        }
        assert_eq!(next, EVENTS, "events lost");
        calls
    });
    push_and_time(&producer, EVENTS, Duration::from_millis(2), reader)
}

fn main() {
    let rounds = rounds_arg(5);
    let settings = match std::env::args().nth(2).as_deref() {
        None | Some("linger") => LINGER,
        Some("evict") => EVICT,
        Some(other) => {
            eprintln!("unknown setting {other}: linger or evict");
            std::process::exit(2);
        }
    };
    println!(
        "1 producer, Park, {EVENTS} events, {rounds} rounds: median M events/s (median mean run)"
    );
    for capacity in [256usize, 1024, 4096, 16_384, 65_536, 262_144] {
        let mut rates = vec![Vec::new(); settings.len()];
        let mut lengths = vec![Vec::new(); settings.len()];
        for _ in 0..rounds {
            for (k, (_, setting)) in settings.iter().enumerate() {
                let (rate, length) = run(capacity, *setting);
                rates[k].push(rate);
                lengths[k].push(length);
            }
        }
        let cells: Vec<String> = settings
            .iter()
            .enumerate()
            .map(|(k, (name, _))| {
                format!(
                    "{name} {:6.1} ({:5.0})",
                    median(&mut rates[k]),
                    median(&mut lengths[k])
                )
            })
            .collect();
        println!("  {capacity:6} slots: {}", cells.join(" | "));
    }
}
