//! The ring group's account of what the machine took from each run (see
//! `ringlog_bench::sched`): the numbers each child run reports, and the
//! report section that classifies runs as disturbed or not and recomputes
//! the steadiness target over the undisturbed ones beside the plain one.
//! No run is dropped from the plain tables: this section only adds.

use crate::harness::{Results, Sample};
use crate::markdown::{count_label, fmt_ratio, Table};
use crate::stats::{summary, Metric};
use ringlog_bench::ring::{Outcome, CONTENDERS, PRODUCER_COUNTS};
use ringlog_bench::sched::{self, Role, ThreadUse};
use std::fmt::Write as _;
use std::time::Duration;

/// The host's steal during a run, ms (both vCPUs summed).
const STEAL: &str = "steal_ms";
/// Other processes' CPU time during a run, ms.
const OTHERS: &str = "others_ms";
/// Time on a CPU, on a runqueue, and neither (sleeping, parked, or
/// stolen), ms, and involuntary context switches, per role: `prod` (the
/// producers summed) and `cons` (the consumer).
const PROD_RUN: &str = "prod_run_ms";
const PROD_WAIT: &str = "prod_wait_ms";
const CONS_WAIT: &str = "cons_wait_ms";
/// The CPU 0 ↔ CPU 1 cache-line round trip just before and just after a
/// run, ns ([`sched::handoff_round_trip_ns`]).
const HANDOFF_BEFORE: &str = "handoff_before_ns";
const HANDOFF_AFTER: &str = "handoff_after_ns";
const RUN_LENGTH: &str = "run_length";

/// The rule: a run is disturbed if the host stole at least this share of
/// its wall time (both vCPUs summed) …
const STEAL_LIMIT: f64 = 0.02;
/// … or other processes used at least this share of it (of one CPU) …
const OTHERS_LIMIT: f64 = 0.10;
/// … or the CPU 0 ↔ CPU 1 round trip before or after it took at least
/// this long (ns; 60-72 ns on this machine when quiet, 290-350 while other
/// processes ran: a hand-off costs 5× more) …
const HANDOFF_LIMIT_NS: f64 = 150.0;
/// … or, at 1 producer (2 threads on 2 CPUs: neither needs to wait for
/// the other), its threads waited on a runqueue at least this share of it
/// in all.
const WAIT_LIMIT_1P: f64 = 0.10;
/// Fewest undisturbed runs the steadiness target is judged on.
const FEWEST_RUNS: usize = 3;

/// The hand-off probe around the measured run of a child.
pub struct Probe(Option<f64>);

impl Probe {
    /// Probes the hand-off just before the run.
    pub fn before() -> Self {
        Probe(sched::handoff_round_trip_ns())
    }

    /// Probes it again after the run; returns the run's further numbers
    /// (ms, and counts): steal, other processes' CPU, CPU pressure; per
    /// role time on a CPU, on a runqueue, neither (`off`), involuntary
    /// context switches; the two hand-off round trips (ns).
    pub fn after(self, o: &Outcome) -> Vec<(String, f64)> {
        let after = sched::handoff_round_trip_ns();
        let m = &o.machine;
        let mut extra: Vec<(String, f64)> = [
            (STEAL, m.steal_ms),
            (OTHERS, m.others_ms),
            ("psi_ms", m.pressure_ms),
            (HANDOFF_BEFORE, self.0),
            (HANDOFF_AFTER, after),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v?)))
        .collect();
        for (role, name) in [(Role::Producer, "prod"), (Role::Consumer, "cons")] {
            let threads: Vec<_> = o.threads.iter().filter(|t| t.role == role).collect();
            if threads.is_empty() {
                continue;
            }
            let ms = |f: fn(&ThreadUse) -> Duration| {
                threads.iter().map(|t| f(t)).sum::<Duration>().as_secs_f64() * 1e3
            };
            extra.extend([
                (format!("{name}_run_ms"), ms(|t| t.run)),
                (format!("{name}_wait_ms"), ms(|t| t.wait)),
                (format!("{name}_off_ms"), ms(ThreadUse::off_cpu)),
                (
                    format!("{name}_invol"),
                    threads.iter().map(|t| t.involuntary as f64).sum(),
                ),
            ]);
        }
        extra
    }
}

