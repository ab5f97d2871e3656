//! Statistics over the rounds: median, min and max of one number of the
//! runs, and medians of per-round ratios.

use crate::harness::Sample;

/// Which number of a run a statistic is about.
#[derive(Clone, Copy, Debug)]
pub enum Metric {
    /// Events (or lines) per second.
    Rate,
    /// A further number the run reported (`EXTRA <key> <value>`).
    Extra(&'static str),
}

impl Metric {
    /// This number of `sample`, if the run produced it.
    pub fn of(self, sample: &Sample) -> Option<f64> {
        match self {
            Metric::Rate => sample.rate,
            Metric::Extra(key) => sample.extra(key),
        }
    }
}

/// Median, min and max over the runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// The median (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
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

/// Median, min and max of `metric` over the runs that have it.
pub fn summary(samples: &[Sample], metric: Metric) -> Option<Summary> {
    let mut values: Vec<f64> = samples.iter().filter_map(|s| metric.of(s)).collect();
    let median = median(&mut values)?;
    Some(Summary {
        median,
        min: values[0],
        max: values[values.len() - 1],
    })
}

/// The median over rounds of `metric(a) / metric(b)`, pairing the runs of
/// the same round.
pub fn paired_ratio(a: &[Sample], b: &[Sample], metric: Metric) -> Option<f64> {
    let mut ratios: Vec<f64> = a
        .iter()
        .filter_map(|x| {
            let y = b.iter().find(|y| y.round == x.round)?;
            Some(metric.of(x)? / metric.of(y)?)
        })
        .collect();
    median(&mut ratios)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{ChildResult, Status};

    fn sample(round: usize, rate: Option<f64>) -> Sample {
        Sample {
            round,
            status: Status::Ok,
            rate,
            run: ChildResult {
                extra: rate
                    .map(|r| ("x".to_string(), r * 10.0))
                    .into_iter()
                    .collect(),
                ..ChildResult::default()
            },
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn summary_skips_runs_without_the_number() {
        let runs = [
            sample(0, Some(5.0)),
            sample(1, None),
            sample(2, Some(1.0)),
            sample(3, Some(3.0)),
        ];
        let s = summary(&runs, Metric::Rate).unwrap();
        assert_eq!((s.median, s.min, s.max), (3.0, 1.0, 5.0));
        assert_eq!(summary(&runs, Metric::Extra("x")).unwrap().max, 50.0);
        assert_eq!(summary(&runs[1..2], Metric::Rate), None);
    }

    #[test]
    fn ratios_pair_runs_of_the_same_round() {
        let a = [
            sample(0, Some(4.0)),
            sample(1, Some(9.0)),
            sample(2, Some(1.0)),
        ];
        // Round 2 has no partner; rounds are matched, not positions.
        let b = [sample(1, Some(3.0)), sample(0, Some(2.0))];
        assert_eq!(paired_ratio(&a, &b, Metric::Rate), Some(2.5));
        assert_eq!(paired_ratio(&a[2..], &b, Metric::Rate), None);
    }
}
