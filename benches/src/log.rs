//! Logging workloads, shared by the criterion bench (`benches/log.rs`) and the
//! bench tool (`ringlog-bench --group log`), so both measure the same thing.
//!
//! One run: `threads` threads each log `records / threads` lines of about 110
//! bytes into a fresh file in a temporary directory on the local disk; the
//! clock runs from the start barrier until every line is in the file (written
//! by the `write` system call; no fsync). Then the file is read back and
//! checked: every thread's lines present exactly once, in order, and the
//! count equal to what the threads logged. A run that fails the check is an
//! `Err`, never a number.
//!
//! Every contender writes the same line, in ringlog's text format:
//!
//! ```text
//! 2026-11-21T20:03:16.123456789Z INFO  [bench-0#2] bench: t=0 i=12345 user=42 action=checkout total=99.95 ok
//! ```
//!
//! ringlog's producers format only the message (`t=.. i=.. payload`, through
//! `format_args!`) into the slot, or with the deferred macro copy its
//! arguments as binary, and its writer thread renders the rest (timestamp,
//! level, thread; the macro's message); the other contenders do all of it on the
//! logging thread: `SystemTime::now()`, the same cached-second timestamp
//! rendering, and the message through the same `format_args!`.
//!
//! For diagnosis only, three environment variables change ringlog's settings
//! (the reported runs use the defaults): `RINGLOG_BENCH_LOG_WAIT=park|yield|spin`
//! (wait strategy instead of the default, `Sleep`), `RINGLOG_BENCH_LOG_MAX_BATCH=N`
//! and `RINGLOG_BENCH_LOG_CAPACITY=N` (slots).
//!
//! Every run is bounded: logging threads stop at `limit` (checked every
//! [`CHECK_EVERY`] lines); such a run is *time-limited* and measured over the
//! lines it wrote. Callers add a hard guard on top.

use hdrhistogram::Histogram;
use ringlog::log::{FullPolicy, Level, Logger, LoggerBuilder};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Thread counts measured (the machine has 2 cores: 4 is more threads than
/// cores, and ringlog and tracing-appender add a writer thread).
pub const THREAD_COUNTS: [usize; 3] = [1, 2, 4];
/// How often (in lines) a logging thread checks the time limit.
pub const CHECK_EVERY: u64 = 1024;
/// The message filler: lines come to about 110 bytes.
pub const PAYLOAD: &str = "user=42 action=checkout total=99.95 ok";
/// The target of every line.
pub const TARGET: &str = "bench";
/// Buffer of the `BufWriter`s (the Mutex peer, the limit, and the file behind
/// tracing-appender's worker).
pub const BUF_SIZE: usize = 64 * 1024;
/// Lines per burst in the latency runs.
pub const BURST: u64 = 32;
/// Pause between bursts in the latency runs.
pub const PAUSE: Duration = Duration::from_micros(250);

/// One measured way of getting lines into a file.
#[derive(Clone, Copy, Debug)]
pub struct Contender {
    /// A short name for command lines and CSV.
    pub key: &'static str,
    /// A name for tables and plots.
    pub label: &'static str,
    /// Whether this is our crate.
    pub ours: bool,
    /// Whether it has a latency mode (paced bursts, each call timed); the
    /// limit and the Mutex peer have none.
    pub latency: bool,
    run: fn(&Plan) -> Result<Logged, String>,
}

/// Every contender, ours first: ringlog's `Logger::log` (Block policy,
/// lossless) with default settings (wait strategy `Sleep::default()`); the
/// same logger through the deferred macro `ringlog::info!` (the writer
/// thread formats); the same logger through `log::info!` (the `log`
/// adapter: `Logger` as the `log` crate's logger);
/// tracing-appender `non_blocking`, lossless, over a `BufWriter<File>`; a
/// `Mutex<BufWriter<File>>` shared by the threads; and the limit, one thread
/// formatting and writing every line through one `BufWriter`.
///
/// The `tracing` contenders log a different event, the issue-12 workload:
/// `info!(id, bytes, route, "request done")` inside one span with one field
/// (see [`tracing_event`]): ringlog's `Layer` (Block policy), fmt over
/// tracing-appender `non_blocking` (lossless), and fmt over ringlog's
/// `MakeWriter`; compare them with each other.
///
/// A new contender is one more row and its run function; the tool's tables,
/// ratios, latency rows and plots and the criterion bench pick it up.
pub const CONTENDERS: &[Contender] = &[
    Contender {
        key: "ringlog",
        label: "ringlog (Logger::log, Block)",
        ours: true,
        latency: true,
        run: ringlog_logger,
    },
    Contender {
        key: "ringlog-macro",
        label: "ringlog (ringlog::info!, deferred, Block)",
        ours: true,
        latency: true,
        run: ringlog_macro,
    },
    Contender {
        key: "ringlog-log-facade",
        label: "ringlog (log::info!, the log adapter, Block)",
        ours: true,
        latency: true,
        run: ringlog_log_facade,
    },
    Contender {
        key: "tracing-appender",
        label: "tracing-appender non_blocking lossless",
        ours: false,
        latency: true,
        run: tracing_appender,
    },
    Contender {
        key: "tracing-layer",
        label: "tracing: ringlog Layer",
        ours: true,
        latency: true,
        run: tracing_layer,
    },
    Contender {
        key: "tracing-fmt-appender",
        label: "tracing: fmt + tracing-appender non_blocking lossless",
        ours: false,
        latency: true,
        run: tracing_fmt_appender,
    },
    Contender {
        key: "tracing-fmt-makewriter",
        label: "tracing: fmt + ringlog MakeWriter",
        ours: false,
        latency: true,
        run: tracing_fmt_makewriter,
    },
    Contender {
        key: "mutex-bufwriter",
        label: "Mutex<BufWriter<File>>",
        ours: false,
        latency: false,
        run: mutex_bufwriter,
    },
    Contender {
        key: "limit",
        label: "limit: 1 thread, 1 BufWriter",
        ours: false,
        latency: false,
        run: limit,
    },
];

impl Contender {
    /// The contender with this key.
    pub fn from_key(key: &str) -> Option<&'static Contender> {
        CONTENDERS.iter().find(|c| c.key == key)
    }
}

