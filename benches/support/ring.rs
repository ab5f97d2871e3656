//! Ring-throughput workloads, shared by the criterion bench (`benches/ring.rs`)
//! and the bench tool (`examples/ringlog-bench.rs`), so both measure exactly
//! the same thing.
//!
//! One run: `producers` threads each publish `events / producers` u64 events
//! into a queue of capacity [`CAPACITY`]; one consumer takes them all. Every
//! event encodes its producer id (top 16 bits) and that producer's sequence
//! number (low 48 bits); the consumer's [`Checker`] demands that each
//! producer's events arrive exactly in order, none lost, none duplicated, and
//! that the totals match what the producers report sending. A run that fails
//! the check is an `Err`, never a number.
//!
//! Every run is bounded: producers stop early once `limit` has passed since the
//! start (checked every [`CHECK_EVERY`] events), so a starved configuration
//! (BusySpin with more spinning threads than cores) returns a *time-limited*
//! outcome, whose throughput is still measured over the events that were
//! delivered and checked. Callers add a hard guard on top (the tool runs every
//! run in a child process and kills it; the criterion bench aborts loudly).

use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Capacity of every contender's queue.
pub const CAPACITY: usize = 65536;
/// Events per batch in the batch-publish variants.
pub const BATCH: usize = 16;
/// The producer counts measured (the machine has 2 cores: 4 is more threads
/// than cores).
pub const PRODUCER_COUNTS: [usize; 3] = [1, 2, 4];
/// Most producers a run may have.
pub const MAX_PRODUCERS: usize = 8;
/// How often (in events, a multiple of [`BATCH`]) a producer checks the time
/// limit.
pub const CHECK_EVERY: u64 = 1024;

const SEQ_BITS: u32 = 48;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

/// How events are published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Publish {
    /// One event per call (`push`, `send`, `publish`).
    Single,
    /// [`BATCH`] events per call (`publish_batch_with(16, ..)`,
    /// `batch_publish(16, ..)`).
    Batch,
}

/// ringlog's wait strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RingWait {
    /// `ringlog::BusySpin`.
    BusySpin,
    /// `ringlog::Yield::default()`.
    Yield,
    /// `ringlog::Park::default()`.
    Park,
}

/// The `disruptor` crate's wait strategies (all of those it offers in 4.x).
/// They apply to its consumer; its producers always busy-spin when the ring is
/// full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisruptorWait {
    /// `disruptor::BusySpin`.
    BusySpin,
    /// `disruptor::BusySpinWithSpinLoopHint`.
    SpinLoopHint,
    /// `disruptor::Sleep::new(DISRUPTOR_SLEEP)`.
    Sleep,
}

/// The sleep of the `disruptor` crate's `Sleep` strategy in these benches.
pub const DISRUPTOR_SLEEP: Duration = Duration::from_micros(1);

/// Everything measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contender {
    /// This crate.
    Ringlog(RingWait, Publish),
    /// `crossbeam_channel::bounded(CAPACITY)`.
    Crossbeam,
    /// `std::sync::mpsc::sync_channel(CAPACITY)`.
    StdMpsc,
    /// `flume::bounded(CAPACITY)`.
    Flume,
    /// `disruptor::build_multi_producer(CAPACITY, ..)`.
    Disruptor(DisruptorWait, Publish),
}

impl Contender {
    /// Every contender, ringlog first.
    pub const ALL: [Contender; 15] = [
        Contender::Ringlog(RingWait::BusySpin, Publish::Single),
        Contender::Ringlog(RingWait::Yield, Publish::Single),
        Contender::Ringlog(RingWait::Park, Publish::Single),
        Contender::Ringlog(RingWait::BusySpin, Publish::Batch),
        Contender::Ringlog(RingWait::Yield, Publish::Batch),
        Contender::Ringlog(RingWait::Park, Publish::Batch),
        Contender::Crossbeam,
        Contender::StdMpsc,
        Contender::Flume,
        Contender::Disruptor(DisruptorWait::BusySpin, Publish::Single),
        Contender::Disruptor(DisruptorWait::SpinLoopHint, Publish::Single),
        Contender::Disruptor(DisruptorWait::Sleep, Publish::Single),
        Contender::Disruptor(DisruptorWait::BusySpin, Publish::Batch),
        Contender::Disruptor(DisruptorWait::SpinLoopHint, Publish::Batch),
        Contender::Disruptor(DisruptorWait::Sleep, Publish::Batch),
    ];