/// `key` of a run as a share of the run's wall time (its measured clock).
fn share(s: &Sample, key: &str) -> Option<f64> {
    Some(s.extra(key)? / (s.run.elapsed.as_secs_f64() * 1e3))
}

/// Whether the machine disturbed the run, by the rule of [`STEAL_LIMIT`],
/// [`OTHERS_LIMIT`], [`HANDOFF_LIMIT_NS`] and [`WAIT_LIMIT_1P`]; `None` if
/// the run has no throughput or did not report the numbers (a missing
/// hand-off probe, which gives up when a CPU is held, counts as slow).
fn disturbed(s: &Sample, producers: usize) -> Option<bool> {
    s.rate?;
    let waited = if producers == 1 {
        share(s, PROD_WAIT)? + share(s, CONS_WAIT)?
    } else {
        0.0
    };
    let slow_handoff = [HANDOFF_BEFORE, HANDOFF_AFTER]
        .iter()
        .any(|k| s.extra(k).map_or(true, |ns| ns >= HANDOFF_LIMIT_NS));
    Some(
        share(s, STEAL)? >= STEAL_LIMIT
            || share(s, OTHERS)? >= OTHERS_LIMIT
            || slow_handoff
            || waited >= WAIT_LIMIT_1P,
    )
}

/// Of the runs slower than 0.6× their own contender's median: how many,
/// how many the rule calls disturbed, how many had the consumer waiting on
/// a runqueue for at least half the run, and how many had neither.
fn slow_runs(results: &Results) -> [usize; 4] {
    let mut counts = [0; 4];
    for c in CONTENDERS {
        for p in PRODUCER_COUNTS {
            let all = results.samples(c.key, p);
            let Some(median) = summary(all, Metric::Rate).map(|s| s.median) else {
                continue;
            };
            for s in all
                .iter()
                .filter(|s| s.rate.is_some_and(|r| r < 0.6 * median))
            {
                let rough = disturbed(s, p) == Some(true);
                let starved = share(s, CONS_WAIT).is_some_and(|w| w >= 0.5);
                counts[0] += 1;
                counts[1] += usize::from(rough);
                counts[2] += usize::from(starved);
                counts[3] += usize::from(!rough && !starved);
            }
        }
    }
    counts
}

/// The runs `disturbed` (or not) by the rule.
fn runs_where(samples: &[Sample], producers: usize, wanted: bool) -> Vec<Sample> {
    samples
        .iter()
        .filter(|s| disturbed(s, producers) == Some(wanted))
        .cloned()
        .collect()
}

fn median_cell(samples: &[Sample]) -> String {
    summary(samples, Metric::Rate).map_or("none".into(), |s| format!("{:.1}", s.median / 1e6))
}

/// Worst ÷ median over `samples`, if there are at least [`FEWEST_RUNS`].
fn steadiness(samples: &[Sample]) -> Option<f64> {
    let s = summary(samples, Metric::Rate).filter(|_| samples.len() >= FEWEST_RUNS)?;
    Some(s.min / s.median)
}

fn percent(v: Option<f64>) -> String {
    v.map_or("?".into(), |v| format!("{:.0}%", v * 100.0))
}

/// What the slowest run had: steal, others, our threads' waits, the
/// producers' CPU time (% of one CPU), run length, hand-off round trip.
fn slowest_cell(samples: &[Sample]) -> String {
    let Some(s) = samples
        .iter()
        .filter(|s| s.rate.is_some())
        .min_by(|a, b| a.rate.unwrap_or(0.0).total_cmp(&b.rate.unwrap_or(0.0)))
    else {
        return "none".into();
    };
    let mut cell = format!(
        "{:.1}: steal {}, others {}, waiting: producers {} consumer {}, producers on a CPU {}",
        s.rate.unwrap_or(0.0) / 1e6,
        percent(share(s, STEAL)),
        percent(share(s, OTHERS)),
        percent(share(s, PROD_WAIT)),
        percent(share(s, CONS_WAIT)),
        percent(share(s, PROD_RUN)),
    );
    if let Some(len) = s.extra(RUN_LENGTH) {
        write!(cell, ", run length {len:.0}").unwrap();
    }
    if let (Some(a), Some(b)) = (s.extra(HANDOFF_BEFORE), s.extra(HANDOFF_AFTER)) {
        write!(cell, ", round trip {a:.0}/{b:.0} ns").unwrap();
    }
    cell
}

