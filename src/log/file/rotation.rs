//! Rotation of the log file: when (size, time), and how files are named.
//!
//! The live file is always the path given (`app.log`). Rotating renames
//! `app.log.{k-1}` to `app.log.{k}` for `k = n+1 ..= 2`, where `n` ≤ `keep`
//! is the number of rotated files present (`app.log.1` … `app.log.{n}`,
//! contiguous); when `n == keep` the oldest, `app.log.{keep}`, is overwritten
//! by the rename, that is removed. Then `app.log` becomes `app.log.1` and a
//! fresh `app.log` is opened. So `app.log.1` is
//! always the newest rotated file and `app.log.{keep}` the oldest; reading
//! `app.log.{keep}`, …, `app.log.1`, `app.log` gives the records in file
//! order.
//!
//! Rotation happens on the writer thread, between two runs, never inside
//! one: every run (whole lines) goes to exactly one file. A size-rotated file
//! therefore holds at most `max_bytes`, unless a single run is larger than
//! that (then it holds that one run). Time rotation is by the time of the
//! write, in UTC periods aligned to the Unix epoch (hourly: on the hour;
//! daily: at midnight UTC), so a run written just after the boundary may
//! hold records stamped just before it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// When to rotate the log file and how many rotated files to keep (see the
/// naming scheme in the [`FileSink`](crate::log::FileSink) docs).
///
/// By default nothing rotates. With `keep(0)` a rotation removes the live
/// file instead of renaming it.
///
/// # Examples
///
/// ```
/// use ringlog::log::{LoggerBuilder, Rotation};
/// let dir = std::env::temp_dir().join(format!("ringlog-doc-rotation-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("app.log");
/// let (logger, guard) = LoggerBuilder::new(&path)
///     .rotation(Rotation::never().max_bytes(4096).daily().keep(3))
///     .capacity(64)
///     .build()?;
/// for i in 0..1000 {
///     logger.info("app", format_args!("record {i}"))?;
/// }
/// guard.shutdown()?;
/// assert!(dir.join("app.log.1").exists());
/// assert!(dir.join("app.log.3").exists() && !dir.join("app.log.4").exists());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub(crate) max_bytes: Option<u64>,
    pub(crate) period_secs: Option<u64>,
    pub(crate) keep: usize,
}

impl Default for Rotation {
    fn default() -> Self {
        Self::never()
    }
}

impl Rotation {
    /// No rotation (the default); add triggers with the other methods.
    /// Keeps 7 rotated files once a trigger is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::never();
    /// assert!(!r.is_enabled());
    /// ```
    pub const fn never() -> Self {
        Self {
            max_bytes: None,
            period_secs: None,
            keep: 7,
        }
    }

    /// Rotates before a write that would take the live file over `bytes`
    /// (if the file is not empty). Must be greater than 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::never().max_bytes(64 << 20);
    /// assert!(r.is_enabled());
    /// ```
    pub const fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// Rotates at the first write of each new UTC hour.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::never().hourly();
    /// ```
    pub const fn hourly(self) -> Self {
        self.every_secs(3600)
    }

    /// Rotates at the first write of each new UTC day.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::never().daily();
    /// ```
    pub const fn daily(self) -> Self {
        self.every_secs(86_400)
    }

    /// Rotates at the first write of each new period of `period` (whole
    /// seconds, at least 1; periods are aligned to the Unix epoch).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = ringlog::log::Rotation::never().every(Duration::from_secs(15 * 60));
    /// ```
    pub const fn every(self, period: Duration) -> Self {
        self.every_secs(period.as_secs())
    }

    const fn every_secs(mut self, secs: u64) -> Self {
        self.period_secs = Some(secs);
        self
    }

    /// How many rotated files to keep (`app.log.1` ..= `app.log.{files}`);
    /// older ones are removed. 0 removes the live file at rotation.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::never().max_bytes(1 << 20).keep(30);
    /// ```
    pub const fn keep(mut self, files: usize) -> Self {
        self.keep = files;
        self
    }