/// Called around the measured part of a run (the bench tool counts heap
/// allocations between them).
#[derive(Clone, Copy, Debug)]
pub struct Hooks {
    /// Right before the start barrier is released.
    pub start: fn(),
    /// Right after the last line is in the file, before the check.
    pub stop: fn(),
}

impl Hooks {
    /// No hooks.
    pub const NONE: Hooks = Hooks {
        start: || {},
        stop: || {},
    };
}

/// What a checked run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Lines found in the file (= lines logged, or the check failed).
    pub delivered: u64,
    /// Lines asked for.
    pub requested: u64,
    /// Start barrier to the last line in the file.
    pub elapsed: Duration,
    /// Size of the file.
    pub bytes: u64,
    /// Latency of each log call and of the empty timed region (latency
    /// runs only), in ns.
    pub latency: Option<Latency>,
}

impl Outcome {
    /// Whether the threads stopped at the time limit.
    pub fn time_limited(&self) -> bool {
        self.delivered < self.requested
    }

    /// The time the full run would have taken at the measured rate.
    pub fn scaled_elapsed(&self) -> Duration {
        if self.delivered == 0 {
            return self.elapsed;
        }
        self.elapsed
            .mul_f64(self.requested as f64 / self.delivered as f64)
    }
}

/// A fresh temporary directory on the local disk (next to the target
/// directory's temp, under `std::env::temp_dir()`), removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, String> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ringlog-logbench-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Renders the prefix of a line as ringlog's writer does (cached second).
pub struct LineFormatter {
    cached_second: u64,
    prefix: [u8; 20],
    /// `[bench-<t>#<t + 2>] ` (ringlog numbers threads from 1, main first).
    thread: String,
}

impl LineFormatter {
    /// A formatter for logging thread `t`.
    pub fn new(t: usize) -> Self {
        Self {
            cached_second: u64::MAX,
            prefix: [0; 20],
            thread: format!("[bench-{t}#{}] ", t + 2),
        }
    }

    /// Appends a whole line (timestamp now) for record `i` of thread `t`.
    pub fn line(&mut self, t: usize, i: u64, out: &mut Vec<u8>) {
        let ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let second = ns / 1_000_000_000;
        if second != self.cached_second {
            self.cached_second = second;
            self.prefix = date_time_prefix(second);
        }
        out.extend_from_slice(&self.prefix);
        push_padded(ns % 1_000_000_000, 9, out);
        out.extend_from_slice(b"Z INFO  ");
        out.extend_from_slice(self.thread.as_bytes());
        out.extend_from_slice(TARGET.as_bytes());
        out.extend_from_slice(b": ");
        let _ = std::io::Write::write_fmt(out, format_args!("t={t} i={i} {PAYLOAD}"));
        out.push(b'\n');
    }
}

