//! Every run in its own child process, killed if it overruns; the rounds.
//!
//! The parent runs `<this executable> --child <group> <contender> <threads>
//! <events> <limit-ms>`; the child prints `RESULT <delivered> <requested>
//! <elapsed-ns>` and any `EXTRA <key> <value>` lines and exits 0, or prints
//! `CHECK FAILED: <why>` and exits 3.

use crate::cli::{parse_num, Args};
use crate::group::{self, Group};
use std::collections::HashMap;
use std::process::{Child, Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

/// Time a child gets beyond its own time limit before it is killed.
pub const KILL_AFTER: Duration = Duration::from_secs(20);

/// One contender at one thread count.
#[derive(Clone, Debug)]
pub struct Case {
    /// The contender's key, passed to the child.
    pub contender: String,
    pub threads: usize,
}

/// How one run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Ok,
    /// Producers stopped at the time limit; throughput is over what arrived.
    TimeLimited,
    /// Still running long after its time limit: killed.
    Killed,
    /// The run's own check failed (or it crashed).
    Failed(String),
}

/// What a child run reports.
#[derive(Clone, Debug, Default)]
pub struct ChildResult {
    pub delivered: u64,
    pub requested: u64,
    pub elapsed: Duration,
    /// Further numbers (allocations per line, percentiles, run length…).
    pub extra: Vec<(String, f64)>,
}

/// One run as the parent saw it.
#[derive(Clone, Debug)]
pub struct Sample {
    pub round: usize,
    pub status: Status,
    /// Events per second, if the run produced a number.
    pub rate: Option<f64>,
    pub run: ChildResult,
}

impl Sample {
    /// The further number `key` the run reported, if it did.
    pub fn extra(&self, key: &str) -> Option<f64> {
        self.run.extra.iter().find(|e| e.0 == key).map(|e| e.1)
    }

    fn failed(round: usize, why: String) -> Self {
        Sample {
            round,
            status: Status::Failed(why),
            rate: None,
            run: ChildResult::default(),
        }
    }
}

/// Every run of a group, by (contender key, threads).
#[derive(Debug, Default)]
pub struct Results(HashMap<(String, usize), Vec<Sample>>);

impl Results {
    /// The runs of `contender` at `threads` (none if it never ran).
    pub fn samples(&self, contender: &str, threads: usize) -> &[Sample] {
        self.0
            .get(&(contender.to_string(), threads))
            .map_or(&[], Vec::as_slice)
    }

    pub fn push(&mut self, case: &Case, sample: Sample) {
        self.0
            .entry((case.contender.clone(), case.threads))
            .or_default()
            .push(sample);
    }

    /// Every (contender, threads) with its runs, sorted by key.
    pub fn sorted(&self) -> Vec<(&(String, usize), &Vec<Sample>)> {
        let mut all: Vec<_> = self.0.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }
}

/// `--child <group> <contender> <threads> <events> <limit-ms>`: one run;
/// prints the result lines or exits 3.
pub fn child(argv: Vec<String>) -> ExitCode {
    let [group, contender, threads, events, limit_ms] = argv.as_slice() else {
        eprintln!("child: bad arguments {argv:?}");
        return ExitCode::from(2);
    };
    let (Ok(threads), Ok(events), Ok(limit_ms)) = (
        parse_num::<usize>(threads),
        parse_num::<u64>(events),
        parse_num::<u64>(limit_ms),
    ) else {
        eprintln!("child: bad numbers in {argv:?}");
        return ExitCode::from(2);
    };
    let Some(group) = group::find(group) else {
        eprintln!("child: unknown group {group}");
        return ExitCode::from(2);
    };
    let args = Args::for_child(events, Duration::from_millis(limit_ms));
    match group.run_child(contender, threads, &args) {
        Ok(result) => {
            print!("{}", result_lines(&result));
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("CHECK FAILED: {e}");
            ExitCode::from(3)
        }
    }
}

/// The child's report, as [`parse_result`] reads it back.
fn result_lines(r: &ChildResult) -> String {
    let mut out = format!(
        "RESULT {} {} {}\n",
        r.delivered,
        r.requested,
        r.elapsed.as_nanos()
    );
    for (key, value) in &r.extra {
        out.push_str(&format!("EXTRA {key} {value}\n"));
    }
    out
}

/// Reads a child's report from its stdout (`None` if it has no result line).
fn parse_result(stdout: &str) -> Option<ChildResult> {
    let mut result = stdout.lines().find_map(|line| {
        let mut words = line.strip_prefix("RESULT ")?.split(' ');
        let mut next = || words.next()?.parse::<u64>().ok();
        Some(ChildResult {
            delivered: next()?,
            requested: next()?,
            elapsed: Duration::from_nanos(next()?),
            extra: Vec::new(),
        })
    })?;
    result.extra = stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("EXTRA ")?.split(' ');
            Some((words.next()?.to_string(), words.next()?.parse().ok()?))
        })
        .collect();
    Some(result)
}

