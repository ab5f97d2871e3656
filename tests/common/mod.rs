//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on its own thread and fails the test if it has not finished after
/// `secs` seconds, so that a hang shows up as a failure naming the test
/// instead of a stuck CI job. A panic inside `f` is propagated as is.
pub fn with_deadline<R: Send + 'static>(
    name: &str,
    secs: u64,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (done_tx, done_rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let result = f();
            let _ = done_tx.send(());
            result
        })
        .expect("spawn test thread");
    match done_rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) => worker.join().expect("test thread finished"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: no result after {secs} s: the ring hung (watchdog)")
        }
    }
}

/// `full` normally, `small` under Miri (which runs ~1000x slower).
pub fn scaled(full: u64, small: u64) -> u64 {
    if cfg!(miri) {
        small
    } else {
        full
    }
}

/// Events of the per-producer FIFO tests are `producer << ID_SHIFT | index`.
pub const ID_SHIFT: u32 = 40;

/// Spawns `producers` threads, each pushing `per` events `id << ID_SHIFT | i`
/// (i = 0, 1, ...) through a clone of `producer`.
pub fn spawn_pushers(
    producer: &ringlog::Producer<u64>,
    producers: u64,
    per: u64,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..producers)
        .map(|id| {
            let producer = producer.clone();
            std::thread::spawn(move || {
                for index in 0..per {
                    producer.push(id << ID_SHIFT | index).unwrap();
                }
            })
        })
        .collect()
}

/// Checks that each producer's events arrive exactly once and in order.
pub struct FifoCheck {
    next: Vec<u64>,
}

impl FifoCheck {
    pub fn new(producers: u64) -> Self {
        Self {
            next: vec![0; producers as usize],
        }
    }

    /// Fails the test if `event` is not the next one of its producer.
    pub fn check(&mut self, event: u64) {
        let id = (event >> ID_SHIFT) as usize;
        let index = event & ((1 << ID_SHIFT) - 1);
        assert!(
            id < self.next.len(),
            "event {event:#x} names unknown producer {id}"
        );
        assert_eq!(
            index, self.next[id],
            "producer {id}: got event {index}, expected {} (lost, duplicated or reordered)",
            self.next[id]
        );
        self.next[id] += 1;
    }

    /// Fails the test unless every producer delivered exactly `per` events.
    pub fn assert_complete(&self, per: u64) {
        assert!(
            self.next.iter().all(|&n| n == per),
            "delivered {:?}, expected {per} each",
            self.next
        );
    }
}

/// Installs (once per test binary) a panic hook that stays quiet about the
/// deliberate panics a test plants (a literal message starting with `marker`);
/// every other panic is reported by the default hook.
pub fn quiet_panics_starting_with(marker: &'static str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let planted = info
                .payload()
                .downcast_ref::<&str>()
                .is_some_and(|s| s.starts_with(marker));
            if !planted {
                default(info);
            }
        }));
    });
}

/// Runs the test `test` (its full path, e.g. `"reentrant::child"`) of this
/// test binary alone in a child process with `env` set, killing it if it has
/// not finished after `limit`. Returns whether it succeeded and its stdout.
pub fn run_test_child(
    test: &str,
    env: &[(&str, &std::ffi::OsStr)],
    limit: Duration,
) -> (std::process::ExitStatus, String) {
    use std::process::{Command, Stdio};
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{test}: the child hung for {limit:?} (killed)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    (status, stdout)
}

/// Builds `builder`'s ring of `u64`, spawns `producers` threads pushing
/// `per` events each ([`spawn_pushers`]), drops the test's own handle, and
/// consumes until the ring closes: every event must arrive once, in order
/// per producer.
pub fn push_and_check_fifo(builder: ringlog::RingBuilder, producers: u64, per: u64) {
    let (producer, mut consumer) = builder.build::<u64>().unwrap();
    let workers = spawn_pushers(&producer, producers, per);
    drop(producer);
    let mut fifo = FifoCheck::new(producers);
    while consumer.consume(|e, _| fifo.check(*e)).is_ok() {}
    for w in workers {
        w.join().unwrap();
    }
    fifo.assert_complete(per);
}
