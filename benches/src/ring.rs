//! Ring-throughput workloads, shared by the criterion bench (`benches/ring.rs`)
//! and the bench tool (`ringlog-bench --group ring`), so both measure exactly
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
//!
//! The contenders are data: [`CONTENDERS`] lists each one with its names and
//! the function that runs it. A new variant is one more row (and, for a new
//! kind of queue, one more run function); the tool's tables, ratios and plots
//! and the criterion bench pick it up from the list.

use crate::sched::{Machine, MachineUse, Role, ThreadClock, ThreadUse, Threads};
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
/// The sleep of the `disruptor` crate's `Sleep` strategy in these benches.
pub const DISRUPTOR_SLEEP: Duration = Duration::from_micros(1);

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

impl Publish {
    fn step(self) -> u64 {
        match self {
            Publish::Single => 1,
            Publish::Batch => BATCH as u64,
        }
    }
}

/// One measured configuration: a queue, its wait strategy and how it
/// publishes.
#[derive(Clone, Copy, Debug)]
pub struct Contender {
    /// A short, stable identifier (command lines, CSV).
    pub key: &'static str,
    /// A human-readable name (tables, plots, criterion ids).
    pub label: &'static str,
    /// The queue and wait strategy without the publish mode ("disruptor
    /// Sleep"): the peer columns of the tool's ratio tables, where a batch
    /// row is compared with the same family's batch variant if it has one.
    pub family: &'static str,
    /// Whether this is ringlog (as opposed to a peer).
    pub ours: bool,
    /// How it publishes.
    pub publish: Publish,
    run: fn(&Plan) -> Result<Delivery, String>,
}

impl Contender {
    /// The contender with this [`key`](Contender::key).
    pub fn from_key(key: &str) -> Option<&'static Contender> {
        CONTENDERS.iter().find(|c| c.key == key)
    }

    /// A peer: `Contender::new(key, label, family, publish, run)`; ringlog's
    /// configurations add [`ours`](Contender::ours).
    const fn new(
        key: &'static str,
        label: &'static str,
        family: &'static str,
        publish: Publish,
        run: fn(&Plan) -> Result<Delivery, String>,
    ) -> Contender {
        Contender {
            key,
            label,
            family,
            ours: false,
            publish,
            run,
        }
    }

    /// Marks a configuration of ringlog (as opposed to a peer).
    const fn ours(self) -> Contender {
        Contender { ours: true, ..self }
    }
}

/// crossbeam-channel, std mpsc and flume share one shape (`send`/`recv`, a
/// cloneable sender); only the constructor differs.
macro_rules! channel {
    ($plan:expr, $channel:expr) => {{
        let plan: &Plan = $plan;
        let (tx, rx) = $channel;
        let handles: Vec<_> = (0..plan.producers).map(|_| tx.clone()).collect();
        drop(tx);
        two_sided(
            plan,
            handles,
            move || {
                let mut checker = Checker::new();
                while let Ok(e) = rx.recv() {
                    checker.check(e);
                }
                (checker, None)
            },
            |id, tx, deadline| plan.produce(id, deadline, |v| tx.send(v).is_ok()),
        )
    }};
}

