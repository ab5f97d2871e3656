//! The logging group: every contender of [`log::CONTENDERS`] at every
//! thread count, plus latency runs of those with a latency mode; throughput,
//! ratios, heap allocations and CPU time per line, log-call latency, the
//! targets, and plots.

use super::Group;
use crate::cli::Args;
use crate::harness::{Case, ChildResult, Results, Sample};
use crate::markdown::{contender_name, count_label, fmt_ratio, fmt_summary, marks, verdict, Table};
use crate::plot::{line_chart, Series};
use crate::stats::{paired_ratio, summary, Metric};
use crate::{alloc, cpu};
use ringlog_bench::log::{
    self, Contender, Hooks, Latency, Reference, CONTENDERS, REFERENCES, THREAD_COUNTS,
};

pub struct LogGroup;

/// Lines per thread in a latency run.
const LATENCY_PER_THREAD: u64 = 16384;
/// Logging runs get this many times `--limit-ms`.
const LOG_LIMIT_FACTOR: u32 = 3;
/// The contender the targets are about.
const TARGET_CONTENDER: &str = "ringlog";

/// Percentiles of the latency runs: (extra key, label, quantile).
const PERCENTILES: [(&str, &str, f64); 4] = [
    ("p50", "p50", 0.5),
    ("p99", "p99", 0.99),
    ("p999", "p99.9", 0.999),
    ("max", "max", 1.0),
];

/// The measured run's hooks: CPU time and heap allocations of the whole
/// process from the start barrier until the last line is in the file.
const MEASURED: Hooks = Hooks {
    start: || {
        cpu::start();
        alloc::start_counting();
    },
    stop: || {
        alloc::stop_counting();
        cpu::stop();
    },
};

/// The extra key of a latency run's timer cost (the median empty timed
/// region, subtracted from its percentiles).
const TIMER_KEY: &str = "timer";

/// A latency case's contender key.
fn lat_key(c: &Contender) -> String {
    format!("lat-{}", c.key)
}

/// A latency reference's case key.
fn ref_key(r: &Reference) -> String {
    format!("ref-{}", r.key)
}

/// The extra values of a latency run: its net percentiles and the timer.
fn latency_extra(h: &Latency) -> Vec<(&'static str, f64)> {
    let mut extra: Vec<_> = PERCENTILES
        .iter()
        .map(|&(key, _, q)| (key, h.net(q) as f64))
        .collect();
    extra.push((TIMER_KEY, h.timer_ns() as f64));
    extra
}

/// One cell per percentile and the timer: median (min–max) over `samples`.
fn latency_cells(samples: &[Sample]) -> impl Iterator<Item = String> + '_ {
    PERCENTILES
        .iter()
        .map(|p| p.0)
        .chain([TIMER_KEY])
        .map(move |key| match summary(samples, Metric::Extra(key)) {
            None => format!("–{}", marks(samples)),
            s => fmt_summary(s, 1.0, 0),
        })
}

fn threads_label(t: usize) -> String {
    count_label(t, "thread", "more than cores")
}

fn throughput_samples<'a>(results: &'a Results, c: &Contender, t: usize) -> &'a [Sample] {
    results.samples(c.key, t)
}

fn latency_samples<'a>(results: &'a Results, c: &Contender, t: usize) -> &'a [Sample] {
    results.samples(&lat_key(c), t)
}

fn ours() -> impl Iterator<Item = &'static Contender> {
    CONTENDERS.iter().filter(|c| c.ours)
}

fn timed() -> impl Iterator<Item = &'static Contender> {
    CONTENDERS.iter().filter(|c| c.latency)
}