/// `YYYY-MM-DDTHH:MM:SS.` of a Unix second. The date arithmetic is a
/// deliberate copy of ringlog's `civil_from_days` (src/log/format.rs), which
/// is crate-private: the peers must write the same bytes as ringlog without
/// reaching into its internals.
fn date_time_prefix(second: u64) -> [u8; 20] {
    let days = second / 86_400;
    let rem = second % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let mut s = String::with_capacity(20);
    write!(
        s,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
    .unwrap();
    let mut prefix = [b'0'; 20];
    let n = s.len().min(20);
    prefix[..n].copy_from_slice(&s.as_bytes()[..n]);
    prefix
}

fn push_padded(n: u64, width: usize, out: &mut Vec<u8>) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut n = n;
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = i.min(digits.len() - width);
    out.extend_from_slice(&digits[start..]);
}

/// The latency of the log calls of a run, and of an empty timed region
/// measured beside each call (the timer's own cost: two `Instant::now()`).
#[derive(Debug)]
pub struct Latency {
    /// Each log call, timer included, in ns.
    pub calls: Histogram<u64>,
    /// An empty timed region after each call, in ns.
    pub timer: Histogram<u64>,
}

impl Latency {
    fn new() -> Self {
        Self {
            calls: new_histogram(),
            timer: new_histogram(),
        }
    }

    fn add(&mut self, other: Latency) -> Result<(), String> {
        self.calls
            .add(other.calls)
            .map_err(|e| format!("histogram: {e}"))?;
        self.timer
            .add(other.timer)
            .map_err(|e| format!("histogram: {e}"))
    }

    /// The timer's own cost: the median empty timed region, in ns.
    pub fn timer_ns(&self) -> u64 {
        self.timer.value_at_quantile(0.5)
    }

    /// The calls' latency at quantile `q` (1.0: the maximum) net of the
    /// timer's own cost ([`Latency::timer_ns`]), in ns.
    pub fn net(&self, q: f64) -> u64 {
        let v = if q >= 1.0 {
            self.calls.max()
        } else {
            self.calls.value_at_quantile(q)
        };
        v.saturating_sub(self.timer_ns())
    }
}

/// The per-thread loop: logs up to `per_thread` lines with `log(i)`, stopping
/// at `deadline`; returns the lines logged. With `latency`, records each
/// call's duration, and that of an empty timed region right after it, and
/// paces the calls in bursts of [`BURST`].
fn thread_loop(
    per_thread: u64,
    deadline: Instant,
    mut latency: Option<&mut Latency>,
    mut log: impl FnMut(u64),
) -> u64 {
    let mut i = 0;
    while i < per_thread {
        if i % CHECK_EVERY == 0 && Instant::now() >= deadline {
            break;
        }
        match latency.as_deref_mut() {
            None => log(i),
            Some(h) => {
                if i % BURST == 0 && i > 0 {
                    thread::sleep(PAUSE);
                }
                let start = Instant::now();
                log(i);
                let call = start.elapsed();
                let start = Instant::now();
                let empty = start.elapsed();
                h.calls.saturating_record((call.as_nanos() as u64).max(1));
                h.timer.saturating_record((empty.as_nanos() as u64).max(1));
            }
        }
        i += 1;
    }
    i
}

fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("histogram bounds")
}

fn open(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("create {}: {e}", path.display()))
}

/// Lines logged per thread, the merged latency histogram, and the earliest
/// thread's start.
type Threads = (Vec<u64>, Option<Latency>, Instant);

/// Runs `plan.threads` logging threads of `body(t, deadline, histogram)`,
/// which returns the lines that thread logged; returns (lines per thread,
/// merged latency, earliest start). Calls `plan.hooks.start` right before
/// it releases the threads.
fn run_threads<F>(plan: &Plan, body: F) -> Result<Threads, String>
where
    F: Fn(usize, Instant, Option<&mut Latency>) -> u64 + Send + Sync + 'static,
{
    let (threads, limit, with_latency, hooks) =
        (plan.threads, plan.limit, plan.latency, plan.hooks);
    let body = Arc::new(body);
    let barrier = Arc::new(Barrier::new(threads + 1));
    let start_time = Arc::new(Mutex::new(None::<Instant>));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let body = Arc::clone(&body);
            let barrier = Arc::clone(&barrier);
            let start_time = Arc::clone(&start_time);
            thread::Builder::new()
                .name(format!("bench-{t}"))
                .spawn(move || {
                    let mut h = with_latency.then(Latency::new);
                    barrier.wait();
                    let start = Instant::now();
                    {
                        let mut s = start_time.lock().unwrap();
                        *s = Some(s.map_or(start, |s: Instant| s.min(start)));
                    }
                    let n = body(t, start + limit, h.as_mut());
                    (n, h)
                })
                .map_err(|e| format!("spawn: {e}"))
        })
        .collect::<Result<_, _>>()?;
    (hooks.start)();
    barrier.wait();
    let mut counts = Vec::with_capacity(threads);
    let mut merged = with_latency.then(Latency::new);
    for h in handles {
        let (n, hist) = h.join().map_err(|_| "a logging thread panicked")?;
        counts.push(n);
        if let (Some(m), Some(h)) = (merged.as_mut(), hist) {
            m.add(h)?;
        }
    }
    let start = start_time.lock().unwrap().expect("threads started");
    Ok((counts, merged, start))
}