/// Every contender, ringlog first: `crossbeam_channel::bounded(CAPACITY)`,
/// `std::sync::mpsc::sync_channel(CAPACITY)`, `flume::bounded(CAPACITY)` and
/// `disruptor::build_multi_producer(CAPACITY, ..)` with each of the wait
/// strategies the `disruptor` crate offers in 4.x (they apply to its
/// consumer; its producers always busy-spin when the ring is full).
pub const CONTENDERS: &[Contender] = {
    use Publish::{Batch, Single};
    &[
        Contender::new(
            "ringlog-busyspin",
            "ringlog BusySpin push",
            "ringlog BusySpin",
            Single,
            |p| ringlog_queue(p, ringlog::BusySpin),
        )
        .ours(),
        Contender::new(
            "ringlog-yield",
            "ringlog Yield push",
            "ringlog Yield",
            Single,
            |p| ringlog_queue(p, ringlog::Yield::default()),
        )
        .ours(),
        Contender::new(
            "ringlog-park",
            "ringlog Park push",
            "ringlog Park",
            Single,
            |p| ringlog_queue(p, ringlog::Park::default()),
        )
        .ours(),
        Contender::new(
            "ringlog-sleep",
            "ringlog Sleep push",
            "ringlog Sleep",
            Single,
            |p| ringlog_queue(p, ringlog::Sleep::default()),
        )
        .ours(),
        Contender::new(
            "ringlog-busyspin-batch16",
            "ringlog BusySpin batch16",
            "ringlog BusySpin",
            Batch,
            |p| ringlog_queue(p, ringlog::BusySpin),
        )
        .ours(),
        Contender::new(
            "ringlog-yield-batch16",
            "ringlog Yield batch16",
            "ringlog Yield",
            Batch,
            |p| ringlog_queue(p, ringlog::Yield::default()),
        )
        .ours(),
        Contender::new(
            "ringlog-park-batch16",
            "ringlog Park batch16",
            "ringlog Park",
            Batch,
            |p| ringlog_queue(p, ringlog::Park::default()),
        )
        .ours(),
        Contender::new(
            "ringlog-sleep-batch16",
            "ringlog Sleep batch16",
            "ringlog Sleep",
            Batch,
            |p| ringlog_queue(p, ringlog::Sleep::default()),
        )
        .ours(),
        Contender::new(
            "crossbeam-channel",
            "crossbeam-channel bounded",
            "crossbeam",
            Single,
            |p| channel!(p, crossbeam_channel::bounded::<u64>(CAPACITY)),
        ),
        Contender::new(
            "std-mpsc",
            "std mpsc sync_channel",
            "std mpsc",
            Single,
            |p| channel!(p, std::sync::mpsc::sync_channel::<u64>(CAPACITY)),
        ),
        Contender::new("flume", "flume bounded", "flume", Single, |p| {
            channel!(p, flume::bounded::<u64>(CAPACITY))
        }),
        Contender::new(
            "disruptor-busyspin",
            "disruptor BusySpin publish",
            "disruptor BusySpin",
            Single,
            |p| disruptor_queue(p, disruptor::BusySpin),
        ),
        Contender::new(
            "disruptor-spinhint",
            "disruptor SpinLoopHint publish",
            "disruptor SpinLoopHint",
            Single,
            |p| disruptor_queue(p, disruptor::BusySpinWithSpinLoopHint),
        ),
        Contender::new(
            "disruptor-sleep",
            "disruptor Sleep(1us) publish",
            "disruptor Sleep",
            Single,
            |p| disruptor_queue(p, disruptor::Sleep::new(DISRUPTOR_SLEEP)),
        ),
        Contender::new(
            "disruptor-busyspin-batch16",
            "disruptor BusySpin batch16",
            "disruptor BusySpin",
            Batch,
            |p| disruptor_queue(p, disruptor::BusySpin),
        ),
        Contender::new(
            "disruptor-spinhint-batch16",
            "disruptor SpinLoopHint batch16",
            "disruptor SpinLoopHint",
            Batch,
            |p| disruptor_queue(p, disruptor::BusySpinWithSpinLoopHint),
        ),
        Contender::new(
            "disruptor-sleep-batch16",
            "disruptor Sleep(1us) batch16",
            "disruptor Sleep",
            Batch,
            |p| disruptor_queue(p, disruptor::Sleep::new(DISRUPTOR_SLEEP)),
        ),
    ]
};

/// What one run measured.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Events delivered to, and verified by, the consumer.
    pub delivered: u64,
    /// Events the run was asked for.
    pub requested: u64,
    /// From the first producer's start until the consumer had taken the
    /// last event (ringlog and channels: and seen the queue closed).
    pub elapsed: Duration,
    /// The consumer's calls that handed it events: `consume` calls for
    /// ringlog, batches its handler saw (`end_of_batch`) for the disruptor;
    /// `None` for the channels, which hand over one event per `recv`.
    pub consume_calls: Option<u64>,
    /// What the machine did during the run (steal, other processes).
    pub machine: MachineUse,
    /// What each thread of the run got from the scheduler (the producers,
    /// and the consumer).
    pub threads: Vec<ThreadUse>,
}

