//! The benchmark groups: what each runs, in the child, and how it reports.

mod disturbed;
mod log;
mod ring;

use crate::cli::Args;
use crate::harness::{Case, ChildResult, Results};

/// A group of benchmarks: the ring, and the logging backend.
pub trait Group: Sync {
    fn name(&self) -> &'static str;
    /// Every contender at every thread count, in the order of a round.
    fn cases(&self) -> Vec<Case>;
    /// The load of one run, for the report.
    fn load(&self, args: &Args) -> String;
    /// The events (or lines) a run of `case` is asked for.
    fn events(&self, case: &Case, args: &Args) -> u64;
    /// In the child: run one case (a warm-up, then the measured run) and
    /// return what it measured, or the reason its check failed.
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

/// Every group, in the order the tool runs them.
pub const GROUPS: &[&dyn Group] = &[&ring::RingGroup, &log::LogGroup];

/// The group called `name`.
pub fn find(name: &str) -> Option<&'static dyn Group> {
    GROUPS.iter().copied().find(|g| g.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{Case, Sample, Status};
    use std::time::Duration;

    /// Every number any group reads from a run.
    const EXTRAS: [&str; 16] = [
        "run_length",
        "steal_ms",
        "others_ms",
        "prod_run_ms",
        "prod_wait_ms",
        "cons_wait_ms",
        "handoff_before_ns",
        "handoff_after_ns",
        "allocs_per_line",
        "bytes_per_line",
        "cpu_ns_per_line",
        "p50",
        "p99",
        "p999",
        "max",
        "timer",
    ];

    /// Three rounds of made-up runs of every case of `group`.
    fn results_of(group: &dyn Group) -> Vec<(Case, Vec<Sample>)> {
        let cases = group.cases().into_iter().enumerate();
        cases
            .map(|(i, case)| {
                let samples = (0..3).map(|round| {
                    let value = (1 + i + round) as f64;
                    Sample {
                        round,
                        status: Status::Ok,
                        rate: Some(value * 1e6),
                        run: ChildResult {
                            delivered: 100,
                            requested: 100,
                            elapsed: Duration::from_secs(1000),
                            extra: EXTRAS.iter().map(|k| (k.to_string(), value)).collect(),
                        },
                    }
                });
                (case, samples.collect())
            })
            .collect()
    }

    fn results(group: &dyn Group) -> Results {
        let mut results = Results::default();
        for (case, samples) in results_of(group) {
            samples.into_iter().for_each(|s| results.push(&case, s));
        }
        results
    }

    fn out_dir(name: &str) -> Args {
        let mut args = Args::for_child(64, Duration::from_millis(10));
        args.out =
            std::env::temp_dir().join(format!("ringlog-bench-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&args.out).unwrap();
        args
    }

    /// With every case measured, every table cell, ratio and target has a
    /// number, and the plots are written.
    #[test]
    fn reports_every_case() {
        for group in GROUPS {
            let args = out_dir(group.name());
            let md = group.report(&results(*group), &args).unwrap();
            assert!(
                !md.contains("n/a"),
                "{}: a ratio is missing:\n{md}",
                group.name()
            );
            assert!(
                !md.contains(" – |"),
                "{}: a number is missing:\n{md}",
                group.name()
            );
            let plots = std::fs::read_dir(&args.out).unwrap().count();
            assert_eq!(plots, 2, "{}", group.name());
            std::fs::remove_dir_all(&args.out).unwrap();
        }
    }

    /// The ring's run length: a number where the runs report one, `-` where
    /// the contender reports none (a channel).
    #[test]
    fn ring_run_length_cells() {
        let group = find("ring").unwrap();
        let mut results = Results::default();
        for (case, samples) in results_of(group) {
            for mut sample in samples {
                if case.contender == "flume" {
                    sample.run.extra.clear();
                }
                results.push(&case, sample);
            }
        }
        let args = out_dir("run-length");
        let md = group.report(&results, &args).unwrap();
        let row = |start: &str| {
            md.lines()
                .find(|l| l.starts_with(start))
                .unwrap()
                .to_string()
        };
        assert_eq!(row("| flume bounded |").matches(" - |").count(), 3);
        assert_eq!(row("| **ringlog Park push** |").matches(" - |").count(), 0);
        std::fs::remove_dir_all(&args.out).unwrap();
    }

    /// Nothing measured (every run failed): the report still renders.
    #[test]
    fn reports_nothing_measured() {
        for group in GROUPS {
            let args = out_dir(&format!("empty-{}", group.name()));
            let md = group.report(&Results::default(), &args).unwrap();
            assert!(md.contains("–") && md.contains("n/a"), "{md}");
            std::fs::remove_dir_all(&args.out).unwrap();
        }
    }
}
