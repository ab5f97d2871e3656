//! Opening the live log file: for appending, creating it (with the mode
//! asked for) if missing, and, at start, its parent directories.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// How the sink creates files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileOptions {
    /// Create missing parent directories when the sink starts.
    pub(crate) create_dirs: bool,
    /// The exact permission bits of every file the sink creates (Unix);
    /// `None`: the OS default (`0o666` less the umask).
    pub(crate) mode: Option<u32>,
}

/// Creates the missing parent directories of `path`; the error names the
/// directory.
pub(crate) fn create_parent_dirs(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot create its directory {}: {e}", dir.display()),
            )
        }),
        _ => Ok(()),
    }
}

/// Opens `path` for appending, creating it if missing; a file created here
/// gets exactly `mode` (whatever the umask), an existing one keeps its own.
pub(crate) fn open_append(path: &Path, mode: Option<u32>) -> io::Result<File> {
    let Some(mode) = mode else {
        return OpenOptions::new().create(true).append(true).open(path);
    };
    loop {
        match create_new(path, mode) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            created => return created,
        }
        match OpenOptions::new().append(true).open(path) {
            // Removed between the two calls: create it after all.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            existing => return existing,
        }
    }
}

#[cfg(unix)]
fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = OpenOptions::new()
        .append(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    // `mode` at creation is masked by the umask; set it exactly.
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    Ok(file)
}

#[cfg(not(unix))]
fn create_new(path: &Path, _mode: u32) -> io::Result<File> {
    OpenOptions::new().append(true).create_new(true).open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn creates_with_the_exact_mode_and_keeps_an_existing_files_mode() {
        let dir = crate::log::file::test_dir("open");
        let path = dir.join("a").join("b").join("app.log");
        assert!(open_append(&path, None).is_err());
        create_parent_dirs(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        drop(open_append(&path, Some(0o640)).unwrap());
        assert_eq!(mode(&path), 0o640);
        // 0o666 is wider than the usual umask allows: still exact.
        std::fs::remove_file(&path).unwrap();
        drop(open_append(&path, Some(0o666)).unwrap());
        assert_eq!(mode(&path), 0o666);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        drop(open_append(&path, Some(0o640)).unwrap());
        assert_eq!(mode(&path), 0o600, "an existing file keeps its mode");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_that_cannot_be_created_is_named() {
        let dir = crate::log::file::test_dir("open-dirs");
        std::fs::write(dir.join("file"), "x").unwrap();
        let path = dir.join("file").join("sub").join("app.log");
        let e = create_parent_dirs(&path).unwrap_err();
        assert!(
            e.to_string()
                .contains(&dir.join("file").join("sub").display().to_string()),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
