//! Exactly-once, per-producer FIFO delivery with 1–4 producers over thousands
//! of wrap-arounds, at capacities 1, 2, 64 and 65536, through both consumer
//! APIs (closure and chunk slices).

mod common;

use common::{scaled, with_deadline};
use ringlog::{Consumer, Park, RingBuilder};
use std::thread;

/// Events are `producer << 40 | index`.
const ID_SHIFT: u32 = 40;

/// Checks one event against the per-producer expectations.
fn check(next: &mut [u64], event: u64) {
    let id = (event >> ID_SHIFT) as usize;
    let index = event & ((1 << ID_SHIFT) - 1);
    assert!(
        id < next.len(),
        "event {event:#x} names unknown producer {id}"
    );
    assert_eq!(
        index, next[id],
        "producer {id}: got event {index}, expected {} (lost, duplicated or reordered)",
        next[id]
    );
    next[id] += 1;
}

/// Drains the consumer until closed, checking every event; returns the count.
fn drain(consumer: &mut Consumer<u64>, next: &mut [u64], chunks: bool) -> u64 {
    let mut total = 0u64;
    if chunks {
        while let Ok(chunk) = consumer.read_chunk() {
            let (head, tail) = chunk.as_slices();
            for &event in head.iter().chain(tail) {
                check(next, event);
            }
            total += chunk.len() as u64;
            chunk.commit_all();
        }
    } else {
        while let Ok(n) = consumer.consume(|event, _| check(next, *event)) {
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
    let workers: Vec<_> = (0..producers)
        .map(|id| {
            let producer = producer.clone();
            thread::spawn(move || {
                for index in 0..per_producer {
                    producer.push(id << ID_SHIFT | index).unwrap();
                }
            })
        })
        .collect();
    drop(producer);
    let mut next = vec![0u64; producers as usize];
    let consumed = drain(&mut consumer, &mut next, chunks);
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(consumed, per_producer * producers);
    assert!(next.iter().all(|&n| n == per_producer), "{next:?}");
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
        let mut next = vec![0u64; 3];
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
                seen += consumer.consume(|e, _| check(&mut next, *e)).unwrap() as u64;
            }
        });
        assert_eq!(next, vec![per_thread; 3]);
    });
}