    /// A short, stable identifier (command lines, CSV).
    pub fn key(self) -> &'static str {
        use Contender::*;
        use DisruptorWait as D;
        use Publish::*;
        use RingWait as R;
        match self {
            Ringlog(R::BusySpin, Single) => "ringlog-busyspin",
            Ringlog(R::Yield, Single) => "ringlog-yield",
            Ringlog(R::Park, Single) => "ringlog-park",
            Ringlog(R::BusySpin, Batch) => "ringlog-busyspin-batch16",
            Ringlog(R::Yield, Batch) => "ringlog-yield-batch16",
            Ringlog(R::Park, Batch) => "ringlog-park-batch16",
            Crossbeam => "crossbeam-channel",
            StdMpsc => "std-mpsc",
            Flume => "flume",
            Disruptor(D::BusySpin, Single) => "disruptor-busyspin",
            Disruptor(D::SpinLoopHint, Single) => "disruptor-spinhint",
            Disruptor(D::Sleep, Single) => "disruptor-sleep",
            Disruptor(D::BusySpin, Batch) => "disruptor-busyspin-batch16",
            Disruptor(D::SpinLoopHint, Batch) => "disruptor-spinhint-batch16",
            Disruptor(D::Sleep, Batch) => "disruptor-sleep-batch16",
        }
    }

    /// A human-readable name (tables, plots, criterion ids).
    pub fn label(self) -> &'static str {
        use Contender::*;
        use DisruptorWait as D;
        use Publish::*;
        use RingWait as R;
        match self {
            Ringlog(R::BusySpin, Single) => "ringlog BusySpin push",
            Ringlog(R::Yield, Single) => "ringlog Yield push",
            Ringlog(R::Park, Single) => "ringlog Park push",
            Ringlog(R::BusySpin, Batch) => "ringlog BusySpin batch16",
            Ringlog(R::Yield, Batch) => "ringlog Yield batch16",
            Ringlog(R::Park, Batch) => "ringlog Park batch16",
            Crossbeam => "crossbeam-channel bounded",
            StdMpsc => "std mpsc sync_channel",
            Flume => "flume bounded",
            Disruptor(D::BusySpin, Single) => "disruptor BusySpin publish",
            Disruptor(D::SpinLoopHint, Single) => "disruptor SpinLoopHint publish",
            Disruptor(D::Sleep, Single) => "disruptor Sleep(1us) publish",
            Disruptor(D::BusySpin, Batch) => "disruptor BusySpin batch16",
            Disruptor(D::SpinLoopHint, Batch) => "disruptor SpinLoopHint batch16",
            Disruptor(D::Sleep, Batch) => "disruptor Sleep(1us) batch16",
        }
    }

    /// The contender with this [`key`](Contender::key).
    pub fn from_key(key: &str) -> Option<Contender> {
        Contender::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Whether this is ringlog (as opposed to a peer).
    pub fn is_ringlog(self) -> bool {
        matches!(self, Contender::Ringlog(..))
    }

    /// How it publishes (channels have no batch send: always single).
    pub fn publish(self) -> Publish {
        match self {
            Contender::Ringlog(_, p) | Contender::Disruptor(_, p) => p,
            _ => Publish::Single,
        }
    }

    /// Whether a waiting side never yields its core (so with more threads
    /// than cores it may be starved and hit the time limit).
    pub fn busy_spins(self) -> bool {
        matches!(
            self,
            Contender::Ringlog(RingWait::BusySpin, _) | Contender::Disruptor(..)
        )
    }
}

/// What one run measured.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// Events delivered to, and verified by, the consumer.
    pub delivered: u64,
    /// Events the run was asked for.
    pub requested: u64,
    /// From the first producer's start until the consumer had taken the
    /// last event (ringlog and channels: and seen the queue closed).
    pub elapsed: Duration,
}

impl Outcome {
    /// Whether the producers stopped at the time limit.
    pub fn time_limited(&self) -> bool {
        self.delivered < self.requested
    }

    /// Delivered events per second.
    pub fn events_per_sec(&self) -> f64 {
        self.delivered as f64 / self.elapsed.as_secs_f64()
    }

    /// The time `requested` events would take at the measured rate (equal to
    /// `elapsed` unless time-limited).
    pub fn scaled_elapsed(&self) -> Duration {
        if self.delivered == 0 {
            return self.elapsed * 1000;
        }
        self.elapsed
            .mul_f64(self.requested as f64 / self.delivered as f64)
    }
}

/// Checks, on the consumer side, that every producer's events arrive in
/// order, with no loss and no duplicate.
#[derive(Clone, Debug)]
pub struct Checker {
    next: [u64; MAX_PRODUCERS],
    received: u64,
    bad: u64,
    first_bad: Option<(u64, u64)>,
}