impl Outcome {
    /// Whether the producers stopped at the time limit.
    pub fn time_limited(&self) -> bool {
        self.delivered < self.requested
    }

    /// The consumer's mean run length: events per consume call (or per
    /// batch), if the contender counts them.
    pub fn mean_run_length(&self) -> Option<f64> {
        self.consume_calls
            .map(|calls| self.delivered as f64 / calls.max(1) as f64)
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

/// What a run function is asked to do.
struct Plan {
    producers: usize,
    per_producer: u64,
    publish: Publish,
    limit: Duration,
    /// Each thread's [`ThreadUse`] over its part of the run.
    threads: Threads,
}

impl Plan {
    /// Publishes producer `id`'s events `0..per_producer` in steps of the
    /// publish mode by `publish(first_event)` (which publishes that many
    /// events from `first_event` on and returns `false` if the queue is
    /// closed), stopping early at `deadline`. Returns the number of events
    /// sent.
    #[inline]
    fn produce(&self, id: usize, deadline: Instant, mut publish: impl FnMut(u64) -> bool) -> u64 {
        let base = (id as u64) << SEQ_BITS;
        let mut seq = 0;
        while seq < self.per_producer {
            if seq % CHECK_EVERY == 0 && Instant::now() >= deadline {
                break;
            }
            if !publish(base | seq) {
                break;
            }
            seq += self.publish.step();
        }
        seq
    }
}

/// What the consumer saw, and what the producers sent, in one run.
struct Delivery {
    sent: Vec<u64>,
    checker: Checker,
    elapsed: Duration,
    consume_calls: Option<u64>,
}

/// Runs `contender` once: `producers` threads, `events` events in total (a
/// multiple of `producers * BATCH`), producers stopping at `limit`.
///
/// # Errors
/// If the consumer's check failed or a thread panicked.
///
/// # Panics
/// If `producers` is not in `1..=MAX_PRODUCERS` or `events` is not a multiple
/// of `producers * BATCH`.
pub fn run(
    contender: &Contender,
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
    let plan = Plan {
        producers,
        per_producer,
        publish: contender.publish,
        limit,
        threads: Threads::default(),
    };
    let machine = Machine::start();
    let delivery = (contender.run)(&plan)?;
    let machine = machine.finish();
    let delivered = delivery
        .checker
        .verify(&delivery.sent)
        .map_err(|e| format!("{} with {producers} producers: {e}", contender.label))?;
    Ok(Outcome {
        delivered,
        requested: per_producer * producers as u64,
        elapsed: delivery.elapsed,
        consume_calls: delivery.consume_calls,
        machine,
        threads: plan.threads.take(),
    })
}

/// ringlog's ring with wait strategy `wait`; the consumer counts its
/// `consume` calls (one increment per call, not per event). For
/// experiments, `RINGLOG_BENCH_RING_EVICT=never|always|adaptive` sets
/// `RingBuilder::evict_consumed` (the reported runs use the default).
fn ringlog_queue(plan: &Plan, wait: impl ringlog::WaitStrategy) -> Result<Delivery, String> {
    let builder = ringlog::RingBuilder::new(CAPACITY).wait_strategy(wait);
    let builder = match std::env::var("RINGLOG_BENCH_RING_EVICT").as_deref() {
        Ok("never") => builder.evict_consumed(ringlog::Evict::Never),
        Ok("always") => builder.evict_consumed(ringlog::Evict::Always),
        Ok("adaptive") => builder.evict_consumed(ringlog::Evict::Adaptive),
        Ok(other) => {
            return Err(format!(
                "RINGLOG_BENCH_RING_EVICT={other}: never, always or adaptive"
            ))
        }
        Err(_) => builder,
    };
    let (producer, mut consumer) = builder.build::<u64>().map_err(|e| e.to_string())?;
    let handles: Vec<_> = (0..plan.producers).map(|_| producer.clone()).collect();
    drop(producer);
    two_sided(
        plan,
        handles,
        move || {
            let mut checker = Checker::new();
            let mut calls = 0u64;
            while consumer.consume(|e, _| checker.check(*e)).is_ok() {
                calls += 1;
            }
            (checker, Some(calls))
        },
        |id, p, deadline| match plan.publish {
            Publish::Single => plan.produce(id, deadline, |v| p.push(v).is_ok()),
            Publish::Batch => plan.produce(id, deadline, |v| {
                p.publish_batch_with(BATCH, |i, slot| *slot = v + i as u64)
                    .is_ok()
            }),
        },
    )
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

/// The clock of one run: from the earliest producer start (each producer
/// reads the clock itself right after the start barrier, so a descheduled
/// main thread cannot shorten the measured interval) to the consumer's end.
fn elapsed(starts: &[Instant], end: Instant) -> Duration {
    starts
        .iter()
        .min()
        .map_or(Duration::ZERO, |t0| end.saturating_duration_since(*t0))
}

/// Spawns one producer thread per handle in `s`, each waiting at `start`
/// and then running `producer_loop(id, handle, deadline)` (recording what
/// it got from the scheduler meanwhile in `plan.threads`); joins them and
/// returns the events each sent and when each started.
fn producers<'scope, H: Send + 'scope>(
    s: &'scope thread::Scope<'scope, '_>,
    handles: Vec<H>,
    start: &'scope Barrier,
    plan: &'scope Plan,
    producer_loop: &'scope (impl Fn(usize, H, Instant) -> u64 + Sync),
) -> Vec<thread::ScopedJoinHandle<'scope, (u64, Instant)>> {
    handles
        .into_iter()
        .enumerate()
        .map(|(id, handle)| {
            s.spawn(move || {
                start.wait();
                // Read before the clock starts: the /proc read is not timed.
                let clock = ThreadClock::start();
                let t0 = Instant::now();
                let sent = producer_loop(id, handle, t0 + plan.limit);
                plan.threads.record(clock.finish(Role::Producer));
                (sent, t0)
            })
        })
        .collect()
}

/// Joins the producers: the events each sent and the start times.
fn join_producers(
    threads: Vec<thread::ScopedJoinHandle<'_, (u64, Instant)>>,
) -> Result<(Vec<u64>, Vec<Instant>), String> {
    let results = threads
        .into_iter()
        .map(|h| join(h, "producer"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(results.into_iter().unzip())
}

/// Runs a consumer thread and one producer thread per handle, all released
/// together; the clock runs from the first producer's start until the
/// consumer has taken the last event and seen the queue closed.
fn two_sided<H: Send>(
    plan: &Plan,
    handles: Vec<H>,
    consume: impl FnOnce() -> (Checker, Option<u64>) + Send,
    producer_loop: impl Fn(usize, H, Instant) -> u64 + Sync,
) -> Result<Delivery, String> {
    let start = Barrier::new(handles.len() + 1);
    thread::scope(|s| {
        let start = &start;
        let consumer = s.spawn(move || {
            start.wait();
            let clock = ThreadClock::start();
            let consumed = consume();
            let end = Instant::now();
            plan.threads.record(clock.finish(Role::Consumer));
            (consumed, end)
        });
        let threads = producers(s, handles, start, plan, &producer_loop);
        let sent = join_producers(threads);
        let consumed = join(consumer, "consumer");
        let (sent, starts) = sent?;
        let ((checker, consume_calls), end) = consumed?;
        Ok(Delivery {
            sent,
            checker,
            elapsed: elapsed(&starts, end),
            consume_calls,
        })
    })
}

/// The `disruptor` consumer's state: its checker, the batches it saw, and
/// when it took the last of the `target` events; handed out when the
/// consumer thread ends (the state is dropped there).
struct Reporting {
    checker: Checker,
    batches: u64,
    target: u64,
    done_at: Option<Instant>,
    /// Started when the consumer thread creates its state (it then waits
    /// for the producers' start: its interval begins a little earlier than
    /// theirs).
    clock: ThreadClock,
    out: Arc<Mutex<Option<Reported>>>,
}

/// What the `disruptor` consumer hands out: checker, batches, end time,
/// what its thread got from the scheduler.
type Reported = (Checker, u64, Instant, Option<ThreadUse>);

impl Drop for Reporting {
    fn drop(&mut self) {
        // A time-limited run never reaches `target`: its end is the
        // consumer's exit (after the last producer handle is dropped).
        let end = self.done_at.unwrap_or_else(Instant::now);
        let used = self.clock.finish(Role::Consumer);
        if let Ok(mut out) = self.out.lock() {
            *out = Some((self.checker.clone(), self.batches, end, used));
        }
    }
}

/// The `disruptor` crate's multi-producer ring with consumer wait strategy
/// `wait`; the consumer counts the batches its handler sees.
fn disruptor_queue<W: disruptor::wait_strategies::WaitStrategy + 'static>(
    plan: &Plan,
    wait: W,
) -> Result<Delivery, String> {
    let report = Arc::new(Mutex::new(None));
    let out = Arc::clone(&report);
    let target = plan.per_producer * plan.producers as u64;
    let producer = disruptor::build_multi_producer(CAPACITY, || 0u64, wait)
        .handle_events_and_state_with(
            |state: &mut Reporting, event: &u64, _seq, end_of_batch| {
                state.checker.check(*event);
                state.batches += u64::from(end_of_batch);
                if state.checker.received == state.target {
                    state.done_at = Some(Instant::now());
                }
            },
            move || Reporting {
                checker: Checker::new(),
                batches: 0,
                target,
                done_at: None,
                clock: ThreadClock::start(),
                out,
            },
        )
        .build();
    let handles: Vec<_> = (0..plan.producers).map(|_| producer.clone()).collect();
    let start = Barrier::new(plan.producers);
    let producer_loop = |id, p, deadline| disruptor_produce(plan, id, p, deadline);
    let sent = thread::scope(|s| {
        let threads = producers(s, handles, &start, plan, &producer_loop);
        let sent = join_producers(threads);
        // Dropping the last producer drains the ring and joins the consumer.
        drop(producer);
        sent
    });
    let (sent, starts) = sent?;
    let (checker, batches, end, used) = report
        .lock()
        .map_err(|_| "disruptor consumer state poisoned".to_string())?
        .take()
        .ok_or("the disruptor consumer thread reported nothing")?;
    plan.threads.record(used);
    Ok(Delivery {
        sent,
        checker,
        elapsed: elapsed(&starts, end),
        consume_calls: Some(batches),
    })
}

/// One `disruptor` producer's loop: `publish` or `batch_publish(16, ..)`.
fn disruptor_produce(
    plan: &Plan,
    id: usize,
    mut p: impl disruptor::Producer<u64>,
    deadline: Instant,
) -> u64 {
    match plan.publish {
        Publish::Single => plan.produce(id, deadline, |v| {
            p.publish(|slot| *slot = v);
            true
        }),
        Publish::Batch => plan.produce(id, deadline, |v| {
            p.batch_publish(BATCH, |slots| {
                for (i, slot) in slots.enumerate() {
                    *slot = v + i as u64;
                }
            });
            true
        }),
    }
}

/// Proves that the [`Checker`] rejects what it must (a lost, a duplicated and
/// a reordered event, and a count mismatch): a check that cannot fail proves
/// nothing.
///
/// # Panics
/// If the checker accepts a wrong delivery or rejects a right one.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_rejects_wrong_deliveries() {
        checker_self_test();
    }

    #[test]
    fn keys_are_unique_and_found() {
        for c in CONTENDERS {
            assert_eq!(Contender::from_key(c.key).map(|f| f.label), Some(c.label));
        }
    }

    /// Every contender delivers a short run, checked, and the ones that
    /// count consume calls report a run length within the possible range.
    #[test]
    fn every_contender_delivers_a_short_run() {
        for c in CONTENDERS {
            let o = run(c, 2, 2 * 64 * BATCH as u64, Duration::from_secs(20))
                .unwrap_or_else(|e| panic!("{}: {e}", c.label));
            assert_eq!(o.delivered, o.requested, "{}", c.label);
            if let Some(len) = o.mean_run_length() {
                assert!(
                    (1.0..=o.delivered as f64).contains(&len),
                    "{}: {len}",
                    c.label
                );
            }
            assert_eq!(
                o.consume_calls.is_some(),
                c.ours || c.family.starts_with("disruptor")
            );
        }
    }
}
