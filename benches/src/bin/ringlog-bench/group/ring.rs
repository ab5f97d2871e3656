//! The ring group: every contender of [`ring::CONTENDERS`] at every producer
//! count; throughput and the consumer's run length, ratios to each peer,
//! the targets, and plots.

use super::{disturbed, Group};
use crate::cli::Args;
use crate::harness::{Case, ChildResult, Results, Sample};
use crate::markdown::{contender_name, count_label, fmt_ratio, fmt_summary, marks, verdict, Table};
use crate::plot::{line_chart, Series};
use crate::stats::{paired_ratio, summary, Metric};
use ringlog_bench::ring::{self, Contender, Publish, CONTENDERS, PRODUCER_COUNTS};
use std::fmt::Write as _;

pub struct RingGroup;

/// The consumer's mean run length of a run (events per consume call, or per
/// batch), where the contender counts it.
const RUN_LENGTH: Metric = Metric::Extra("run_length");

fn producers_label(p: usize) -> String {
    count_label(p, "producer", "more threads than cores")
}

fn samples<'a>(results: &'a Results, c: &Contender, p: usize) -> &'a [Sample] {
    results.samples(c.key, p)
}

/// `a ÷ b` at `p` producers: the median of per-round throughput ratios.
fn ratio(results: &Results, a: &Contender, b: &Contender, p: usize) -> Option<f64> {
    paired_ratio(samples(results, a, p), samples(results, b, p), Metric::Rate)
}

/// 4 producers ÷ 2 producers of one contender.
fn scaling(results: &Results, c: &Contender) -> Option<f64> {
    paired_ratio(samples(results, c, 4), samples(results, c, 2), Metric::Rate)
}

/// The contender with the highest median throughput among `among` at `p`
/// producers.
fn best<'c>(
    results: &Results,
    among: impl Iterator<Item = &'c Contender>,
    p: usize,
) -> Option<&'c Contender> {
    among
        .filter_map(|c| Some((c, summary(samples(results, c, p), Metric::Rate)?.median)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

fn ours() -> impl Iterator<Item = &'static Contender> {
    CONTENDERS.iter().filter(|c| c.ours)
}

fn peers() -> impl Iterator<Item = &'static Contender> {
    CONTENDERS.iter().filter(|c| !c.ours)
}

fn has_batch(family: &str) -> bool {
    CONTENDERS
        .iter()
        .any(|c| c.family == family && c.publish == Publish::Batch)
}

/// The peer families, in the order of [`CONTENDERS`]: the columns of the
/// ratio tables.
fn peer_families() -> Vec<&'static str> {
    let mut families: Vec<&str> = Vec::new();
    for c in peers() {
        if !families.contains(&c.family) {
            families.push(c.family);
        }
    }
    families
}

/// The member of `family` a row publishing by `publish` is compared with:
/// the one publishing the same way, or (channels have no batch send) its
/// single-event one.
fn peer_in(family: &str, publish: Publish) -> Option<&'static Contender> {
    let member = |p: Publish| {
        CONTENDERS
            .iter()
            .find(|c| c.family == family && c.publish == p)
    };
    member(publish).or_else(|| member(Publish::Single))
}

