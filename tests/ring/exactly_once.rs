//! Exactly-once, per-producer FIFO delivery with 1–4 producers over thousands
//! of wrap-arounds, at capacities 1, 2, 64 and 65536, through both consumer
//! APIs (closure and chunk slices).

use crate::common::{scaled, spawn_pushers, with_deadline, FifoCheck, ID_SHIFT};
use ringlog::{Consumer, Park, RingBuilder};
use std::thread;

/// Drains the consumer until closed, checking every event; returns the count.
fn drain(consumer: &mut Consumer<u64>, fifo: &mut FifoCheck, chunks: bool) -> u64 {
    let mut total = 0u64;
    if chunks {
        while let Ok(chunk) = consumer.read_chunk() {
            let (head, tail) = chunk.as_slices();
            for &event in head.iter().chain(tail) {
                fifo.check(event);
            }
            total += chunk.len() as u64;
            chunk.commit_all();
        }
    } else {
        while let Ok(n) = consumer.consume(|event, _| fifo.check(*event)) {
            total += n as u64;
        }
    }
    total
}

fn run(capacity: usize, producers: u64, laps: u64, chunks: bool) {
    // At least `laps` trips around the ring, and enough events to interleave.
    let total = (capacity as u64 * laps).max(scaled(200_000, 200));
    let per_producer = total.div_ceil(producers);
    let (producer, mut consumer) = RingBuilder::new(capacity)
        .wait_strategy(Park::default())
        .build::<u64>()
        .unwrap();
    let workers = spawn_pushers(&producer, producers, per_producer);
    drop(producer);
    let mut fifo = FifoCheck::new(producers);
    let consumed = drain(&mut consumer, &mut fifo, chunks);
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(consumed, per_producer * producers);
    fifo.assert_complete(per_producer);
    assert!(
        consumed >= capacity as u64 * laps,
        "fewer wrap-arounds than asked"
    );
}

fn all_producer_counts(capacity: usize, laps: u64) {
    for producers in 1..=4 {
        for chunks in [false, true] {
            run(capacity, producers, laps, chunks);
        }
    }
}

#[test]
fn capacity_1() {
    with_deadline("capacity_1", 120, || {
        all_producer_counts(1, scaled(5_000, 20))
    });
}

#[test]
fn capacity_2() {
    with_deadline("capacity_2", 120, || {
        all_producer_counts(2, scaled(5_000, 20))
    });
}

#[test]
fn capacity_64() {
    with_deadline("capacity_64", 120, || {
        all_producer_counts(64, scaled(2_000, 4))
    });
}

#[test]
fn capacity_65536() {
    // 1000 laps of 65536 = 65.5M events per configuration.
    with_deadline("capacity_65536", 300, || {
        all_producer_counts(1 << 16, scaled(1_000, 1))
    });
}

#[test]
fn a_shared_producer_reference_works_like_clones() {
    with_deadline("shared_reference", 60, || {
        let (producer, mut consumer) = ringlog::ring::<u64>(64).unwrap();
        let per_thread = scaled(50_000, 50);
        let mut fifo = FifoCheck::new(3);
        thread::scope(|s| {
            for id in 0..3u64 {
                let producer = &producer;
                s.spawn(move || {
                    for index in 0..per_thread {
                        producer.push(id << ID_SHIFT | index).unwrap();
                    }
                });
            }
            let mut seen = 0;
            while seen < 3 * per_thread {
                seen += consumer.consume(|e, _| fifo.check(*e)).unwrap() as u64;
            }
        });
        fifo.assert_complete(per_thread);
    });
}
