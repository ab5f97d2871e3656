//! A real logging workload: N threads log M INFO records each through the
//! `log` crate into a file, plus one DEBUG detail record per 4; then the file
//! is read back and verified (every record present exactly once, in order
//! per thread; with a dropping policy, exactly the counted drops missing) and
//! a summary printed. `--policy drop-verbose` keeps INFO lossless and drops
//! DEBUG only while the ring is full: try it with `--capacity 64`.
//!
//! ```text
//! cargo run --release -p ringlog-workload
//! cargo run --release -p ringlog-workload -- \
//!     --threads 8 --records 500000 --policy drop-verbose --capacity 64 --path /tmp/x.log --keep
//! ```
//!
//! Exits with status 1 if verification fails.

use ringlog::log::{install_log, FullPolicy, Level, LoggerBuilder};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

struct Args {
    threads: usize,
    records: u64,
    capacity: usize,
    slot_size: usize,
    policy: FullPolicy,
    /// `None`: the logger's default.
    wait: Option<String>,
    path: PathBuf,
    keep: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        threads: 4,
        records: 250_000,
        capacity: 8192,
        slot_size: 256,
        policy: FullPolicy::Block,
        wait: None,
        path: std::env::temp_dir().join(format!("ringlog-workload-{}.log", std::process::id())),
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--threads" => {
                args.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?
            }
            "--records" => {
                args.records = value()?.parse().map_err(|e| format!("--records: {e}"))?
            }
            "--capacity" => {
                args.capacity = value()?.parse().map_err(|e| format!("--capacity: {e}"))?
            }
            "--slot-size" => {
                args.slot_size = value()?.parse().map_err(|e| format!("--slot-size: {e}"))?
            }
            "--policy" => {
                args.policy = match value()?.as_str() {
                    "block" => FullPolicy::Block,
                    "drop" => FullPolicy::Drop,
                    "drop-verbose" => FullPolicy::BlockAtOrAbove(Level::Info),
                    other => {
                        return Err(format!(
                            "--policy: block, drop or drop-verbose, not {other}"
                        ))
                    }
                }
            }
            "--wait" => {
                let wait = value()?;
                if !["park", "sleep", "yield", "busy-spin"].contains(&wait.as_str()) {
                    return Err(format!(
                        "--wait: park, sleep, yield or busy-spin, not {wait}"
                    ));
                }
                args.wait = Some(wait);
            }
            "--path" => args.path = PathBuf::from(value()?),
            "--keep" => args.keep = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    if args.threads == 0 {
        return Err("--threads must be at least 1".into());
    }
    Ok(args)
}

const USAGE: &str = "usage: ringlog-workload [--threads N] [--records M] [--capacity C] \
    [--slot-size B] [--policy block|drop|drop-verbose] [--wait park|sleep|yield|busy-spin] \
    [--path FILE] [--keep]

  --policy block         every record waits for room: nothing dropped (default)
  --policy drop          every record is dropped (and counted) while the ring is full
  --policy drop-verbose  INFO and above wait, DEBUG is dropped while the ring is full
  --keep                 keep the log file (default: removed after verification)";

/// One DEBUG detail record per this many INFO records.
const DETAIL_EVERY: u64 = 4;

