//! Compression of a rotated file into an archive, crash-safely.
//!
//! A rotated file `F` becomes its archive in three steps, each made durable
//! before the next:
//!
//! 1. `F` is compressed into `F.gz.tmp` (or `.zst.tmp`), which is fsynced
//!    and given `F`'s permissions and modification time;
//! 2. `F` is removed (and the directory fsynced): from here the data lives
//!    only in the complete temporary archive;
//! 3. the temporary archive is renamed to its final name (and the
//!    directory fsynced).
//!
//! So after a crash (or a shutdown in the middle), a temporary archive
//! whose `F` still exists may be half-written: it is removed and `F`
//! compressed again; one whose `F` is gone is complete (step 2 came after
//! its fsync): it is finished by step 3. A temporary archive is never
//! counted as a kept file. (Removing `F` before the rename, rather than
//! after, is what makes the numbered scheme safe: there the final name is
//! `app.log.1.gz` after a renumbering, so a crash between a rename and the
//! removal would leave no way to tell that `F` was already archived.)

use crate::sync::{AtomicBool, Ordering};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How rotated files are compressed (see [`Rotation::compress`](crate::log::Rotation::compress)).
///
/// # Examples
///
/// ```
/// use ringlog::log::{Compression, Rotation};
/// let r = Rotation::daily().keep(30).compress(Compression::Gzip); // app.log.1.gz, …
/// assert_eq!(Compression::default(), Compression::None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Rotated files stay as they are (the default).
    #[default]
    None,
    /// gzip (`.gz`, level 6, through `flate2`'s pure-Rust backend).
    Gzip,
    /// zstd (`.zst`, level 3; feature `zstd`).
    #[cfg(feature = "zstd")]
    #[cfg_attr(docsrs, doc(cfg(feature = "zstd")))]
    Zstd,
}

impl Compression {
    /// The archive's suffix: `""`, `".gz"` or `".zst"`.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Gzip => ".gz",
            #[cfg(feature = "zstd")]
            Self::Zstd => ".zst",
        }
    }
}

/// How much is read and compressed between two looks at the stop flag.
const CHUNK: usize = 64 * 1024;

/// `F` → `F.gz.tmp`: the temporary archive of a rotated file.
pub(crate) fn tmp_of(rotated: &Path, compression: Compression) -> PathBuf {
    super::naming::with_suffix(rotated, &format!("{}.tmp", compression.suffix()))
}

/// The rotated file a temporary archive belongs to (`F.gz.tmp` → `F`).
pub(crate) fn rotated_of(tmp: &Path, compression: Compression) -> Option<PathBuf> {
    let name = tmp.to_str()?;
    let rotated = name
        .strip_suffix(".tmp")?
        .strip_suffix(compression.suffix())?;
    Some(PathBuf::from(rotated))
}

/// Steps 1 and 2: compresses `rotated` into `tmp` (fsynced, with the
/// source's permissions and modification time), then removes `rotated`.
/// Stops between two chunks once `stop` is set, with an
/// [`io::ErrorKind::Interrupted`] error. On any error `tmp` is removed and
/// `rotated` left as it was.
pub(crate) fn compress(
    rotated: &Path,
    tmp: &Path,
    compression: Compression,
    stop: &AtomicBool,
) -> io::Result<()> {
    let result = (|| {
        let mut input = File::open(rotated)?;
        let meta = input.metadata()?;
        let out = encode(&mut input, File::create(tmp)?, compression, stop)?;
        out.set_permissions(meta.permissions())?;
        if let Ok(modified) = meta.modified() {
            out.set_modified(modified)?;
        }
        out.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(tmp);
        return Err(e);
    }
    std::fs::remove_file(rotated)?;
    sync_dir(rotated)
}

/// Step 3: renames the complete `tmp` to `archive`.
pub(crate) fn finish(tmp: &Path, archive: &Path) -> io::Result<()> {
    std::fs::rename(tmp, archive)?;
    sync_dir(archive)
}

/// `input` compressed into `out`.
fn encode(
    input: &mut File,
    out: File,
    compression: Compression,
    stop: &AtomicBool,
) -> io::Result<File> {
    match compression {
        Compression::None => Ok(out),
        Compression::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
            copy(input, &mut gz, stop)?;
            gz.finish()
        }
        #[cfg(feature = "zstd")]
        Compression::Zstd => {
            let mut zst = zstd::stream::write::Encoder::new(out, 3)?;
            copy(input, &mut zst, stop)?;
            zst.finish()
        }
    }
}

fn copy(input: &mut File, out: &mut impl Write, stop: &AtomicBool) -> io::Result<()> {
    let mut buf = vec![0; CHUNK];
    loop {
        // Relaxed: a request to stop; it publishes no data (the sink joins
        // the thread after setting it).
        if stop.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "compression stopped by shutdown",
            ));
        }
        match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => out.write_all(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Makes a rename or removal in the directory of `path` durable (Unix; a
/// no-op elsewhere).
pub(crate) fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(super::naming::dir_of(path))?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compresses_removes_the_source_and_stops_on_request() {
        let dir = crate::log::file::test_dir("compress");
        let rotated = dir.join("app.log.pending-1");
        let text = "a line of the log\n".repeat(10_000);
        std::fs::write(&rotated, &text).unwrap();
        let tmp = tmp_of(&rotated, Compression::Gzip);
        assert_eq!(tmp, dir.join("app.log.pending-1.gz.tmp"));
        assert_eq!(rotated_of(&tmp, Compression::Gzip).unwrap(), rotated);
        // Stopped: nothing changes.
        let stop = AtomicBool::new(true);
        let e = compress(&rotated, &tmp, Compression::Gzip, &stop).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Interrupted);
        assert!(rotated.exists() && !tmp.exists());
        // Not stopped: the archive is complete and the source gone.
        stop.store(false, Ordering::Relaxed);
        compress(&rotated, &tmp, Compression::Gzip, &stop).unwrap();
        assert!(!rotated.exists());
        let archive = dir.join("app.log.1.gz");
        finish(&tmp, &archive).unwrap();
        let mut out = String::new();
        flate2::read::GzDecoder::new(File::open(&archive).unwrap())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