impl Default for Checker {
    fn default() -> Self {
        Self::new()
    }
}

impl Checker {
    /// A checker that has seen nothing.
    pub fn new() -> Self {
        Self {
            next: [0; MAX_PRODUCERS],
            received: 0,
            bad: 0,
            first_bad: None,
        }
    }

    /// Takes one event.
    #[inline]
    pub fn check(&mut self, event: u64) {
        let id = (event >> SEQ_BITS) as usize;
        match self.next.get_mut(id) {
            Some(next) if *next == event & SEQ_MASK => *next += 1,
            _ => self.bad(event),
        }
        self.received += 1;
    }

    #[cold]
    #[inline(never)]
    fn bad(&mut self, event: u64) {
        self.bad += 1;
        if self.first_bad.is_none() {
            self.first_bad = Some((self.received, event));
        }
    }

    /// The number of events delivered if the consumer saw exactly what the
    /// producers report to have sent (`sent[id]` events from producer `id`),
    /// in order; otherwise a description of what went wrong.
    pub fn verify(&self, sent: &[u64]) -> Result<u64, String> {
        if let Some((index, event)) = self.first_bad {
            let id = event >> SEQ_BITS;
            let expected = self.next.get(id as usize).copied();
            return Err(format!(
                "{} events out of order, duplicated or unknown; the first, event #{index}, \
                 was producer {id} seq {} (expected seq {expected:?} next from that producer)",
                self.bad,
                event & SEQ_MASK,
            ));
        }
        for (id, next) in self.next.iter().enumerate() {
            let sent = sent.get(id).copied().unwrap_or(0);
            if *next != sent {
                return Err(format!(
                    "producer {id} sent {sent} events but the consumer received {next}"
                ));
            }
        }
        let total: u64 = sent.iter().sum();
        if self.received != total {
            return Err(format!(
                "received {} events in total, producers sent {total}",
                self.received
            ));
        }
        Ok(total)
    }
}

/// Publishes producer `id`'s events `0..n` in steps of `step` by
/// `publish(first_event)` (which publishes `step` events from `first_event`
/// on and returns `false` if the queue is closed), stopping early at
/// `deadline`. Returns the number of events sent.
#[inline]
fn produce(
    id: usize,
    n: u64,
    step: u64,
    deadline: Instant,
    mut publish: impl FnMut(u64) -> bool,
) -> u64 {
    let base = (id as u64) << SEQ_BITS;
    let mut seq = 0;
    while seq < n {
        if seq % CHECK_EVERY == 0 && Instant::now() >= deadline {
            break;
        }
        if !publish(base | seq) {
            break;
        }
        seq += step;
    }
    seq
}

fn join<R>(handle: thread::ScopedJoinHandle<'_, R>, who: &str) -> Result<R, String> {
    handle.join().map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("{who} thread panicked: {msg}")
    })
}

