//! Model 7: a producer panicking between claim and publish (the guard path).
//!
//! The consumer spins (`Yield::new(0)`) rather than parks in these models, on
//! purpose: a parked consumer is woken by the claim guard *during unwinding*,
//! and `std::sync::MutexGuard` poisons its mutex when dropped while the thread
//! panics. The ring's std build ignores poisoning (its mutexes guard no data),
//! but loom runs every model thread on one OS thread and its `Mutex` unwraps
//! the poisoned std mutex inside, so the model itself would panic. The
//! guard's wake-up of a parked consumer is covered in the std build by
//! `tests/ring/prop_threaded.rs` (`panicking_producer_wakes_parked_consumer`).
#![cfg(loom)]

use loom::thread;
use loom_tests::{assert_exactly_once_fifo, drain, event, model, quiet_planted_panics};
use ringlog::{RingBuilder, Yield};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A producer's write closure panics after its claim; the claim guard
/// publishes the slot as skipped during unwinding. The producer then
/// publishes 2 events on the ring of 2 slots, so the second needs the skipped
/// slot released. The consumer steps over the skipped slot and gets exactly
/// the 2 real events, then `Closed`.
#[test]
fn producer_panics_between_claim_and_publish() {
    quiet_planted_panics();
    model(|| {
        let (producer, mut consumer) = RingBuilder::new(2)
            .wait_strategy(Yield::new(0))
            .build::<u64>()
            .unwrap();
        let panicker = thread::spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| {
                producer.publish_with(|_slot| panic!("planted panic in write"))
            }));
            assert!(r.is_err());
            producer.push(event(0, 0)).unwrap();
            producer.push(event(0, 1)).unwrap();
        });
        let got = drain(&mut consumer);
        panicker.join().unwrap();
        assert_exactly_once_fifo(&got, &[2]);
    });
}

/// A batch of 2 whose write panics on the second slot: the first is published
/// as an event, the second as skipped. A single publish races the batch. The
/// consumer gets exactly the batch's first event and the single one.
#[test]
fn batch_panics_half_way() {
    quiet_planted_panics();
    model(|| {
        let (producer, mut consumer) = RingBuilder::new(4)
            .wait_strategy(Yield::new(0))
            .build::<u64>()
            .unwrap();
        let panicker = {
            let producer = producer.clone();
            thread::spawn(move || {
                let r = catch_unwind(AssertUnwindSafe(|| {
                    producer.publish_batch_with(2, |i, slot| {
                        if i == 1 {
                            panic!("planted panic in batch write");
                        }
                        *slot = event(0, 0);
                    })
                }));
                assert!(r.is_err());
            })
        };
        let single = thread::spawn(move || producer.push(event(1, 0)).unwrap());
        let got = drain(&mut consumer);
        panicker.join().unwrap();
        single.join().unwrap();
        assert_exactly_once_fifo(&got, &[1, 1]);
    });
}
