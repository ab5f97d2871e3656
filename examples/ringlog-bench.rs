//! ringlog-bench: the whole comparison in a few minutes, interleaved, with
//! markdown tables and SVG plots.
//!
//! ```text
//! cargo run --profile bench --example ringlog-bench -- --out docs/bench
//! ```
//!
//! Options: `--out DIR` (default `out/bench`), `--rounds N` (default 9),
//! `--events N` per ring run (default 4194304), `--limit-ms N` per run
//! (default 1000), `--group NAME` (repeatable; default: every group).
//!
//! How it measures:
//! - A *group* (today: `ring`; the logging benches will be another) is a set of
//!   *cases* (contender × thread count). Every round runs every case once, in
//!   a rotated order, so machine drift hits all contenders alike; the tables
//!   show the median of the rounds, the min–max, and ratios that are medians
//!   of per-round ratios (each from runs made seconds apart).
//! - Every run executes in a fresh child process (this executable with
//!   `--child`), which first makes an untimed warm-up run (1/8 of the events),
//!   then the measured run; both verify their own result (count and
//!   per-producer order), and the child exits non-zero if a check fails. Producers stop at the time limit
//!   (the run is then marked time-limited and measured over what was
//!   delivered); a child still running 20 s after that is killed and reported
//!   as a hang. No run can hang the tool.
//! - Output: the markdown on stdout and in `DIR/<group>.md`, plots in
//!   `DIR/<group>-*.svg`, every run in `DIR/<group>-runs.csv`. The exit status
//!   is non-zero if any check failed or a ringlog run had to be killed.

#[path = "../benches/support/ring.rs"]
#[allow(dead_code)] // shared with the criterion bench
mod ring;

#[path = "../benches/support/log.rs"]
#[allow(dead_code)] // shared with the criterion bench
mod logbench;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Time a child gets beyond its own time limit before it is killed.
const KILL_AFTER: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
struct Args {
    out: PathBuf,
    rounds: usize,
    events: u64,
    limit: Duration,
    /// Lines per logging throughput run (all threads together).
    log_records: u64,
    groups: Vec<String>,
}

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut parsed = Args {
            out: PathBuf::from("out/bench"),
            rounds: 9,
            events: 1 << 22,
            limit: Duration::from_millis(1000),
            log_records: 1 << 20,
            groups: Vec::new(),
        };
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--out" => parsed.out = PathBuf::from(value()?),
                "--rounds" => parsed.rounds = parse_num(&value()?)?,
                "--events" => parsed.events = parse_num(&value()?)?,
                "--limit-ms" => parsed.limit = Duration::from_millis(parse_num(&value()?)?),
                "--log-records" => parsed.log_records = parse_num(&value()?)?,
                "--group" => parsed.groups.push(value()?),
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if parsed.rounds == 0 {
            return Err("--rounds must be at least 1".into());
        }
        Ok(parsed)
    }
}

fn parse_num<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not a number: {s:?}"))
}

/// One contender at one thread count.
#[derive(Clone, Debug)]
struct Case {
    /// The contender's key, passed to the child.
    contender: String,
    threads: usize,
}

/// How one run ended.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Ok,
    /// Producers stopped at the time limit; throughput is over what arrived.
    TimeLimited,
    /// Still running long after its time limit: killed.
    Killed,
    /// The run's own check failed (or it crashed).
    Failed(String),
}

#[derive(Clone, Debug)]
struct Sample {
    round: usize,
    status: Status,
    /// Events per second, if the run produced a number.
    rate: Option<f64>,
    delivered: u64,
    requested: u64,
    elapsed: Duration,
    /// Further numbers the run reported (`EXTRA <key> <value>` lines).
    extra: Vec<(String, f64)>,
}

impl Sample {
    fn extra(&self, key: &str) -> Option<f64> {
        self.extra.iter().find(|e| e.0 == key).map(|e| e.1)
    }
}

