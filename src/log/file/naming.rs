//! How rotated files are named, found again, and (numbered scheme)
//! renumbered.
//!
//! The live file is always the path given, `app.log`. Rotated files are
//! named by one of two schemes ([`Naming`]):
//!
//! - **Numbered**: `app.log.1` (newest) … `app.log.{keep}` (oldest),
//!   contiguous from 1; each rotation renumbers them ([`make_room`]). With
//!   compression the archives are `app.log.1.gz` …, and a file rotated but
//!   not yet compressed waits as `app.log.pending-{seq}` ([`pending`]).
//! - **Dated**: `app.2026-11-23.log` (the stamp of the period the file
//!   holds, see `super::period`), `app.2026-11-23.1.log`,
//!   `app.2026-11-23.2.log` … if that name is taken (size rotation within a
//!   period, a restart). Never renamed; with compression `….log.gz`. Names
//!   sort in time order: by stamp, then by the number after it.

use super::period::is_stamp;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// How rotated log files are named (see [`Rotation::naming`](crate::log::Rotation::naming)).
///
/// # Examples
///
/// ```
/// use ringlog::log::{Naming, Rotation};
/// let r = Rotation::daily().naming(Naming::Dated); // app.2026-11-23.log, …
/// assert_eq!(Naming::default(), Naming::Numbered);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Naming {
    /// `app.log.1` (newest) … `app.log.{keep}` (oldest), renumbered at each
    /// rotation, as logrotate names them by default.
    #[default]
    Numbered,
    /// `app.2026-11-23.log`: the live file's name with the stamp of the
    /// period its records belong to (in the rotation's time zone) before the
    /// extension, as logrotate's `dateext` and tracing-appender do. Hourly
    /// periods are stamped `2026-11-23T14`, shorter ones `…T14-30` or
    /// `…T14-30-05`; size-only rotation stamps the day the file was opened.
    /// A name already taken gets `.1`, `.2`, … after the stamp.
    Dated,
}

/// The directory holding `live` (`.` for a bare file name).
pub(crate) fn dir_of(live: &Path) -> &Path {
    match live.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `path` with `suffix` appended to its file name.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `app.log` → `app.log.{n}{suffix}`.
pub(crate) fn numbered(live: &Path, n: usize, suffix: &str) -> PathBuf {
    with_suffix(live, &format!(".{n}{suffix}"))
}

/// `app.log` → `app.log.pending-{seq}`: a numbered file rotated, waiting
/// for compression.
pub(crate) fn pending(live: &Path, seq: u64) -> PathBuf {
    with_suffix(live, &format!(".pending-{seq}"))
}

/// The sequence number of a [`pending`] file name of `live`, if it is one.
pub(crate) fn pending_seq(live: &Path, name: &str) -> Option<u64> {
    let base = live.file_name()?.to_str()?;
    name.strip_prefix(base)?
        .strip_prefix(".pending-")?
        .parse()
        .ok()
}

/// `app.log` → (`app.`, `.log`): what comes before and after the stamp.
fn dated_parts(live: &Path) -> Option<(String, String)> {
    let stem = live.file_stem()?.to_str()?;
    let ext = live
        .extension()
        .map_or(Some(String::new()), |e| e.to_str().map(|e| format!(".{e}")))?;
    Some((format!("{stem}."), ext))
}

/// `app.log` → `app.{stamp}.log` (`k` 0) or `app.{stamp}.{k}.log`.
pub(crate) fn dated(live: &Path, stamp: &str, k: u32) -> PathBuf {
    let (before, after) = dated_parts(live).unwrap_or_else(|| ("log.".into(), String::new()));
    let name = match k {
        0 => format!("{before}{stamp}{after}"),
        k => format!("{before}{stamp}.{k}{after}"),
    };
    dir_of(live).join(name)
}

/// The sort key `(stamp, k)` of a [`dated`] name of `live` followed by
/// `suffix` (`""`, `".gz"`, …), if `name` is one.
pub(crate) fn dated_key(live: &Path, name: &str, suffix: &str) -> Option<(String, u32)> {
    let (before, after) = dated_parts(live)?;
    let middle = name
        .strip_suffix(suffix)?
        .strip_suffix(after.as_str())?
        .strip_prefix(before.as_str())?;
    let (stamp, k) = match middle.split_once('.') {
        Some((stamp, k)) => (stamp, k.parse().ok().filter(|&k| k > 0)?),
        None => (middle, 0),
    };
    is_stamp(stamp).then(|| (stamp.to_string(), k))
}

/// What a dated name may be followed by: nothing, an archive's suffix, or
/// a temporary archive's.
const DATED_SUFFIXES: [&str; 5] = ["", ".gz", ".zst", ".gz.tmp", ".zst.tmp"];

/// The dated name for the next file of period `stamp`, and its number `k`:
/// after `last` (the number given last for this stamp), or, with `None`,
/// after the highest number any file of this stamp has in the directory
/// (so a number freed by retention is never given again: names keep
/// sorting in time order). Skips names in use.
///
/// # Errors
///
/// Listing the directory failed (only with `last` `None`).
pub(crate) fn next_dated(
    live: &Path,
    stamp: &str,
    last: Option<u32>,
) -> io::Result<(PathBuf, u32)> {
    let first = match last {
        Some(k) => k + 1,
        None => names_beside(live)?
            .iter()
            .filter_map(|name| {
                DATED_SUFFIXES
                    .iter()
                    .find_map(|suffix| dated_key(live, name, suffix))
                    .filter(|(s, _)| s == stamp)
                    .map(|(_, k)| k + 1)
            })
            .max()
            .unwrap_or(0),
    };
    let taken = |p: &Path| {
        DATED_SUFFIXES
            .iter()
            .any(|s| with_suffix(p, s).symlink_metadata().is_ok())
    };
    let k = (first..)
        .find(|&k| !taken(&dated(live, stamp, k)))
        .expect("an unbounded range has a free name");
    Ok((dated(live, stamp, k), k))
}

/// The file names in the directory of `live`.
pub(crate) fn names_beside(live: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir_of(live))? {
        if let Ok(name) = entry?.file_name().into_string() {
            names.push(name);
        }
    }
    Ok(names)
}

