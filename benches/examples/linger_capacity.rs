//! The consumer's linger sleep against ring size, one producer: the
//! measurement behind `MIN_SLEEP_BATCH` in `src/ring/linger.rs`.
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench --example linger_capacity [rounds]
//! ```
//!
//! For each capacity from 256 to 65 536 slots, runs one producer pushing 2 M
//! `u64` events to a `Park` consumer, with the linger sleep off
//! (`RingBuilder::linger(Duration::ZERO)`) and at its default, alternately;
//! prints the median throughput and the consumer's median mean run
//! (events per `consume` call) of each. Every run checks that every event
//! arrived, in order. Placement is left to the scheduler.

use ringlog_bench::driver::{median, push_and_time, rounds_arg};
use std::time::Duration;

const EVENTS: u64 = 2_000_000;

/// One run: (M events/s, mean run).
fn run(capacity: usize, linger: Option<Duration>) -> (f64, f64) {
    let mut builder = ringlog::RingBuilder::new(capacity).wait_strategy(ringlog::Park::default());
    if let Some(linger) = linger {
        builder = builder.linger(linger);
    }
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
    println!(
        "1 producer, Park, {EVENTS} events, {rounds} rounds: median M events/s (median mean run)"
    );
    for capacity in [256usize, 1024, 4096, 16_384, 65_536] {
        let (mut off, mut on) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
        for _ in 0..rounds {
            let (rate, length) = run(capacity, Some(Duration::ZERO));
            off.0.push(rate);
            off.1.push(length);
            let (rate, length) = run(capacity, None);
            on.0.push(rate);
            on.1.push(length);
        }
        println!(
            "  {capacity:6} slots: sleep off {:6.1} ({:5.0}) | default sleep {:6.1} ({:5.0})",
            median(&mut off.0),
            median(&mut off.1),
            median(&mut on.0),
            median(&mut on.1)
        );
    }
}
