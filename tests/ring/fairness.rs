//! Batch claim fairness (issue 9): one producer claiming half the ring at
//! once (`publish_batch_with`) competes for room with three single-slot
//! producers while a slow consumer frees slots.
//!
//! A blocking batch claim of n waits until n slots are free *at the same
//! moment*; a single-slot producer takes a slot as soon as one is free. So
//! while single-slot producers keep the ring full, the batch producer gets in
//! only when scheduling happens to leave n slots free (the single producers
//! descheduled or asleep while the consumer frees n). Nothing bounds its
//! wait: it can starve. Measured on the 2-core machine (`measure_batch_waits`
//! below, 3 rounds, 200 batches of 32 against 3 single producers that stop
//! after 3 s, consumer at 0, 2 or 20 µs per event, releasing whole runs or
//! one event per run):
//! - `Yield` (producers never sleep): starved. In one round the batch
//!   producer published 0 of 200 batches in the 3 s while the single
//!   producers published 8 011 139 events (one event per run, 0 µs), and 0 of
//!   200 against 1 127 111 (whole runs, 2 µs); its longest wait reached the
//!   full 3 s in 3 of 12 configurations, and 0.2-1.7 s in most others.
//! - `Park` (the default; waiting producers sleep until a release wakes
//!   them): all 200 batches got in while the single producers ran in every
//!   round; longest wait 0.7-112 ms. Parked single producers take time to
//!   wake, which leaves the room free long enough: bounded by scheduling,
//!   not by the algorithm.
//!
//! The planned fix (issue 10) is a claim that takes its sequences first and
//! then waits for room for them (the LMAX Disruptor's `next()`), FIFO by
//! construction; it must also keep `close` waking a producer blocked for
//! room, which a claim already holding sequences cannot simply abandon.
//!
//! What holds today, and is asserted: the batch producer finishes once the
//! single producers stop, every event arrives exactly once, each producer's
//! in order, and each batch's events adjacent.

use crate::common::{scaled, with_deadline};
use ringlog::{Park, RingBuilder, WaitStrategy, Yield};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CAPACITY: usize = 64;
const BATCH: u64 = CAPACITY as u64 / 2;
const SINGLES: u64 = 3;
/// Batch events are `BATCH_TAG | b * BATCH + i`; single producer `id`'s are
/// `id << 40 | n`.
const BATCH_TAG: u64 = 1 << 63;

/// One contest's settings.
#[derive(Clone, Copy, Debug)]
struct Contest<W> {
    wait: W,
    batches: u64,
    /// The consumer's batch limit: 1 frees one slot per run (the hardest case
    /// for the batch), the capacity frees whole runs.
    max_batch: usize,
    /// The consumer's time per event (spun).
    per_event: Duration,
    /// The single producers push until the batch producer is done or this
    /// long has passed.
    singles_limit: Duration,
}

/// What one contest measured.
#[derive(Debug)]
struct Waits {
    /// The batch producer's longest wait in one `publish_batch_with`.
    longest_batch_wait: Duration,
    /// Batches it published while the single producers were running.
    batches_while_singles_ran: u64,
    /// Events the single producers published.
    single_events: u64,
    /// How long the single producers ran.
    singles_ran_for: Duration,
}

