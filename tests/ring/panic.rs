//! Panics never wedge the ring: a producer closure that panics between claim
//! and publish has its slot skipped; a consumer handler that panics loses no
//! other event.

use crate::common::{scaled, with_deadline};
use ringlog::{Park, RingBuilder, Yield};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread;

#[test]
fn a_panicking_publish_is_skipped_and_traffic_continues() {
    crate::common::quiet_panics_starting_with("deliberate");
    for capacity in [1, 2, 64] {
        with_deadline("panicking_publish", 60, move || {
            let (producer, mut consumer) = ringlog::ring::<u64>(capacity).unwrap();
            let n = scaled(10_000, 50);
            let writer = thread::spawn(move || {
                let mut published = vec![];
                for i in 0..n {
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        producer
                            .publish_with(|slot| {
                                *slot = i;
                                if i % 7 == 3 {
                                    panic!("deliberate panic mid-publish");
                                }
                            })
                            .unwrap()
                    }));
                    if result.is_ok() {
                        published.push(i);
                    } else {
                        assert_eq!(i % 7, 3);
                    }
                }
                published
            });
            let mut got = vec![];
            while consumer.consume(|e, _| got.push(*e)).is_ok() {}
            let published = writer.join().unwrap();
            assert_eq!(got, published, "exactly the non-panicking events, in order");
            assert_eq!(got.len() as u64, n - (n + 3) / 7);
        });
    }
}

#[test]
fn a_producer_thread_dying_mid_publish_does_not_stall_the_others() {
    crate::common::quiet_panics_starting_with("deliberate");
    with_deadline("dying_producer", 60, || {
        let (producer, mut consumer) = RingBuilder::new(4)
            .wait_strategy(Yield::default())
            .build::<u64>()
            .unwrap();
        let n = scaled(20_000, 50);
        let dying = {
            let producer = producer.clone();
            thread::spawn(move || {
                producer.push(u64::MAX - 1).unwrap();
                producer
                    .publish_with(|_| panic!("deliberate panic in a producer thread"))
                    .unwrap();
            })
        };
        let healthy = thread::spawn(move || {
            for i in 0..n {
                producer.push(i).unwrap();
            }
        });
        // Consume first: both producers may need the consumer to make room
        // before they finish (joining first would deadlock the test itself).
        let mut got = vec![];
        while consumer.consume(|e, _| got.push(*e)).is_ok() {}
        assert!(dying.join().is_err(), "the dying producer panicked");
        healthy.join().unwrap();
        got.retain(|&e| e != u64::MAX - 1);
        assert_eq!(got, (0..n).collect::<Vec<_>>());
    });
}

#[test]
fn a_batch_that_panics_publishes_what_it_wrote_and_skips_the_rest() {
    crate::common::quiet_panics_starting_with("deliberate");
    let (producer, mut consumer) = ringlog::ring::<u64>(8).unwrap();
    let result = catch_unwind(AssertUnwindSafe(|| {
        producer.publish_batch_with(5, |i, slot| {
            if i == 2 {
                panic!("deliberate panic in a batch");
            }
            *slot = 10 + i as u64;
        })
    }));
    assert!(result.is_err());
    producer.push(99).unwrap();
    let mut got = vec![];
    consumer.try_consume(|e, _| got.push(*e)).unwrap();
    // 10, 11 were written; slots 2..5 of the batch are skipped; 99 follows.
    // The consumer stops its run at the skipped slots and steps over them on
    // the next read.
    while consumer.try_consume(|e, _| got.push(*e)).is_ok() {}
    assert_eq!(got, [10, 11, 99]);
    // All 8 slots are usable again: the skipped ones were released.
    for i in 0..8 {
        producer.try_push(i).unwrap();
    }
}

#[test]
fn a_panicking_handler_consumes_its_event_and_no_other() {
    crate::common::quiet_panics_starting_with("deliberate");
    let (producer, mut consumer) = ringlog::ring::<u64>(8).unwrap();
    for i in 0..5 {
        producer.push(i).unwrap();
    }
    let mut seen = vec![];
    let result = catch_unwind(AssertUnwindSafe(|| {
        consumer.try_consume(|e, _| {
            seen.push(*e);
            if *e == 2 {
                panic!("deliberate panic in a handler");
            }
        })
    }));
    assert!(result.is_err());
    assert_eq!(seen, [0, 1, 2]);
    let mut rest = vec![];
    consumer.try_consume(|e, _| rest.push(*e)).unwrap();
    assert_eq!(rest, [3, 4], "2 is not redelivered; 3 and 4 are not lost");
}

#[test]
fn many_producers_panicking_at_random_never_wedge_a_small_ring() {
    crate::common::quiet_panics_starting_with("deliberate");
    with_deadline("random_panics", 60, || {
        let (producer, mut consumer) = RingBuilder::new(2)
            .wait_strategy(Park::default())
            .build::<u64>()
            .unwrap();
        let per = scaled(5_000, 30);
        let workers: Vec<_> = (0..3u64)
            .map(|id| {
                let producer = producer.clone();
                thread::spawn(move || {
                    let mut ok = 0u64;
                    for i in 0..per {
                        let r = catch_unwind(AssertUnwindSafe(|| {
                            producer.publish_with(|slot| {
                                if (i * 31 + id) % 11 == 0 {
                                    panic!("deliberate random panic");
                                }
                                *slot = id << 40 | i;
                            })
                        }));
                        ok += u64::from(r.is_ok());
                    }
                    ok
                })
            })
            .collect();
        drop(producer);
        let mut last = [None::<u64>; 3];
        let mut total = 0u64;
        while let Ok(n) = consumer.consume(|e, _| {
            let (id, i) = ((*e >> 40) as usize, *e & ((1 << 40) - 1));
            assert!(last[id].map_or(true, |p| p < i), "FIFO per producer");
            last[id] = Some(i);
        }) {
            total += n as u64;
        }
        let ok: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(total, ok);
    });
}