/// A latency reference's run (after an untimed warm-up, as for the
/// contenders): its net percentiles and timer, no file.
fn reference_child(key: &str, threads: usize, args: &Args) -> Result<ChildResult, String> {
    let r = Reference::from_key(key).ok_or_else(|| format!("unknown reference {key}"))?;
    let limit = args.limit * LOG_LIMIT_FACTOR;
    log::run_reference(r, threads, LATENCY_PER_THREAD / 8, limit / 4)?;
    let start = std::time::Instant::now();
    let (calls, h) = log::run_reference(r, threads, LATENCY_PER_THREAD, limit)?;
    let elapsed = start.elapsed();
    Ok(ChildResult {
        delivered: calls,
        requested: LATENCY_PER_THREAD * threads as u64,
        elapsed,
        extra: latency_extra(&h)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    })
}

/// `a ÷ b` at `t` threads, throughput: the median of per-round ratios.
fn ratio(results: &Results, a: &Contender, b: &Contender, t: usize) -> Option<f64> {
    paired_ratio(
        throughput_samples(results, a, t),
        throughput_samples(results, b, t),
        Metric::Rate,
    )
}

/// The latency percentile `key` of `a` ÷ that of `b` at `t` threads.
fn latency_ratio(
    results: &Results,
    a: &Contender,
    b: &Contender,
    t: usize,
    key: &'static str,
) -> Option<f64> {
    paired_ratio(
        latency_samples(results, a, t),
        latency_samples(results, b, t),
        Metric::Extra(key),
    )
}

/// The peers in the order of the ratio columns: the limit first.
fn peers() -> Vec<&'static Contender> {
    let mut peers: Vec<_> = CONTENDERS.iter().filter(|c| !c.ours).collect();
    peers.sort_by_key(|c| c.key != "limit");
    peers
}

fn contender(key: &str) -> &'static Contender {
    Contender::from_key(key).unwrap_or_else(|| panic!("no contender {key:?}"))
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
        for t in THREAD_COUNTS {
            let keys = CONTENDERS.iter().map(|c| c.key.to_string());
            let references = REFERENCES.iter().map(ref_key);
            for contender in keys.chain(timed().map(lat_key)).chain(references) {
                cases.push(Case {
                    contender,
                    threads: t,
                });
            }
        }
        cases
    }

    fn events(&self, case: &Case, args: &Args) -> u64 {
        if case.contender.starts_with("lat-") || case.contender.starts_with("ref-") {
            LATENCY_PER_THREAD * case.threads as u64
        } else {
            args.log_records
        }
    }

    // (The `Group` trait's signature, as in group/ring.rs.)
    fn run_child(
        &self,
        contender: &str,
        threads: usize,
        args: &Args,
    ) -> Result<ChildResult, String> {
        if let Some(key) = contender.strip_prefix("ref-") {
            return reference_child(key, threads, args);
        }
        let (latency, key) = match contender.strip_prefix("lat-") {
            Some(key) => (true, key),
            None => (false, contender),
        };
        let c = Contender::from_key(key).ok_or_else(|| format!("unknown contender {contender}"))?;
        let limit = args.limit * LOG_LIMIT_FACTOR;
        // An untimed but checked warm-up run of 1/8 of the lines first (page
        // faults, thread spawns, cold caches, the file system's first
        // allocations).
        let warm_up = (args.log_records / 8).max(threads as u64 * 64);
        log::run(c, threads, warm_up, limit / 4, latency, Hooks::NONE)?;
        let before = alloc::allocations();
        let o = log::run(c, threads, args.log_records, limit, latency, MEASURED)?;
        let allocs = alloc::allocations() - before;
        let per_line = |n: f64| n / o.delivered.max(1) as f64;
        let mut extra = vec![
            ("allocs_per_line", per_line(allocs as f64)),
            ("bytes_per_line", per_line(o.bytes as f64)),
        ];
        match (&o.latency, cpu::used_ticks()) {
            (Some(h), _) => extra.extend(latency_extra(h)),
            (None, Some(ticks)) => {
                extra.push(("cpu_ns_per_line", per_line(ticks as f64 * cpu::NS_PER_TICK)));
            }
            (None, None) => {}
        }
        Ok(ChildResult {
            delivered: o.delivered,
            requested: o.requested,
            elapsed: o.elapsed,
            extra: extra.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        })
    }

    fn is_ours(&self, contender: &str) -> bool {
        Contender::from_key(contender.trim_start_matches("lat-")).is_some_and(|c| c.ours)
    }

    fn report(&self, results: &Results, args: &Args) -> std::io::Result<String> {
        let mut md = setup(results);
        md.push_str(&throughput(results));
        md.push_str(&ratios(results));
        md.push_str(&per_line_table(
            results,
            "\n### Heap allocations per line (median over rounds)\n\nCounted by a global \
             allocator in the bench tool over the measured run: every thread of the \
             process (logging threads and writer threads), from the start barrier until \
             the last line is in the file; divided by the lines.\n\n",
            "allocs_per_line",
            4,
        ));
        md.push_str(&per_line_table(
            results,
            "\n### CPU time per line, ns (median over rounds)\n\nUser + system time of the \
             whole process (`/proc/self/stat`, 10 ms ticks) over the measured run, divided \
             by the lines: the work each contender spends per line, whichever thread does \
             it.\n\n",
            "cpu_ns_per_line",
            0,
        ));
        md.push_str(&latency(results));
        md.push_str(&targets(results));
        md.push_str(&plots(results, args)?);
        Ok(md)
    }
}

