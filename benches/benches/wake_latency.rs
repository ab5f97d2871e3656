//! What a producer pays for the consumer's way of waiting.
//!
//! One producer publishes an event every `gap` (paced, so the consumer keeps
//! catching up and going back to waiting), and times each `push`. With
//! [`Park`], a consumer that has parked must be woken by the next publish: the
//! producer pays a mutex and a futex wake inside `push`. With [`Sleep`] and
//! [`Yield`] it never does (Yield instead keeps a core busy while idle).
//!
//! ```text
//! cargo bench -p ringlog-bench --bench wake_latency
//! ```
//!
//! Prints, per gap and strategy, the median over rounds of each percentile of
//! the `push` latency. Every run checks that the consumer received every event.

use ringlog::{Park, RingBuilder, Sleep, WaitStrategy, Yield};
use std::time::{Duration, Instant};

const EVENTS: usize = 20_000;
const ROUNDS: usize = 5;

/// `push` latencies in ns, sorted, for one paced run.
fn run(strategy: impl WaitStrategy, gap: Duration) -> Vec<u64> {
    let (producer, mut consumer) = RingBuilder::new(8192)
        .wait_strategy(strategy)
        .build::<u64>()
        .expect("valid capacity");
    let reader = std::thread::spawn(move || {
        let (mut count, mut expected) = (0usize, 0u64);
        while let Ok(n) = consumer.consume(|e, _| {
            assert_eq!(*e, expected, "event lost or reordered");
            expected += 1;
        }) {
            count += n;
        }
        count
    });
    let mut latencies = Vec::with_capacity(EVENTS);
    let mut next = Instant::now();
    for i in 0..EVENTS {
        next += gap;
        while Instant::now() < next {
            std::hint::spin_loop();
        }
        let start = Instant::now();
        producer.push(i as u64).expect("consumer alive");
        latencies.push(start.elapsed().as_nanos() as u64);
    }
    drop(producer);
    assert_eq!(
        reader.join().expect("consumer thread"),
        EVENTS,
        "every event delivered"
    );
    latencies.sort_unstable();
    latencies
}

fn percentile(sorted: &[u64], q: f64) -> u64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent: keep
    // that cheap.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { ROUNDS };
    println!("push latency, 1 paced producer, ring of 8192, median of {rounds} rounds (ns)");
    println!("| gap | strategy | p50 | p99 | p99.9 |");
    println!("|---:|---|---:|---:|---:|");
    for gap_us in [5u64, 20, 100] {
        let gap = Duration::from_micros(gap_us);
        type Make = fn() -> Box<dyn FnOnce(Duration) -> Vec<u64>>;
        let strategies: [(&str, Make); 3] = [
            ("Park", || Box::new(|g| run(Park::default(), g))),
            ("Sleep", || Box::new(|g| run(Sleep::default(), g))),
            ("Yield", || Box::new(|g| run(Yield::default(), g))),
        ];
        let mut results: Vec<[Vec<u64>; 3]> = vec![Default::default(); strategies.len()];
        // Interleave strategies round by round so machine drift hits all alike.
        for _ in 0..rounds {
            for (i, (_, make)) in strategies.iter().enumerate() {
                let sorted = make()(gap);
                for (j, q) in [0.5, 0.99, 0.999].into_iter().enumerate() {
                    results[i][j].push(percentile(&sorted, q));
                }
            }
        }
        for (i, (name, _)) in strategies.iter().enumerate() {
            let [p50, p99, p999] = results[i].clone().map(median);
            println!("| {gap_us} µs | {name} | {p50} | {p99} | {p999} |");
        }
    }
}