/// What a run function is asked to do.
struct Plan {
    threads: usize,
    per_thread: u64,
    limit: Duration,
    latency: bool,
    hooks: Hooks,
    path: PathBuf,
}

/// What a run function logged: lines per thread, the merged latency
/// histogram (latency runs), and the time from the start barrier until the
/// last line was in the file.
struct Logged {
    counts: Vec<u64>,
    latency: Option<Latency>,
    elapsed: Duration,
}

/// One checked run. `records` is the total over all threads (rounded down to
/// a multiple of `threads`). With `latency`, calls are paced (bursts of
/// [`BURST`], [`PAUSE`] apart) and each call is timed.
///
/// # Errors
/// A bad thread count, a contender without a latency mode asked for one, a
/// failed logger call, or a file that fails the check.
pub fn run(
    contender: &Contender,
    threads: usize,
    records: u64,
    limit: Duration,
    latency: bool,
    hooks: Hooks,
) -> Result<Outcome, String> {
    if threads == 0 || threads > 64 {
        return Err(format!("bad thread count {threads}"));
    }
    if latency && !contender.latency {
        return Err(format!("{} has no latency mode", contender.label));
    }
    let per_thread = records / threads as u64;
    let dir = TempDir::new()?;
    let plan = Plan {
        threads,
        per_thread,
        limit,
        latency,
        hooks,
        path: dir.0.join("bench.log"),
    };
    let logged = (contender.run)(&plan)?;
    let delivered = verify(&plan.path, &logged.counts)?;
    let bytes = std::fs::metadata(&plan.path).map_or(0, |m| m.len());
    Ok(Outcome {
        delivered,
        requested: per_thread * threads as u64,
        elapsed: logged.elapsed,
        bytes,
        latency: logged.latency,
    })
}

/// A latency reference: the latency runs' paced loop and timer around work
/// that involves no logger, so that a run's table shows how much of a log
/// call's tail the pacing itself costs on this machine (the first calls
/// after each pause run with caches and branch predictors the sleep left
/// cold; see `benches/examples/burst_position.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    /// A short name for command lines and CSV.
    pub key: &'static str,
    /// A name for tables.
    pub label: &'static str,
    /// Whether the work is formatting the line (else: nothing).
    format: bool,
}

/// The latency references, measured in the log group beside the contenders.
pub const REFERENCES: &[Reference] = &[
    Reference {
        key: "empty",
        label: "reference: an empty call",
        format: false,
    },
    Reference {
        key: "format",
        label: "reference: format the line into a reused buffer (no logger, no I/O)",
        format: true,
    },
];

impl Reference {
    /// The reference named `key`.
    pub fn from_key(key: &str) -> Option<&'static Reference> {
        REFERENCES.iter().find(|r| r.key == key)
    }
}

/// One latency run of `reference`: `per_thread` calls on each of `threads`
/// threads, paced and timed as a contender's latency run, stopping at
/// `limit`. Returns the calls made (all threads) and the merged latency.
///
/// # Errors
/// A bad thread count or a thread that panicked.
pub fn run_reference(
    reference: &Reference,
    threads: usize,
    per_thread: u64,
    limit: Duration,
) -> Result<(u64, Latency), String> {
    if threads == 0 || threads > 64 {
        return Err(format!("bad thread count {threads}"));
    }
    let plan = Plan {
        threads,
        per_thread,
        limit,
        latency: true,
        hooks: Hooks::NONE,
        // Nothing is written: the references have no file.
        path: PathBuf::new(),
    };
    let format = reference.format;
    let (counts, latency, _) = run_threads(&plan, move |t, deadline, h| {
        let mut fmt = LineFormatter::new(t);
        let mut buf = Vec::with_capacity(256);
        thread_loop(per_thread, deadline, h, |i| {
            if format {
                buf.clear();
                fmt.line(t, i, &mut buf);
                std::hint::black_box(&buf);
            } else {
                std::hint::black_box(i);
            }
        })
    })?;
    let latency = latency.ok_or("a reference run without latency")?;
    Ok((counts.iter().sum(), latency))
}