/// Runs `contender` once: `producers` threads, `events` events in total (a
/// multiple of `producers * BATCH`), producers stopping at `limit`. `Err` if
/// the consumer's check failed or a thread panicked.
pub fn run(
    contender: Contender,
    producers: usize,
    events: u64,
    limit: Duration,
) -> Result<Outcome, String> {
    assert!((1..=MAX_PRODUCERS).contains(&producers));
    let per_producer = events / producers as u64;
    assert_eq!(
        per_producer % BATCH as u64,
        0,
        "events must be a multiple of producers * {BATCH}"
    );
    let step = match contender.publish() {
        Publish::Single => 1,
        Publish::Batch => BATCH as u64,
    };
    let (sent, checker, elapsed) = match contender {
        Contender::Ringlog(wait, publish) => {
            let builder = ringlog::RingBuilder::new(CAPACITY);
            let builder = match wait {
                RingWait::BusySpin => builder.wait_strategy(ringlog::BusySpin),
                RingWait::Yield => builder.wait_strategy(ringlog::Yield::default()),
                RingWait::Park => builder.wait_strategy(ringlog::Park::default()),
            };
            let (producer, mut consumer) = builder.build::<u64>().map_err(|e| e.to_string())?;
            let handles: Vec<_> = (0..producers).map(|_| producer.clone()).collect();
            drop(producer);
            two_sided(
                handles,
                move || {
                    let mut checker = Checker::new();
                    let mut runs = 0u64;
                    while consumer.consume(|e, _| checker.check(*e)).is_ok() {
                        runs += 1;
                    }
                    if std::env::var_os("RINGLOG_BENCH_DIAG").is_some() {
                        eprintln!(
                            "diag: {} events in {runs} consumer runs ({:.1} events per run)",
                            checker.received,
                            checker.received as f64 / runs.max(1) as f64
                        );
                    }
                    checker
                },
                move |id, p, deadline| match publish {
                    Publish::Single => {
                        produce(id, per_producer, 1, deadline, |v| p.push(v).is_ok())
                    }
                    Publish::Batch => produce(id, per_producer, step, deadline, |v| {
                        p.publish_batch_with(BATCH, |i, slot| *slot = v + i as u64)
                            .is_ok()
                    }),
                },
                limit,
            )?
        }
        Contender::Crossbeam => {
            let (tx, rx) = crossbeam_channel::bounded::<u64>(CAPACITY);
            let handles: Vec<_> = (0..producers).map(|_| tx.clone()).collect();
            drop(tx);
            two_sided(
                handles,
                move || {
                    let mut checker = Checker::new();
                    while let Ok(e) = rx.recv() {
                        checker.check(e);
                    }
                    checker
                },
                move |id, tx, deadline| {
                    produce(id, per_producer, 1, deadline, |v| tx.send(v).is_ok())
                },
                limit,
            )?
        }
        Contender::StdMpsc => {
            let (tx, rx) = std::sync::mpsc::sync_channel::<u64>(CAPACITY);
            let handles: Vec<_> = (0..producers).map(|_| tx.clone()).collect();
            drop(tx);
            two_sided(
                handles,
                move || {
                    let mut checker = Checker::new();
                    while let Ok(e) = rx.recv() {
                        checker.check(e);
                    }
                    checker
                },
                move |id, tx, deadline| {
                    produce(id, per_producer, 1, deadline, |v| tx.send(v).is_ok())
                },
                limit,
            )?
        }
        Contender::Flume => {
            let (tx, rx) = flume::bounded::<u64>(CAPACITY);
            let handles: Vec<_> = (0..producers).map(|_| tx.clone()).collect();
            drop(tx);
            two_sided(
                handles,
                move || {
                    let mut checker = Checker::new();
                    while let Ok(e) = rx.recv() {
                        checker.check(e);
                    }
                    checker
                },
                move |id, tx, deadline| {
                    produce(id, per_producer, 1, deadline, |v| tx.send(v).is_ok())
                },
                limit,
            )?
        }
        Contender::Disruptor(wait, publish) => match wait {
            DisruptorWait::BusySpin => {
                run_disruptor(disruptor::BusySpin, publish, producers, per_producer, limit)?
            }
            DisruptorWait::SpinLoopHint => run_disruptor(
                disruptor::BusySpinWithSpinLoopHint,
                publish,
                producers,
                per_producer,
                limit,
            )?,
            DisruptorWait::Sleep => run_disruptor(
                disruptor::Sleep::new(DISRUPTOR_SLEEP),
                publish,
                producers,
                per_producer,
                limit,
            )?,
        },
    };
    let delivered = checker
        .verify(&sent)
        .map_err(|e| format!("{} with {producers} producers: {e}", contender.label()))?;
    Ok(Outcome {
        delivered,
        requested: per_producer * producers as u64,
        elapsed,
    })
}

/// The clock of one run: from the earliest producer start (each producer
/// reads the clock itself right after the start barrier, so a descheduled
/// main thread cannot shorten the measured interval) to the consumer's end.
fn elapsed(starts: &[Instant], end: Instant) -> Duration {
    starts
        .iter()
        .min()
        .map_or(Duration::ZERO, |t0| end.saturating_duration_since(*t0))
}

/// Splits joined producer results into sent counts and start times.
fn unzip_producers(
    results: Vec<Result<(u64, Instant), String>>,
) -> Result<(Vec<u64>, Vec<Instant>), String> {
    let results = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(results.into_iter().unzip())
}

/// Runs a consumer thread and one producer thread per handle, all released
/// together; the clock runs from the first producer's start until the
/// consumer has taken the last event and seen the queue closed.
fn two_sided<H: Send>(
    handles: Vec<H>,
    consume: impl FnOnce() -> Checker + Send,
    producer_loop: impl Fn(usize, H, Instant) -> u64 + Sync,
    limit: Duration,
) -> Result<(Vec<u64>, Checker, Duration), String> {
    let start = Barrier::new(handles.len() + 1);
    thread::scope(|s| {
        let (start, producer_loop) = (&start, &producer_loop);
        let consumer = s.spawn(move || {
            start.wait();
            let checker = consume();
            (checker, Instant::now())
        });
        let producers: Vec<_> = handles
            .into_iter()
            .enumerate()
            .map(|(id, handle)| {
                s.spawn(move || {
                    start.wait();
                    let t0 = Instant::now();
                    (producer_loop(id, handle, t0 + limit), t0)
                })
            })
            .collect();
        let sent: Vec<_> = producers.into_iter().map(|h| join(h, "producer")).collect();
        let consumed = join(consumer, "consumer");
        let (sent, starts) = unzip_producers(sent)?;
        let (checker, end) = consumed?;
        Ok((sent, checker, elapsed(&starts, end)))
    })
}