/// What the runs wrote, and each contender's settings.
fn setup(results: &Results) -> String {
    let bytes = summary(
        throughput_samples(results, contender(TARGET_CONTENDER), 1),
        Metric::Extra("bytes_per_line"),
    );
    format!(
        "Lines of {} bytes on average, into a fresh file in {} (local disk). ringlog: \
         `Logger::log` directly (not the `log` adapter), default settings (8192 slots of \
         384 B, wait strategy `Sleep::default()`), Block policy; tracing-appender 0.2: \
         `NonBlockingBuilder::default().lossy(false)` over a `BufWriter` of {} KiB; the Mutex \
         peer and the limit: `BufWriter` of {} KiB. The `tracing:` contenders log another \
         event, `info!(id, bytes, route, \"request done\")` inside one span, in fmt's default \
         format: compare them with each other (their targets are in their own table).\n\n",
        bytes.map_or("?".into(), |b| format!("{:.0}", b.median)),
        std::env::temp_dir().display(),
        log::BUF_SIZE / 1024,
        log::BUF_SIZE / 1024,
    )
}

fn thread_headers() -> impl Iterator<Item = String> {
    std::iter::once("contender".to_string()).chain(THREAD_COUNTS.map(threads_label))
}

/// Throughput of every contender at every thread count.
fn throughput(results: &Results) -> String {
    let mut table = Table::new(thread_headers(), 1);
    for c in CONTENDERS {
        let cells = THREAD_COUNTS.map(|t| {
            let samples = throughput_samples(results, c, t);
            let rate = fmt_summary(summary(samples, Metric::Rate), 1e6, 2);
            format!("{rate}{}", marks(samples))
        });
        table.row(std::iter::once(contender_name(c.label, c.ours)).chain(cells));
    }
    format!(
        "### Logging throughput, million lines per second: median (min–max)\n\n\
         From the start barrier until the last line is in the file. The limit is one \
         thread writing all the lines (those of every thread), so it does not depend \
         on the thread count. † = time-limited runs.\n\n{}",
        table.finish()
    )
}

/// Each of ours ÷ each peer (the limit first), per thread count.
fn ratios(results: &Results) -> String {
    let peers = peers();
    let headers = ["contender".to_string(), "threads".to_string()]
        .into_iter()
        .chain(peers.iter().map(|p| format!("÷ {}", p.label)));
    let mut table = Table::new(headers, 2);
    for c in ours() {
        for t in THREAD_COUNTS {
            let cells = peers.iter().map(|p| fmt_ratio(ratio(results, c, p, t)));
            table.row(
                [c.label.to_string(), threads_label(t)]
                    .into_iter()
                    .chain(cells),
            );
        }
    }
    format!(
        "\n### ringlog ÷ each peer, throughput (median of per-round ratios)\n\n{}",
        table.finish()
    )
}

