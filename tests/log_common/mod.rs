//! Helpers shared by the logging tests (tests/log_*.rs).
#![allow(dead_code)] // each test binary uses a different subset

use ringlog::log::Sink;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A fresh path in the temp directory (removed if it exists).
pub fn temp_path(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "ringlog-test-{name}-{}-{}.log",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    path
}

/// A gate the writer thread's sink waits at, so tests can hold the writer
/// still (and the ring fill up) deterministically.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(bool, u64)>, // (open, writes entered)
    cond: Condvar,
}

impl Gate {
    pub fn open(&self) {
        self.state.lock().unwrap().0 = true;
        self.cond.notify_all();
    }

    /// Waits until `n` writes have reached the gate; panics after 10 s.
    pub fn wait_entered(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut state = self.state.lock().unwrap();
        while state.1 < n {
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("the writer never reached the gate");
            state = self.cond.wait_timeout(state, left).unwrap().0;
        }
    }

    fn pass(&self) {
        let mut state = self.state.lock().unwrap();
        state.1 += 1;
        self.cond.notify_all();
        while !state.0 {
            state = self.cond.wait(state).unwrap();
        }
    }
}

/// An in-memory sink whose writes wait at a [`Gate`]; `flush` moves what was
/// written to the visible output, as a buffering sink would.
pub struct MemorySink {
    pub gate: Arc<Gate>,
    pending: Vec<u8>,
    pub visible: Arc<Mutex<Vec<u8>>>,
    pub syncs: Arc<AtomicU64>,
}

impl MemorySink {
    /// A sink with an open gate.
    pub fn new() -> Self {
        let sink = Self::gated();
        sink.gate.open();
        sink
    }

    /// A sink with a closed gate.
    pub fn gated() -> Self {
        Self {
            gate: Arc::default(),
            pending: Vec::new(),
            visible: Arc::default(),
            syncs: Arc::default(),
        }
    }

    pub fn text(visible: &Mutex<Vec<u8>>) -> String {
        String::from_utf8(visible.lock().unwrap().clone()).unwrap()
    }
}

impl Sink for MemorySink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.gate.pass();
        self.pending.extend_from_slice(bytes);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.visible.lock().unwrap().append(&mut self.pending);
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.syncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A text line, split into its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub ts: String,
    pub level: String,
    pub thread: String,
    pub target: String,
    pub msg: String,
}

/// Parses `TS LEVEL [thread#id] target: msg` (the thread part without `#id`).
pub fn parse_line(line: &str) -> Line {
    let (ts, rest) = line.split_once(' ').expect("timestamp");
    let (level, rest) = rest.split_at(5);
    let rest = rest.strip_prefix(" [").expect("thread");
    let (thread, rest) = rest.split_once("] ").expect("thread end");
    let (target, msg) = rest.split_once(": ").expect("target");
    Line {
        ts: ts.to_string(),
        level: level.trim_end().to_string(),
        thread: thread.rsplit_once('#').expect("#id").0.to_string(),
        target: target.to_string(),
        msg: msg.to_string(),
    }
}

/// A fresh, empty directory in the temp directory.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ringlog-test-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test dir");
    dir
}

/// The log files of `live` in record order: `live.{n}`, …, `live.1`, `live`
/// (the rotation naming scheme), those that exist.
pub fn files_in_order(live: &std::path::Path) -> Vec<PathBuf> {
    files_in_order_with(live, "")
}

/// As [`files_in_order`], for rotated files named `live.{n}{suffix}`
/// (`.gz` archives, say).
pub fn files_in_order_with(live: &std::path::Path, suffix: &str) -> Vec<PathBuf> {
    let mut rotated = Vec::new();
    for n in 1.. {
        let mut name = live.as_os_str().to_owned();
        name.push(format!(".{n}{suffix}"));
        let p = PathBuf::from(name);
        if !p.exists() {
            break;
        }
        rotated.push(p);
    }
    rotated.reverse();
    if live.exists() {
        rotated.push(live.to_path_buf());
    }
    rotated
}

