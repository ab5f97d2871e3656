//! Rotation periods on the clock of a time zone: which period an instant
//! falls in, and the date stamp that names a period (dated file names).
//!
//! Periods are counted in *civil* seconds: the seconds since
//! `1970-01-01T00:00` on the zone's wall clock (`unix + offset`, the offset
//! from the tz database through `jiff`). A period of `p` seconds is
//! `floor(civil / p)`, so a daily period is one calendar day of the zone
//! whatever its length (23 or 25 hours across a DST change), and an hourly
//! period one hour of the wall clock. When the clocks go back, the repeated
//! wall-clock hour continues the period it repeats (a 2-hour hourly period
//! holding both); the hour skipped when they go forward has no period. In
//! UTC (the default) the offset is 0 and periods are aligned to the Unix
//! epoch.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::time::{SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400;

/// The periods of a rotation, in UTC or in a time zone.
#[derive(Clone, Debug)]
pub(crate) struct Periods {
    /// The period in seconds; `None`: no time rotation (size only).
    secs: Option<u64>,
    /// `None`: UTC (no offset to look up).
    zone: Option<TimeZone>,
}

impl Periods {
    /// Periods of `secs` seconds in UTC.
    pub(crate) fn utc(secs: Option<u64>) -> Self {
        Self { secs, zone: None }
    }

    /// Periods of `secs` seconds on the clock of `zone`.
    pub(crate) fn in_zone(secs: Option<u64>, zone: TimeZone) -> Self {
        Self {
            secs,
            zone: Some(zone),
        }
    }

    /// Periods on the system's local clock: `TZ`, else `/etc/localtime`
    /// (else UTC, as libc does), read once, now.
    pub(crate) fn local(secs: Option<u64>) -> Self {
        Self::in_zone(secs, TimeZone::system())
    }

    /// Seconds since `1970-01-01T00:00` on the zone's clock.
    fn civil_secs(&self, time: SystemTime) -> i64 {
        let unix = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
        match &self.zone {
            None => unix,
            Some(zone) => {
                let offset = Timestamp::from_second(unix)
                    .map_or(0, |ts| i64::from(zone.to_offset(ts).seconds()));
                unix + offset
            }
        }
    }

    /// The period `time` falls in (0 when time rotation is off).
    pub(crate) fn of(&self, time: SystemTime) -> i64 {
        match self.secs {
            Some(p) if p > 0 => self
                .civil_secs(time)
                .div_euclid(i64::try_from(p).unwrap_or(i64::MAX)),
            _ => 0,
        }
    }

    /// The stamp naming the period that a file opened at `opened` belongs
    /// to: its start on the zone's clock, `2026-11-23` for periods of whole
    /// days (and for size-only rotation: the day the file was opened),
    /// `2026-11-23T14` for whole hours, `2026-11-23T14-30` for whole
    /// minutes, `2026-11-23T14-30-05` otherwise. No `:`, so the names are
    /// valid everywhere; they sort in time order.
    pub(crate) fn stamp(&self, opened: SystemTime) -> String {
        let civil = self.civil_secs(opened);
        let (start, unit) = match self.secs {
            Some(p) if p > 0 => {
                let p = i64::try_from(p).unwrap_or(i64::MAX);
                let unit = [DAY, 3600, 60, 1]
                    .into_iter()
                    .find(|u| p % u == 0)
                    .unwrap_or(1);
                (civil.div_euclid(p).saturating_mul(p), unit)
            }
            _ => (civil.div_euclid(DAY) * DAY, DAY),
        };
        // Civil seconds are counted like UTC seconds: read the fields of the
        // wall-clock time as if it were a UTC instant.
        let t = Timestamp::from_second(start)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(TimeZone::UTC)
            .datetime();
        let date = format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day());
        match unit {
            DAY => date,
            3600 => format!("{date}T{:02}", t.hour()),
            60 => format!("{date}T{:02}-{:02}", t.hour(), t.minute()),
            _ => format!("{date}T{:02}-{:02}-{:02}", t.hour(), t.minute(), t.second()),
        }
    }
}