/// `heading`, then the per-line number `key` (median, min–max) of every
/// contender's throughput runs at every thread count.
fn per_line_table(results: &Results, heading: &str, key: &'static str, precision: usize) -> String {
    let mut table = Table::new(thread_headers(), 1);
    for c in CONTENDERS {
        let cells = THREAD_COUNTS.map(|t| {
            fmt_summary(
                summary(throughput_samples(results, c, t), Metric::Extra(key)),
                1.0,
                precision,
            )
        });
        table.row(std::iter::once(c.label.to_string()).chain(cells));
    }
    format!("{heading}{}", table.finish())
}

/// Each timed contender's log-call latency percentiles, and each peer's ÷
/// each of ours.
fn latency(results: &Results) -> String {
    let headers = ["contender", "threads"]
        .into_iter()
        .chain(PERCENTILES.iter().map(|p| p.1))
        .chain(["timer (subtracted)"]);
    let mut table = Table::new(headers, 2);
    for t in THREAD_COUNTS {
        for c in timed() {
            let cells = latency_cells(latency_samples(results, c, t));
            table.row(
                [c.label.to_string(), t.to_string()]
                    .into_iter()
                    .chain(cells),
            );
        }
        for r in REFERENCES {
            let cells = latency_cells(results.samples(&ref_key(r), t));
            table.row(
                [format!("*{}*", r.label), t.to_string()]
                    .into_iter()
                    .chain(cells),
            );
        }
        for o in timed().filter(|c| c.ours) {
            for p in timed().filter(|c| !c.ours) {
                let cells = PERCENTILES
                    .iter()
                    .map(|&(key, _, _)| fmt_ratio(latency_ratio(results, p, o, t, key)))
                    .chain([String::new()]);
                let name = format!("*{} ÷ {}*", p.key, o.key);
                table.row([name, t.to_string()].into_iter().chain(cells));
            }
        }
    }
    format!(
        "\n### Log-call latency, ns (median over rounds of each run's percentile; min–max)\n\n\
         Paced load: each thread logs bursts of {} lines, {:?} apart ({} lines per thread \
         per run); each call timed with `Instant::now()` around it, and reported net of \
         the timer's own cost: an empty timed region measured right after each call in \
         the same run, its median subtracted (last column). peer ÷ ringlog = median of \
         per-round ratios. The *reference* rows time the same paced loop around no \
         logger at all: an empty call, and formatting the line into a reused buffer \
         (what a caller that writes its own lines pays before any I/O); their tails are \
         what the pauses themselves cost on this machine.\n\n{}",
        log::BURST,
        log::PAUSE,
        LATENCY_PER_THREAD,
        table.finish()
    )
}

/// The targets for [`TARGET_CONTENDER`], each with the measured
/// ratio and whether it is met.
fn targets(results: &Results) -> String {
    let mut table = Table::new(["target", "measured", "met?"], 3);
    throughput_targets(results, &mut table);
    latency_target(results, &mut table);
    allocation_target(results, &mut table);
    let mut tracing = Table::new(["target", "measured", "met?"], 3);
    tracing_targets(results, &mut tracing);
    format!(
        "\n### Targets: logging\n\n{}\n### Targets: the tracing layer\n\n\
         Event `info!(id, bytes, route, \"request done\")` inside one span with one \
         field; every contender lossless, its file checked.\n\n{}",
        table.finish(),
        tracing.finish()
    ) + &caller_targets(results)
}