impl<W: WaitStrategy + Copy> Contest<W> {
    /// Runs the contest and checks what must hold (see the module docs).
    fn run(self) -> Waits {
        let (producer, mut consumer) = RingBuilder::new(CAPACITY)
            .wait_strategy(self.wait)
            .max_batch(self.max_batch)
            .build::<u64>()
            .unwrap();
        let batch_done = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let singles: Vec<_> = (0..SINGLES)
            .map(|id| {
                let producer = producer.clone();
                let batch_done = Arc::clone(&batch_done);
                std::thread::spawn(move || {
                    let mut n = 0u64;
                    while !batch_done.load(Ordering::Relaxed)
                        && start.elapsed() < self.singles_limit
                    {
                        producer.push(id << 40 | n).unwrap();
                        n += 1;
                    }
                    (n, start.elapsed())
                })
            })
            .collect();
        let batcher = {
            let producer = producer.clone();
            let batch_done = Arc::clone(&batch_done);
            std::thread::spawn(move || {
                let mut longest = Duration::ZERO;
                let mut while_singles_ran = 0;
                for b in 0..self.batches {
                    let t = Instant::now();
                    producer
                        .publish_batch_with(BATCH as usize, |i, slot| {
                            *slot = BATCH_TAG | (b * BATCH + i as u64)
                        })
                        .unwrap();
                    longest = longest.max(t.elapsed());
                    if start.elapsed() < self.singles_limit {
                        while_singles_ran += 1;
                    }
                }
                batch_done.store(true, Ordering::Relaxed);
                (longest, while_singles_ran)
            })
        };
        drop(producer);

        let mut next_single = [0u64; SINGLES as usize];
        let mut next_batch_event = 0u64;
        let mut previous = 0u64;
        while consumer
            .consume(|&mut e, _| {
                let t = Instant::now();
                while t.elapsed() < self.per_event {
                    std::hint::spin_loop();
                }
                if e & BATCH_TAG != 0 {
                    let index = e & !BATCH_TAG;
                    assert_eq!(index, next_batch_event, "batch event lost or reordered");
                    if index % BATCH != 0 {
                        assert_eq!(previous, e - 1, "an event inside a batch");
                    }
                    next_batch_event += 1;
                } else {
                    let id = (e >> 40) as usize;
                    assert_eq!(e & ((1 << 40) - 1), next_single[id], "producer {id}");
                    next_single[id] += 1;
                }
                previous = e;
            })
            .is_ok()
        {}

        let (longest_batch_wait, batches_while_singles_ran) = batcher.join().unwrap();
        assert_eq!(
            next_batch_event,
            self.batches * BATCH,
            "batch events missing"
        );
        let mut single_events = 0;
        let mut singles_ran_for = Duration::ZERO;
        for (id, s) in singles.into_iter().enumerate() {
            let (n, ran) = s.join().unwrap();
            assert_eq!(next_single[id], n, "producer {id}: events missing");
            single_events += n;
            singles_ran_for = singles_ran_for.max(ran);
        }
        Waits {
            longest_batch_wait,
            batches_while_singles_ran,
            single_events,
            singles_ran_for,
        }
    }
}

/// A case that starved in the measurements (one slot freed per run, the
/// single producers never asleep): the batch producer may starve while the
/// single producers run (no bound is asserted: see the module docs), and
/// finishes once they stop, with nothing lost or split.
#[test]
fn batch_producer_finishes_against_single_producers() {
    // Five threads, three of them spinning: not beside the other
    // oversubscribed tests.
    let _turn = crate::wait::ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    with_deadline("batch_fairness", 120, || {
        let waits = Contest {
            wait: Yield::default(),
            batches: scaled(100, 3),
            max_batch: 1,
            per_event: Duration::from_micros(scaled(2, 0)),
            singles_limit: Duration::from_millis(scaled(1000, 200)),
        }
        .run();
        println!("batch of {BATCH} vs {SINGLES} single producers: {waits:?}");
    });
}

/// The measurements quoted in the module docs:
/// `cargo test --release --test ring fairness -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement (about 30 s), not a check"]
fn measure_batch_waits() {
    fn one(label: &str, contest: Contest<impl WaitStrategy + Copy>) {
        let waits = contest.run();
        println!(
            "{label:>17} {:>6?} {:<5?}: longest batch wait {:>9.1?}, {:>3} of {} batches \
             while singles ran ({:.1?}, {} events)",
            contest.per_event,
            contest.wait,
            waits.longest_batch_wait,
            waits.batches_while_singles_ran,
            contest.batches,
            waits.singles_ran_for,
            waits.single_events
        );
    }
    for (label, max_batch) in [("whole runs", CAPACITY), ("one event per run", 1)] {
        for per_event in [0, 2, 20].map(Duration::from_micros) {
            let park = Contest {
                wait: Park::default(),
                batches: 200,
                max_batch,
                per_event,
                singles_limit: Duration::from_secs(3),
            };
            one(label, park);
            one(
                label,
                Contest {
                    wait: Yield::default(),
                    batches: park.batches,
                    max_batch,
                    per_event,
                    singles_limit: park.singles_limit,
                },
            );
        }
    }
}
