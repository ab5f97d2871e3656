//! The ring's single-event hand-off at one producer with the two threads
//! pinned one per CPU: the producer on CPU 0, the consumer on CPU 1, the
//! placement of a service whose logging thread and writer run on their own
//! cores. The ring group (`ringlog-bench --group ring`) leaves placement to
//! the scheduler, and on this 2-vCPU guest it often packs producer and
//! consumer onto one CPU, where ringlog is at its fastest (docs/benchmarks.md,
//! "What the machine takes from a run"); this driver measures the other case
//! alone, against the `disruptor` crate's `Sleep(1 µs)` consumer (its
//! consumer thread pinned with the crate's own `pin_at_core`).
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench --example pinned_handoff [rounds]
//! ```
//!
//! Each round runs every contender once, in the same order, 4 M `u64` events
//! through a ring of 65 536 slots; the consumer checks it received every
//! event (the sum of `0..n`). Prints per contender the median (min–max)
//! throughput over the rounds and the consumer's mean run (events per
//! `consume` call; the disruptor: per batch its handler saw).

use ringlog_bench::driver::{median, push_and_time, rounds_arg};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const EVENTS: u64 = 1 << 22;
const CAPACITY: usize = 1 << 16;

/// Pins the calling thread to `cpus`.
fn pin(cpus: &[usize]) {
    assert!(
        ringlog_bench::sched::pin_to_cpus(cpus),
        "sched_setaffinity({cpus:?}) failed: is this a 2-CPU machine?"
    );
}

/// The sum of the events `0..EVENTS`, what every consumer must see.
const SUM: u64 = EVENTS * (EVENTS - 1) / 2;

/// One ringlog run: (M events/s, mean run length).
fn ringlog_run(wait: impl ringlog::WaitStrategy + 'static, evict: ringlog::Evict) -> (f64, f64) {
    pin(&[0, 1]);
    let (producer, mut consumer) = ringlog::RingBuilder::new(CAPACITY)
        .wait_strategy(wait)
        .evict_consumed(evict)
        .build::<u64>()
        .expect("ring");
    let consumer = std::thread::spawn(move || {
        pin(&[1]);
        let (mut got, mut calls, mut sum) = (0u64, 0u64, 0u64);
        while got < EVENTS {
            match consumer.consume(|e, _| sum = sum.wrapping_add(*e)) {
                Ok(n) => {
                    got += n as u64;
                    calls += 1;
                }
                Err(_) => break,
            }
        }
        assert_eq!((got, sum), (EVENTS, SUM), "ringlog: events lost or wrong");
        calls
    });
    pin(&[0]);
    // Let the consumer reach its CPU and start waiting.
    push_and_time(&producer, EVENTS, Duration::from_millis(5), consumer)
}

/// One run of the `disruptor` crate, multi-producer sequencer, `Sleep(1 µs)`
/// consumer pinned to CPU 1: (M events/s, mean batch).
fn disruptor_run() -> (f64, f64) {
    use disruptor::{ProcessorSettings, Producer};
    pin(&[0, 1]);
    let sum = Arc::new(AtomicU64::new(0));
    let batches = Arc::new(AtomicU64::new(0));
    let (sum_out, batches_out) = (Arc::clone(&sum), Arc::clone(&batches));
    let (mut got, mut total) = (0u64, 0u64);
    let handler = move |e: &u64, _seq: i64, end_of_batch: bool| {
        got += 1;
        total = total.wrapping_add(*e);
        if end_of_batch {
            batches_out.fetch_add(1, Ordering::Relaxed);
        }
        if got == EVENTS {
            // Release pairs with the producer thread's Acquire load below.
            sum_out.store(total, Ordering::Release);
        }
    };
    let wait = disruptor::Sleep::new(Duration::from_micros(1));
    let mut producer = disruptor::build_multi_producer(CAPACITY, || 0u64, wait)
        .pin_at_core(1)
        .handle_events_with(handler)
        .build();
    pin(&[0]);
    std::thread::sleep(Duration::from_millis(5));
    let start = Instant::now();
    for i in 0..EVENTS {
        producer.publish(|e| *e = i);
    }
    let deadline = start + Duration::from_secs(60);
    // Acquire pairs with the handler's Release store of the sum.
    while sum.load(Ordering::Acquire) == 0 {
        assert!(
            Instant::now() < deadline,
            "disruptor: consumer did not finish"
        );
        std::hint::spin_loop();
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(sum.load(Ordering::Acquire), SUM, "disruptor: wrong events");
    drop(producer);
    let batches = batches.load(Ordering::Relaxed).max(1);
    (EVENTS as f64 / secs / 1e6, EVENTS as f64 / batches as f64)
}

fn main() {
    let rounds = rounds_arg(5);
    type Run = Box<dyn Fn() -> (f64, f64)>;
    let contenders: Vec<(&str, Run)> = vec![
        (
            "ringlog Sleep push",
            Box::new(|| ringlog_run(ringlog::Sleep::default(), ringlog::Evict::Never)),
        ),
        (
            "ringlog Yield push",
            Box::new(|| ringlog_run(ringlog::Yield::default(), ringlog::Evict::Never)),
        ),
        (
            "ringlog Park push",
            Box::new(|| ringlog_run(ringlog::Park::default(), ringlog::Evict::Never)),
        ),
        (
            "ringlog Park push, Evict::Always",
            Box::new(|| ringlog_run(ringlog::Park::default(), ringlog::Evict::Always)),
        ),
        (
            "ringlog Park push, Evict::Adaptive",
            Box::new(|| ringlog_run(ringlog::Park::default(), ringlog::Evict::Adaptive)),
        ),
        ("disruptor Sleep(1us) publish", Box::new(disruptor_run)),
    ];
    let mut rates = vec![Vec::new(); contenders.len()];
    let mut runs = vec![Vec::new(); contenders.len()];
    for _ in 0..rounds {
        for (k, (_, run)) in contenders.iter().enumerate() {
            let (rate, run_length) = run();
            rates[k].push(rate);
            runs[k].push(run_length);
        }
    }
    println!("1 producer on CPU 0, consumer on CPU 1, {EVENTS} events, {rounds} rounds");
    for (k, (name, _)) in contenders.iter().enumerate() {
        let (lo, hi) = rates[k]
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        println!(
            "  {name:30} {:6.1} M/s ({lo:.1}-{hi:.1}), mean run {:.0}",
            median(&mut rates[k]),
            median(&mut runs[k])
        );
    }
}
