//! Noticing that the open log file is no longer the file at its path
//! (removed, or moved away by logrotate), so the sink can reopen the path.
//!
//! On Unix the open file's `(dev, inode)` (from `fstat`) is compared with the
//! path's (from `stat`); a path that no longer exists, or names another
//! file, means "reopen". An open file with no links left (`nlink == 0`) was
//! removed: a write to it succeeds but the records are gone, so the sink
//! checks this after every write, and rewrites the run to the reopened path
//! (or reports a write error if it cannot reopen). Elsewhere only a missing
//! path is detected.

use std::fs::File;
use std::io;
use std::path::Path;

/// What the path holds, compared with the open file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PathState {
    /// The path names the open file.
    Same,
    /// The path names another file, or nothing: reopen it.
    Replaced,
}

/// Compares the open `file` with what `path` names now.
pub(crate) fn check(file: &File, path: &Path) -> io::Result<PathState> {
    let at_path = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(PathState::Replaced),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let open = file.metadata()?;
        if (open.dev(), open.ino()) != (at_path.dev(), at_path.ino()) {
            return Ok(PathState::Replaced);
        }
    }
    #[cfg(not(unix))]
    let _ = (file, at_path);
    Ok(PathState::Same)
}

/// Whether the open file has been removed (no name left): records written
/// to it are gone. Unknown (false) off Unix.
pub(crate) fn unlinked(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().is_ok_and(|m| m.nlink() == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn detects_removed_and_moved_files() {
        let dir = crate::log::file::test_dir("reopen");
        let path = dir.join("a.log");
        let file = File::create(&path).unwrap();
        assert_eq!(check(&file, &path).unwrap(), PathState::Same);
        assert!(!unlinked(&file));
        std::fs::rename(&path, dir.join("a.log.1")).unwrap();
        assert_eq!(check(&file, &path).unwrap(), PathState::Replaced);
        File::create(&path).unwrap();
        assert_eq!(check(&file, &path).unwrap(), PathState::Replaced);
        std::fs::remove_file(dir.join("a.log.1")).unwrap();
        assert!(unlinked(&file));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
