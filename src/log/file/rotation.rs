//! Rotation settings: when to start a new file (size, time periods in UTC
//! or local time), how rotated files are named, compressed, and kept.
//!
//! The live file is always the path given (`app.log`). Rotation happens on
//! the writer thread, between two runs, never inside one: every run (whole
//! lines) goes to exactly one file. A size-rotated file therefore holds at
//! most `max_bytes`, unless a single run is larger than that (then it holds
//! that one run). Time rotation is by the time of the write, in periods of
//! the rotation's clock (`super::period`: UTC by default, aligned to the
//! Unix epoch; or the local time zone), so a run written just after the
//! boundary may hold records stamped just before it. What happens to the
//! rotated file is in `super::naming`, `super::archiver` and
//! `super::retention`.

use super::compress::Compression;
use super::naming::Naming;
use super::period::Periods;
use super::retention::Retention;
use std::time::Duration;

/// When to rotate the log file, and what becomes of rotated files: their
/// names ([`Naming`]), compression ([`Compression`]), and how many and how
/// old are kept.
///
/// Start from a trigger, [`size`](Rotation::size), [`hourly`](Rotation::hourly),
/// [`daily`](Rotation::daily) or [`every`](Rotation::every) (add a size
/// limit to a time trigger with [`max_bytes`](Rotation::max_bytes)), then
/// set what to do with rotated files:
///
/// | setting | default |
/// |---|---|
/// | [`keep`](Rotation::keep) (rotated files or archives kept) | 7 |
/// | [`max_age`](Rotation::max_age) | none |
/// | [`local_time`](Rotation::local_time) (time periods on the local clock) | UTC |
/// | [`naming`](Rotation::naming) | [`Naming::Numbered`]: `app.log.1` newest … `app.log.7` oldest |
/// | [`compress`](Rotation::compress) | [`Compression::None`] |
///
/// [`Rotation::never`] (the default) rotates nothing.
///
/// # Examples
///
/// ```
/// use ringlog::log::{LoggerBuilder, Rotation};
/// let dir = std::env::temp_dir().join(format!("ringlog-doc-rotation-{}", std::process::id()));
/// let path = dir.join("app.log");
/// let (logger, guard) = LoggerBuilder::new(&path)
///     .rotation(Rotation::daily().max_bytes(4096).keep(3))
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
    pub(crate) max_age: Option<Duration>,
    pub(crate) local_time: bool,
    pub(crate) naming: Naming,
    pub(crate) compression: Compression,
}

impl Default for Rotation {
    fn default() -> Self {
        Self::never()
    }
}