/// The tracing layer against fmt over tracing-appender and fmt over
/// ringlog's `MakeWriter`: caller p50, throughput, allocations.
fn tracing_targets(results: &Results, table: &mut Table) {
    let (layer, appender, makewriter) = (
        contender("tracing-layer"),
        contender("tracing-fmt-appender"),
        contender("tracing-fmt-makewriter"),
    );
    for t in THREAD_COUNTS {
        let r = latency_ratio(results, appender, layer, t, "p50");
        table.row([
            format!(
                "caller p50 ≤ 1/5 of fmt + tracing-appender's, {}",
                threads_label(t)
            ),
            format!("fmt + tracing-appender p50 ÷ Layer p50 = {}", fmt_ratio(r)),
            verdict(r, 5.0).into(),
        ]);
    }
    for t in THREAD_COUNTS {
        let r = ratio(results, layer, appender, t);
        table.row([
            format!("≥ 3× fmt + tracing-appender lossless, {}", threads_label(t)),
            fmt_ratio(r),
            verdict(r, 3.0).into(),
        ]);
    }
    for t in THREAD_COUNTS {
        let r = ratio(results, layer, makewriter, t);
        table.row([
            format!("≥ 2× fmt + ringlog MakeWriter, {}", threads_label(t)),
            fmt_ratio(r),
            verdict(r, 2.0).into(),
        ]);
    }
    allocation_row(
        results,
        table,
        layer,
        "0 heap allocations per event (Layer)",
        "tests/alloc/tracing_layer.rs",
    );
}

/// Issue 11's targets: the caller's cost (net latency) and throughput of
/// the deferred macros and of `Logger::log`.
fn caller_targets(results: &Results) -> String {
    let mut table = Table::new(["target", "measured", "met?"], 3);
    let (log_call, macros, facade) = (
        contender("ringlog"),
        contender("ringlog-macro"),
        contender("ringlog-log-facade"),
    );
    let net = |c: &Contender, t: usize, key: &'static str| {
        summary(latency_samples(results, c, t), Metric::Extra(key)).map(|s| s.median)
    };
    // A latency at most `goal` ns: the verdict of goal ÷ measured ≥ 1.
    let at_most = |v: Option<f64>, goal: f64| verdict(v.map(|v| goal / v.max(0.5)), 1.0);
    for t in [1, 2] {
        for (c, key, goal) in [
            (macros, "p50", 40.0),
            (macros, "p99", 200.0),
            (log_call, "p50", 100.0),
            (facade, "p50", 100.0),
        ] {
            let v = net(c, t, key);
            let format = Reference::from_key("format").expect("the format reference");
            let reference = summary(results.samples(&ref_key(format), t), Metric::Extra(key))
                .map_or(String::new(), |s| {
                    format!(" (formatting the line, no logger: {:.0} ns)", s.median)
                });
            table.row([
                format!("{} {key} ≤ {goal} ns net, {}", c.key, threads_label(t)),
                v.map_or("n/a".into(), |v| format!("{v:.0} ns{reference}")),
                at_most(v, goal).into(),
            ]);
        }
    }
    let limit = contender("limit");
    for t in [1, 2] {
        for (c, goal) in [(macros, 1.0), (log_call, 0.9)] {
            let r = ratio(results, c, limit, t);
            table.row([
                format!(
                    "{} ≥ {goal}× the one-thread limit, {}",
                    c.key,
                    threads_label(t)
                ),
                fmt_ratio(r),
                verdict(r, goal).into(),
            ]);
        }
    }
    let r = ratio(results, macros, contender("mutex-bufwriter"), 2);
    table.row([
        "ringlog-macro ≥ 1.5× Mutex<BufWriter>, 2 threads".to_string(),
        fmt_ratio(r),
        verdict(r, 1.5).into(),
    ]);
    format!(
        "\n### Targets: the caller's cost\n\nLatencies are medians over rounds \
         of each run's percentile, net of the timer.\n\n{}",
        table.finish()
    )
}

