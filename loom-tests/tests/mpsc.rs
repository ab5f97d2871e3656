//! Models 1 and 2: the data path (claim, write, publish, consume, release).
#![cfg(loom)]

use loom::thread;
use loom_tests::{assert_exactly_once_fifo, drain, event, model, parking_ring};
use ringlog::{RingBuilder, Yield};

/// Model 1: two producers (2 events and 1) and the consumer on a ring of 2
/// slots, so a slot is reused while the other producer may be mid-claim. Every event arrives exactly once and in order per
/// producer; loom's `UnsafeCell` fails the model if a slot is read before its
/// write happens-before the read, or rewritten before its read
/// happens-before the write.
///
/// Both sides park (`Park::new(0, 0)`): with a spinning strategy, two
/// producers waiting for room yield to each other forever in loom's unfair
/// schedules while the consumer never runs ("exceeded maximum number of
/// branches"), a limit of the checker, not of the ring. The spinning path is
/// covered by [`one_producer_wrap_around_yield`].
#[test]
fn two_producers_wrap_around() {
    // 2 + 2 events explores for over 10 minutes at 2 preemptions; 2 + 1
    // already makes every slot change hands between the producers.
    const COUNTS: [u64; 2] = [2, 1];
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let workers: Vec<_> = COUNTS
            .iter()
            .enumerate()
            .map(|(id, &n)| {
                let producer = producer.clone();
                thread::spawn(move || {
                    for i in 0..n {
                        producer.push(event(id as u64, i)).unwrap();
                    }
                })
            })
            .collect();
        drop(producer); // the last worker's handle closes the ring
        let got = drain(&mut consumer);
        for w in workers {
            w.join().unwrap();
        }
        assert_exactly_once_fifo(&got, &COUNTS);
    });
}

/// Model 1b: the same data path with `Yield::new(0)` (both sides spin with a
/// yield on every attempt): one producer, 3 events through 2 slots.
#[test]
fn one_producer_wrap_around_yield() {
    model(|| {
        let (producer, mut consumer) = RingBuilder::new(2)
            .wait_strategy(Yield::new(0))
            .build::<u64>()
            .unwrap();
        let worker = thread::spawn(move || {
            for i in 0..3 {
                producer.push(event(0, i)).unwrap();
            }
        });
        let got = drain(&mut consumer);
        worker.join().unwrap();
        assert_exactly_once_fifo(&got, &[3]);
    });
}

/// Model 2: a batch claim of 2 racing single claims on a ring of 2 slots (the
/// batch needs the whole ring). The batch's events arrive adjacent (no other
/// event between them), in order, exactly once; the single producer's too. The consumer parks, so the batch's
/// publication must also wake it.
#[test]
fn batch_claim_races_single_claim() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let batcher = {
            let producer = producer.clone();
            thread::spawn(move || {
                producer
                    .publish_batch_with(2, |i, slot| *slot = event(0, i as u64))
                    .unwrap();
            })
        };
        let single = thread::spawn(move || {
            producer.push(event(1, 0)).unwrap();
        });
        let got = drain(&mut consumer);
        batcher.join().unwrap();
        single.join().unwrap();
        assert_exactly_once_fifo(&got, &[2, 1]);
        let at = got.iter().position(|&e| e == event(0, 0)).unwrap();
        assert_eq!(got[at + 1], event(0, 1), "batch split: {got:?}");
    });
}