/// ringlog's builder with the diagnosis-only settings from the environment
/// (the reported runs use none of them).
fn diagnosis_settings(builder: LoggerBuilder) -> LoggerBuilder {
    let builder = match std::env::var("RINGLOG_BENCH_LOG_WAIT").as_deref() {
        Ok("yield") => builder.wait_strategy(ringlog::Yield::default()),
        Ok("spin") => builder.wait_strategy(ringlog::BusySpin),
        Ok("park") => builder.wait_strategy(ringlog::Park::default()),
        _ => builder,
    };
    let number = |var: &str| std::env::var(var).ok().and_then(|v| v.parse().ok());
    let builder = match number("RINGLOG_BENCH_LOG_MAX_BATCH") {
        Some(n) => builder.max_batch(n),
        None => builder,
    };
    match number("RINGLOG_BENCH_LOG_CAPACITY") {
        Some(n) => builder.capacity(n),
        None => builder,
    }
}

/// ringlog's `Logger::log`, Block policy; the run fails if a record was
/// dropped or lost.
fn ringlog_logger(plan: &Plan) -> Result<Logged, String> {
    ringlog_run(plan, |logger, t, i| {
        logger
            .log(Level::Info, TARGET, format_args!("t={t} i={i} {PAYLOAD}"))
            .expect("lossless log call failed");
    })
}

/// ringlog's deferred macro (`ringlog::info!` with a logger), Block policy:
/// the arguments are copied as binary, the writer thread formats them.
fn ringlog_macro(plan: &Plan) -> Result<Logged, String> {
    ringlog_run(plan, |logger, t, i| {
        let payload: &str = PAYLOAD;
        // The macro returns nothing: a drop is counted, and fails the run.
        ringlog::info!(logger: logger, target: "bench", "t={} i={} {}", t, i, payload);
    })
}

/// `log::info!` through ringlog's `log` adapter (`Logger` as the `log`
/// crate's logger), Block policy. The `log` crate's global logger can be set
/// once per process and each run has its own logger, so the global is
/// [`Facade`], which hands each record to the logger its thread was routed
/// to ([`route_log_facade`]): a thread-local borrow more than installing the
/// logger itself.
fn ringlog_log_facade(plan: &Plan) -> Result<Logged, String> {
    ringlog_run(plan, |logger, t, i| {
        if i == 0 {
            route_log_facade(Some(logger.clone()));
        }
        let payload: &str = PAYLOAD;
        log::info!(target: "bench", "t={} i={} {}", t, i, payload);
    })
}

thread_local! {
    /// The logger [`Facade`] hands this thread's records to.
    static FACADE_ROUTE: std::cell::RefCell<Option<Logger>> =
        const { std::cell::RefCell::new(None) };
}

/// The `log` crate's global logger in the bench processes: forwards each
/// record to the logger of the calling thread's [`route_log_facade`], and
/// drops it if there is none.
struct Facade;

impl log::Log for Facade {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        FACADE_ROUTE.with_borrow(|route| {
            route
                .as_ref()
                .is_some_and(|l| log::Log::enabled(l, metadata))
        })
    }

    fn log(&self, record: &log::Record<'_>) {
        FACADE_ROUTE.with_borrow(|route| {
            if let Some(logger) = route {
                log::Log::log(logger, record);
            }
        });
    }

    fn flush(&self) {}
}

/// Routes this thread's `log` records to `logger` (`None`: nowhere),
/// installing the bench's forwarder (`Facade`) as the `log` crate's logger
/// on first use, with the maximum level `Trace` (each logger filters for
/// itself).
///
/// # Panics
/// If another `log` logger is installed.
pub fn route_log_facade(logger: Option<Logger>) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Facade).expect("another `log` logger is installed");
        log::set_max_level(log::LevelFilter::Trace);
    });
    FACADE_ROUTE.set(logger);
}

/// A ringlog run, each line logged by `call(logger, thread, i)`, Block
/// policy; the run fails if a record was dropped or lost.
fn ringlog_run(plan: &Plan, call: fn(&Logger, usize, u64)) -> Result<Logged, String> {
    let builder = LoggerBuilder::new(&plan.path).full_policy(FullPolicy::Block);
    let (logger, guard) = diagnosis_settings(builder)
        .build()
        .map_err(|e| format!("ringlog build: {e}"))?;
    let l = logger.clone();
    let per_thread = plan.per_thread;
    let (counts, latency, start) = run_threads(plan, move |t, deadline, h| {
        thread_loop(per_thread, deadline, h, |i| call(&l, t, i))
    })?;
    let elapsed = finish_ringlog(plan, &logger, guard, start)?;
    Ok(Logged {
        counts,
        latency,
        elapsed,
    })
}

