//! What the machine took from a run (Linux `/proc`; every number is `None`
//! where the file is missing).
//!
//! On a shared 2-vCPU guest a run can be slow for reasons outside the code
//! measured: the host runs something else on our vCPU (*steal*), another
//! process of the guest takes a CPU, or our own threads outnumber the CPUs.
//! This module measures each, so that a slow run can be told apart from a
//! slow protocol:
//!
//! - [`Machine`]: system-wide, over the run: the host's steal and the CPU
//!   time of every other process (both from `/proc/stat`, in clock ticks of
//!   10 ms, themselves sampled at the scheduler tick), and the time some
//!   runnable task waited for a CPU (`/proc/pressure/cpu`, µs; only with
//!   PSI enabled).
//! - [`ThreadClock`]: per thread, at ns resolution
//!   (`/proc/thread-self/schedstat`): time on a CPU and time runnable but
//!   waiting on a runqueue, and the involuntary context switches
//!   (`/proc/thread-self/status`). With paravirtual steal accounting (the
//!   kernel's `CONFIG_PARAVIRT_TIME_ACCOUNTING`) the host's steal is in
//!   neither: for a thread that never blocks (busy-spin, yield), its wall
//!   time − run − wait is the steal it suffered, at ns resolution.
//! - [`handoff_round_trip_ns`]: how long a cache line takes to go from
//!   CPU 0 to CPU 1 and back, measured by two pinned threads just before
//!   and after a run. It depends on where the host placed the two vCPUs
//!   (the same core, the same L3, or further apart), which can change from
//!   one run to the next and which nothing else here can see; a ring's
//!   hand-off pays it for every cache line that crosses.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Milliseconds in one `/proc/stat` clock tick (Linux's USER_HZ is 100).
pub const MS_PER_TICK: f64 = 10.0;

/// The process's CPU time (user + system, all threads, exited ones
/// included) in clock ticks (`/proc/self/stat`).
pub fn process_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): state is
    // field 3; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    Some(fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?)
}

/// The whole machine's busy and steal ticks (the `cpu` line of
/// `/proc/stat`: user nice system idle iowait irq softirq steal …).
fn system_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let f: Vec<u64> = line
        .split_whitespace()
        .map(|w| w.parse().ok())
        .collect::<Option<_>>()?;
    // user + nice + system + irq + softirq (guest time is inside user).
    let busy = f.first()? + f.get(1)? + f.get(2)? + f.get(5)? + f.get(6)?;
    Some((busy, *f.get(7)?))
}

/// Microseconds some runnable task waited for a CPU, machine-wide
/// (`/proc/pressure/cpu`, `some … total=`).
fn cpu_pressure_us() -> Option<u64> {
    let psi = std::fs::read_to_string("/proc/pressure/cpu").ok()?;
    psi.lines()
        .find(|l| l.starts_with("some "))?
        .split_whitespace()
        .find_map(|w| w.strip_prefix("total="))?
        .parse()
        .ok()
}

/// What the machine as a whole did during a run, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MachineUse {
    /// CPU time the host took from the guest's vCPUs (both CPUs summed).
    pub steal_ms: Option<f64>,
    /// CPU time of every other process (and the kernel) of the guest.
    pub others_ms: Option<f64>,
    /// Time some runnable task waited for a CPU (ours included).
    pub pressure_ms: Option<f64>,
}

/// Samples the machine at the start of a run; [`Machine::finish`] gives
/// what happened since.
#[derive(Clone, Copy, Debug)]
pub struct Machine {
    system: Option<(u64, u64)>,
    ours: Option<u64>,
    pressure: Option<u64>,
}

impl Machine {
    /// Starts measuring.
    pub fn start() -> Self {
        Machine {
            system: system_ticks(),
            ours: process_ticks(),
            pressure: cpu_pressure_us(),
        }
    }

    /// What the machine did since [`Machine::start`].
    pub fn finish(&self) -> MachineUse {
        let end = Machine::start();
        let ticks = |a: u64, b: u64| b.saturating_sub(a) as f64 * MS_PER_TICK;
        let (system, ours) = (self.system.zip(end.system), self.ours.zip(end.ours));
        MachineUse {
            steal_ms: system.map(|((_, s0), (_, s1))| ticks(s0, s1)),
            others_ms: system
                .zip(ours)
                .map(|(((b0, _), (b1, _)), (o0, o1))| (ticks(b0, b1) - ticks(o0, o1)).max(0.0)),
            pressure_ms: self
                .pressure
                .zip(end.pressure)
                .map(|(a, b)| b.saturating_sub(a) as f64 / 1e3),
        }
    }
}

/// A thread's part in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A thread that publishes.
    Producer,
    /// The thread that consumes.
    Consumer,
}

/// What one thread of a run got from the scheduler over its part of the
/// run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThreadUse {
    /// What the thread did in the run.
    pub role: Role,
    /// The thread's measured interval.
    pub wall: Duration,
    /// Time on a CPU.
    pub run: Duration,
    /// Time runnable but waiting on a runqueue (behind another process, or
    /// behind our own threads when they outnumber the CPUs).
    pub wait: Duration,
    /// Involuntary context switches (preempted while runnable).
    pub involuntary: u64,
}

