//! Rotation on the local clock, with the zone read from `TZ`. The zone is
//! the process's, so each case runs this test binary again as a child
//! process (`child_main`) with `TZ` set to a zone whose midnight fell a
//! minute ago: a file last written two minutes ago is from yesterday
//! there, and from today in UTC. (DST-crossing days are unit tests of the
//! period computation with injected zones, in `src/log/file/period.rs`.)

use crate::common::with_deadline;
use crate::log_common::{names_in, temp_dir};
use ringlog::log::{LoggerBuilder, Naming, Rotation};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400;

/// The civil date of day `days` since 1970-01-01 (Hinnant's algorithm).
fn date_of(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The child's side; does nothing unless run by the test below.
#[test]
fn child_main() {
    let (Ok(dir), Ok(stamp), Ok(utc_same_day)) = (
        std::env::var("RINGLOG_TZ_CHILD_DIR"),
        std::env::var("RINGLOG_TZ_EXPECT"),
        std::env::var("RINGLOG_TZ_UTC_SAME_DAY"),
    ) else {
        return;
    };
    let dir = std::path::Path::new(&dir);
    let rotations = |name: &str, rotation: Rotation| {
        let (logger, guard) = LoggerBuilder::new(dir.join(name))
            .rotation(rotation.naming(Naming::Dated))
            .build()
            .unwrap();
        logger.info("app", format_args!("today")).unwrap();
        guard.shutdown().unwrap();
        logger.metrics().rotations
    };
    // Local time: yesterday's file is rotated at the first write, and
    // named with its local date.
    assert_eq!(rotations("local.log", Rotation::daily().local_time()), 1);
    let rotated = dir.join(format!("local.{stamp}.log"));
    assert_eq!(
        std::fs::read_to_string(&rotated).unwrap_or_else(|e| panic!("{rotated:?}: {e}")),
        "yesterday\n"
    );
    // UTC: the same file is from today.
    if utc_same_day == "1" {
        assert_eq!(rotations("utc.log", Rotation::daily()), 0);
    }
}

#[test]
fn daily_rotation_follows_local_midnight_from_tz() {
    with_deadline("tz_local_midnight", 60, || {
        let dir = temp_dir("tz");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        // The offset (east of UTC) that makes now 00:01:00 local time,
        // within -12 h ..= +12 h.
        let mut offset = (60 - now).rem_euclid(DAY);
        if offset > DAY / 2 {
            offset -= DAY;
        }
        // POSIX TZ counts west of UTC as positive.
        let west = -offset;
        let tz = format!(
            "LOC{}{}:{:02}:{:02}",
            if west < 0 { "-" } else { "+" },
            west.abs() / 3600,
            west.abs() / 60 % 60,
            west.abs() % 60
        );
        // Last written two minutes ago: 23:59 local, yesterday.
        let mtime = now - 120;
        let stamp = date_of((mtime + offset).div_euclid(DAY));
        let utc_same_day = mtime.div_euclid(DAY) == now.div_euclid(DAY);
        for name in ["local.log", "utc.log"] {
            let path = dir.join(name);
            std::fs::write(&path, "yesterday\n").unwrap();
            crate::log_common::set_mtime(&path, UNIX_EPOCH + Duration::from_secs(mtime as u64));
        }
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "time_zone::child_main",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("TZ", &tz)
            .env("RINGLOG_TZ_CHILD_DIR", &dir)
            .env("RINGLOG_TZ_EXPECT", &stamp)
            .env(
                "RINGLOG_TZ_UTC_SAME_DAY",
                if utc_same_day { "1" } else { "0" },
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "TZ={tz}, expected local.{stamp}.log; files {:?}\n{}{}",
            names_in(&dir),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The child ran its test (not filtered out by a renamed module).
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(dir.join(format!("local.{stamp}.log")).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn civil_dates() {
    assert_eq!(date_of(0), "1970-01-01");
    assert_eq!(date_of(-1), "1969-12-31");
    assert_eq!(date_of(20_780), "2026-11-23");
    assert_eq!(date_of(11_016), "2000-02-29");
}
