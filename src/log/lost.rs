//! Records that could not be written (their run's write failed): counted in
//! `MetricsSnapshot::lost`, and reported in the log once a write succeeds
//! again, as a WARN line from target `ringlog`:
//! `N records lost to log write errors between t1 and t2` (the times of the
//! first and last failed write).

use super::format::{push_u64, Renderer};

/// Losses not yet reported in the log.
#[derive(Debug, Default)]
pub(crate) struct Lost {
    pub(crate) records: u64,
    pub(crate) first_ns: u64,
    pub(crate) last_ns: u64,
}

impl Lost {
    /// Notes `records` lost by a write that failed at `now_ns`.
    pub(crate) fn note(&mut self, records: u64, now_ns: u64) {
        if self.records == 0 {
            self.first_ns = now_ns;
        }
        self.records += records;
        self.last_ns = now_ns;
    }

    /// Whether there is something to report.
    pub(crate) fn pending(&self) -> bool {
        self.records > 0
    }

    /// Replaces `out` with the report's message:
    /// `N records lost to log write errors between t1 and t2`.
    pub(crate) fn message(&self, renderer: &mut Renderer, out: &mut Vec<u8>) {
        out.clear();
        push_u64(self.records, out);
        out.extend_from_slice(b" records lost to log write errors between ");
        renderer.timestamp(self.first_ns, out);
        out.extend_from_slice(b" and ");
        renderer.timestamp(self.last_ns, out);
    }

    /// Forgets what was reported.
    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accumulates_until_cleared() {
        let mut lost = Lost::default();
        assert!(!lost.pending());
        lost.note(3, 10);
        lost.note(2, 20);
        assert_eq!((lost.records, lost.first_ns, lost.last_ns), (5, 10, 20));
        lost.clear();
        assert!(!lost.pending());
        lost.note(0, 5);
        assert!(!lost.pending(), "an empty run loses nothing");
    }
}