impl ThreadUse {
    /// Wall − run − wait: time the thread was neither on a CPU nor waiting
    /// for one. For a thread that never blocks this is the host's steal
    /// (see the module docs); for one that sleeps or parks it also holds
    /// its sleeps.
    pub fn off_cpu(&self) -> Duration {
        self.wall.saturating_sub(self.run + self.wait)
    }
}

/// The calling thread's time on a CPU and on a runqueue (ns).
fn thread_schedstat() -> Option<(u64, u64)> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut f = s.split_whitespace().map(|w| w.parse::<u64>().ok());
    Some((f.next()??, f.next()??))
}

/// The calling thread's involuntary context switches.
fn thread_involuntary() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("nonvoluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()
}

/// Samples the calling thread at the start of its part of a run;
/// [`ThreadClock::finish`] (on the same thread) gives what it got since.
#[derive(Clone, Copy, Debug)]
pub struct ThreadClock {
    at: Instant,
    sched: Option<(u64, u64)>,
    involuntary: Option<u64>,
}

impl ThreadClock {
    /// Starts measuring the calling thread.
    pub fn start() -> Self {
        ThreadClock {
            at: Instant::now(),
            sched: thread_schedstat(),
            involuntary: thread_involuntary(),
        }
    }

    /// What the calling thread (the one that called [`ThreadClock::start`])
    /// got since; `None` if `/proc` could not tell.
    pub fn finish(&self, role: Role) -> Option<ThreadUse> {
        let (run1, wait1) = thread_schedstat()?;
        let (run0, wait0) = self.sched?;
        Some(ThreadUse {
            role,
            wall: self.at.elapsed(),
            run: Duration::from_nanos(run1.saturating_sub(run0)),
            wait: Duration::from_nanos(wait1.saturating_sub(wait0)),
            involuntary: thread_involuntary()?.saturating_sub(self.involuntary?),
        })
    }
}

/// Where the threads of one run leave their [`ThreadUse`].
#[derive(Debug, Default)]
pub struct Threads(Mutex<Vec<ThreadUse>>);

impl Threads {
    /// Adds one thread's record (nothing if `/proc` could not tell).
    pub fn record(&self, used: Option<ThreadUse>) {
        if let (Some(u), Ok(mut all)) = (used, self.0.lock()) {
            all.push(u);
        }
    }

    /// Every record so far.
    pub fn take(&self) -> Vec<ThreadUse> {
        self.0
            .lock()
            .map(|mut all| std::mem::take(&mut *all))
            .unwrap_or_default()
    }
}

/// Round trips per batch of the hand-off probe, and batches.
const PROBE_TRIPS: u32 = 256;
const PROBE_BATCHES: u32 = 9;
/// The probe gives up (and reports nothing) after this long, e.g. when
/// another process holds one of the two CPUs.
const PROBE_LIMIT: Duration = Duration::from_millis(100);
/// Spins between two looks at the clock while waiting for the other side.
const PROBE_CLOCK_EVERY: u32 = 1 << 12;
/// Stored in the turn by a side that gives up, so that the other stops
/// too. Not for good: the other side's next pass may overwrite it (a side
/// that fails to pin before the other's first pass, say), so a side that
/// gives up also sets the baton's `stopped`, which waits look at with the
/// clock.
const ABANDONED: u32 = u32::MAX;

/// What the probe's two threads share.
#[derive(Default)]
struct Baton {
    /// The count passed back and forth, or [`ABANDONED`].
    turn: AtomicU32,
    /// Set by a side that gives up; never cleared.
    stopped: AtomicBool,
}

impl Baton {
    /// Gives up, and tells the other side.
    fn give_up(&self) {
        // Relaxed, both: only stop signals, no data rides on them.
        self.stopped.store(true, Ordering::Relaxed);
        self.turn.store(ABANDONED, Ordering::Relaxed);
    }

    /// Passes the turn on with `value`.
    fn pass(&self, value: u32) {
        // Release: pairs with the other side's Acquire load in `wait_for`.
        self.turn.store(value, Ordering::Release);
    }
}

/// Pins the calling thread to `cpu`; `false` if the kernel refused.
fn pin_to(cpu: usize) -> bool {
    pin_to_cpus(&[cpu])
}

/// Pins the calling thread to the CPUs in `cpus`; `false` if the kernel
/// refused (none of them exists or is allowed).
pub fn pin_to_cpus(cpus: &[usize]) -> bool {
    // SAFETY: `cpu_set_t` is a plain bit mask, for which all zeroes is a
    // valid (empty) value.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        // SAFETY: CPU_SET writes one bit of `set`, a valid, exclusively
        // borrowed `cpu_set_t`; it checks `cpu` against the mask's size.
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    // SAFETY: pid 0 is the calling thread; `set` is a valid `cpu_set_t` of
    // the size passed, only read by the call.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0 }
}