/// Throughput against the limit, tracing-appender and the Mutex peer.
fn throughput_targets(results: &Results, table: &mut Table) {
    let ours = contender(TARGET_CONTENDER);
    let (limit, appender, mutex) = (
        contender("limit"),
        contender("tracing-appender"),
        contender("mutex-bufwriter"),
    );
    for t in [1, 2] {
        let r = ratio(results, ours, limit, t);
        table.row([
            format!("≥ 1.0× the one-thread limit, {}", threads_label(t)),
            format!("ringlog ÷ limit = {}", fmt_ratio(r)),
            verdict(r, 1.0).into(),
        ]);
    }
    for t in THREAD_COUNTS {
        let r = ratio(results, ours, appender, t);
        let ceiling = ratio(results, limit, appender, t);
        table.row([
            format!("≥ 4× tracing-appender lossless, {}", threads_label(t)),
            format!(
                "{} (for scale: the limit ÷ tracing-appender = {})",
                fmt_ratio(r),
                fmt_ratio(ceiling)
            ),
            verdict(r, 4.0).into(),
        ]);
    }
    let r = ratio(results, ours, mutex, 2);
    table.row([
        "≥ 1.5× Mutex<BufWriter>, 2 threads".to_string(),
        fmt_ratio(r),
        verdict(r, 1.5).into(),
    ]);
}

/// The log call's p99 against tracing-appender's.
fn latency_target(results: &Results, table: &mut Table) {
    let (ours, appender) = (contender(TARGET_CONTENDER), contender("tracing-appender"));
    for t in THREAD_COUNTS {
        let r = latency_ratio(results, appender, ours, t, "p99");
        table.row([
            format!(
                "log-call p99 ≤ 1/5 of tracing-appender's, {}",
                threads_label(t)
            ),
            format!(
                "tracing-appender p99 ÷ ringlog p99 = {} (target ≥ 5×)",
                fmt_ratio(r)
            ),
            verdict(r, 5.0).into(),
        ]);
    }
}

/// No heap allocation per record: the worst run's allocations per line.
fn allocation_target(results: &Results, table: &mut Table) {
    allocation_row(
        results,
        table,
        contender(TARGET_CONTENDER),
        "0 heap allocations per record (ringlog)",
        "tests/alloc/logger.rs",
    );
}

/// A target row: `c`'s worst run's heap allocations per line is 0.
fn allocation_row(results: &Results, table: &mut Table, c: &Contender, target: &str, test: &str) {
    let worst = THREAD_COUNTS
        .iter()
        .flat_map(|&t| throughput_samples(results, c, t))
        .filter_map(|s| s.extra("allocs_per_line"))
        .reduce(f64::max);
    table.row([
        target.to_string(),
        format!(
            "worst measured run: {} allocations per line, whole process (see also `{test}`)",
            worst.map_or("n/a".into(), |w| format!("{w:.6}"))
        ),
        match worst {
            Some(w) if w < 0.001 => "yes",
            Some(_) => "**no**",
            None => "n/a",
        }
        .into(),
    ]);
}

/// Throughput and latency plots, written into `args.out`; returns the
/// markdown that shows them.
fn plots(results: &Results, args: &Args) -> std::io::Result<String> {
    let series: Vec<Series> = CONTENDERS
        .iter()
        .map(|c| Series {
            label: c.label.to_string(),
            ours: c.ours,
            points: THREAD_COUNTS
                .iter()
                .map(|&t| {
                    (
                        t.to_string(),
                        summary(throughput_samples(results, c, t), Metric::Rate),
                    )
                })
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
    let series: Vec<Series> = THREAD_COUNTS
        .iter()
        .flat_map(|&t| {
            timed().map(move |c| Series {
                label: format!("{}, {t} thr", c.key),
                ours: c.ours,
                points: PERCENTILES[..3]
                    .iter()
                    .map(|&(key, label, _)| {
                        let samples = latency_samples(results, c, t);
                        (label.to_string(), summary(samples, Metric::Extra(key)))
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
    Ok("\n![logging throughput](log-throughput.svg)\n\n\
        ![log-call latency](log-latency.svg)\n\n"
        .into())
}
