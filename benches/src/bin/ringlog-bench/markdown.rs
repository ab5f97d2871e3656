//! Markdown tables and the formatting of their cells.

use crate::harness::{Sample, Status};
use crate::stats::Summary;
use std::fmt::{Display, Write as _};

/// A markdown table, built row by row.
pub struct Table(String);

impl Table {
    /// A table with these column headings; the first `left` columns are
    /// left-aligned, the rest (the numbers) right-aligned.
    pub fn new<H: Display>(headers: impl IntoIterator<Item = H>, left: usize) -> Self {
        let mut table = Table(String::new());
        let mut columns = 0;
        table.row(headers.into_iter().inspect(|_| columns += 1));
        table.0.push('|');
        for i in 0..columns {
            table.0.push_str(if i < left { "---|" } else { "---:|" });
        }
        table.0.push('\n');
        table
    }

    /// Appends a row.
    pub fn row<C: Display>(&mut self, cells: impl IntoIterator<Item = C>) {
        self.0.push('|');
        for cell in cells {
            write!(self.0, " {cell} |").unwrap();
        }
        self.0.push('\n');
    }

    /// The table's markdown.
    pub fn finish(self) -> String {
        self.0
    }
}

/// "1 producer", "2 producers", "4 producers (more threads than cores)":
/// `n` of `noun`, with `beyond_cores` said past the 2 cores of the
/// reference machine.
pub fn count_label(n: usize, noun: &str, beyond_cores: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n if n > 2 => format!("{n} {noun}s ({beyond_cores})"),
        n => format!("{n} {noun}s"),
    }
}

/// A contender's row heading: ours in bold.
pub fn contender_name(label: &str, ours: bool) -> String {
    if ours {
        format!("**{label}**")
    } else {
        label.to_string()
    }
}

/// `median (min–max)` of values divided by `scale`, or `–` if no run
/// produced the number.
pub fn fmt_summary(summary: Option<Summary>, scale: f64, precision: usize) -> String {
    match summary {
        Some(s) => format!(
            "{:.precision$} ({:.precision$}–{:.precision$})",
            s.median / scale,
            s.min / scale,
            s.max / scale
        ),
        None => "–".into(),
    }
}

/// `2.05×`, or `n/a`.
pub fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("n/a".into(), |r| format!("{r:.2}×"))
}

/// Whether a measured ratio meets its goal: `yes`, `**no**` or `n/a`.
pub fn verdict(r: Option<f64>, goal: f64) -> &'static str {
    match r {
        Some(r) if r >= goal => "yes",
        Some(_) => "**no**",
        None => "n/a",
    }
}

/// The marks of the runs that did not end well: ` †2/9` (time-limited),
/// ` ‡killed 1/9`, ` **CHECK FAILED 1/9**`.
pub fn marks(samples: &[Sample]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_numbers_right() {
        let mut t = Table::new(["contender", "threads", "p50"], 2);
        t.row(["a", "1", "3"]);
        assert_eq!(
            t.finish(),
            "| contender | threads | p50 |\n|---|---|---:|\n| a | 1 | 3 |\n"
        );
    }

    #[test]
    fn cells() {
        let s = Summary {
            median: 2.5e6,
            min: 1e6,
            max: 3.3e6,
        };
        assert_eq!(fmt_summary(Some(s), 1e6, 1), "2.5 (1.0–3.3)");
        assert_eq!(fmt_summary(None, 1e6, 1), "–");
        assert_eq!(fmt_ratio(Some(1.234)), "1.23×");
        assert_eq!(verdict(Some(0.5), 1.0), "**no**");
        assert_eq!(
            count_label(4, "thread", "more than cores"),
            "4 threads (more than cores)"
        );
        assert_eq!(count_label(1, "producer", "-"), "1 producer");
    }
}
