//! A group's report files: the markdown (a header on machine, load and
//! command, then the group's own tables and plots), and every run in CSV.

use crate::cli::Args;
use crate::group::Group;
use crate::harness::{Results, Status};
use std::fmt::Write as _;
use std::time::Instant;

/// Writes `DIR/<group>.md` (also printed on stdout) and
/// `DIR/<group>-runs.csv`.
pub fn write(
    group: &dyn Group,
    results: &Results,
    args: &Args,
    started: Instant,
    load_before: &str,
) -> std::io::Result<()> {
    let mut md = String::new();
    writeln!(md, "## Group `{}`\n", group.name()).unwrap();
    writeln!(md, "{}", machine(load_before, &load_average())).unwrap();
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
    md.push_str(&group.report(results, args)?);
    std::fs::write(
        args.out.join(format!("{}-runs.csv", group.name())),
        csv(results),
    )?;
    let path = args.out.join(format!("{}.md", group.name()));
    std::fs::write(&path, &md)?;
    println!("{md}");
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "cargo run --profile bench -p ringlog-bench -- {}",
        args.join(" ")
    )
}

/// The 1, 5 and 15 minute load averages, or `unknown`.
pub fn load_average() -> String {
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

/// One line per run; `extra` holds the further numbers as `key=value`
/// pairs separated by `;`.
fn csv(results: &Results) -> String {
    let mut csv = String::from(
        "round,contender,threads,status,delivered,requested,elapsed_ns,events_per_sec,extra\n",
    );
    for ((contender, threads), samples) in results.sorted() {
        for s in samples {
            let status = match &s.status {
                Status::Ok => "ok".to_string(),
                Status::TimeLimited => "time-limited".to_string(),
                Status::Killed => "killed".to_string(),
                Status::Failed(m) => format!("failed: {}", m.replace([',', '\n'], ";")),
            };
            let extra: Vec<String> = s
                .run
                .extra
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            writeln!(
                csv,
                "{},{contender},{threads},{status},{},{},{},{},{}",
                s.round,
                s.run.delivered,
                s.run.requested,
                s.run.elapsed.as_nanos(),
                s.rate.map_or(String::new(), |r| format!("{r:.0}")),
                extra.join(";")
            )
            .unwrap();
        }
    }
    csv
}
