//! Compression of rotated files: every record once, in order, across the
//! archives; `keep` counts archives; the writer keeps draining while a
//! large file compresses; what a crash leaves is finished or redone at the
//! next start; shutdown does not wait for a compression and loses no
//! rotated file.

use crate::common::with_deadline;
use crate::log_common::{
    check_exactly_once_in_order, files_in_order_with, log_from_threads, names_in, read_log_file,
    temp_dir, wait_for_archives,
};
use ringlog::log::{Compression, LoggerBuilder, Naming, Rotation};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// About `bytes` of log-like lines that do not compress too well (so the
/// compression takes a while), ending in a newline.
fn large_text(bytes: usize) -> String {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = String::with_capacity(bytes + 100);
    let mut i = 0u64;
    while text.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        text.push_str(&format!(
            "2026-11-23T10:00:00.000000000Z INFO  [old#1] big: filler {i} {x:016x}\n"
        ));
        i += 1;
    }
    text
}

/// The dated files of `live` (`app.{stamp}[.{k}].log{suffix}`) in time
/// order (by stamp, then k), then `live`.
fn dated_in_order(live: &Path, suffix: &str) -> Vec<PathBuf> {
    let dir = live.parent().unwrap();
    let mut dated: Vec<((String, u32), PathBuf)> = names_in(dir)
        .into_iter()
        .filter_map(|n| {
            let middle = n
                .strip_prefix("app.")?
                .strip_suffix(&format!(".log{suffix}"))?;
            let (stamp, k) = match middle.split_once('.') {
                Some((stamp, k)) => (stamp.to_string(), k.parse().ok()?),
                None => (middle.to_string(), 0),
            };
            Some(((stamp, k), dir.join(n)))
        })
        .collect();
    dated.sort();
    let mut files: Vec<PathBuf> = dated.into_iter().map(|(_, p)| p).collect();
    files.push(live.to_path_buf());
    files
}

