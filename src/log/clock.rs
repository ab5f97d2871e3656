//! The records' clock: a cheap raw reading on the caller, wall time on the
//! writer thread.
//!
//! A log call stamps its record with [`raw`]: the CPU's time-stamp counter
//! through `quanta` (an `rdtsc`, ~16 ns here against ~55 ns for
//! `SystemTime::now()`; `quanta` falls back to the monotonic clock where the
//! counter is not invariant). The writer thread turns stamps into
//! nanoseconds since the Unix epoch with a [`WallClock`]: an anchor pair
//! (raw reading, `SystemTime`) taken at the same moment, plus the scaled
//! distance from it. The anchor is taken again every [`REFRESH`], so the
//! wall time follows the system clock (NTP slews, steps) and the counter's
//! calibration error cannot build up; a refresh that moves times backwards
//! is absorbed by the writer's clamp (times in the file never decrease).

use super::record::now_ns;
use std::sync::OnceLock;

/// How often the writer thread takes a new anchor.
pub(crate) const REFRESH_NS: u64 = 1_000_000_000;

static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();

/// The process's clock, calibrated once, on first use: a few milliseconds,
/// paid by the first logger's builder (its writer's [`WallClock::new`]), not
/// by a log call.
#[inline]
fn clock() -> &'static quanta::Clock {
    CLOCK.get_or_init(quanta::Clock::new)
}

/// The raw clock reading a record is stamped with (caller side).
#[inline]
pub(crate) fn raw() -> u64 {
    clock().raw()
}

/// Nanoseconds from raw reading `from` to `to` (0 if `to` is not later).
fn delta_ns(from: u64, to: u64) -> u64 {
    clock().delta_as_nanos(from, to)
}

/// Converts raw readings into wall time (writer side).
#[derive(Debug)]
pub(crate) struct WallClock {
    /// The raw reading of the anchor.
    raw: u64,
    /// Nanoseconds since the Unix epoch at the anchor.
    wall_ns: u64,
    /// Readings are nanoseconds already (the writer's unit tests).
    #[cfg(test)]
    identity: bool,
}

impl WallClock {
    /// A clock anchored now.
    pub(crate) fn new() -> Self {
        let mut clock = Self {
            raw: 0,
            wall_ns: 0,
            #[cfg(test)]
            identity: false,
        };
        clock.anchor();
        clock
    }

    /// A clock whose raw readings are wall nanoseconds (unit tests give
    /// records wall times directly).
    #[cfg(test)]
    pub(crate) fn identity() -> Self {
        Self {
            raw: 0,
            wall_ns: 0,
            identity: true,
        }
    }

    /// Takes a new anchor: the system time, paired with the midpoint of raw
    /// readings just before and after it.
    fn anchor(&mut self) {
        let before = raw();
        let wall_ns = now_ns();
        let after = raw();
        self.raw = before.wrapping_add(after.wrapping_sub(before) / 2);
        self.wall_ns = wall_ns;
    }

    /// Takes a new anchor if the current one is [`REFRESH_NS`] old.
    pub(crate) fn refresh_if_due(&mut self) {
        #[cfg(test)]
        if self.identity {
            return;
        }
        if delta_ns(self.raw, raw()) >= REFRESH_NS {
            self.anchor();
        }
    }

    /// Nanoseconds since the Unix epoch at raw reading `raw` (which may be
    /// before the anchor: a record stamped before the last refresh).
    pub(crate) fn wall_ns(&self, raw: u64) -> u64 {
        #[cfg(test)]
        if self.identity {
            return raw;
        }
        if raw >= self.raw {
            self.wall_ns.saturating_add(delta_ns(self.raw, raw))
        } else {
            self.wall_ns.saturating_sub(delta_ns(raw, self.raw))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn converted_stamps_track_the_system_clock() {
        let mut clock = WallClock::new();
        let before = now_ns();
        let stamp = raw();
        let after = now_ns();
        let wall = clock.wall_ns(stamp);
        // Within 5 ms of the system clock around it (the calibration error
        // over this short distance is far smaller; the slack is scheduling).
        let slack = 5_000_000;
        assert!(
            wall + slack >= before && wall <= after + slack,
            "{before} <= {wall} <= {after}"
        );
        // Later stamps convert to later times, also across a refresh; a
        // stamp taken before the anchor converts to a time before it.
        std::thread::sleep(Duration::from_millis(2));
        let later = raw();
        assert!(clock.wall_ns(later) > wall);
        clock.anchor();
        assert!(clock.wall_ns(stamp) < clock.wall_ns(later));
        assert!(clock.wall_ns(stamp) + slack >= before);
    }
}