/// tracing-appender's `non_blocking` writer, lossless, over a `BufWriter`
/// of the plan's file; the guard is for [`appender_done`].
fn lossless_appender(
    plan: &Plan,
) -> Result<
    (
        tracing_appender::non_blocking::NonBlocking,
        tracing_appender::non_blocking::WorkerGuard,
    ),
    String,
> {
    let file = BufWriter::with_capacity(BUF_SIZE, open(&plan.path)?);
    Ok(
        tracing_appender::non_blocking::NonBlockingBuilder::default()
            .lossy(false)
            .finish(file),
    )
}

/// Ends a tracing-appender run: dropping the guard sends the shutdown
/// message and waits for the worker to drain the channel and flush the
/// `BufWriter`. Returns the run's time.
fn appender_done(
    plan: &Plan,
    worker_guard: tracing_appender::non_blocking::WorkerGuard,
    start: Instant,
) -> Duration {
    drop(worker_guard);
    let elapsed = start.elapsed();
    (plan.hooks.stop)();
    elapsed
}

/// tracing-appender's `non_blocking` writer, lossless, over a `BufWriter`.
fn tracing_appender(plan: &Plan) -> Result<Logged, String> {
    let (writer, worker_guard) = lossless_appender(plan)?;
    let per_thread = plan.per_thread;
    let (counts, latency, start) = run_threads(plan, move |t, deadline, h| {
        let mut w = writer.clone();
        let mut fmt = LineFormatter::new(t);
        let mut buf = Vec::with_capacity(256);
        thread_loop(per_thread, deadline, h, |i| {
            buf.clear();
            fmt.line(t, i, &mut buf);
            w.write_all(&buf).expect("non_blocking write failed");
        })
    })?;
    let elapsed = appender_done(plan, worker_guard, start);
    Ok(Logged {
        counts,
        latency,
        elapsed,
    })
}

/// The `bytes` field of the tracing event.
pub const BYTES: u64 = 512;
/// The `route` field of the tracing event.
pub const ROUTE: &str = "/api/v1/orders";

/// The tracing contenders' event, logged inside the span `request{t=..}`
/// (`tracing_threads`): in fmt's format,
/// `2026-11-23T16:20:00.123456Z  INFO request{t=0}: bench: request done id=12345 bytes=512 route="/api/v1/orders"`.
#[inline]
pub fn tracing_event(id: u64) {
    let (bytes, route) = (BYTES, ROUTE);
    tracing::info!(target: TARGET, id, bytes, route, "request done");
}

/// Runs the threads of a tracing contender: each enters the span
/// `request{t}` under `dispatch` and logs [`tracing_event`]s.
fn tracing_threads(plan: &Plan, dispatch: tracing::Dispatch) -> Result<Threads, String> {
    let per_thread = plan.per_thread;
    run_threads(plan, move |t, deadline, h| {
        tracing::dispatcher::with_default(&dispatch, || {
            let span = tracing::info_span!("request", t);
            let _entered = span.enter();
            thread_loop(per_thread, deadline, h, tracing_event)
        })
    })
}

/// Flushes and shuts down a ringlog logger after a lossless run; fails if a
/// record was dropped or lost.
fn finish_ringlog(
    plan: &Plan,
    logger: &ringlog::log::Logger,
    guard: ringlog::log::LogGuard,
    start: Instant,
) -> Result<Duration, String> {
    logger
        .flush_timeout(plan.limit + Duration::from_secs(10))
        .map_err(|e| format!("ringlog flush: {e}"))?;
    let elapsed = start.elapsed();
    (plan.hooks.stop)();
    let m = logger.metrics();
    guard
        .shutdown()
        .map_err(|e| format!("ringlog shutdown: {e}"))?;
    if m.dropped_total() != 0 || m.lost != 0 {
        return Err(format!(
            "ringlog dropped {} and lost {} records with the Block policy",
            m.dropped_total(),
            m.lost
        ));
    }
    Ok(elapsed)
}

/// ringlog's tracing `Layer`, Block policy.
fn tracing_layer(plan: &Plan) -> Result<Logged, String> {
    use tracing_subscriber::layer::SubscriberExt as _;
    let builder = LoggerBuilder::new(&plan.path).full_policy(FullPolicy::Block);
    let (layer, guard) = ringlog::tracing::Layer::new(diagnosis_settings(builder))
        .map_err(|e| format!("ringlog build: {e}"))?;
    let logger = layer.logger().clone();
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer));
    let (counts, latency, start) = tracing_threads(plan, dispatch)?;
    let elapsed = finish_ringlog(plan, &logger, guard, start)?;
    Ok(Logged {
        counts,
        latency,
        elapsed,
    })
}

