//! ringlog-bench: the whole comparison in a few minutes, interleaved, with
//! markdown tables and SVG plots.
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench -- --out docs/bench
//! ```
//!
//! Options: see [`cli`] (`--help`).
//!
//! How it measures:
//! - A *group* ([`group`]: `ring`, `log`) is a set of *cases* (contender ×
//!   thread count). Every round runs every case once, in a rotated order, so
//!   machine drift hits all contenders alike; the tables show the median of
//!   the rounds, the min–max, and ratios that are medians of per-round ratios
//!   (each from runs made seconds apart).
//! - Every run executes in a fresh child process ([`harness`]: this
//!   executable with `--child`), which first makes an untimed warm-up run,
//!   then the measured run; both verify their own result, and the child
//!   exits non-zero if a check fails. Producers stop at the time limit (the
//!   run is then marked time-limited and measured over what was delivered);
//!   a child still running [`harness::KILL_AFTER`] after that is killed and
//!   reported as a hang. No run can hang the tool.
//! - Output ([`report`]): the markdown on stdout and in `DIR/<group>.md`,
//!   plots in `DIR/<group>-*.svg`, every run in `DIR/<group>-runs.csv`. The
//!   exit status is non-zero if any check failed or a ringlog run had to be
//!   killed.

mod alloc;
mod cli;
mod cpu;
mod group;
mod harness;
mod markdown;
mod plot;
mod report;
mod stats;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("--child") {
        return harness::child(argv.skip(1).collect());
    }
    let args = match cli::Args::parse(argv) {
        Ok(args) => args,
        // `--help`: the usage on stdout, success.
        Err(e) if e.is_empty() => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    ringlog_bench::ring::checker_self_test();
    ringlog_bench::log::checker_self_test();
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return ExitCode::from(2);
    }
    let mut failed = false;
    for group in group::GROUPS {
        if !args.groups.is_empty() && !args.groups.iter().any(|g| g == group.name()) {
            continue;
        }
        match harness::run_group(*group, &args) {
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
