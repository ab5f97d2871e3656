//! `RingBuilder::evict_consumed`: with the consumer evicting the lines of
//! every run it releases, events still arrive once each, in order per
//! producer, on a big ring with one producer and a small one with several
//! (wrapping runs evict in two stretches).

use crate::common::{push_and_check_fifo, with_deadline};
use ringlog::{Evict, RingBuilder};

fn run(capacity: usize, producers: u64, per: u64) {
    push_and_check_fifo(
        RingBuilder::new(capacity).evict_consumed(true),
        producers,
        per,
    );
}

/// `Evict::Adaptive` over many epochs (2^18 events each): where the CPU can
/// evict, the epochs measured with and without eviction follow each other
/// mid-stream (the unit tests in `evict_choice.rs` check the switching);
/// nothing is lost.
#[test]
fn adaptive_eviction_across_many_epochs_loses_nothing() {
    with_deadline("evict_adaptive", 120, || {
        push_and_check_fifo(
            RingBuilder::new(1 << 12).evict_consumed(Evict::Adaptive),
            2,
            2_000_000,
        )
    });
}

#[test]
fn one_producer_on_a_big_ring_loses_nothing() {
    with_deadline("evict_big", 120, || run(1 << 16, 1, 1_000_000));
}

#[test]
fn several_producers_on_a_small_ring_lose_nothing() {
    with_deadline("evict_small", 120, || run(64, 3, 100_000));
}

/// Slots of a zero-sized type have no bytes and a dangling address: nothing
/// is evicted there (it would fault).
#[test]
fn zero_sized_events_are_not_evicted() {
    with_deadline("evict_zst", 60, || {
        let (producer, mut consumer) = RingBuilder::new(1 << 16)
            .evict_consumed(true)
            .build::<()>()
            .unwrap();
        for _ in 0..100_000 {
            if producer.push(()).is_err() {
                break;
            }
            // Keep the ring from filling: take whatever is there.
            let _ = consumer.try_consume(|_, _| {});
        }
        drop(producer);
        while consumer.consume(|_, _| {}).is_ok() {}
    });
}
