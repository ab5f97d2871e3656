//! Sink failures on stderr: at most one line per kind of failure per
//! interval, so a disk that stays full does not flood stderr (the log itself
//! is what is failing, so stderr is the only place left to say it).
//!
//! A kind is the operation (`write`, `flush`, `sync`, `rotate`, `reopen`)
//! and the [`io::ErrorKind`]. The first failure of a kind is printed at
//! once; later ones of that kind within the interval are only counted, and
//! the next line printed for the kind says how many were not shown. Every
//! failure is counted in the metrics regardless.

use std::io;
use std::time::{Duration, Instant};

struct Entry {
    op: &'static str,
    kind: io::ErrorKind,
    last: Instant,
    suppressed: u64,
}

/// The writer thread's stderr reporter.
pub(crate) struct StderrReport {
    interval: Duration,
    entries: Vec<Entry>,
}

impl StderrReport {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            entries: Vec::new(),
        }
    }

    /// Prints `error` unless its kind was printed within the interval;
    /// returns whether it printed.
    pub(crate) fn report(&mut self, op: &'static str, error: &io::Error) -> bool {
        self.report_at(op, error, Instant::now(), |line| eprintln!("{line}"))
    }

    fn report_at(
        &mut self,
        op: &'static str,
        error: &io::Error,
        now: Instant,
        print: impl FnOnce(&str),
    ) -> bool {
        let kind = error.kind();
        let entry = match self
            .entries
            .iter_mut()
            .find(|e| e.op == op && e.kind == kind)
        {
            Some(entry) => {
                if now.saturating_duration_since(entry.last) < self.interval {
                    entry.suppressed += 1;
                    return false;
                }
                entry
            }
            None => {
                self.entries.push(Entry {
                    op,
                    kind,
                    last: now,
                    suppressed: 0,
                });
                self.entries.last_mut().expect("just pushed")
            }
        };
        let line = if entry.suppressed > 0 {
            format!(
                "ringlog: log sink {op} failed: {error} ({} more such failures since the last report; all are counted in the metrics)",
                entry.suppressed
            )
        } else {
            format!("ringlog: log sink {op} failed: {error} (counted in the metrics; repeats are reported at most every {:?})", self.interval)
        };
        entry.last = now;
        entry.suppressed = 0;
        print(&line);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_kind_per_interval() {
        let mut r = StderrReport::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let full = io::Error::from(io::ErrorKind::WriteZero);
        let other = io::Error::other("x");
        let mut lines = Vec::new();
        let mut rep = |r: &mut StderrReport, op, e: &io::Error, t| {
            r.report_at(op, e, t, |l: &str| lines.push(l.to_string()))
        };
        assert!(rep(&mut r, "write", &full, t0));
        assert!(!rep(&mut r, "write", &full, t0 + Duration::from_secs(1)));
        assert!(!rep(&mut r, "write", &full, t0 + Duration::from_secs(2)));
        assert!(rep(&mut r, "write", &other, t0), "another kind");
        assert!(rep(&mut r, "sync", &full, t0), "another operation");
        assert!(rep(&mut r, "write", &full, t0 + Duration::from_secs(11)));
        assert_eq!(lines.len(), 4);
        assert!(lines[3].contains("2 more such failures"), "{}", lines[3]);
    }
}
