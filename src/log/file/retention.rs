//! Which rotated files to remove: by count (`keep`) and by age
//! (`max_age`).
//!
//! Files are removed oldest first, while more than `keep` remain or the
//! oldest is older than `max_age` (by its modification time: the time of
//! its last record; compression carries it over to the archive). Removing
//! only from the old end keeps numbered files contiguous.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How many rotated files to keep, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Retention {
    pub(crate) keep: usize,
    pub(crate) max_age: Option<Duration>,
}

impl Retention {
    /// How many of the files whose ages are `ages` (oldest first; `None`:
    /// unknown, kept) to remove from the old end.
    pub(crate) fn excess(&self, ages: &[Option<Duration>]) -> usize {
        let too_old = |age: &Option<Duration>| matches!((age, self.max_age), (Some(age), Some(max)) if *age > max);
        ages.iter()
            .enumerate()
            .take_while(|(i, age)| ages.len() - i > self.keep || too_old(age))
            .count()
    }

    /// Removes the excess of `files` (oldest first); returns how many were
    /// removed. A file already gone counts as removed.
    pub(crate) fn prune(&self, files: &[PathBuf], now: SystemTime) -> io::Result<usize> {
        let ages: Vec<_> = match self.max_age {
            // Ages are only read when they matter.
            None => vec![None; files.len()],
            Some(_) => files
                .iter()
                .map(|f| {
                    let modified = f.symlink_metadata().and_then(|m| m.modified()).ok()?;
                    Some(now.duration_since(modified).unwrap_or(Duration::ZERO))
                })
                .collect(),
        };
        let n = self.excess(&ages);
        for f in &files[..n] {
            match std::fs::remove_file(f) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Duration = Duration::from_secs(3600);

    #[test]
    fn count_and_age() {
        let by_count = Retention {
            keep: 2,
            max_age: None,
        };
        assert_eq!(by_count.excess(&[None; 5]), 3);
        assert_eq!(by_count.excess(&[None; 2]), 0);
        assert_eq!(by_count.excess(&[]), 0);
        let by_age = Retention {
            keep: 10,
            max_age: Some(2 * H),
        };
        let ages = [Some(5 * H), Some(3 * H), Some(H), Some(H / 2)];
        assert_eq!(by_age.excess(&ages), 2);
        // Only from the old end: a young file stops the removal.
        let ages = [Some(5 * H), Some(H), Some(3 * H)];
        assert_eq!(by_age.excess(&ages), 1);
        // Unknown ages are kept.
        assert_eq!(by_age.excess(&[None, Some(5 * H)]), 0);
        let both = Retention {
            keep: 1,
            max_age: Some(2 * H),
        };
        assert_eq!(both.excess(&[Some(H), Some(H), Some(H)]), 2);
        assert_eq!(both.excess(&[Some(5 * H)]), 1);
        let none = Retention {
            keep: 0,
            max_age: None,
        };
        assert_eq!(none.excess(&[None, None]), 2);
    }
}