impl Group for RingGroup {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn cases(&self) -> Vec<Case> {
        PRODUCER_COUNTS
            .into_iter()
            .flat_map(|p| {
                CONTENDERS.iter().map(move |c| Case {
                    contender: c.key.to_string(),
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

    // (The `Group` trait's signature, as in group/log.rs.)
    fn run_child(
        &self,
        contender: &str,
        threads: usize,
        args: &Args,
    ) -> Result<ChildResult, String> {
        let c = Contender::from_key(contender)
            .ok_or_else(|| format!("unknown contender {contender}"))?;
        // An untimed (but checked) warm-up run of 1/8 of the events first, so
        // that the measured run does not pay for the fresh process: page
        // faults, first thread spawns, cold caches and branch predictors.
        let unit = (threads * ring::BATCH) as u64;
        let warm_up = (args.events / 8 / unit).max(1) * unit;
        ring::run(c, threads, warm_up, args.limit / 4)?;
        let before = disturbed::Probe::before();
        let o = ring::run(c, threads, args.events, args.limit)?;
        let mut extra: Vec<(String, f64)> = o
            .mean_run_length()
            .map(|len| ("run_length".to_string(), len))
            .into_iter()
            .collect();
        extra.extend(before.after(&o));
        Ok(ChildResult {
            delivered: o.delivered,
            requested: o.requested,
            elapsed: o.elapsed,
            extra,
        })
    }

    fn is_ours(&self, contender: &str) -> bool {
        Contender::from_key(contender).is_some_and(|c| c.ours)
    }

    fn report(&self, results: &Results, args: &Args) -> std::io::Result<String> {
        let mut md = throughput(results);
        md.push_str(&ratios(results));
        md.push_str(&targets(results));
        md.push_str(&disturbed::report(results, STEADY_FAMILIES));
        md.push_str(&plots(results, args)?);
        Ok(md)
    }
}

/// The run-length cell: `-` for a contender that does not count consume
/// calls (its runs have a throughput but no run length).
fn run_length_cell(samples: &[Sample]) -> String {
    match summary(samples, RUN_LENGTH) {
        None if summary(samples, Metric::Rate).is_some() => "-".into(),
        s => fmt_summary(s, 1.0, 0),
    }
}

/// Throughput and run length of every contender at every producer count.
fn throughput(results: &Results) -> String {
    let md = String::from(
        "### Throughput, million u64 events per second: median (min–max)\n\n\
         † = runs that hit the time limit (measured over the events delivered); \
         ‡ = runs killed as hung. 4p/2p = median of per-round ratios. \
         Run length = the consumer's mean events per `consume` call in a run \
         (disruptor: per batch its handler sees), median (min–max) over the runs; \
         - = does not apply (a channel's `recv` takes one event).\n\n",
    );
    let mut headers = vec!["contender".to_string()];
    for p in PRODUCER_COUNTS {
        headers.push(producers_label(p));
        headers.push("run length".into());
    }
    headers.push("4p / 2p".into());
    let mut table = Table::new(headers, 1);
    for c in CONTENDERS {
        let mut row = vec![contender_name(c.label, c.ours)];
        for p in PRODUCER_COUNTS {
            let samples = samples(results, c, p);
            let rate = fmt_summary(summary(samples, Metric::Rate), 1e6, 1);
            row.push(format!("{rate}{}", marks(samples)));
            row.push(run_length_cell(samples));
        }
        row.push(fmt_ratio(scaling(results, c)));
        table.row(row);
    }
    md + &table.finish()
}

/// ringlog ÷ each peer family, one table per producer count.
fn ratios(results: &Results) -> String {
    let mut md = String::from(
        "\n### ringlog ÷ each peer (median of per-round ratios)\n\n\
         Batch rows are compared with the disruptor's `batch_publish(16, ..)`; \
         the channels have no batch send.\n",
    );
    let families = peer_families();
    for p in PRODUCER_COUNTS {
        writeln!(md, "\n**{}**\n", producers_label(p)).unwrap();
        let mut table = Table::new(
            std::iter::once("ringlog").chain(families.iter().copied()),
            1,
        );
        for c in ours() {
            let cells = families.iter().map(|f| {
                fmt_ratio(peer_in(f, c.publish).and_then(|peer| ratio(results, c, peer, p)))
            });
            table.row(std::iter::once(c.label.to_string()).chain(cells));
        }
        md.push_str(&table.finish());
    }
    md
}

/// The ringlog families the steadiness target applies to: the
/// strategies that leave the core to the other side (not BusySpin, which
/// starves whoever it waits for once threads outnumber cores).
const STEADY_FAMILIES: [&str; 3] = ["ringlog Yield", "ringlog Park", "ringlog Sleep"];

/// The worst run's throughput ÷ the median run's.
fn steadiness(samples: &[Sample]) -> Option<f64> {
    summary(samples, Metric::Rate).map(|s| s.min / s.median)
}

/// The targets, each with the measured ratio and whether it is met.
fn targets(results: &Results) -> String {
    let mut table = Table::new(["target", "measured", "met?"], 3);
    let single = |c: &&Contender| c.publish == Publish::Single;
    for p in [1, 2] {
        let best_ours = best(results, ours().filter(single), p);
        let best_peer = best(results, peers().filter(single), p);
        if let (Some(o), Some(t)) = (best_ours, best_peer) {
            let r = ratio(results, o, t, p);
            table.row([
                format!(
                    "single-event publish ≥ 1.5× the best peer, {}",
                    producers_label(p)
                ),
                format!(
                    "best ringlog ({}) ÷ best single-event peer ({}) = {}",
                    o.label,
                    t.label,
                    fmt_ratio(r)
                ),
                verdict(r, 1.5).into(),
            ]);
        }
    }
    let crossbeam = Contender::from_key("crossbeam-channel");
    let best_batch = best(results, ours().filter(|c| c.publish == Publish::Batch), 2);
    if let (Some(o), Some(crossbeam)) = (best_batch, crossbeam) {
        let r = ratio(results, o, crossbeam, 2);
        table.row([
            "batch of 16, 2 producers ≥ 5× crossbeam-channel".to_string(),
            format!(
                "best ringlog batch ({}) ÷ crossbeam-channel = {}",
                o.label,
                fmt_ratio(r)
            ),
            verdict(r, 5.0).into(),
        ]);
    }
    for c in ours().filter(|c| STEADY_FAMILIES.contains(&c.family)) {
        for p in PRODUCER_COUNTS {
            let r = steadiness(samples(results, c, p));
            table.row([
                format!(
                    "steadiness: worst run ≥ 0.6× median, {}, {}",
                    c.label,
                    producers_label(p)
                ),
                format!("min ÷ median = {}", fmt_ratio(r)),
                verdict(r, 0.6).into(),
            ]);
        }
    }
    for c in ours() {
        let r = scaling(results, c);
        table.row([
            format!("4 producers ≥ 0.8× 2 producers: {}", c.label),
            fmt_ratio(r),
            verdict(r, 0.8).into(),
        ]);
    }
    format!("\n### Targets: the ring\n\n{}", table.finish())
}

/// One plot per publish mode (the channels, which have no batch send, in
/// both), written into `args.out`; returns the markdown that shows them.
fn plots(results: &Results, args: &Args) -> std::io::Result<String> {
    let mut md = String::from("\n");
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
        let series: Vec<Series> = CONTENDERS
            .iter()
            .filter(|c| c.publish == publish || !has_batch(c.family))
            .map(|c| Series {
                label: c.label.to_string(),
                ours: c.ours,
                points: PRODUCER_COUNTS
                    .iter()
                    .map(|&p| (p.to_string(), summary(samples(results, c, p), Metric::Rate)))
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