/// Spins until the baton's turn holds `value`; `false` if the other side
/// gave up or `deadline` passed (then tells the other side to give up).
fn wait_for(baton: &Baton, value: u32, deadline: Instant) -> bool {
    let mut spins = 0u32;
    loop {
        // Acquire: pairs with the other side's Release store of `value` in
        // `Baton::pass` (the same publish-then-observe pattern a ring's
        // hand-off uses).
        match baton.turn.load(Ordering::Acquire) {
            v if v == value => return true,
            ABANDONED => return false,
            _ => {}
        }
        spins = spins.wrapping_add(1);
        if spins % PROBE_CLOCK_EVERY == 0 {
            // Relaxed: a stop signal, no data rides on it.
            if baton.stopped.load(Ordering::Relaxed) {
                return false;
            }
            if Instant::now() >= deadline {
                baton.give_up();
                return false;
            }
        }
        std::hint::spin_loop();
    }
}

/// The time a cache line takes to go from CPU 0 to CPU 1 and back, in ns:
/// two threads pinned one to each CPU pass a counter back and forth
/// (`PROBE_BATCHES` batches of `PROBE_TRIPS` round trips, about a
/// millisecond in all); the median batch's mean round trip. `None` with
/// fewer than two CPUs, if pinning fails, or if the probe does not finish
/// within `PROBE_LIMIT` (a CPU held by something else).
pub fn handoff_round_trip_ns() -> Option<f64> {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return None;
    }
    probe_between(0, 1, PROBE_LIMIT)
}

/// The probe of [`handoff_round_trip_ns`] with the prober pinned to
/// `prober_cpu` and the responder to `responder_cpu`, giving up after
/// `limit`.
fn probe_between(prober_cpu: usize, responder_cpu: usize, limit: Duration) -> Option<f64> {
    let baton = &Baton::default();
    let deadline = Instant::now() + limit;
    let total = PROBE_TRIPS * PROBE_BATCHES;
    std::thread::scope(|s| {
        let responder = s.spawn(move || {
            if !pin_to(responder_cpu) {
                baton.give_up();
                return;
            }
            for k in 0..total {
                if !wait_for(baton, 2 * k + 1, deadline) {
                    return;
                }
                baton.pass(2 * k + 2);
            }
        });
        let prober = s.spawn(move || {
            if !pin_to(prober_cpu) {
                baton.give_up();
                return None;
            }
            let mut batches = Vec::with_capacity(PROBE_BATCHES as usize);
            for b in 0..PROBE_BATCHES {
                let t0 = Instant::now();
                for i in 0..PROBE_TRIPS {
                    let k = b * PROBE_TRIPS + i;
                    baton.pass(2 * k + 1);
                    if !wait_for(baton, 2 * k + 2, deadline) {
                        return None;
                    }
                }
                batches.push(t0.elapsed().as_nanos() as f64 / f64::from(PROBE_TRIPS));
            }
            batches.sort_by(f64::total_cmp);
            Some(batches[batches.len() / 2])
        });
        let probed = prober.join().ok().flatten();
        let _ = responder.join();
        probed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread that spins for 30 ms is seen on a CPU (the numbers are
    /// real, not zero), and its parts never exceed its wall time by more
    /// than the clocks' disagreement.
    #[test]
    fn a_spinning_thread_is_seen_running() {
        let clock = ThreadClock::start();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(30) {
            std::hint::spin_loop();
        }
        let Some(u) = clock.finish(Role::Producer) else {
            return; // no /proc (not Linux): nothing to check
        };
        assert!(u.run > Duration::ZERO, "{u:?}");
        assert!(u.run + u.wait <= u.wall + Duration::from_millis(5), "{u:?}");
        let m = Machine::start().finish();
        assert!(m.steal_ms.is_some() && m.others_ms.is_some(), "{m:?}");
    }

    /// The probe finishes (bounded by its own limit) and, where it measures,
    /// gives a plausible round trip: more than nothing, less than its limit.
    #[test]
    fn the_handoff_probe_is_bounded_and_plausible() {
        let t0 = Instant::now();
        if let Some(ns) = handoff_round_trip_ns() {
            assert!(ns > 1.0 && ns < PROBE_LIMIT.as_nanos() as f64, "{ns}");
        }
        assert!(t0.elapsed() < PROBE_LIMIT * 10, "{:?}", t0.elapsed());
    }

    /// A CPU no machine here has: pinning to it fails.
    const NO_SUCH_CPU: usize = 1023;

    /// A side that cannot pin gives up at once, and the other side stops
    /// with it instead of waiting out the probe's limit (whichever of the
    /// two fails, whatever the order in which they start).
    #[test]
    fn a_side_that_cannot_pin_stops_the_probe_at_once() {
        let limit = Duration::from_secs(5);
        for (prober, responder) in [(0, NO_SUCH_CPU), (NO_SUCH_CPU, 0)] {
            for _ in 0..5 {
                let t0 = Instant::now();
                assert_eq!(probe_between(prober, responder, limit), None);
                let took = t0.elapsed();
                assert!(took < limit / 2, "{prober}/{responder}: {took:?}");
            }
        }
    }
}
