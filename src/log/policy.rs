//! What the logger does when the ring is full, and when it calls fsync.

use super::level::Level;
use std::time::Duration;

/// What a log call does when every slot of the ring is in use.
///
/// Dropped records are counted per level (see
/// [`MetricsSnapshot::dropped`](crate::log::MetricsSnapshot::dropped)) and
/// reported in the log itself by a line such as
/// `3 records dropped (DEBUG 2, TRACE 1) between <t1> and <t2>`.
///
/// # Examples
///
/// ```
/// use ringlog::log::{FullPolicy, Level};
/// let policy = FullPolicy::BlockAtOrAbove(Level::Warn);
/// assert!(policy.blocks(Level::Error));
/// assert!(policy.blocks(Level::Warn));
/// assert!(!policy.blocks(Level::Info));
/// assert!(FullPolicy::default().blocks(Level::Trace)); // Block is the default
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FullPolicy {
    /// Wait for room (by the ring's wait strategy): lossless. The default.
    #[default]
    Block,
    /// Drop the record and count it: a log call never waits.
    Drop,
    /// Block for records at least as severe as the given level (e.g. `Warn`
    /// blocks for WARN and ERROR) and drop the more verbose ones.
    BlockAtOrAbove(Level),
}

impl FullPolicy {
    /// Whether a record of `level` waits for room (`true`) or is dropped
    /// (`false`) when the ring is full.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FullPolicy, Level};
    /// assert!(!FullPolicy::Drop.blocks(Level::Error));
    /// ```
    pub fn blocks(self, level: Level) -> bool {
        match self {
            FullPolicy::Block => true,
            FullPolicy::Drop => false,
            FullPolicy::BlockAtOrAbove(min) => level <= min,
        }
    }
}

/// When the writer thread asks the OS to make written data durable
/// (`fsync`, via [`Sink::sync`](crate::log::Sink::sync)).
///
/// Whatever the policy, a successful [`Logger::flush`](crate::log::Logger::flush)
/// under `Every` or `EveryBatch` also syncs, and shutdown syncs once unless
/// the policy is `Never`.
///
/// # Examples
///
/// ```
/// use ringlog::log::FsyncPolicy;
/// use std::time::Duration;
/// let policy = FsyncPolicy::Every(Duration::from_millis(100));
/// assert_ne!(policy, FsyncPolicy::default()); // the default is Never
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// Never fsync: data reaches the OS at the end of each batch, the disk
    /// whenever the OS decides. The default.
    #[default]
    Never,
    /// At most once per interval, when something was written since the last
    /// sync (checked after each batch and on each idle wake-up).
    Every(Duration),
    /// After every batch that wrote something.
    EveryBatch,
}