/// Every record once and in order across the archives and the live file,
/// for a compression and naming; returns the archives' names.
fn all_records_survive(compression: Compression, naming: Naming, suffix: &str) -> Vec<String> {
    let dir = temp_dir("compress-all");
    let path = dir.join("app.log");
    let (logger, guard) = LoggerBuilder::new(&path)
        .capacity(64)
        .max_batch(16)
        .rotation(
            Rotation::size(4000)
                .keep(10_000)
                .naming(naming)
                .compress(compression),
        )
        .build()
        .unwrap();
    log_from_threads(&logger, 2, 1500);
    logger.flush().unwrap();
    let rotations = logger.metrics().rotations;
    assert!(rotations > 5, "{:?}", logger.metrics());
    wait_for_archives(&logger, rotations);
    guard.shutdown().unwrap();
    let names = names_in(&dir);
    let mut files = match naming {
        Naming::Numbered => files_in_order_with(&path, suffix),
        _ => dated_in_order(&path, suffix),
    };
    assert_eq!(files.len() as u64, rotations + 1, "{names:?}");
    assert!(
        names.iter().all(|n| n == "app.log" || n.ends_with(suffix)),
        "only archives besides the live file: {names:?}"
    );
    let text: String = files.iter_mut().map(|f| read_log_file(f)).collect();
    assert_eq!(check_exactly_once_in_order(text.lines(), 2, 1500), 3000);
    let m = logger.metrics();
    assert_eq!(
        (m.compressed, m.lost, m.write_errors),
        (rotations, 0, 0),
        "{m:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    names
}

/// Archives of `compression` named by `naming`: every record once, in order,
/// and some archive's name passing `named`.
fn archives_hold_every_record(
    compression: Compression,
    naming: Naming,
    suffix: &'static str,
    named: fn(&str) -> bool,
) {
    with_deadline(&format!("compress{suffix}-{naming:?}"), 60, move || {
        let names = all_records_survive(compression, naming, suffix);
        assert!(names.iter().any(|n| named(n)), "{names:?}");
    });
}

#[test]
fn gzip_archives_hold_every_record_once_in_order() {
    archives_hold_every_record(Compression::Gzip, Naming::Numbered, ".gz", |n| {
        n == "app.log.1.gz"
    });
}

#[test]
fn dated_gzip_archives_hold_every_record_once_in_order() {
    // app.YYYY-MM-DD.log.gz, app.YYYY-MM-DD.1.log.gz, …
    archives_hold_every_record(Compression::Gzip, Naming::Dated, ".gz", |n| {
        n.len() == "app.2026-11-23.log.gz".len()
    });
}

#[cfg(feature = "zstd")]
#[test]
fn zstd_archives_hold_every_record_once_in_order() {
    archives_hold_every_record(Compression::Zstd, Naming::Numbered, ".zst", |n| {
        n == "app.log.1.zst"
    });
}

#[test]
fn keep_counts_archives() {
    with_deadline("compress_keep", 60, || {
        for naming in [Naming::Numbered, Naming::Dated] {
            let dir = temp_dir("compress-keep");
            let path = dir.join("app.log");
            // The setup of `all_records_survive`, on purpose spelled out again:
            // a smaller ring and file size, and `keep(3)` under test.
            let (logger, guard) = LoggerBuilder::new(&path)
                .capacity(16)
                .max_batch(4)
                .rotation(
                    Rotation::size(1000)
                        .keep(3)
                        .naming(naming)
                        .compress(Compression::Gzip),
                )
                .build()
                .unwrap();
            for i in 0..600 {
                logger.info("keep", format_args!("{i}")).unwrap();
            }
            logger.flush().unwrap();
            let rotations = logger.metrics().rotations;
            assert!(rotations > 3);
            wait_for_archives(&logger, rotations);
            guard.shutdown().unwrap();
            let names = names_in(&dir);
            let archives: Vec<_> = names.iter().filter(|n| n.ends_with(".gz")).collect();
            assert_eq!(archives.len(), 3, "{naming:?}: {names:?}");
            assert_eq!(names.len(), 4, "archives and the live file only: {names:?}");
            // The newest records are kept, contiguous up to the last.
            let mut archives: Vec<PathBuf> = match naming {
                Naming::Numbered => files_in_order_with(&path, ".gz"),
                _ => dated_in_order(&path, ".gz"),
            };
            let numbers: Vec<u64> = archives
                .iter_mut()
                .flat_map(|f| {
                    read_log_file(f)
                        .lines()
                        .map(|l| crate::log_common::parse_line(l).msg.parse().unwrap())
                        .collect::<Vec<u64>>()
                })
                .collect();
            assert_eq!(*numbers.last().unwrap(), 599);
            let first = numbers[0];
            assert!(first > 0);
            assert_eq!(numbers, (first..600).collect::<Vec<_>>(), "{naming:?}");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    });
}

/// A large live file is rotated at the first write; while it compresses,
/// log calls and flushes go on with small latency. If the compression ran
/// on the writer thread, the first flush would wait for all of it and no
/// flush would complete while it runs.
#[test]
fn the_writer_keeps_draining_while_a_large_file_compresses() {
    with_deadline("compress_drains", 60, || {
        let dir = temp_dir("compress-drain");
        let path = dir.join("app.log");
        let planted = large_text(16 << 20);
        std::fs::write(&path, &planted).unwrap();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::size(1 << 20).compress(Compression::Gzip))
            .build()
            .unwrap();
        let mut during = Vec::new();
        let mut i = 0;
        let started = Instant::now();
        loop {
            let t = Instant::now();
            logger.info("soak", format_args!("t0 {i}")).unwrap();
            logger.flush().unwrap();
            let latency = t.elapsed();
            i += 1;
            if logger.metrics().compressed > 0 || started.elapsed() > Duration::from_secs(30) {
                break;
            }
            // The compression was not reported done after this flush.
            during.push(latency);
            std::thread::sleep(Duration::from_millis(2));
        }
        let compress_time = started.elapsed();
        wait_for_archives(&logger, 1);
        guard.shutdown().unwrap();
        during.sort();
        let max = during.last().copied().unwrap_or_default();
        eprintln!(
            "compression of {} MB took ~{compress_time:?}; {} flushes meanwhile, median {:?}, max {max:?}",
            planted.len() >> 20,
            during.len(),
            during.get(during.len() / 2).copied().unwrap_or_default(),
        );
        assert!(
            during.len() >= 5,
            "only {} flushes completed while the file compressed ({compress_time:?})",
            during.len()
        );
        assert!(
            max < Duration::from_millis(500),
            "a flush took {max:?} during compression"
        );
        assert_eq!(read_log_file(&with_suffix(&path, ".1.gz")), planted);
        let live = std::fs::read_to_string(&path).unwrap();
        assert_eq!(check_exactly_once_in_order(live.lines(), 1, i), i);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// As a crash leaves them: a half-written temporary archive next to its
/// rotated file, and a complete one whose rotated file is already gone.
#[test]
fn crash_leftovers_are_redone_or_finished_at_start() {
    with_deadline("compress_recover", 60, || {
        // Numbered.
        let dir = temp_dir("compress-recover");
        let path = dir.join("app.log");
        std::fs::write(with_suffix(&path, ".1.gz"), gzip("old\n")).unwrap();
        std::fs::write(with_suffix(&path, ".pending-2.gz.tmp"), gzip("two\n")).unwrap();
        std::fs::write(with_suffix(&path, ".pending-3"), "three\n").unwrap();
        let half = &gzip("three\n")[..10];
        std::fs::write(with_suffix(&path, ".pending-3.gz.tmp"), half).unwrap();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::size(1 << 20).compress(Compression::Gzip))
            .build()
            .unwrap();
        wait_for_archives(&logger, 2);
        guard.shutdown().unwrap();
        assert_eq!(
            names_in(&dir),
            ["app.log", "app.log.1.gz", "app.log.2.gz", "app.log.3.gz"]
        );
        let read = |n: usize| read_log_file(&with_suffix(&path, &format!(".{n}.gz")));
        assert_eq!([read(1), read(2), read(3)], ["three\n", "two\n", "old\n"]);
        std::fs::remove_dir_all(&dir).unwrap();

        // Dated.
        let dir = temp_dir("compress-recover-dated");
        let path = dir.join("app.log");
        let name = |n: &str| dir.join(n);
        std::fs::write(name("app.2026-11-21.log.gz"), gzip("21\n")).unwrap();
        std::fs::write(name("app.2026-11-22.log.gz.tmp"), gzip("22\n")).unwrap();
        std::fs::write(name("app.2026-11-23.log"), "23\n").unwrap();
        std::fs::write(name("app.2026-11-23.log.gz.tmp"), half).unwrap();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(
                Rotation::daily()
                    .naming(Naming::Dated)
                    .compress(Compression::Gzip),
            )
            .build()
            .unwrap();
        wait_for_archives(&logger, 2);
        guard.shutdown().unwrap();
        assert_eq!(
            names_in(&dir),
            [
                "app.2026-11-21.log.gz",
                "app.2026-11-22.log.gz",
                "app.2026-11-23.log.gz",
                "app.log"
            ]
        );
        assert_eq!(read_log_file(&name("app.2026-11-22.log.gz")), "22\n");
        assert_eq!(read_log_file(&name("app.2026-11-23.log.gz")), "23\n");
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// Shutdown stops a compression at once: the rotated file stays,
/// uncompressed, with no temporary archive, and the next start compresses
/// it. (The file takes far longer to compress than the few milliseconds
/// between the rotation and the shutdown, so a shutdown that waited for
/// the compression would leave the archive instead.)
#[test]
fn shutdown_does_not_wait_for_compression_and_loses_no_rotated_file() {
    with_deadline("compress_shutdown", 60, || {
        let dir = temp_dir("compress-shutdown");
        let path = dir.join("app.log");
        let planted = large_text(16 << 20);
        std::fs::write(&path, &planted).unwrap();
        let rotation = Rotation::size(1 << 20).compress(Compression::Gzip);
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(rotation)
            .build()
            .unwrap();
        logger.info("soak", format_args!("t0 0")).unwrap();
        logger.flush().unwrap(); // rotated: the compression starts
        let t = Instant::now();
        guard.shutdown().unwrap();
        let shutdown = t.elapsed();
        // Whole, and no temporary archive.
        assert_eq!(
            names_in(&dir),
            ["app.log", "app.log.pending-1"],
            "{shutdown:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("app.log.pending-1")).unwrap(),
            planted
        );
        // The next start compresses what was left.
        let t = Instant::now();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(rotation)
            .build()
            .unwrap();
        wait_for_archives(&logger, 1);
        let compression = t.elapsed();
        guard.shutdown().unwrap();
        eprintln!("shutdown took {shutdown:?}; the compression at the next start {compression:?}");
        assert_eq!(names_in(&dir), ["app.log", "app.log.1.gz"]);
        assert_eq!(read_log_file(&with_suffix(&path, ".1.gz")), planted);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
