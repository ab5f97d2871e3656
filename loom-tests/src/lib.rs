//! loom models of ringlog's ring live in `tests/`; each file starts with `#![cfg(loom)]`.
//!
//! Run them with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p loom-tests --release
//! ```
//!
//! `scripts/loom-planted.sh` rebuilds them with a deliberate bug planted in the
//! ring (`--cfg ringlog_planted_bug="..."`) and checks that they then fail; see
//! the "Verification" section of `docs/design.md`.
//!
//! This library holds the helpers the models share (loom builds only).

#![cfg(loom)]

/// The event that producer `id` publishes as its `i`-th: never 0, so a slot
/// read before its first write (the `Default` value) cannot pass as an event.
pub fn event(id: u64, i: u64) -> u64 {
    (id + 1) * 100 + i
}

/// Checks that `got` holds every event of `counts[id]` events from each
/// producer `id` exactly once, each producer's in the order it published them.
pub fn assert_exactly_once_fifo(got: &[u64], counts: &[u64]) {
    let mut next = vec![0u64; counts.len()];
    for &e in got {
        assert!(e >= 100, "read a slot that was never written: {got:?}");
        let id = (e / 100 - 1) as usize;
        assert!(id < counts.len(), "unknown producer in {got:?}");
        assert_eq!(
            e,
            event(id as u64, next[id]),
            "lost, duplicated or reordered: {got:?}"
        );
        next[id] += 1;
    }
    assert_eq!(next, counts, "events missing: {got:?}");
}

/// A ring of `capacity` `u64` slots on which both sides park at once (no
/// spinning: every wait goes through the sleeper handshake).
pub fn parking_ring(capacity: usize) -> (ringlog::Producer<u64>, ringlog::Consumer<u64>) {
    ringlog::RingBuilder::new(capacity)
        .wait_strategy(ringlog::Park::new(0, 0))
        .build::<u64>()
        .unwrap()
}

/// Spawns one thread per id in `ids`, each running `body` with its own
/// clone of `producer` and its id.
pub fn spawn_producers<R: Send + 'static>(
    producer: &ringlog::Producer<u64>,
    ids: std::ops::Range<u64>,
    body: fn(ringlog::Producer<u64>, u64) -> R,
) -> Vec<loom::thread::JoinHandle<R>> {
    ids.map(|id| {
        let producer = producer.clone();
        loom::thread::spawn(move || body(producer, id))
    })
    .collect()
}

/// A [`parking_ring`] of 2 slots, both taken by producer 0's events 0 and 1:
/// the next push must wait for room.
pub fn full_parking_ring() -> (ringlog::Producer<u64>, ringlog::Consumer<u64>) {
    let (producer, consumer) = parking_ring(2);
    producer.push(event(0, 0)).unwrap();
    producer.push(event(0, 1)).unwrap();
    (producer, consumer)
}

/// Consumes until the ring is closed and drained; returns the events in the
/// order they were handed over.
pub fn drain(consumer: &mut ringlog::Consumer<u64>) -> Vec<u64> {
    let mut got = Vec::new();
    while consumer.consume(|e, _| got.push(*e)).is_ok() {}
    got
}

/// Runs `f` under loom's model checker with the environment's settings, but a
/// preemption bound of 2 unless `LOOM_MAX_PREEMPTIONS` says otherwise (an
/// unbounded search of these models would take hours).
pub fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(f);
}

/// Installs (once per test binary) a panic hook that stays quiet about the
/// panics the models plant on purpose (payload starting with `"planted"`), so
/// that thousands of explored executions do not flood the output; every other
/// panic is reported by the default hook.
///
/// A deliberate copy of `quiet_panics_starting_with` in `tests/common`: this
/// crate builds only under `--cfg loom` and cannot share the main crate's
/// test helpers.
pub fn quiet_planted_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let planted = info
                .payload()
                .downcast_ref::<&str>()
                .is_some_and(|s| s.starts_with("planted"));
            if !planted {
                default(info);
            }
        }));
    });
}
