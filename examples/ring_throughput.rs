//! Pushes events through the ring from several threads with each wait
//! strategy, verifies every event arrived exactly once and in order per
//! producer, and prints the throughput.
//!
//! ```text
//! cargo run --release --example ring_throughput -- [producers] [events-per-producer]
//! ```
//!
//! Timings here are a smoke test, not a benchmark: see `docs/benchmarks.md`
//! for comparisons against other queues, measured in the same run.

use ringlog::{BusySpin, Park, RingBuilder, WaitStrategy, Yield};
use std::time::{Duration, Instant};

fn run(name: &str, wait: impl WaitStrategy, producers: u64, per_producer: u64) {
    let (producer, mut consumer) = RingBuilder::new(1 << 16)
        .wait_strategy(wait)
        .build::<u64>()
        .expect("valid capacity");
    let start = Instant::now();
    let workers: Vec<_> = (0..producers)
        .map(|id| {
            let producer = producer.clone();
            std::thread::spawn(move || {
                for i in 0..per_producer {
                    producer.push(id << 40 | i).expect("consumer alive");
                }
            })
        })
        .collect();
    drop(producer);

    let mut next = vec![0u64; producers as usize];
    let (mut events, mut batches) = (0u64, 0u64);
    while let Ok(n) = consumer.consume(|&mut e, _end_of_batch| {
        let (id, i) = ((e >> 40) as usize, e & ((1 << 40) - 1));
        assert_eq!(
            i, next[id],
            "producer {id}: event lost, duplicated or reordered"
        );
        next[id] += 1;
    }) {
        events += n as u64;
        batches += 1;
    }
    let elapsed = start.elapsed();
    for w in workers {
        w.join().expect("producer thread");
    }
    assert_eq!(events, producers * per_producer, "every event exactly once");
    println!(
        "{name:>10}: {events} events from {producers} producers in {:>7.1} ms = {:>6.1} M events/s, \
         {batches} batches (mean {:.1} events), verified exactly-once + FIFO per producer",
        ms(elapsed),
        events as f64 / elapsed.as_secs_f64() / 1e6,
        events as f64 / batches as f64,
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    let producers: u64 = args
        .next()
        .map_or(2, |a| a.parse().expect("producers: a number"));
    let per_producer: u64 = args.next().map_or(5_000_000, |a| {
        a.parse().expect("events per producer: a number")
    });
    println!(
        "ringlog ring: capacity 65536, {producers} producers x {per_producer} events, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    run("busy-spin", BusySpin, producers, per_producer);
    run("yield", Yield::default(), producers, per_producer);
    run("park", Park::default(), producers, per_producer);
}