/// What a child run reports.
#[derive(Clone, Debug)]
struct ChildResult {
    delivered: u64,
    requested: u64,
    elapsed: Duration,
    extra: Vec<(&'static str, f64)>,
}

impl From<ring::Outcome> for ChildResult {
    fn from(o: ring::Outcome) -> Self {
        ChildResult {
            delivered: o.delivered,
            requested: o.requested,
            elapsed: o.elapsed,
            extra: Vec::new(),
        }
    }
}

/// A group of benchmarks: the ring, and the logging backend.
trait Group {
    fn name(&self) -> &'static str;
    fn cases(&self) -> Vec<Case>;
    /// The load of one run, for the report.
    fn load(&self, args: &Args) -> String;
    /// The events (or lines) a run of `case` is asked for.
    fn events(&self, case: &Case, args: &Args) -> u64;
    /// In the child: run one case and return `(delivered, requested,
    /// elapsed)` and any further numbers, or the reason the check failed.
    fn run_child(
        &self,
        contender: &str,
        threads: usize,
        args: &Args,
    ) -> Result<ChildResult, String>;
    /// Markdown for the results (and plots written into `args.out`).
    fn report(&self, results: &Results, args: &Args) -> std::io::Result<String>;
    /// Whether a killed run of this contender is a defect of ours.
    fn is_ours(&self, contender: &str) -> bool;
}

/// Samples by (contender key, threads).
type Results = HashMap<(String, usize), Vec<Sample>>;

fn groups() -> Vec<Box<dyn Group>> {
    vec![Box::new(RingGroup), Box::new(LogGroup)]
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("--child") {
        return child(argv.skip(1).collect());
    }
    let args = match Args::parse(argv) {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!(
                "usage: ringlog-bench [--out DIR] [--rounds N] [--events N] [--limit-ms N] \
                 [--group NAME]..."
            );
            return ExitCode::from(2);
        }
    };
    ring::checker_self_test();
    logbench::checker_self_test();
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return ExitCode::from(2);
    }
    let mut failed = false;
    for group in groups() {
        if !args.groups.is_empty() && !args.groups.iter().any(|g| g == group.name()) {
            continue;
        }
        match run_group(group.as_ref(), &args) {
            Ok(ok) => failed |= !ok,
            Err(e) => {
                eprintln!("error: group {}: {e}", group.name());
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("\nFAILED: see the messages above (result checks or killed ringlog runs)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `--child <group> <contender> <threads> <events> <limit-ms>`: one run;
/// prints `RESULT <delivered> <requested> <elapsed-ns>` or exits 3.
fn child(argv: Vec<String>) -> ExitCode {
    let [group, contender, threads, events, limit_ms] = argv.as_slice() else {
        eprintln!("child: bad arguments {argv:?}");
        return ExitCode::from(2);
    };
    let (Ok(threads), Ok(events), Ok(limit_ms)) = (
        threads.parse::<usize>(),
        events.parse::<u64>(),
        limit_ms.parse::<u64>(),
    ) else {
        eprintln!("child: bad numbers in {argv:?}");
        return ExitCode::from(2);
    };
    let args = Args {
        out: PathBuf::new(),
        rounds: 1,
        events,
        limit: Duration::from_millis(limit_ms),
        log_records: events,
        groups: Vec::new(),
    };
    let Some(group) = groups().into_iter().find(|g| g.name() == group) else {
        eprintln!("child: unknown group {group}");
        return ExitCode::from(2);
    };
    match group.run_child(contender, threads, &args) {
        Ok(o) => {
            println!(
                "RESULT {} {} {}",
                o.delivered,
                o.requested,
                o.elapsed.as_nanos()
            );
            for (key, value) in o.extra {
                println!("EXTRA {key} {value}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("CHECK FAILED: {e}");
            ExitCode::from(3)
        }
    }
}

/// Runs one case in a child process, killing it if it overruns.
fn run_case(group: &dyn Group, case: &Case, round: usize, args: &Args) -> Sample {
    let mut sample = Sample {
        round,
        status: Status::Ok,
        rate: None,
        delivered: 0,
        requested: 0,
        elapsed: Duration::ZERO,
        extra: Vec::new(),
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            sample.status = Status::Failed(format!("no current exe: {e}"));
            return sample;
        }
    };
    let spawned = Command::new(exe)
        .arg("--child")
        .arg(group.name())
        .arg(&case.contender)
        .arg(case.threads.to_string())
        .arg(group.events(case, args).to_string())
        .arg(args.limit.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            sample.status = Status::Failed(format!("cannot spawn: {e}"));
            return sample;
        }
    };
    let kill_at = Instant::now() + args.limit + KILL_AFTER;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() >= kill_at => {
                let _ = child.kill();
                let _ = child.wait();
                sample.status = Status::Killed;
                return sample;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                sample.status = Status::Failed(format!("wait failed: {e}"));
                return sample;
            }
        }
    }
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(e) => {
            sample.status = Status::Failed(format!("no output: {e}"));
            return sample;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let parsed = stdout.lines().find_map(|line| {
        let mut words = line.strip_prefix("RESULT ")?.split(' ');
        let mut next = || words.next()?.parse::<u64>().ok();
        Some((next()?, next()?, next()?))
    });
    match (output.status.success(), parsed) {
        (true, Some((delivered, requested, nanos))) => {
            sample.delivered = delivered;
            sample.requested = requested;
            sample.elapsed = Duration::from_nanos(nanos);
            sample.rate = Some(delivered as f64 / sample.elapsed.as_secs_f64());
            if delivered < requested {
                sample.status = Status::TimeLimited;
            }
            sample.extra = stdout
                .lines()
                .filter_map(|line| {
                    let mut words = line.strip_prefix("EXTRA ")?.split(' ');
                    Some((words.next()?.to_string(), words.next()?.parse().ok()?))
                })
                .collect();
        }
        _ => {
            sample.status = Status::Failed(format!(
                "{} ({}): {}",
                case.contender,
                output.status,
                stdout.trim()
            ))
        }
    }
    sample
}

/// Runs every case of `group` `args.rounds` times, interleaved; writes the
/// report. `Ok(false)` if a check failed or one of our runs was killed.
fn run_group(group: &dyn Group, args: &Args) -> std::io::Result<bool> {
    let cases = group.cases();
    let started = Instant::now();
    let load_before = load_average();
    eprintln!(
        "group {}: {} cases x {} rounds, {}",
        group.name(),
        cases.len(),
        args.rounds,
        group.load(args)
    );
    let mut results: Results = HashMap::new();
    let mut ok = true;
    for round in 0..args.rounds {
        let round_start = Instant::now();
        // Rotate the order every round so that no contender always runs
        // first, or right after the same neighbour.
        let offset = round * cases.len() / args.rounds;
        for i in 0..cases.len() {
            let case = &cases[(i + offset) % cases.len()];
            let sample = run_case(group, case, round, args);
            match &sample.status {
                Status::Failed(msg) => {
                    eprintln!(
                        "\nRESULT CHECK FAILED ({} x{}): {msg}",
                        case.contender, case.threads
                    );
                    ok = false;
                }
                Status::Killed => {
                    eprintln!(
                        "\nKILLED: {} with {} threads still running {:?} after its time limit",
                        case.contender, case.threads, KILL_AFTER
                    );
                    ok &= !group.is_ours(&case.contender);
                }
                _ => {}
            }
            results
                .entry((case.contender.clone(), case.threads))
                .or_default()
                .push(sample);
        }
        eprintln!(
            "  round {}/{} done in {:.1} s",
            round + 1,
            args.rounds,
            round_start.elapsed().as_secs_f64()
        );
    }
    let load_after = load_average();
    let mut md = String::new();
    writeln!(md, "## Group `{}`\n", group.name()).unwrap();
    writeln!(md, "{}", machine(&load_before, &load_after)).unwrap();
    writeln!(
        md,
        "Command: `{}`  \nRounds: {}, {} (time-limited runs are marked), every run in \
         its own process, wall time {:.0} s.\n",
        command_line(),
        args.rounds,
        group.load(args),
        started.elapsed().as_secs_f64()
    )
    .unwrap();
    md.push_str(&group.report(&results, args)?);
    write_csv(group, &results, args)?;
    let path = args.out.join(format!("{}.md", group.name()));
    std::fs::write(&path, &md)?;
    println!("{md}");
    eprintln!("wrote {}", path.display());
    Ok(ok)
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "cargo run --profile bench --example ringlog-bench -- {}",
        args.join(" ")
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn machine(load_before: &str, load_after: &str) -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    format!(
        "Machine: {cpus} CPUs (nproc), {model}; load average (1, 5, 15 min) {load_before} \
         at the start, {load_after} at the end.\n"
    )
}

fn write_csv(group: &dyn Group, results: &Results, args: &Args) -> std::io::Result<()> {
    let mut csv = String::from(
        "round,contender,threads,status,delivered,requested,elapsed_ns,events_per_sec\n",
    );
    let mut keys: Vec<_> = results.keys().collect();
    keys.sort();
    for key in keys {
        for s in &results[key] {
            let status = match &s.status {
                Status::Ok => "ok".to_string(),
                Status::TimeLimited => "time-limited".to_string(),
                Status::Killed => "killed".to_string(),
                Status::Failed(m) => format!("failed: {}", m.replace([',', '\n'], ";")),
            };
            writeln!(
                csv,
                "{},{},{},{},{},{},{},{}",
                s.round,
                key.0,
                key.1,
                status,
                s.delivered,
                s.requested,
                s.elapsed.as_nanos(),
                s.rate.map_or(String::new(), |r| format!("{r:.0}"))
            )
            .unwrap();
        }
    }
    std::fs::write(args.out.join(format!("{}-runs.csv", group.name())), csv)
}

// ----- statistics ------------------------------------------------------------

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Median, min and max.
type Summary = (f64, f64, f64);

/// Median, min and max of the runs that produced a number.
fn summary(samples: &[Sample]) -> Option<Summary> {
    let mut rates: Vec<f64> = samples.iter().filter_map(|s| s.rate).collect();
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let max = rates.iter().copied().fold(0.0, f64::max);
    median(&mut rates).map(|m| (m, min, max))
}

/// The median over rounds of `a / b`, pairing the runs of the same round.
fn paired_ratio(a: &[Sample], b: &[Sample]) -> Option<f64> {
    let mut ratios: Vec<f64> = a
        .iter()
        .filter_map(|x| {
            let y = b.iter().find(|y| y.round == x.round)?;
            Some(x.rate? / y.rate?)
        })
        .collect();
    median(&mut ratios)
}

// ----- the ring group --------------------------------------------------------

struct RingGroup;

impl RingGroup {
    fn samples(results: &Results, c: ring::Contender, p: usize) -> &[Sample] {
        results
            .get(&(c.key().to_string(), p))
            .map_or(&[], Vec::as_slice)
    }

    fn median(results: &Results, c: ring::Contender, p: usize) -> Option<f64> {
        summary(Self::samples(results, c, p)).map(|s| s.0)
    }

    /// The contender with the highest median among `among` at `p` producers.
    fn best(
        results: &Results,
        among: impl Iterator<Item = ring::Contender>,
        p: usize,
    ) -> Option<ring::Contender> {
        among
            .filter_map(|c| Some((c, Self::median(results, c, p)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c)
    }
}

fn producers_label(p: usize) -> String {
    match p {
        1 => "1 producer".into(),
        p if p > 2 => format!("{p} producers (more threads than cores)"),
        p => format!("{p} producers"),
    }
}

fn marks(samples: &[Sample]) -> String {
    let count = |pred: fn(&Status) -> bool| samples.iter().filter(|s| pred(&s.status)).count();
    let n = samples.len();
    let mut m = String::new();
    let limited = count(|s| *s == Status::TimeLimited);
    if limited > 0 {
        write!(m, " †{limited}/{n}").unwrap();
    }
    let killed = count(|s| *s == Status::Killed);
    if killed > 0 {
        write!(m, " ‡killed {killed}/{n}").unwrap();
    }
    let failed = count(|s| matches!(s, Status::Failed(_)));
    if failed > 0 {
        write!(m, " **CHECK FAILED {failed}/{n}**").unwrap();
    }
    m
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("n/a".into(), |r| format!("{r:.2}×"))
}

impl Group for RingGroup {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn cases(&self) -> Vec<Case> {
        ring::PRODUCER_COUNTS
            .into_iter()
            .flat_map(|p| {
                ring::Contender::ALL.into_iter().map(move |c| Case {
                    contender: c.key().to_string(),
                    threads: p,
                })
            })
            .collect()
    }

    fn load(&self, args: &Args) -> String {
        format!(
            "{} events per run, producers stop after {:?}",
            args.events, args.limit
        )
    }

    fn events(&self, _: &Case, args: &Args) -> u64 {
        args.events
    }

    fn run_child(
        &self,
        contender: &str,
        threads: usize,
        args: &Args,
    ) -> Result<ChildResult, String> {
        let c = ring::Contender::from_key(contender)
            .ok_or_else(|| format!("unknown contender {contender}"))?;
        // An untimed (but checked) warm-up run of 1/8 of the events first, so
        // that the measured run does not pay for the fresh process: page
        // faults, first thread spawns, cold caches and branch predictors.
        let unit = (threads * ring::BATCH) as u64;
        let warm_up = (args.events / 8 / unit).max(1) * unit;
        ring::run(c, threads, warm_up, args.limit / 4)?;
        ring::run(c, threads, args.events, args.limit).map(ChildResult::from)
    }

    fn is_ours(&self, contender: &str) -> bool {
        ring::Contender::from_key(contender).is_some_and(ring::Contender::is_ringlog)
    }

    fn report(&self, results: &Results, args: &Args) -> std::io::Result<String> {
        use ring::{Contender as C, Publish};
        let ps = ring::PRODUCER_COUNTS;
        let mut md = String::new();

        // Throughput.
        md.push_str(
            "### Throughput, million u64 events per second: median (min–max)\n\n\
             † = runs that hit the time limit (measured over the events delivered); \
             ‡ = runs killed as hung. 4p/2p = median of per-round ratios.\n\n| contender |",
        );
        for p in ps {
            write!(md, " {} |", producers_label(p)).unwrap();
        }
        md.push_str(" 4p / 2p |\n|---|");
        md.push_str(&"---:|".repeat(ps.len() + 1));
        md.push('\n');
        for c in C::ALL {
            let name = if c.is_ringlog() {
                format!("**{}**", c.label())
            } else {
                c.label().to_string()
            };
            write!(md, "| {name} |").unwrap();
            for p in ps {
                let samples = Self::samples(results, c, p);
                match summary(samples) {
                    Some((m, lo, hi)) => write!(
                        md,
                        " {:.1} ({:.1}–{:.1}){} |",
                        m / 1e6,
                        lo / 1e6,
                        hi / 1e6,
                        marks(samples)
                    ),
                    None => write!(md, " –{} |", marks(samples)),
                }
                .unwrap();
            }
            let scaling = paired_ratio(Self::samples(results, c, 4), Self::samples(results, c, 2));
            writeln!(md, " {} |", fmt_ratio(scaling)).unwrap();
        }

        // Ratios to each peer.
        let peers = |publish: Publish| {
            [
                C::Crossbeam,
                C::StdMpsc,
                C::Flume,
                C::Disruptor(ring::DisruptorWait::BusySpin, publish),
                C::Disruptor(ring::DisruptorWait::SpinLoopHint, publish),
                C::Disruptor(ring::DisruptorWait::Sleep, publish),
            ]
        };
        md.push_str(
            "\n### ringlog ÷ each peer (median of per-round ratios)\n\n\
             Batch rows are compared with the disruptor's `batch_publish(16, ..)`; \
             the channels have no batch send.\n",
        );
        for p in ps {
            write!(
                md,
                "\n**{}**\n\n| ringlog | crossbeam | std mpsc | flume | disruptor BusySpin \
                 | disruptor SpinLoopHint | disruptor Sleep |\n|---|---:|---:|---:|---:|---:|---:|\n",
                producers_label(p)
            )
            .unwrap();
            for c in C::ALL.into_iter().filter(|c| c.is_ringlog()) {
                write!(md, "| {} |", c.label()).unwrap();
                for peer in peers(c.publish()) {
                    let r = paired_ratio(
                        Self::samples(results, c, p),
                        Self::samples(results, peer, p),
                    );
                    write!(md, " {} |", fmt_ratio(r)).unwrap();
                }
                md.push('\n');
            }
        }

        // Targets.
        md.push_str("\n### Targets (issue 5)\n\n| target | measured | met? |\n|---|---|---|\n");
        let verdict = |r: Option<f64>, goal: f64| match r {
            Some(r) if r >= goal => "yes",
            Some(_) => "**no**",
            None => "n/a",
        };
        let ringlog_single = || {
            C::ALL
                .into_iter()
                .filter(|c| c.is_ringlog() && c.publish() == Publish::Single)
        };
        let ringlog_batch = || {
            C::ALL
                .into_iter()
                .filter(|c| c.is_ringlog() && c.publish() == Publish::Batch)
        };
        let single_peers = || {
            C::ALL
                .into_iter()
                .filter(|c| !c.is_ringlog() && c.publish() == Publish::Single)
        };
        for p in [1, 2] {
            let ours = Self::best(results, ringlog_single(), p);
            let theirs = Self::best(results, single_peers(), p);
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                let r = paired_ratio(
                    Self::samples(results, ours, p),
                    Self::samples(results, theirs, p),
                );
                writeln!(
                    md,
                    "| single-event publish ≥ 1.5× the best peer, {} | best ringlog ({}) ÷ best \
                     single-event peer ({}) = {} | {} |",
                    producers_label(p),
                    ours.label(),
                    theirs.label(),
                    fmt_ratio(r),
                    verdict(r, 1.5)
                )
                .unwrap();
            }
        }
        if let Some(ours) = Self::best(results, ringlog_batch(), 2) {
            let r = paired_ratio(
                Self::samples(results, ours, 2),
                Self::samples(results, C::Crossbeam, 2),
            );
            writeln!(
                md,
                "| batch of 16, 2 producers ≥ 5× crossbeam-channel | best ringlog batch ({}) ÷ \
                 crossbeam-channel = {} | {} |",
                ours.label(),
                fmt_ratio(r),
                verdict(r, 5.0)
            )
            .unwrap();
        }
        for c in C::ALL.into_iter().filter(|c| c.is_ringlog()) {
            let r = paired_ratio(Self::samples(results, c, 4), Self::samples(results, c, 2));
            writeln!(
                md,
                "| 4 producers ≥ 0.8× 2 producers: {} | {} | {} |",
                c.label(),
                fmt_ratio(r),
                verdict(r, 0.8)
            )
            .unwrap();
        }

        // Plots.
        md.push('\n');
        for (publish, file, title) in [
            (
                Publish::Single,
                "ring-single.svg",
                "Single-event publish (channels: send)",
            ),
            (
                Publish::Batch,
                "ring-batch16.svg",
                "Batch-of-16 publish (channels: single send, for reference)",
            ),
        ] {
            let series: Vec<Series> = C::ALL
                .into_iter()
                .filter(|c| {
                    c.publish() == publish || matches!(c, C::Crossbeam | C::StdMpsc | C::Flume)
                })
                .map(|c| Series {
                    label: c.label().to_string(),
                    ours: c.is_ringlog(),
                    points: ps
                        .iter()
                        .map(|&p| (p.to_string(), summary(Self::samples(results, c, p))))
                        .collect(),
                })
                .collect();
            let svg = line_chart(
                &format!("ring throughput: {title}"),
                "producers (2 cores: 4 = more threads than cores)",
                "million events / s (median; bars: min–max)",
                1e6,
                &series,
            );
            std::fs::write(args.out.join(file), svg)?;
            writeln!(md, "![{title}]({file})\n").unwrap();
        }
        Ok(md)
    }
}

// ----- counting allocator (allocations per logged line) -----------------------

/// Counts heap allocations (alloc, alloc_zeroed, realloc) of every thread
/// while [`COUNTING`] is on, in per-thread shards so that counting does not
/// make the threads contend.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
const SHARDS: usize = 16;

#[repr(align(128))]
struct Shard(AtomicU64);

#[allow(clippy::declare_interior_mutable_const)] // only used to fill the array
const ZERO_SHARD: Shard = Shard(AtomicU64::new(0));
static ALLOCATIONS: [Shard; SHARDS] = [ZERO_SHARD; SHARDS];
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MY_SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn note_allocation() {
    // Relaxed everywhere: the counts are read after the counted threads
    // have been joined (or have handed their last line over through the
    // logger's own synchronisation).
    if !COUNTING.load(Ordering::Relaxed) {
        return;
    }
    let shard = MY_SHARD
        .try_with(|s| {
            if s.get() == usize::MAX {
                s.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS);
            }
            s.get()
        })
        .unwrap_or(0);
    ALLOCATIONS[shard].0.fetch_add(1, Ordering::Relaxed);
}

fn allocations() -> u64 {
    ALLOCATIONS
        .iter()
        .map(|s| s.0.load(Ordering::Relaxed))
        .sum()
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// which upholds `GlobalAlloc`'s contract; the counting touches only atomics
// and a const-initialised thread-local `Cell` (no allocation, no memory the
// allocator hands out).
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// The process's CPU time (user + system, all threads) in clock ticks of
/// 10 ms (`/proc/self/stat`; Linux's USER_HZ is 100), if readable.
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): state is
    // field 3; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    Some(fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?)
}

/// CPU ticks at the start of the measured part, and used by it.
static CPU_START: AtomicU64 = AtomicU64::new(0);
static CPU_USED: AtomicU64 = AtomicU64::new(u64::MAX);

const COUNT_ALLOCATIONS: logbench::Hooks = logbench::Hooks {
    start: || {
        CPU_START.store(cpu_ticks().unwrap_or(u64::MAX), Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
    },
    stop: || {
        COUNTING.store(false, Ordering::Relaxed);
        let start = CPU_START.load(Ordering::Relaxed);
        if let (Some(now), true) = (cpu_ticks(), start != u64::MAX) {
            CPU_USED.store(now.saturating_sub(start), Ordering::Relaxed);
        }
    },
};

// ----- the logging group -----------------------------------------------------

/// Lines per thread in a latency run.
const LATENCY_PER_THREAD: u64 = 16384;
/// Logging runs get this many times `--limit-ms`.
const LOG_LIMIT_FACTOR: u32 = 3;

struct LogGroup;

/// A latency case's contender key.
fn lat_key(c: logbench::Contender) -> String {
    format!("lat-{}", c.key())
}

const LAT_CONTENDERS: [logbench::Contender; 2] = [
    logbench::Contender::Ringlog,
    logbench::Contender::TracingAppender,
];

/// Percentiles of the latency runs: (extra key, label, quantile).
const PERCENTILES: [(&str, &str, f64); 4] = [
    ("p50", "p50", 0.5),
    ("p99", "p99", 0.99),
    ("p999", "p99.9", 0.999),
    ("max", "max", 1.0),
];

/// Appends `heading` and a table of the per-round extra measurement `key`
/// (median, min–max) for every logging contender and thread count.
fn extra_table(
    md: &mut String,
    results: &Results,
    ts: &[usize],
    heading: &str,
    key: &str,
    precision: usize,
) {
    use logbench::Contender as C;
    md.push_str(heading);
    md.push_str("| contender |");
    for &t in ts {
        write!(md, " {} |", threads_label(t)).unwrap();
    }
    md.push_str("\n|---|");
    md.push_str(&"---:|".repeat(ts.len()));
    md.push('\n');
    for c in C::ALL {
        write!(md, "| {} |", c.label()).unwrap();
        for &t in ts {
            match summary_by(samples_of(results, c.key(), t), |s| s.extra(key)) {
                Some((m, lo, hi)) => {
                    write!(md, " {m:.precision$} ({lo:.precision$}–{hi:.precision$}) |")
                }
                None => write!(md, " – |"),
            }
            .unwrap();
        }
        md.push('\n');
    }
}

fn threads_label(t: usize) -> String {
    match t {
        1 => "1 thread".into(),
        t if t > 2 => format!("{t} threads (more than cores)"),
        t => format!("{t} threads"),
    }
}

fn samples_of<'a>(results: &'a Results, key: &str, t: usize) -> &'a [Sample] {
    results
        .get(&(key.to_string(), t))
        .map_or(&[], Vec::as_slice)
}

/// Median, min and max of `f` over the samples that have it.
fn summary_by(samples: &[Sample], f: impl Fn(&Sample) -> Option<f64>) -> Option<Summary> {
    let mut v: Vec<f64> = samples.iter().filter_map(f).collect();
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(0.0, f64::max);
    median(&mut v).map(|m| (m, min, max))
}

/// The median over rounds of `f(a) / f(b)`, pairing runs of the same round.
fn paired_ratio_by(a: &[Sample], b: &[Sample], f: impl Fn(&Sample) -> Option<f64>) -> Option<f64> {
    let mut ratios: Vec<f64> = a
        .iter()
        .filter_map(|x| {
            let y = b.iter().find(|y| y.round == x.round)?;
            Some(f(x)? / f(y)?)
        })
        .collect();
    median(&mut ratios)
}

impl Group for LogGroup {
    fn name(&self) -> &'static str {
        "log"
    }

    fn load(&self, args: &Args) -> String {
        format!(
            "{} lines per throughput run (all threads together), {} lines per thread per \
             latency run, logging threads stop after {:?}",
            args.log_records,
            LATENCY_PER_THREAD,
            args.limit * LOG_LIMIT_FACTOR
        )
    }

    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for t in logbench::THREAD_COUNTS {
            for c in logbench::Contender::ALL {
                cases.push(Case {
                    contender: c.key().to_string(),
                    threads: t,
                });
            }
            for c in LAT_CONTENDERS {
                cases.push(Case {
                    contender: lat_key(c),
                    threads: t,
                });
            }
        }
        cases
    }

    fn events(&self, case: &Case, args: &Args) -> u64 {
        if case.contender.starts_with("lat-") {
            LATENCY_PER_THREAD * case.threads as u64
        } else {
            args.log_records
        }
    }

    fn run_child(
        &self,
        contender: &str,
        threads: usize,
        args: &Args,
    ) -> Result<ChildResult, String> {
        let (latency, key) = match contender.strip_prefix("lat-") {
            Some(key) => (true, key),
            None => (false, contender),
        };
        let c = logbench::Contender::from_key(key)
            .ok_or_else(|| format!("unknown contender {contender}"))?;
        let limit = args.limit * LOG_LIMIT_FACTOR;
        // An untimed but checked warm-up run of 1/8 of the lines first (page
        // faults, thread spawns, cold caches, the file system's first
        // allocations).
        let warm_up = (args.log_records / 8).max(threads as u64 * 64);
        logbench::run(
            c,
            threads,
            warm_up,
            limit / 4,
            latency,
            logbench::Hooks::NONE,
        )?;
        let before = allocations();
        let o = logbench::run(
            c,
            threads,
            args.log_records,
            limit,
            latency,
            COUNT_ALLOCATIONS,
        )?;
        let allocs = allocations() - before;
        let mut extra = vec![
            ("allocs_per_line", allocs as f64 / o.delivered.max(1) as f64),
            ("bytes_per_line", o.bytes as f64 / o.delivered.max(1) as f64),
        ];
        let cpu = CPU_USED.load(Ordering::Relaxed);
        if cpu != u64::MAX && o.latency.is_none() {
            // 1 tick = 10 ms = 1e7 ns.
            extra.push((
                "cpu_ns_per_line",
                cpu as f64 * 1e7 / o.delivered.max(1) as f64,
            ));
        }
        if let Some(h) = &o.latency {
            for (key, _, q) in PERCENTILES {
                let v = if q >= 1.0 {
                    h.max()
                } else {
                    h.value_at_quantile(q)
                };
                extra.push((key, v as f64));
            }
        }
        Ok(ChildResult {
            delivered: o.delivered,
            requested: o.requested,
            elapsed: o.elapsed,
            extra,
        })
    }

    fn is_ours(&self, contender: &str) -> bool {
        contender.trim_start_matches("lat-") == logbench::Contender::Ringlog.key()
    }

    fn report(&self, results: &Results, args: &Args) -> std::io::Result<String> {
        use logbench::Contender as C;
        let ts = logbench::THREAD_COUNTS;
        let mut md = String::new();
        let bytes = summary_by(samples_of(results, C::Ringlog.key(), 1), |s| {
            s.extra("bytes_per_line")
        });
        writeln!(
            md,
            "Lines of {} bytes on average, into a fresh file in {} (local disk). ringlog: \
             `Logger::log` directly (not the `log` adapter), default settings (8192 slots of \
             256 B, wait strategy `Sleep::default()`), Block policy; tracing-appender 0.2: `NonBlockingBuilder::default()\
             .lossy(false)` over a `BufWriter` of {} KiB; the Mutex peer and the limit: \
             `BufWriter` of {} KiB.\n",
            bytes.map_or("?".into(), |b| format!("{:.0}", b.0)),
            std::env::temp_dir().display(),
            logbench::BUF_SIZE / 1024,
            logbench::BUF_SIZE / 1024,
        )
        .unwrap();

        md.push_str(
            "### Logging throughput, million lines per second: median (min–max)\n\n\
             From the start barrier until the last line is in the file. The limit is one \
             thread writing all the lines (those of every thread), so it does not depend \
             on the thread count. † = time-limited runs.\n\n| contender |",
        );
        for t in ts {
            write!(md, " {} |", threads_label(t)).unwrap();
        }
        md.push_str("\n|---|");
        md.push_str(&"---:|".repeat(ts.len()));
        md.push('\n');
        for c in C::ALL {
            let name = if c.is_ringlog() {
                format!("**{}**", c.label())
            } else {
                c.label().to_string()
            };
            write!(md, "| {name} |").unwrap();
            for t in ts {
                let samples = samples_of(results, c.key(), t);
                match summary(samples) {
                    Some((m, lo, hi)) => write!(
                        md,
                        " {:.2} ({:.2}–{:.2}){} |",
                        m / 1e6,
                        lo / 1e6,
                        hi / 1e6,
                        marks(samples)
                    ),
                    None => write!(md, " –{} |", marks(samples)),
                }
                .unwrap();
            }
            md.push('\n');
        }

        md.push_str(
            "\n### ringlog ÷ each peer, throughput (median of per-round ratios)\n\n| threads |",
        );
        let peers = [C::Limit, C::TracingAppender, C::MutexBufWriter];
        for p in peers {
            write!(md, " ÷ {} |", p.label()).unwrap();
        }
        md.push_str("\n|---|");
        md.push_str(&"---:|".repeat(peers.len()));
        md.push('\n');
        let ratio = |peer: C, t: usize| {
            paired_ratio(
                samples_of(results, C::Ringlog.key(), t),
                samples_of(results, peer.key(), t),
            )
        };
        for t in ts {
            write!(md, "| {} |", threads_label(t)).unwrap();
            for p in peers {
                write!(md, " {} |", fmt_ratio(ratio(p, t))).unwrap();
            }
            md.push('\n');
        }

        extra_table(
            &mut md,
            results,
            &ts,
            "\n### Heap allocations per line (median over rounds)\n\nCounted by a global \
             allocator in the bench tool over the measured run: every thread of the \
             process (logging threads and writer threads), from the start barrier until \
             the last line is in the file; divided by the lines.\n\n",
            "allocs_per_line",
            4,
        );

        extra_table(
            &mut md,
            results,
            &ts,
            "\n### CPU time per line, ns (median over rounds)\n\nUser + system time of the \
             whole process (`/proc/self/stat`, 10 ms ticks) over the measured run, divided \
             by the lines: the work each contender spends per line, whichever thread does \
             it.\n\n",
            "cpu_ns_per_line",
            0,
        );

        writeln!(
            md,
            "\n### Log-call latency, ns (median over rounds of each run's percentile; min–max)\n\n\
             Paced load: each thread logs bursts of {} lines, {:?} apart ({} lines per thread \
             per run); each call timed with `Instant::now()` around it (the two clock reads \
             are included). tracing-appender ÷ ringlog = median of per-round ratios.\n",
            logbench::BURST,
            logbench::PAUSE,
            LATENCY_PER_THREAD
        )
        .unwrap();
        md.push_str("| contender | threads |");
        for (_, label, _) in PERCENTILES {
            write!(md, " {label} |").unwrap();
        }
        md.push_str("\n|---|---|");
        md.push_str(&"---:|".repeat(PERCENTILES.len()));
        md.push('\n');
        for t in ts {
            for c in LAT_CONTENDERS {
                let samples = samples_of(results, &lat_key(c), t);
                write!(md, "| {} | {} |", c.label(), t).unwrap();
                for (key, _, _) in PERCENTILES {
                    match summary_by(samples, |s| s.extra(key)) {
                        Some((m, lo, hi)) => write!(md, " {m:.0} ({lo:.0}–{hi:.0}) |"),
                        None => write!(md, " –{} |", marks(samples)),
                    }
                    .unwrap();
                }
                md.push('\n');
            }
            write!(md, "| *tracing-appender ÷ ringlog* | {t} |").unwrap();
            for (key, _, _) in PERCENTILES {
                let r = paired_ratio_by(
                    samples_of(results, &lat_key(C::TracingAppender), t),
                    samples_of(results, &lat_key(C::Ringlog), t),
                    |s| s.extra(key),
                );
                write!(md, " {} |", fmt_ratio(r)).unwrap();
            }
            md.push('\n');
        }

        // Targets.
        md.push_str(
            "\n### Targets (issue 5, logging)\n\n| target | measured | met? |\n|---|---|---|\n",
        );
        let verdict = |r: Option<f64>, goal: f64| match r {
            Some(r) if r >= goal => "yes",
            Some(_) => "**no**",
            None => "n/a",
        };
        for t in [1, 2] {
            let r = ratio(C::Limit, t);
            writeln!(
                md,
                "| ≥ 1.0× the one-thread limit, {} | ringlog ÷ limit = {} | {} |",
                threads_label(t),
                fmt_ratio(r),
                verdict(r, 1.0)
            )
            .unwrap();
        }
        for t in ts {
            let r = ratio(C::TracingAppender, t);
            let ceiling = paired_ratio(
                samples_of(results, C::Limit.key(), t),
                samples_of(results, C::TracingAppender.key(), t),
            );
            writeln!(
                md,
                "| ≥ 4× tracing-appender lossless, {} | {} (for scale: the limit ÷ \
                 tracing-appender = {}) | {} |",
                threads_label(t),
                fmt_ratio(r),
                fmt_ratio(ceiling),
                verdict(r, 4.0)
            )
            .unwrap();
        }
        let r = ratio(C::MutexBufWriter, 2);
        writeln!(
            md,
            "| ≥ 1.5× Mutex<BufWriter>, 2 threads | {} | {} |",
            fmt_ratio(r),
            verdict(r, 1.5)
        )
        .unwrap();
        for t in ts {
            let r = paired_ratio_by(
                samples_of(results, &lat_key(C::TracingAppender), t),
                samples_of(results, &lat_key(C::Ringlog), t),
                |s| s.extra("p99"),
            );
            writeln!(
                md,
                "| log-call p99 ≤ 1/5 of tracing-appender's, {} | tracing-appender p99 ÷ \
                 ringlog p99 = {} (target ≥ 5×) | {} |",
                threads_label(t),
                fmt_ratio(r),
                verdict(r, 5.0)
            )
            .unwrap();
        }
        let worst = ts
            .iter()
            .flat_map(|&t| samples_of(results, C::Ringlog.key(), t))
            .filter_map(|s| s.extra("allocs_per_line"))
            .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))));
        writeln!(
            md,
            "| 0 heap allocations per record (ringlog) | worst measured run: {} allocations \
             per line, whole process (see also `tests/log_alloc.rs`) | {} |",
            worst.map_or("n/a".into(), |w| format!("{w:.6}")),
            match worst {
                Some(w) if w < 0.001 => "yes",
                Some(_) => "**no**",
                None => "n/a",
            }
        )
        .unwrap();

        // Plots.
        md.push('\n');
        let series: Vec<Series> = C::ALL
            .into_iter()
            .map(|c| Series {
                label: c.label().to_string(),
                ours: c.is_ringlog(),
                points: ts
                    .iter()
                    .map(|&t| (t.to_string(), summary(samples_of(results, c.key(), t))))
                    .collect(),
            })
            .collect();
        let svg = line_chart(
            "logging throughput: ~110-byte lines into a file",
            "logging threads (2 cores: 4 = more threads than cores)",
            "million lines / s (median; bars: min–max)",
            1e6,
            &series,
        );
        std::fs::write(args.out.join("log-throughput.svg"), svg)?;
        md.push_str("![logging throughput](log-throughput.svg)\n\n");
        let series: Vec<Series> = ts
            .iter()
            .flat_map(|&t| {
                LAT_CONTENDERS.into_iter().map(move |c| Series {
                    label: format!("{}, {t} thr", c.key()),
                    ours: c.is_ringlog(),
                    points: PERCENTILES[..3]
                        .iter()
                        .map(|&(key, label, _)| {
                            (
                                label.to_string(),
                                summary_by(samples_of(results, &lat_key(c), t), |s| s.extra(key)),
                            )
                        })
                        .collect(),
                })
            })
            .collect();
        let svg = line_chart(
            "log-call latency (paced bursts)",
            "percentile",
            "µs (median over rounds; bars: min–max)",
            1e3,
            &series,
        );
        std::fs::write(args.out.join("log-latency.svg"), svg)?;
        md.push_str("![log-call latency](log-latency.svg)\n\n");
        Ok(md)
    }
}

