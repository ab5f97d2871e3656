//! Batch claim fairness (issues 9 and 10): one producer claiming half the
//! ring at once (`publish_batch_with`) competes for room with three
//! single-slot producers while a slow consumer frees slots.
//!
//! Until issue 10, a blocking batch claim of n waited until n slots were free
//! *at the same moment*, while a single-slot producer took a slot as soon as
//! one was free; so while single-slot producers kept the ring full, the batch
//! producer got in only when scheduling happened to leave n slots free.
//! Measured then on the 2-core machine (`measure_batch_waits` below, 3
//! rounds, 200 batches of 32 against 3 single producers that stop after 3 s,
//! consumer at 0, 2 or 20 µs per event, releasing whole runs or one event
//! per run): with `Yield` the batch producer starved (0 of 200 batches in the
//! 3 s against 8 011 139 single events, one event per run, 0 µs; its longest
//! wait reached the full 3 s in 3 of 12 configurations); with `Park`, all
//! 200 got in, longest wait 0.7-112 ms (parked single producers are slow to
//! wake, which left the room free).
//!
//! Since issue 10 a blocking claim takes its sequences first (`fetch_add` on
//! the cursor, the LMAX Disruptor's `next()`) and then waits for room for
//! them, so claims get room in the order they were made: the batch waits for
//! at most the events claimed before it, a bound set by the consumer's
//! speed, not by luck. Asserted: every batch gets in while the single
//! producers are still running (`batch_producer_is_not_starved`), every
//! event arrives exactly once, each producer's in order, each batch's events
//! adjacent.

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

/// The case that starved before issue 10 (one slot freed per run, the
/// single producers never asleep): every batch now gets in while the single
/// producers still run, with nothing lost or split.
#[test]
fn batch_producer_is_not_starved() {
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
        // The bound: 100 batches, each waiting for at most the ring's worth
        // of events claimed before it (~100 events at 2 µs), take tens of
        // milliseconds; the single producers run for a second. Before issue
        // 10 this got 0 of 100 batches in, in some runs. (Under Miri the
        // clock and the counts are scaled down too far to mean anything.)
        #[cfg(not(miri))]
        assert_eq!(
            waits.batches_while_singles_ran,
            scaled(100, 3),
            "the batch producer was starved: {waits:?}"
        );
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
