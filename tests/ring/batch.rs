//! Batch publishing: one claim for n slots, events of a batch consumed
//! contiguously and in order, and batches larger than the ring refused at once.

use crate::common::{scaled, with_deadline};
use ringlog::{PublishBatchError, RingBuilder, TryPublishBatchError, Yield};
use std::thread;

/// Event layout: producer id (bits 48..), first-of-batch flag (bit 47), index.
const ID_SHIFT: u32 = 48;
const FIRST: u64 = 1 << 47;
const INDEX: u64 = FIRST - 1;

#[test]
fn batches_arrive_whole_contiguous_and_in_order() {
    for capacity in [1usize, 2, 16, 64] {
        for producers in 1..=4u64 {
            with_deadline("batches", 60, move || run(capacity, producers));
        }
    }
}

fn run(capacity: usize, producers: u64) {
    let per_producer = scaled(40_000, 60);
    let (producer, mut consumer) = RingBuilder::new(capacity)
        .wait_strategy(Yield::default())
        .build::<u64>()
        .unwrap();
    let workers: Vec<_> = (0..producers)
        .map(|id| {
            let producer = producer.clone();
            thread::spawn(move || {
                let mut index = 0u64;
                let mut size = 1usize;
                while index < per_producer {
                    let n = size.min(capacity).min((per_producer - index) as usize);
                    producer
                        .publish_batch_with(n, |i, slot| {
                            let first = if i == 0 { FIRST } else { 0 };
                            *slot = id << ID_SHIFT | first | (index + i as u64);
                        })
                        .unwrap();
                    index += n as u64;
                    size = size % 16 + 1; // 1, 2, ..., 16, 1, ...
                }
            })
        })
        .collect();
    drop(producer);
    let mut next = vec![0u64; producers as usize];
    let mut previous: Option<u64> = None;
    while consumer
        .consume(|&mut event, _| {
            let id = (event >> ID_SHIFT) as usize;
            let index = event & INDEX;
            assert_eq!(index, next[id], "producer {id} out of order");
            next[id] += 1;
            if event & FIRST == 0 {
                // Inside a batch: the previous event overall is its predecessor.
                let prev = previous.expect("a batch continues across nothing");
                assert_eq!(
                    prev >> ID_SHIFT,
                    id as u64,
                    "batch interleaved with another"
                );
                assert_eq!(prev & INDEX, index - 1, "batch not contiguous");
            }
            previous = Some(event);
        })
        .is_ok()
    {}
    for w in workers {
        w.join().unwrap();
    }
    assert!(next.iter().all(|&n| n == per_producer));
}

#[test]
fn a_batch_larger_than_the_ring_fails_at_once_instead_of_waiting_forever() {
    with_deadline("too_large", 10, || {
        let (producer, _consumer) = ringlog::ring::<u64>(4).unwrap();
        let err = producer
            .publish_batch_with(5, |_, _| unreachable!())
            .unwrap_err();
        assert!(matches!(
            err,
            PublishBatchError::TooLarge {
                requested: 5,
                capacity: 4,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "batch of 5 slots exceeds the ring capacity 4"
        );
        let err = producer
            .try_publish_batch_with(usize::MAX, |_, _| {})
            .unwrap_err();
        assert!(matches!(err, TryPublishBatchError::TooLarge { .. }));
    });
}

#[test]
fn a_batch_claims_all_or_nothing() {
    let (producer, mut consumer) = ringlog::ring::<u64>(4).unwrap();
    producer.push(1).unwrap();
    producer.push(2).unwrap();
    // Only 2 free: a batch of 3 is refused whole, leaving no hole.
    let err = producer
        .try_publish_batch_with(3, |_, _| panic!("must not be called"))
        .unwrap_err();
    assert!(matches!(err, TryPublishBatchError::Full(_)));
    producer
        .try_publish_batch_with(2, |i, s| *s = 3 + i as u64)
        .unwrap();
    let mut got = vec![];
    consumer.try_consume(|e, _| got.push(*e)).unwrap();
    assert_eq!(got, [1, 2, 3, 4]);
    // Zero is a no-op.
    producer
        .try_publish_batch_with(0, |_, _| unreachable!())
        .unwrap();
    assert!(consumer.try_consume(|_, _| {}).is_err());
}