// ----- SVG -------------------------------------------------------------------

struct Series {
    label: String,
    ours: bool,
    /// (x label, median/min/max if measured)
    points: Vec<(String, Option<Summary>)>,
}

/// A hand-written SVG line chart: categorical x, linear y from 0 (values
/// divided by `scale`).
fn line_chart(title: &str, x_label: &str, y_label: &str, scale: f64, series: &[Series]) -> String {
    const W: f64 = 900.0;
    const H: f64 = 480.0;
    const LEFT: f64 = 70.0;
    const RIGHT: f64 = 290.0;
    const TOP: f64 = 40.0;
    const BOTTOM: f64 = 60.0;
    const PALETTE: [&str; 9] = [
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
        "#1f78b4",
    ];
    let xs: Vec<String> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0.clone()).collect())
        .unwrap_or_default();
    let y_max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1.map(|v| v.2)))
        .fold(0.0, f64::max)
        / scale;
    let y_top = nice_ceiling(y_max.max(1.0));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x_of = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / xs.len().max(1) as f64;
    let y_of = |v: f64| TOP + plot_h * (1.0 - v / y_top);
    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    )
    .unwrap();
    writeln!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#).unwrap();
    writeln!(
        svg,
        r#"<text x="{}" y="22" font-size="15" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        xml(title)
    )
    .unwrap();
    for i in 0..=5 {
        let v = y_top * i as f64 / 5.0;
        let y = y_of(v);
        writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0
        )
        .unwrap();
    }
    for (i, x) in xs.iter().enumerate() {
        writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{x}</text>"#,
            x_of(i),
            TOP + plot_h + 18.0
        )
        .unwrap();
    }
    writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        H - 15.0,
        xml(x_label)
    )
    .unwrap();
    writeln!(
        svg,
        r#"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        xml(y_label)
    )
    .unwrap();
    writeln!(
        svg,
        r#"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>"#
    )
    .unwrap();
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let (width, dash) = if s.ours {
            (3.0, "")
        } else {
            (1.5, r#" stroke-dasharray="6 4""#)
        };
        let points: Vec<(f64, f64, f64, f64)> = s
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.1.map(|(m, lo, hi)| {
                    (x_of(i), y_of(m / scale), y_of(lo / scale), y_of(hi / scale))
                })
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.0, p.1))
            .collect();
        writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>"#,
            path.join(" ")
        )
        .unwrap();
        for (x, y, lo, hi) in &points {
            writeln!(
                svg,
                r#"<line x1="{x:.1}" y1="{lo:.1}" x2="{x:.1}" y2="{hi:.1}" stroke="{color}"/><circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{color}"/>"#
            )
            .unwrap();
        }
        let ly = TOP + 10.0 + 20.0 * k as f64;
        let lx = LEFT + plot_w + 15.0;
        writeln!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{:.1}" y2="{ly}" stroke="{color}" stroke-width="{width}"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 28.0,
            lx + 34.0,
            ly + 4.0,
            xml(&s.label)
        )
        .unwrap();
    }
    svg.push_str("</svg>\n");
    svg
}

fn nice_ceiling(v: f64) -> f64 {
    let magnitude = 10f64.powf(v.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= v {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