    /// Whether any trigger is set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringlog::log::Rotation::never().hourly().is_enabled());
    /// ```
    pub const fn is_enabled(&self) -> bool {
        self.max_bytes.is_some() || self.period_secs.is_some()
    }

    /// The settings' problem, if any.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        if self.max_bytes == Some(0) {
            return Err("rotation max_bytes must be greater than zero");
        }
        if self.period_secs == Some(0) {
            return Err("rotation period must be at least one second");
        }
        Ok(())
    }

    /// The period `time` falls in (0 when time rotation is off).
    pub(crate) fn period_of(&self, time: SystemTime) -> u64 {
        match self.period_secs {
            Some(p) if p > 0 => {
                time.duration_since(UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO)
                    .as_secs()
                    / p
            }
            _ => 0,
        }
    }

    /// Whether a file of `size` bytes opened in period `opened` must rotate
    /// before `incoming` more bytes are written in period `now`.
    pub(crate) fn due(&self, size: u64, incoming: u64, opened: u64, now: u64) -> bool {
        if size == 0 {
            return false; // an empty file takes the run, whatever its size
        }
        let by_size = self
            .max_bytes
            .is_some_and(|max| size.saturating_add(incoming) > max);
        let by_time = self.period_secs.is_some() && now != opened;
        by_size || by_time
    }
}

/// `app.log` → `app.log.{n}`.
pub(crate) fn rotated_path(path: &Path, n: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// Shifts the rotated files up by one and moves the live file to
/// `app.log.1` (or removes it, with `keep` 0). The caller reopens the path.
///
/// Only the contiguous files `app.log.1 ..= app.log.{n}` are shifted (`n` ≤
/// `keep`, found by probing upwards), so a rotation costs `n + 1` metadata
/// calls and `n + 1` renames however large `keep` is; with `n == keep`, the
/// oldest is overwritten (removed) by the rename of the one before it.
pub(crate) fn shift(path: &Path, keep: usize) -> io::Result<()> {
    if keep == 0 {
        return std::fs::remove_file(path);
    }
    let mut n = 0;
    while n < keep && rotated_path(path, n + 1).symlink_metadata().is_ok() {
        n += 1;
    }
    // `app.log.{n}` → `.{n+1}` unless it is the last kept one, then down.
    let top = if n == keep { keep - 1 } else { n };
    for k in (1..=top).rev() {
        match std::fs::rename(rotated_path(path, k), rotated_path(path, k + 1)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    std::fs::rename(path, rotated_path(path, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_time_triggers() {
        let r = Rotation::never().max_bytes(100);
        assert!(!r.due(0, 1000, 0, 0), "an empty file takes any run");
        assert!(!r.due(50, 50, 0, 0));
        assert!(r.due(50, 51, 0, 0));
        let t = Rotation::never().hourly();
        let at = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(t.period_of(at(3599)), 0);
        assert_eq!(t.period_of(at(3600)), 1);
        assert!(!t.due(10, 10, 1, 1));
        assert!(t.due(10, 10, 0, 1));
        let d = Rotation::never().daily();
        assert_eq!(d.period_of(at(86_399)), 0);
        assert_eq!(d.period_of(at(86_400)), 1);
        assert_eq!(Rotation::never().period_of(at(1 << 40)), 0);
        assert!(Rotation::never().max_bytes(0).check().is_err());
        assert!(Rotation::never()
            .every(Duration::from_millis(10))
            .check()
            .is_err());
    }

    #[test]
    fn shift_keeps_at_most_keep_files_in_order() {
        let dir = std::env::temp_dir().join(format!("ringlog-shift-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let live = dir.join("a.log");
        let read = |n: usize| std::fs::read_to_string(rotated_path(&live, n)).ok();
        for i in 0..5 {
            std::fs::write(&live, format!("{i}")).unwrap();
            shift(&live, 3).unwrap();
        }
        assert!(!live.exists());
        assert_eq!(
            [read(1), read(2), read(3), read(4)],
            [Some("4".into()), Some("3".into()), Some("2".into()), None]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names() {
        assert_eq!(
            rotated_path(Path::new("/x/app.log"), 3),
            Path::new("/x/app.log.3")
        );
    }
}