/// `tracing_subscriber::fmt` (default format, no ANSI) over tracing-appender
/// `non_blocking`, lossless, over a `BufWriter`.
fn tracing_fmt_appender(plan: &Plan) -> Result<Logged, String> {
    let (writer, worker_guard) = lossless_appender(plan)?;
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(writer)
        .finish();
    let (counts, latency, start) = tracing_threads(plan, tracing::Dispatch::new(subscriber))?;
    let elapsed = appender_done(plan, worker_guard, start);
    Ok(Logged {
        counts,
        latency,
        elapsed,
    })
}

/// `tracing_subscriber::fmt` (default format, no ANSI) writing through
/// ringlog's `MakeWriter` (each line copied into a slot), Block policy.
fn tracing_fmt_makewriter(plan: &Plan) -> Result<Logged, String> {
    let builder = LoggerBuilder::new(&plan.path).full_policy(FullPolicy::Block);
    let (logger, guard) = diagnosis_settings(builder)
        .build()
        .map_err(|e| format!("ringlog build: {e}"))?;
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(logger.clone())
        .finish();
    let (counts, latency, start) = tracing_threads(plan, tracing::Dispatch::new(subscriber))?;
    let elapsed = finish_ringlog(plan, &logger, guard, start)?;
    Ok(Logged {
        counts,
        latency,
        elapsed,
    })
}

/// A `Mutex<BufWriter<File>>`, each line formatted outside the lock (the
/// stronger variant).
fn mutex_bufwriter(plan: &Plan) -> Result<Logged, String> {
    let file = Arc::new(Mutex::new(BufWriter::with_capacity(
        BUF_SIZE,
        open(&plan.path)?,
    )));
    let f = Arc::clone(&file);
    let per_thread = plan.per_thread;
    let (counts, _, start) = run_threads(plan, move |t, deadline, h| {
        let mut fmt = LineFormatter::new(t);
        let mut buf = Vec::with_capacity(256);
        thread_loop(per_thread, deadline, h, |i| {
            buf.clear();
            fmt.line(t, i, &mut buf);
            f.lock().unwrap().write_all(&buf).expect("write failed");
        })
    })?;
    file.lock()
        .unwrap()
        .flush()
        .map_err(|e| format!("flush: {e}"))?;
    let elapsed = start.elapsed();
    (plan.hooks.stop)();
    Ok(Logged {
        counts,
        latency: None,
        elapsed,
    })
}

/// The limit: the same lines (threads' lines interleaved round-robin), one
/// thread, one `BufWriter`.
fn limit(plan: &Plan) -> Result<Logged, String> {
    let mut file = BufWriter::with_capacity(BUF_SIZE, open(&plan.path)?);
    let mut fmts: Vec<LineFormatter> = (0..plan.threads).map(LineFormatter::new).collect();
    let mut buf = Vec::with_capacity(256);
    (plan.hooks.start)();
    let start = Instant::now();
    let deadline = start + plan.limit;
    let mut done = 0;
    for i in 0..plan.per_thread {
        if i % CHECK_EVERY == 0 && Instant::now() >= deadline {
            break;
        }
        for (t, fmt) in fmts.iter_mut().enumerate() {
            buf.clear();
            fmt.line(t, i, &mut buf);
            file.write_all(&buf).map_err(|e| format!("write: {e}"))?;
        }
        done = i + 1;
    }
    file.flush().map_err(|e| format!("flush: {e}"))?;
    let elapsed = start.elapsed();
    (plan.hooks.stop)();
    Ok(Logged {
        counts: vec![done; plan.threads],
        latency: None,
        elapsed,
    })
}

/// Reads the file back: thread `t`'s lines must be `i = 0 .. counts[t]`, in
/// order, each once, with the payload intact. Returns the line count.
pub fn verify(path: &Path, counts: &[u64]) -> Result<u64, String> {
    let text = std::fs::read(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    let mut next = vec![0u64; counts.len()];
    let mut lines = 0u64;
    let marker = format!(" {TARGET}: t=");
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "line {}: unexpected {:?}",
                n + 1,
                String::from_utf8_lossy(line)
            )
        };
        let line = std::str::from_utf8(line).map_err(|_| bad())?;
        let (t, i) = match line.split_once(&marker) {
            Some((_, rest)) => {
                let mut fields = rest.splitn(3, ' ');
                let t: usize = fields.next().and_then(|f| f.parse().ok()).ok_or_else(bad)?;
                let i: u64 = fields
                    .next()
                    .and_then(|f| f.strip_prefix("i="))
                    .and_then(|f| f.parse().ok())
                    .ok_or_else(bad)?;
                if fields.next() != Some(PAYLOAD) || !line.contains(" INFO  [bench-") {
                    return Err(format!("{} (damaged)", bad()));
                }
                (t, i)
            }
            None => parse_tracing_line(line).ok_or_else(|| format!("{} (damaged)", bad()))?,
        };
        if t >= counts.len() || i != next[t] {
            return Err(format!(
                "line {}: thread {t} record {i}, expected record {} (lost, duplicated or \
                 out of order)",
                n + 1,
                next.get(t).copied().unwrap_or(0)
            ));
        }
        next[t] += 1;
        lines += 1;
    }
    if next != counts {
        return Err(format!(
            "lines per thread in the file {next:?} != logged {counts:?}"
        ));
    }
    Ok(lines)
}

