//! The benchmark groups: what each runs, in the child, and how it reports.

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