fn spawn(group: &dyn Group, case: &Case, args: &Args) -> std::io::Result<Child> {
    Command::new(std::env::current_exe()?)
        .arg("--child")
        .arg(group.name())
        .arg(&case.contender)
        .arg(case.threads.to_string())
        .arg(group.events(case, args).to_string())
        .arg(args.limit.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
}

/// Waits for `child` until `kill_at`; then kills it (`Err(Status::Killed)`).
fn wait_or_kill(mut child: Child, kill_at: Instant) -> Result<Output, Status> {
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() >= kill_at => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Status::Killed);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Status::Failed(format!("wait failed: {e}"))),
        }
    }
    child
        .wait_with_output()
        .map_err(|e| Status::Failed(format!("no output: {e}")))
}

/// Runs one case in a child process, killing it if it overruns.
fn run_case(group: &dyn Group, case: &Case, round: usize, args: &Args) -> Sample {
    let child = match spawn(group, case, args) {
        Ok(child) => child,
        Err(e) => return Sample::failed(round, format!("cannot spawn: {e}")),
    };
    let output = match wait_or_kill(child, Instant::now() + args.limit + KILL_AFTER) {
        Ok(output) => output,
        Err(status) => {
            return Sample {
                status,
                ..Sample::failed(round, String::new())
            }
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    match (output.status.success(), parse_result(&stdout)) {
        (true, Some(run)) => Sample {
            round,
            status: if run.delivered < run.requested {
                Status::TimeLimited
            } else {
                Status::Ok
            },
            rate: Some(run.delivered as f64 / run.elapsed.as_secs_f64()),
            run,
        },
        _ => Sample::failed(
            round,
            format!("{} ({}): {}", case.contender, output.status, stdout.trim()),
        ),
    }
}

/// Says what went wrong in `sample`, if anything; `false` if it is a defect
/// (a failed check, or one of our runs killed).
fn note(group: &dyn Group, case: &Case, sample: &Sample) -> bool {
    match &sample.status {
        Status::Failed(msg) => {
            eprintln!(
                "\nRESULT CHECK FAILED ({} x{}): {msg}",
                case.contender, case.threads
            );
            false
        }
        Status::Killed => {
            eprintln!(
                "\nKILLED: {} with {} threads still running {:?} after its time limit",
                case.contender, case.threads, KILL_AFTER
            );
            !group.is_ours(&case.contender)
        }
        _ => true,
    }
}

/// Runs every case of `group` `args.rounds` times, interleaved; writes the
/// report. `Ok(false)` if a check failed or one of our runs was killed.
pub fn run_group(group: &dyn Group, args: &Args) -> std::io::Result<bool> {
    let cases: Vec<Case> = group
        .cases()
        .into_iter()
        .filter(|c| args.only.is_empty() || args.only.iter().any(|o| c.contender.contains(o)))
        .collect();
    let started = Instant::now();
    let load_before = crate::report::load_average();
    eprintln!(
        "group {}: {} cases x {} rounds, {}",
        group.name(),
        cases.len(),
        args.rounds,
        group.load(args)
    );
    let mut results = Results::default();
    let mut ok = true;
    for round in 0..args.rounds {
        let round_start = Instant::now();
        // Rotate the order every round so that no contender always runs
        // first, or right after the same neighbour.
        let offset = round * cases.len() / args.rounds;
        for i in 0..cases.len() {
            let case = &cases[(i + offset) % cases.len()];
            let sample = run_case(group, case, round, args);
            ok &= note(group, case, &sample);
            results.push(case, sample);
        }
        eprintln!(
            "  round {}/{} done in {:.1} s",
            round + 1,
            args.rounds,
            round_start.elapsed().as_secs_f64()
        );
    }
    crate::report::write(group, &results, args, started, &load_before)?;
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_read_back() {
        let r = ChildResult {
            delivered: 7,
            requested: 8,
            elapsed: Duration::from_nanos(123),
            extra: vec![("p99".into(), 2.5), ("run_length".into(), 17.0)],
        };
        let noise = format!("diag: something\n{}tail\n", result_lines(&r));
        let back = parse_result(&noise).expect("parsed");
        assert_eq!((back.delivered, back.requested), (7, 8));
        assert_eq!(back.elapsed, r.elapsed);
        assert_eq!(back.extra, r.extra);
        assert!(parse_result("CHECK FAILED: lost").is_none());
    }
}