/// The `disruptor` consumer's state: its checker, and when it took the last
/// of the `target` events; handed out when the consumer thread ends (the
/// state is dropped there).
struct Reporting {
    checker: Checker,
    target: u64,
    done_at: Option<Instant>,
    out: Arc<Mutex<Option<(Checker, Instant)>>>,
}

impl Drop for Reporting {
    fn drop(&mut self) {
        // A time-limited run never reaches `target`: its end is the
        // consumer's exit (after the last producer handle is dropped).
        let end = self.done_at.unwrap_or_else(Instant::now);
        if let Ok(mut out) = self.out.lock() {
            *out = Some((self.checker.clone(), end));
        }
    }
}

fn run_disruptor<W: disruptor::wait_strategies::WaitStrategy + 'static>(
    wait: W,
    publish: Publish,
    producers: usize,
    per_producer: u64,
    limit: Duration,
) -> Result<(Vec<u64>, Checker, Duration), String> {
    use disruptor::Producer as _;
    let report = Arc::new(Mutex::new(None));
    let out = Arc::clone(&report);
    let target = per_producer * producers as u64;
    let producer = disruptor::build_multi_producer(CAPACITY, || 0u64, wait)
        .handle_events_and_state_with(
            |state: &mut Reporting, event: &u64, _seq, _end_of_batch| {
                state.checker.check(*event);
                if state.checker.received == state.target {
                    state.done_at = Some(Instant::now());
                }
            },
            move || Reporting {
                checker: Checker::new(),
                target,
                done_at: None,
                out,
            },
        )
        .build();
    let handles: Vec<_> = (0..producers).map(|_| producer.clone()).collect();
    let start = Barrier::new(producers);
    let sent = thread::scope(|s| {
        let start = &start;
        let threads: Vec<_> = handles
            .into_iter()
            .enumerate()
            .map(|(id, mut p)| {
                s.spawn(move || {
                    start.wait();
                    let t0 = Instant::now();
                    let deadline = t0 + limit;
                    let sent = match publish {
                        Publish::Single => produce(id, per_producer, 1, deadline, |v| {
                            p.publish(|slot| *slot = v);
                            true
                        }),
                        Publish::Batch => produce(id, per_producer, BATCH as u64, deadline, |v| {
                            p.batch_publish(BATCH, |slots| {
                                for (i, slot) in slots.enumerate() {
                                    *slot = v + i as u64;
                                }
                            });
                            true
                        }),
                    };
                    (sent, t0)
                })
            })
            .collect();
        let sent: Vec<_> = threads.into_iter().map(|h| join(h, "producer")).collect();
        // Dropping the last producer drains the ring and joins the consumer.
        drop(producer);
        sent
    });
    let (sent, starts) = unzip_producers(sent)?;
    let (checker, end) = report
        .lock()
        .map_err(|_| "disruptor consumer state poisoned".to_string())?
        .take()
        .ok_or("the disruptor consumer thread reported nothing")?;
    Ok((sent, checker, elapsed(&starts, end)))
}

/// Proves that the [`Checker`] rejects what it must (a lost, a duplicated and
/// a reordered event, and a count mismatch): a check that cannot fail proves
/// nothing. Panics if it does not.
pub fn checker_self_test() {
    let event = |id: u64, seq: u64| (id << SEQ_BITS) | seq;
    let verify = |events: &[u64], sent: &[u64]| {
        let mut checker = Checker::new();
        events.iter().for_each(|&e| checker.check(e));
        checker.verify(sent)
    };
    assert_eq!(
        verify(&[event(0, 0), event(1, 0), event(0, 1)], &[2, 1]),
        Ok(3)
    );
    let bad: [(&[u64], &[u64]); 5] = [
        (&[event(0, 0), event(0, 2)], &[3]),              // lost
        (&[event(0, 0), event(0, 0), event(0, 1)], &[2]), // duplicated
        (&[event(0, 1), event(0, 0)], &[2]),              // reordered
        (&[event(0, 0)], &[2]),                           // missing at the end
        (&[event(9, 0)], &[0]),                           // unknown producer
    ];
    for (events, sent) in bad {
        assert!(
            verify(events, sent).is_err(),
            "the checker accepted a wrong delivery: {events:?} for {sent:?}"
        );
    }
}
