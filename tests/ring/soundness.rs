//! Sharing handles by reference: a `&ReadChunk` read by two threads
//! at once (allowed only for a `Sync` payload; the `Cell` version no longer
//! compiles, see the `compile_fail` doctests in src/auto_traits.rs), and one
//! `&Producer` used by several threads on a full ring, so that they pass
//! each other the cached `released` (the loom model
//! `shared_producer_on_full_ring` checks the same under every interleaving).
//! Run under Miri (`scripts/miri.sh`), which reports any data race.

use crate::common::{scaled, with_deadline, FifoCheck, ID_SHIFT};
use std::sync::atomic::{AtomicU64, Ordering};

/// Two threads bump the same event through one shared `&ReadChunk`: with a
/// `Sync` payload every increment counts.
#[test]
fn a_chunk_shared_by_two_threads_reads_the_same_events() {
    with_deadline("shared_chunk", 60, || {
        let (producer, mut consumer) = ringlog::ring::<AtomicU64>(2).unwrap();
        producer.push(AtomicU64::new(0)).unwrap();
        producer.push(AtomicU64::new(0)).unwrap();
        let per_thread = scaled(100_000, 200);
        let chunk = consumer.try_read_chunk().unwrap();
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        for event in chunk.as_slices().0 {
                            event.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        let counts: Vec<u64> = chunk
            .as_slices()
            .0
            .iter()
            .map(|e| e.load(Ordering::Relaxed))
            .collect();
        assert_eq!(counts, [2 * per_thread, 2 * per_thread]);
        chunk.commit_all();
    });
}

/// Three threads publish through ONE `&Producer` (not clones) into a ring of
/// 1 and 2 slots, so that the ring is full most of the time and the handle's
/// shared cache of `released` is read by one thread after another thread
/// refreshed it. Every event arrives exactly once, in order per thread.
#[test]
fn one_producer_shared_by_reference_on_a_full_ring() {
    for capacity in [1, 2] {
        with_deadline("shared_producer", 120, move || {
            const THREADS: u64 = 3;
            let per = scaled(50_000, 100);
            let (producer, mut consumer) = ringlog::RingBuilder::new(capacity)
                .wait_strategy(ringlog::Yield::new(4))
                .build::<u64>()
                .unwrap();
            let mut check = FifoCheck::new(THREADS);
            std::thread::scope(|s| {
                let producer = &producer;
                for id in 0..THREADS {
                    s.spawn(move || {
                        for i in 0..per {
                            producer.push(id << ID_SHIFT | i).unwrap();
                        }
                    });
                }
                let mut seen = 0;
                while seen < THREADS * per {
                    seen += consumer.consume(|e, _| check.check(*e)).unwrap() as u64;
                }
            });
            check.assert_complete(per);
        });
    }
}
