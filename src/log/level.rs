//! Severity levels.

use std::fmt;

/// How severe a record is. Ordered like the `log` crate: [`Error`](Level::Error)
/// is the smallest and [`Trace`](Level::Trace) the largest, so "more verbose"
/// means "greater".
///
/// # Examples
///
/// ```
/// use ringlog::log::Level;
/// assert!(Level::Error < Level::Debug);
/// assert_eq!(Level::Warn.as_str(), "WARN");
/// assert_eq!(Level::ALL.len(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something failed.
    Error = 0,
    /// Something looks wrong.
    Warn = 1,
    /// Normal operation worth recording.
    Info = 2,
    /// Detail for debugging.
    Debug = 3,
    /// Very fine detail.
    Trace = 4,
}

impl Level {
    /// Every level, most severe first; `Level::ALL[l.index()] == l`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::Level;
    /// for (i, level) in Level::ALL.iter().enumerate() {
    ///     assert_eq!(level.index(), i);
    /// }
    /// ```
    pub const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The upper-case name, as written in log lines.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringlog::log::Level::Trace.as_str(), "TRACE");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    /// The position in [`Level::ALL`] (0 for `Error` … 4 for `Trace`), used to
    /// index per-level counters such as
    /// [`MetricsSnapshot::dropped`](crate::log::MetricsSnapshot::dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringlog::log::Level::Info.index(), 2);
    /// ```
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