/// Whether `s` is a stamp as [`Periods::stamp`] writes them.
pub(crate) fn is_stamp(s: &str) -> bool {
    // YYYY-MM-DD, then optionally THH, -MM, -SS.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-';
    if !date || !digits(8..10) {
        return false;
    }
    match b.len() {
        10 => true,
        13 => b[10] == b'T' && digits(11..13),
        16 | 19 => {
            b[10] == b'T'
                && digits(11..13)
                && b[13] == b'-'
                && digits(14..16)
                && (b.len() == 16 || (b[16] == b'-' && digits(17..19)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(unix: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix as u64)
    }

    fn unix(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    /// US Eastern by its POSIX rule (no tz database needed): EST -5, EDT -4,
    /// from the second Sunday of March to the first Sunday of November.
    fn eastern() -> TimeZone {
        TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap()
    }

    #[test]
    fn utc_periods_are_epoch_aligned() {
        let hourly = Periods::utc(Some(3600));
        assert_eq!(hourly.of(at(3599)), 0);
        assert_eq!(hourly.of(at(3600)), 1);
        let daily = Periods::utc(Some(86_400));
        assert_eq!(daily.of(at(86_399)), 0);
        assert_eq!(daily.of(at(86_400)), 1);
        assert_eq!(Periods::utc(None).of(at(1 << 40)), 0);
        assert_eq!(daily.stamp(at(unix("2026-11-23T23:59:59Z"))), "2026-11-23");
        assert_eq!(
            hourly.stamp(at(unix("2026-11-23T14:59:59Z"))),
            "2026-11-23T14"
        );
        let quarter = Periods::utc(Some(900));
        assert_eq!(
            quarter.stamp(at(unix("2026-11-23T14:44:59Z"))),
            "2026-11-23T14-30"
        );
        let odd = Periods::utc(Some(45));
        assert_eq!(
            odd.stamp(at(unix("2026-11-23T00:00:50Z"))),
            "2026-11-23T00-00-45"
        );
        assert_eq!(
            Periods::utc(None).stamp(at(unix("2026-11-23T14:00:00Z"))),
            "2026-11-23"
        );
    }

    #[test]
    fn a_local_day_starts_at_local_midnight() {
        // A fixed offset, no DST: UTC+05:30.
        let india = Periods::in_zone(Some(86_400), TimeZone::posix("IST-5:30").unwrap());
        // 18:29:59 UTC is 23:59:59 IST; 18:30 UTC is the next IST day.
        let before = at(unix("2026-11-23T18:29:59Z"));
        let after = at(unix("2026-11-23T18:30:00Z"));
        assert_eq!(india.of(after), india.of(before) + 1);
        assert_eq!(india.stamp(before), "2026-11-23");
        assert_eq!(india.stamp(after), "2026-11-24");
        // In UTC both are the same day.
        let utc = Periods::utc(Some(86_400));
        assert_eq!(utc.of(before), utc.of(after));
        // Local hours are on the local hour: :30 UTC.
        let hourly = Periods::in_zone(Some(3600), TimeZone::posix("IST-5:30").unwrap());
        assert_ne!(
            hourly.of(at(unix("2026-11-23T18:29:59Z"))),
            hourly.of(at(unix("2026-11-23T18:30:00Z")))
        );
        assert_eq!(
            hourly.of(at(unix("2026-11-23T18:00:00Z"))),
            hourly.of(at(unix("2026-11-23T18:29:59Z")))
        );
    }

    #[test]
    fn dst_days_are_calendar_days_of_23_and_25_hours() {
        let daily = Periods::in_zone(Some(86_400), eastern());
        // 2026-03-08 (spring forward at 02:00 EST): 00:00 EST = 05:00 UTC,
        // next midnight 00:00 EDT = 04:00 UTC on the 9th: 23 hours.
        let start = unix("2026-03-08T05:00:00Z");
        let end = unix("2026-03-09T04:00:00Z");
        assert_eq!(end - start, 23 * 3600);
        assert_eq!(daily.of(at(start - 1)) + 1, daily.of(at(start)));
        assert_eq!(daily.of(at(start)), daily.of(at(end - 1)));
        assert_eq!(daily.of(at(end - 1)) + 1, daily.of(at(end)));
        assert_eq!(daily.stamp(at(end - 1)), "2026-03-08");
        // 2026-11-01 (fall back at 02:00 EDT): 04:00 UTC to 05:00 UTC on
        // the 2nd: 25 hours.
        let start = unix("2026-11-01T04:00:00Z");
        let end = unix("2026-11-02T05:00:00Z");
        assert_eq!(end - start, 25 * 3600);
        assert_eq!(daily.of(at(start - 1)) + 1, daily.of(at(start)));
        assert_eq!(daily.of(at(start)), daily.of(at(end - 1)));
        assert_eq!(daily.of(at(end - 1)) + 1, daily.of(at(end)));
        assert_eq!(daily.stamp(at(end - 1)), "2026-11-01");
        // A DST-free day in the same zone: 24 hours.
        let start = unix("2026-06-10T04:00:00Z");
        assert_eq!(daily.of(at(start - 1)) + 1, daily.of(at(start)));
        assert_eq!(daily.of(at(start + DAY - 1)), daily.of(at(start)));
        assert_eq!(daily.of(at(start + DAY)), daily.of(at(start)) + 1);
    }

    #[test]
    fn hourly_periods_across_dst() {
        let hourly = Periods::in_zone(Some(3600), eastern());
        // Spring forward: 01:59:59 EST (06:59:59 UTC) is followed by
        // 03:00 EDT (07:00 UTC): the next period, stamped T03.
        let last = at(unix("2026-03-08T06:59:59Z"));
        let next = at(unix("2026-03-08T07:00:00Z"));
        assert_eq!(hourly.stamp(last), "2026-03-08T01");
        assert_eq!(hourly.stamp(next), "2026-03-08T03");
        assert_ne!(hourly.of(last), hourly.of(next));
        // Fall back: 01:00-01:59 EDT (05:00-05:59 UTC) and 01:00-01:59 EST
        // (06:00-06:59 UTC) are one period; 02:00 EST starts the next.
        let first = hourly.of(at(unix("2026-11-01T05:00:00Z")));
        assert_eq!(hourly.of(at(unix("2026-11-01T06:59:59Z"))), first);
        assert_eq!(hourly.of(at(unix("2026-11-01T07:00:00Z"))), first + 1);
        assert_eq!(
            hourly.stamp(at(unix("2026-11-01T06:30:00Z"))),
            "2026-11-01T01"
        );
    }

    #[test]
    fn stamps_are_recognised() {
        for s in [
            "2026-11-23",
            "2026-11-23T14",
            "2026-11-23T14-30",
            "2026-11-23T14-30-05",
        ] {
            assert!(is_stamp(s), "{s}");
        }
        for s in [
            "2026-11-2",
            "2026-11-23T1",
            "2026-11-23T14:30",
            "2026-11-23x",
            "pending-1",
            "",
        ] {
            assert!(!is_stamp(s), "{s}");
        }
    }
}