/// Filler so that lines are about 120 bytes, like real log lines.
const PAYLOAD: &str = "user=42 action=checkout items=3 total=99.95 status=ok region=eu-west";

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ringlog-workload: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    // The sink appends: start from an empty file.
    let _ = std::fs::remove_file(&args.path);
    let mut builder = LoggerBuilder::new(&args.path)
        .capacity(args.capacity)
        .slot_size(args.slot_size)
        .full_policy(args.policy)
        // `install_log` keeps INFO and above unless told otherwise.
        .max_level(Level::Debug);
    builder = match args.wait.as_deref() {
        Some("park") => builder.wait_strategy(ringlog::Park::default()),
        Some("sleep") => builder.wait_strategy(ringlog::Sleep::default()),
        Some("yield") => builder.wait_strategy(ringlog::Yield::default()),
        Some("busy-spin") => builder.wait_strategy(ringlog::BusySpin),
        _ => builder,
    };
    let guard = install_log(builder)?;
    println!(
        "ringlog-workload: {} threads x {} records through `log`, policy {:?}, {} slots of {} B, wait {}",
        args.threads,
        args.records,
        args.policy,
        args.capacity,
        args.slot_size,
        args.wait.as_deref().unwrap_or("default")
    );

    let barrier = Arc::new(Barrier::new(args.threads + 1));
    let workers: Vec<_> = (0..args.threads)
        .map(|t| {
            let barrier = Arc::clone(&barrier);
            let records = args.records;
            std::thread::Builder::new()
                .name(format!("worker-{t}"))
                .spawn(move || {
                    let stride = latency_stride(records);
                    let mut latency = Vec::with_capacity((records / stride) as usize + 1);
                    let mut skip = 0;
                    barrier.wait();
                    for i in 0..records {
                        let start = Instant::now();
                        log::info!(target: "workload", "t={t} i={i} {PAYLOAD}");
                        if i % DETAIL_EVERY == 0 {
                            log::debug!(target: "workload::detail", "t={t} i={i} cart=[sku-1,sku-2,sku-3]");
                        }
                        let ns = start.elapsed().as_nanos() as u64;
                        if skip == 0 {
                            latency.push(ns);
                            skip = stride;
                        }
                        skip -= 1;
                    }
                    latency
                })
        })
        .collect::<Result<_, _>>()?;
    barrier.wait();
    let start = Instant::now();
    let mut latency = Vec::new();
    for w in workers {
        latency.extend(w.join().map_err(|_| "a worker thread panicked")?);
    }
    let calls_done = start.elapsed();
    guard.logger().flush_timeout(Duration::from_secs(60))?;
    let flushed = start.elapsed();
    let metrics = guard.logger().metrics();
    guard.shutdown()?;

    let verdict = verify(args, &metrics)?;
    let bytes = std::fs::metadata(&args.path)?.len();
    let secs = |d: Duration| d.as_secs_f64();
    println!(
        "file: {} ({:.1} MB)",
        args.path.display(),
        bytes as f64 / 1e6
    );
    let total = verdict.info_total + verdict.detail_total;
    println!(
        "log calls: {total} ({} INFO, {} DEBUG) in {:.3} s = {:.2} M records/s (producer side)",
        verdict.info_total,
        verdict.detail_total,
        secs(calls_done),
        total as f64 / secs(calls_done) / 1e6
    );
    println!(
        "end to end (until flush returned): {:.3} s = {:.2} M records/s, {:.1} MB/s",
        secs(flushed),
        metrics.written as f64 / secs(flushed) / 1e6,
        bytes as f64 / secs(flushed) / 1e6
    );
    println!(
        "batches: {}, mean batch size {:.1}, high-water mark (longest run) {}",
        metrics.batches,
        metrics.mean_batch_size(),
        metrics.high_water_mark
    );
    println!(
        "drops: {} (ERROR {}, WARN {}, INFO {}, DEBUG {}, TRACE {}); spilled {}; write errors {}; fsyncs {}",
        metrics.dropped_total(),
        metrics.dropped[0],
        metrics.dropped[1],
        metrics.dropped[2],
        metrics.dropped[3],
        metrics.dropped[4],
        metrics.spilled,
        metrics.write_errors,
        metrics.fsyncs
    );
    latency.sort_unstable();
    let stride = latency_stride(args.records);
    println!(
        "log-call latency: p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns (includes ~2 clock reads{})",
        percentile(&latency, 0.50),
        percentile(&latency, 0.99),
        percentile(&latency, 0.999),
        percentile(&latency, 1.0),
        if stride > 1 {
            format!("; 1 call in {stride} of each thread timed")
        } else {
            String::new()
        }
    );
    println!("{}", verdict.message);
    if !args.keep {
        std::fs::remove_file(&args.path)?;
    }
    Ok(verdict.ok)
}

/// Each thread keeps the latency of at most this many calls (8 MiB).
const MAX_TIMED_PER_THREAD: u64 = 1 << 20;