/// The dated files of `live` ending in `suffix`, oldest first.
pub(crate) fn dated_files(live: &Path, suffix: &str) -> io::Result<Vec<PathBuf>> {
    let mut found: Vec<_> = names_beside(live)?
        .into_iter()
        .filter_map(|name| dated_key(live, &name, suffix).map(|key| (key, name)))
        .collect();
    found.sort();
    let dir = dir_of(live);
    Ok(found.into_iter().map(|(_, name)| dir.join(name)).collect())
}

/// The numbered files `app.log.{n}{suffix}` present, contiguous from 1,
/// oldest (highest number) first; probes at most `limit` numbers.
pub(crate) fn numbered_files(live: &Path, suffix: &str, limit: usize) -> Vec<PathBuf> {
    let mut files: Vec<_> = (1..=limit)
        .map(|n| numbered(live, n, suffix))
        .take_while(|p| p.symlink_metadata().is_ok())
        .collect();
    files.reverse();
    files
}

/// Frees `app.log.1{suffix}` by renaming `app.log.{k}{suffix}` to
/// `.{k+1}` for the contiguous files present, top down; with `keep` files
/// present the oldest is overwritten (removed) by the rename of the one
/// below it. Costs `n + 1` metadata calls and `n` renames for `n` files
/// present, however large `keep` is. `keep` must be at least 1.
///
/// Crash-safe in the sense that matters: a crash between two renames leaves
/// a gap where the next call, which only shifts the files below the first
/// gap, fills it.
pub(crate) fn make_room(live: &Path, keep: usize, suffix: &str) -> io::Result<()> {
    let n = numbered_files(live, suffix, keep).len();
    // `.{n}` → `.{n+1}` unless it is the last kept one: then from one below.
    let top = if n == keep { keep - 1 } else { n };
    for k in (1..=top).rev() {
        match std::fs::rename(numbered(live, k, suffix), numbered(live, k + 1, suffix)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_and_pending_names() {
        let live = Path::new("/x/app.log");
        assert_eq!(numbered(live, 3, ""), Path::new("/x/app.log.3"));
        assert_eq!(numbered(live, 3, ".gz"), Path::new("/x/app.log.3.gz"));
        assert_eq!(pending(live, 7), Path::new("/x/app.log.pending-7"));
        assert_eq!(pending_seq(live, "app.log.pending-7"), Some(7));
        assert_eq!(pending_seq(live, "app.log.pending-7.gz.tmp"), None);
        assert_eq!(pending_seq(live, "other.log.pending-7"), None);
    }

    #[test]
    fn dated_names_round_trip() {
        let live = Path::new("/x/app.log");
        assert_eq!(
            dated(live, "2026-11-23", 0),
            Path::new("/x/app.2026-11-23.log")
        );
        assert_eq!(
            dated(live, "2026-11-23T14", 2),
            Path::new("/x/app.2026-11-23T14.2.log")
        );
        let key = |n: &str, s: &str| dated_key(live, n, s);
        assert_eq!(
            key("app.2026-11-23.log", ""),
            Some(("2026-11-23".into(), 0))
        );
        assert_eq!(
            key("app.2026-11-23.2.log.gz", ".gz"),
            Some(("2026-11-23".into(), 2))
        );
        assert_eq!(key("app.2026-11-23.log.gz", ""), None);
        assert_eq!(key("app.2026-11-23.log.gz.tmp", ".gz"), None);
        assert_eq!(key("app.2026-11-23.0.log", ""), None);
        assert_eq!(key("app.log", ""), None);
        assert_eq!(key("app.log.1", ""), None);
        assert_eq!(key("other.2026-11-23.log", ""), None);
        // No extension, and a dotted stem.
        let bare = Path::new("app");
        assert_eq!(dated(bare, "2026-11-23", 0), Path::new("./app.2026-11-23"));
        assert_eq!(
            dated_key(bare, "app.2026-11-23.1", ""),
            Some(("2026-11-23".into(), 1))
        );
        let dotted = Path::new("d/my.app.log");
        assert_eq!(
            dated(dotted, "2026-11-23", 0),
            Path::new("d/my.app.2026-11-23.log")
        );
    }

    #[test]
    fn dated_numbers_only_grow() {
        let dir = crate::log::file::test_dir("dated");
        let live = dir.join("app.log");
        let stamp = "2026-11-23";
        let next = |last| next_dated(&live, stamp, last).unwrap();
        assert_eq!(next(None), (dir.join("app.2026-11-23.log"), 0));
        // 0 and 1 pruned, 2 archived, 3 compressing: the next is 4.
        std::fs::write(dir.join("app.2026-11-23.2.log.gz"), "").unwrap();
        std::fs::write(dir.join("app.2026-11-23.3.log.gz.tmp"), "").unwrap();
        std::fs::write(dir.join("app.2026-11-24.9.log"), "").unwrap();
        assert_eq!(next(None), (dir.join("app.2026-11-23.4.log"), 4));
        assert_eq!(next(Some(4)).1, 5);
        // A name in use is skipped.
        std::fs::write(dir.join("app.2026-11-23.5.log"), "").unwrap();
        assert_eq!(next(Some(4)).1, 6);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn make_room_keeps_at_most_keep_files_in_order() {
        let dir = crate::log::file::test_dir("shift");
        let live = dir.join("a.log");
        let read = |n: usize| std::fs::read_to_string(numbered(&live, n, "")).ok();
        for i in 0..5 {
            std::fs::write(&live, format!("{i}")).unwrap();
            make_room(&live, 3, "").unwrap();
            std::fs::rename(&live, numbered(&live, 1, "")).unwrap();
        }
        assert_eq!(
            [read(1), read(2), read(3), read(4)],
            [Some("4".into()), Some("3".into()), Some("2".into()), None]
        );
        // A gap (a crash between two renames) is filled by the next call.
        std::fs::remove_file(numbered(&live, 2, "")).unwrap();
        make_room(&live, 3, "").unwrap();
        assert_eq!(
            [read(1), read(2), read(3)],
            [None, Some("4".into()), Some("2".into())]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