/// Checks that the messages `t{t} {i}` in `lines` hold, for every thread
/// `t < threads`, exactly `i = 0..per_thread` once each and in order;
/// lines from target `ringlog` (reports) are skipped. Returns the number of
/// records seen.
pub fn check_exactly_once_in_order<'a>(
    lines: impl Iterator<Item = &'a str>,
    threads: usize,
    per_thread: u64,
) -> u64 {
    let mut next = vec![0u64; threads];
    let mut seen = 0;
    for line in lines {
        let l = parse_line(line);
        if l.target == "ringlog" {
            continue;
        }
        let (t, i) = l.msg.split_once(' ').expect("t{t} {i}");
        let t: usize = t.trim_start_matches('t').parse().expect("thread");
        let i: u64 = i.parse().expect("index");
        assert_eq!(
            i, next[t],
            "thread {t}: expected record {} got {i}",
            next[t]
        );
        next[t] += 1;
        seen += 1;
    }
    for (t, n) in next.iter().enumerate() {
        assert_eq!(*n, per_thread, "thread {t} records");
    }
    seen
}

/// Logs `t{t} {i}` for `i in 0..per_thread` from `threads` threads.
pub fn log_from_threads(logger: &ringlog::log::Logger, threads: usize, per_thread: u64) {
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let logger = logger.clone();
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    logger.info("soak", format_args!("t{t} {i}")).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// A sink that keeps what it is given, but fails every write with `error()`
/// while `failing` is set.
pub struct SwitchableSink {
    pub failing: Arc<AtomicBool>,
    pub out: Arc<Mutex<Vec<u8>>>,
    error: fn() -> io::Error,
}

impl SwitchableSink {
    /// A sink, initially failing or not, returning `error()` while failing.
    pub fn new(failing: bool, error: fn() -> io::Error) -> Self {
        Self {
            failing: Arc::new(AtomicBool::new(failing)),
            out: Arc::new(Mutex::new(Vec::new())),
            error,
        }
    }
}

impl Sink for SwitchableSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            return Err((self.error)());
        }
        self.out.lock().unwrap().extend_from_slice(bytes);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The text of a log file, decompressed if its name ends in `.gz` or `.zst`.
pub fn read_log_file(path: &std::path::Path) -> String {
    use std::io::Read;
    let file = || std::fs::File::open(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut text = String::new();
    let name = path.to_string_lossy();
    if name.ends_with(".gz") {
        flate2::read::GzDecoder::new(file())
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"));
    } else if name.ends_with(".zst") {
        ruzstd::decoding::StreamingDecoder::new(file())
            .unwrap_or_else(|e| panic!("{path:?}: {e}"))
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"));
    } else {
        file().read_to_string(&mut text).unwrap();
    }
    text
}

/// The names in `dir`, sorted.
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Waits until the logger has reported `n` rotated files compressed (the
/// writer counts them at its next write or idle wake-up); panics after 20 s.
pub fn wait_for_archives(logger: &ringlog::log::Logger, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while logger.metrics().compressed < n {
        assert!(
            Instant::now() < deadline,
            "{n} archives not reported in 20 s: {:?}",
            logger.metrics()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sets the modification time of the file at `path`.
pub fn set_mtime(path: &std::path::Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
        .set_modified(time)
        .unwrap();
}

/// The messages of `path`'s text lines (what follows `] `), in file order.
pub fn messages(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split_once("] ").unwrap().1.to_string())
        .collect()
}

/// A `Display` value that counts how often it is formatted.
pub struct Counted(pub std::sync::Arc<std::sync::atomic::AtomicU64>);

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f.write_str("counted")
    }
}

/// A `tracing_subscriber::fmt` subscriber writing through `logger`, every
/// level enabled, no ANSI codes.
#[cfg(feature = "tracing")]
pub fn fmt_subscriber(logger: &ringlog::log::Logger) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_writer(logger.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish()
}