/// The section: every contender at every producer count, its runs split
/// by the rule, medians and steadiness of each part, and what its slowest
/// run had; then the steadiness target over undisturbed runs only for
/// `steady_families` beside the plain one.
pub fn report(results: &Results, steady_families: [&str; 3]) -> String {
    let mut md = format!(
        "\n### What the machine took from each run\n\n\
         Every run (its own process) records the host's steal over the run and the CPU time of \
         every other process (`/proc/stat`, both vCPUs, 10 ms ticks), and per thread the time on \
         a CPU and the time runnable on a runqueue (`/proc/thread-self/schedstat`, ns), and the \
         CPU 0 ↔ CPU 1 cache-line round trip just before and after the run (two pinned threads); \
         all in `ring-runs.csv` (`extra`). A run is **disturbed** if the host stole ≥ {:.0}% of \
         its wall time, or other processes used ≥ {:.0}% of it, or the round trip before or \
         after it took ≥ {HANDOFF_LIMIT_NS:.0} ns (or the probe gave up), or, at 1 producer (2 \
         threads on 2 CPUs), its threads waited on a runqueue ≥ {:.0}% of it in all. Medians in million \
         events/s; worst ÷ median is computed over at least {FEWEST_RUNS} runs. The slowest run's \
         shares are of its wall time (producers on a CPU: of one CPU, so up to 200% on 2).\n\n",
        STEAL_LIMIT * 100.0,
        OTHERS_LIMIT * 100.0,
        WAIT_LIMIT_1P * 100.0
    );
    let mut table = Table::new(
        [
            "contender",
            "producers",
            "disturbed / runs",
            "median: all / undisturbed / disturbed",
            "worst ÷ median: all / undisturbed",
            "slowest run",
        ],
        2,
    );
    let (mut plain_met, mut clean_met, mut judged) = (0, 0, 0);
    for c in CONTENDERS {
        for p in PRODUCER_COUNTS {
            let all = results.samples(c.key, p);
            let calm = runs_where(all, p, false);
            let rough = runs_where(all, p, true);
            let (plain, clean) = (steadiness(all), steadiness(&calm));
            if steady_families.contains(&c.family) {
                judged += 1;
                plain_met += usize::from(plain.is_some_and(|r| r >= 0.6));
                clean_met += usize::from(clean.is_some_and(|r| r >= 0.6));
            }
            table.row([
                c.label.to_string(),
                p.to_string(),
                format!("{} / {}", rough.len(), all.len()),
                format!(
                    "{} / {} / {}",
                    median_cell(all),
                    median_cell(&calm),
                    median_cell(&rough)
                ),
                format!("{} / {}", fmt_ratio(plain), fmt_ratio(clean)),
                slowest_cell(all),
            ]);
        }
    }
    md.push_str(&table.finish());
    writeln!(
        md,
        "\nSteadiness target (worst run ≥ 0.6× median), ringlog Yield/Park/Sleep at {}: \
         met by **{plain_met} of {judged}** over all runs, by **{clean_met} of {judged}** over \
         the undisturbed runs only.",
        PRODUCER_COUNTS
            .map(|p| count_label(p, "producer", "more threads than cores"))
            .join(", ")
    )
    .unwrap();
    let [slow, rough, starved, neither] = slow_runs(results);
    writeln!(
        md,
        "\nRuns slower than 0.6× their own contender's median (every contender and producer \
         count): {slow}; disturbed by the rule: {rough}; with the consumer waiting on a runqueue \
         ≥ 50% of the run (our own threads outnumbering the CPUs, or another process): \
         {starved}; neither: {neither}."
    )
    .unwrap();
    md
}