impl Rotation {
    /// No rotation (the default). A start for [`max_bytes`](Rotation::max_bytes).
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
            max_age: None,
            local_time: false,
            naming: Naming::Numbered,
            compression: Compression::None,
        }
    }

    /// Rotates by size only: before a write that would take the live file
    /// over `bytes` (see [`max_bytes`](Rotation::max_bytes)).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::size(64 << 20).keep(10);
    /// assert!(r.is_enabled());
    /// ```
    pub const fn size(bytes: u64) -> Self {
        Self::never().max_bytes(bytes)
    }

    /// Rotates at the first write of each new hour (UTC unless
    /// [`local_time`](Rotation::local_time)).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::hourly().keep(48);
    /// ```
    pub const fn hourly() -> Self {
        Self::every_secs(3600)
    }

    /// Rotates at the first write of each new day (at midnight UTC, or
    /// local midnight with [`local_time`](Rotation::local_time)).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::daily().local_time().keep(30);
    /// ```
    pub const fn daily() -> Self {
        Self::every_secs(86_400)
    }

    /// Rotates at the first write of each new period of `period` (whole
    /// seconds, at least 1), periods counted from 1970-01-01T00:00 on the
    /// rotation's clock (so 15 minutes: on the hour, :15, :30, :45).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = ringlog::log::Rotation::every(Duration::from_secs(15 * 60));
    /// ```
    pub const fn every(period: Duration) -> Self {
        Self::every_secs(period.as_secs())
    }

    const fn every_secs(secs: u64) -> Self {
        let mut r = Self::never();
        r.period_secs = Some(secs);
        r
    }

    /// Also rotates before a write that would take the live file over
    /// `bytes` (if the file is not empty). Must be greater than 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::daily().max_bytes(1 << 30);
    /// ```
    pub const fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// How many rotated files (with compression: archives) to keep; older
    /// ones are removed. 0 removes the live file at rotation.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::size(1 << 20).keep(30);
    /// ```
    pub const fn keep(mut self, files: usize) -> Self {
        self.keep = files;
        self
    }

    /// Also removes rotated files (archives) whose last record is older than
    /// `age` (by modification time), oldest first, at each rotation and at
    /// start. Must be greater than 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = ringlog::log::Rotation::daily().keep(365).max_age(Duration::from_secs(14 * 86_400));
    /// ```
    pub const fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// Time periods on the local clock: daily rotation at local midnight,
    /// hourly on the local hour, dated names in local dates. The zone is the
    /// system's (`TZ`, else `/etc/localtime`, else UTC), read through the tz
    /// database once when the file sink starts; days are calendar days (23
    /// or 25 hours across a DST change). The default is UTC.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = ringlog::log::Rotation::daily().local_time();
    /// ```
    pub const fn local_time(mut self) -> Self {
        self.local_time = true;
        self
    }

    /// How rotated files are named (default [`Naming::Numbered`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Naming, Rotation};
    /// let r = Rotation::daily().naming(Naming::Dated); // app.2026-11-23.log
    /// ```
    pub const fn naming(mut self, naming: Naming) -> Self {
        self.naming = naming;
        self
    }

    /// Compresses rotated files, on a thread of the file sink, off the
    /// writer's path (default [`Compression::None`]). See the
    /// [`FileSink`](crate::log::FileSink) docs for the archives' names and
    /// what a crash or shutdown leaves.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Compression, Rotation};
    /// let r = Rotation::daily().keep(30).compress(Compression::Gzip);
    /// ```
    pub const fn compress(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// Whether any trigger is set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringlog::log::Rotation::hourly().is_enabled());
    /// assert!(!ringlog::log::Rotation::never().is_enabled());
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
        if self.max_age.is_some_and(|a| a.is_zero()) {
            return Err("rotation max_age must be greater than zero");
        }
        Ok(())
    }

    /// The periods of the time trigger on the rotation's clock (reads the
    /// local zone if asked).
    pub(crate) fn periods(&self) -> Periods {
        if self.local_time {
            Periods::local(self.period_secs)
        } else {
            Periods::utc(self.period_secs)
        }
    }

    /// How many rotated files are kept, and for how long.
    pub(crate) fn retention(&self) -> Retention {
        Retention {
            keep: self.keep,
            max_age: self.max_age,
        }
    }

    /// Whether a file of `size` bytes opened in period `opened` must rotate
    /// before `incoming` more bytes are written in period `now`.
    pub(crate) fn due(&self, size: u64, incoming: u64, opened: i64, now: i64) -> bool {
        if size == 0 {
            return false; // an empty file takes the run, whatever its size
        }
        self.over_size(size, incoming) || (self.period_secs.is_some() && now != opened)
    }

    /// Whether `incoming` more bytes take a file of `size` over `max_bytes`.
    pub(crate) fn over_size(&self, size: u64, incoming: u64) -> bool {
        self.max_bytes
            .is_some_and(|max| size.saturating_add(incoming) > max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_time_triggers() {
        let r = Rotation::size(100);
        assert!(!r.due(0, 1000, 0, 0), "an empty file takes any run");
        assert!(!r.due(50, 50, 0, 0));
        assert!(r.due(50, 51, 0, 0));
        let t = Rotation::hourly();
        assert!(!t.due(10, 10, 1, 1));
        assert!(t.due(10, 10, 0, 1));
        assert_eq!(Rotation::never().max_bytes(100), r);
        assert_eq!(Rotation::daily().period_secs, Some(86_400));
        assert!(Rotation::size(0).check().is_err());
        assert!(Rotation::every(Duration::from_millis(10)).check().is_err());
        assert!(Rotation::daily().max_age(Duration::ZERO).check().is_err());
        assert!(Rotation::daily()
            .max_age(Duration::from_secs(1))
            .check()
            .is_ok());
    }
}