/// A thread keeps the latency of every `latency_stride(records)`th call.
fn latency_stride(records: u64) -> u64 {
    records.div_ceil(MAX_TIMED_PER_THREAD).max(1)
}

/// The `q` quantile (nearest rank) of `sorted`, exact; 0 if empty.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or(0)
}

struct Verdict {
    ok: bool,
    message: String,
    info_total: u64,
    detail_total: u64,
}

/// Reads the file back: every thread's INFO and DEBUG records must appear
/// once each, in order; missing exactly the ones counted as dropped, per
/// level.
fn verify(
    args: &Args,
    metrics: &ringlog::log::MetricsSnapshot,
) -> Result<Verdict, Box<dyn std::error::Error>> {
    let text = std::fs::read(&args.path)?;
    let mut info = Stream::new(args.threads, 1);
    let mut detail = Stream::new(args.threads, DETAIL_EVERY);
    let mut drop_lines = 0u64;
    let mut problems = Vec::new();
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let line = std::str::from_utf8(line)?;
        if line.contains(" ringlog: ") && line.contains(" records dropped (") {
            drop_lines += 1;
            continue;
        }
        let (stream, rest, payload) =
            if let Some((_, rest)) = line.split_once(" workload::detail: t=") {
                (&mut detail, rest, "cart=[sku-1,sku-2,sku-3]")
            } else if let Some((_, rest)) = line.split_once(" workload: t=") {
                (&mut info, rest, PAYLOAD)
            } else {
                problems.push(format!("line {}: unexpected: {line}", n + 1));
                continue;
            };
        let mut fields = rest.splitn(3, ' ');
        let t: usize = fields.next().unwrap_or("").parse()?;
        let i: u64 = fields
            .next()
            .and_then(|f| f.strip_prefix("i="))
            .ok_or("no i=")?
            .parse()?;
        if fields.next() != Some(payload) {
            problems.push(format!("line {}: payload damaged", n + 1));
        }
        if let Err(e) = stream.check(t, i, args.records) {
            problems.push(format!("line {}: {e}", n + 1));
        }
    }
    let dropped_info = metrics.dropped_at(Level::Info);
    let dropped_detail = metrics.dropped_at(Level::Debug);
    let info_total = args.threads as u64 * args.records;
    let detail_total = args.threads as u64 * args.records.div_ceil(DETAIL_EVERY);
    let ok = problems.is_empty()
        && info.present + dropped_info == info_total
        && detail.present + dropped_detail == detail_total
        && metrics.dropped_total() == dropped_info + dropped_detail;
    let message = if ok {
        format!(
            "verified: INFO {} of {info_total} present exactly once, in order per thread, \
             {dropped_info} dropped; DEBUG {} of {detail_total} present, {dropped_detail} dropped \
             (every missing record counted as dropped); drop-report lines {drop_lines}",
            info.present, detail.present
        )
    } else {
        for p in problems.iter().take(10) {
            eprintln!("{p}");
        }
        format!(
            "VERIFICATION FAILED: INFO {} present + {dropped_info} dropped of {info_total}, \
             DEBUG {} present + {dropped_detail} dropped of {detail_total}, {} problems",
            info.present,
            detail.present,
            problems.len()
        )
    };
    Ok(Verdict {
        ok,
        message,
        info_total,
        detail_total,
    })
}

/// One kind of record: per thread, the indices must rise (by `step`, when
/// none was dropped).
struct Stream {
    next: Vec<u64>,
    step: u64,
    present: u64,
}

impl Stream {
    fn new(threads: usize, step: u64) -> Self {
        Self {
            next: vec![0; threads],
            step,
            present: 0,
        }
    }

    /// Checks record `i` of thread `t` (records may be missing, never
    /// repeated or out of order; the counts tell whether any is missing).
    fn check(&mut self, t: usize, i: u64, records: u64) -> Result<(), String> {
        let expected = *self.next.get(t).ok_or(format!("thread {t} unknown"))?;
        if i < expected || i >= records || i % self.step != 0 {
            return Err(format!("t={t} i={i}, expected i>={expected}"));
        }
        self.next[t] = i + self.step;
        self.present += 1;
        Ok(())
    }
}