/// `(t, id)` of a tracing contender's line (fmt's default format):
/// `<timestamp>  INFO request{t=<t>}: bench: request done id=<id> bytes=512
/// route="/api/v1/orders"`.
fn parse_tracing_line(line: &str) -> Option<(usize, u64)> {
    let (ts, rest) = line.split_once("  INFO request{t=")?;
    let (t, rest) = rest.split_once("}: ")?;
    let rest = rest
        .strip_prefix(TARGET)?
        .strip_prefix(": request done id=")?;
    let (id, rest) = rest.split_once(' ')?;
    let fields_ok = rest == format!("bytes={BYTES} route=\"{ROUTE}\"");
    (ts.len() == 27 && ts.ends_with('Z') && fields_ok).then_some(())?;
    Some((t.parse().ok()?, id.parse().ok()?))
}

/// A tracing contender's line, as fmt writes it (the checker's self-test).
fn tracing_line(t: usize, i: u64, route: &str) -> String {
    format!(
        "2026-11-23T16:20:00.123456Z  INFO request{{t={t}}}: {TARGET}: request done \
         id={i} bytes={BYTES} route=\"{route}\"\n"
    )
}

/// Checks that [`verify`] catches a lost, a duplicated and a reordered line
/// (so a passing run means something).
pub fn checker_self_test() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.0.join("selftest.log");
    let mut fmt = [LineFormatter::new(0), LineFormatter::new(1)];
    let good = [(0, 0), (1, 0), (0, 1), (1, 1)];
    let cases: [(&[(usize, u64)], bool); 4] = [
        (&good, true),
        (&[(0, 0), (1, 0), (1, 1)], false),
        (&[(0, 0), (1, 0), (0, 1), (0, 1), (1, 1)], false),
        (&[(0, 1), (1, 0), (0, 0), (1, 1)], false),
    ];
    for (order, ok) in cases {
        let mut buf = Vec::new();
        for &(t, i) in order {
            fmt[t].line(t, i, &mut buf);
        }
        std::fs::write(&path, &buf).expect("write self-test file");
        let result = verify(&path, &[2, 2]);
        assert_eq!(
            result.is_ok(),
            ok,
            "checker self-test: {order:?} gave {result:?}"
        );
        // The same in the tracing contenders' shape.
        let lines: String = order
            .iter()
            .map(|&(t, i)| tracing_line(t, i, ROUTE))
            .collect();
        std::fs::write(&path, lines).expect("write self-test file");
        let result = verify(&path, &[2, 2]);
        assert_eq!(
            result.is_ok(),
            ok,
            "checker self-test (tracing): {order:?} gave {result:?}"
        );
    }
    let damaged: String = good
        .iter()
        .map(|&(t, i)| tracing_line(t, i, if i == 1 { "/x" } else { ROUTE }))
        .collect();
    std::fs::write(&path, damaged).expect("write self-test file");
    assert!(
        verify(&path, &[2, 2]).is_err(),
        "checker self-test: damaged tracing line"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_rejects_wrong_files() {
        checker_self_test();
    }

    /// Every contender writes a short run that passes the check, and the
    /// ones with a latency mode time every call.
    #[test]
    fn every_contender_writes_a_checked_file() {
        let limit = Duration::from_secs(20);
        for c in CONTENDERS {
            let o = run(c, 2, 512, limit, false, Hooks::NONE)
                .unwrap_or_else(|e| panic!("{}: {e}", c.label));
            assert_eq!((o.delivered, o.requested), (512, 512), "{}", c.label);
            let timed = run(c, 2, 64, limit, true, Hooks::NONE);
            match timed {
                Ok(o) => assert_eq!(o.latency.map(|h| h.calls.len()), Some(64), "{}", c.label),
                Err(e) => assert!(!c.latency, "{}: {e}", c.label),
            }
        }
    }
}
