//! The file sink: appends each run to a file with one `write`, rotates it
//! ([`Rotation`]) and reopens its path when the file is removed or moved
//! away (`super::reopen`).

use super::reopen::{self, PathState};
use super::rotation::{self, Rotation};
use crate::log::sink::{Sink, SinkEvent};
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A sink appending to a file, with one `write` system call per run (more
/// only if the OS accepts a write partially), optional rotation, and
/// reopening of a file removed or moved away.
///
/// **Names.** The live file is always the path given (`app.log`). With a
/// [`Rotation`], rotated files are `app.log.1` (the newest) up to
/// `app.log.{keep}` (the oldest); see [`Rotation`]. A run is never split
/// between two files.
///
/// **Removed or moved files** (logrotate without `copytruncate`): at most
/// every [`reopen_check`](FileSink::reopen_check) (default 1 s) before a
/// write, and after every failed write, the sink compares the open file with
/// what the path names (device and inode on Unix); if the path is gone or
/// names another file, it opens the path again (creating it). Records
/// written before that went to the moved file, where they stay. A *removed*
/// file is noticed at once: after every write the sink checks (one `fstat`)
/// that the open file still has a name; if not, the run went nowhere, so the
/// sink reopens the path and writes the run again there. If the path cannot
/// be reopened (its directory is gone, say), writes fail (the writer thread
/// counts the records as lost) until it can.
///
/// **Failed writes.** A write that fails after writing part of a run is cut
/// back (the file is truncated to its length before the run) so no partial
/// line stays; then the path is checked and, if reopened, the run is written
/// once more to the new file; otherwise the error is returned (the writer
/// thread counts the run's records as lost).
///
/// Rotation, reopening and truncation apply to regular files only: a
/// character device or pipe (`/dev/stdout`, `/dev/full`) is just written.
///
/// # Examples
///
/// ```
/// use ringlog::log::{FileSink, Sink};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-sink-{}.log", std::process::id()));
/// let mut sink = FileSink::open(&path)?;
/// sink.write_run(b"one\ntwo\n")?;
/// sink.sync()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "one\ntwo\n");
/// assert_eq!(sink.path(), path);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FileSink {
    file: File,
    path: PathBuf,
    /// A regular file (rotation, reopen and truncation apply).
    regular: bool,
    /// Bytes in the live file (its length at open, plus what we wrote).
    size: u64,
    rotation: Rotation,
    /// The rotation period the live file belongs to.
    period: u64,
    reopen_check: Duration,
    last_check: Instant,
    events: VecDeque<SinkEvent>,
}

/// Events kept for [`Sink::poll_event`] at most; older ones are discarded
/// (only a sink used without the writer thread would pile them up).
const MAX_EVENTS: usize = 64;

impl FileSink {
    /// Opens `path` for appending, creating it if needed.
    ///
    /// # Errors
    ///
    /// The I/O error of opening the file (missing directory, permissions, a
    /// directory at `path`, …).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringlog::log::FileSink::open("/nonexistent-dir/x.log").is_err());
    /// ```
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = open_append(&path)?;
        let mut sink = Self {
            file,
            path,
            regular: false,
            size: 0,
            rotation: Rotation::never(),
            period: 0,
            reopen_check: Duration::from_secs(1),
            last_check: Instant::now(),
            events: VecDeque::new(),
        };
        sink.adopt_metadata(true);
        Ok(sink)
    }

    /// Sets when to rotate (see [`Rotation`]).
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] if `rotation` is invalid (a zero size
    /// or period).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FileSink, Rotation};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-rot-{}.log", std::process::id()));
    /// let sink = FileSink::open(&path)?.rotation(Rotation::never().max_bytes(1 << 20).keep(5))?;
    /// assert!(FileSink::open(&path)?.rotation(Rotation::never().max_bytes(0)).is_err());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn rotation(mut self, rotation: Rotation) -> io::Result<Self> {
        rotation
            .check()
            .map_err(|msg| io::Error::new(io::ErrorKind::InvalidInput, msg))?;
        self.rotation = rotation;
        self.adopt_metadata(true);
        Ok(self)
    }

    /// How often (at most) a write first checks that the path still names
    /// the open file; `Duration::ZERO` checks before every write (one `stat`
    /// and one `fstat` each). A failed write always checks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-rc-{}.log", std::process::id()));
    /// let sink = ringlog::log::FileSink::open(&path)?.reopen_check(Duration::from_millis(100));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn reopen_check(mut self, every: Duration) -> Self {
        self.reopen_check = every;
        self
    }

    /// The path the file was opened at.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-path-{}.log", std::process::id()));
    /// let sink = ringlog::log::FileSink::open(&path)?;
    /// assert_eq!(sink.path(), path);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads size, kind and (if `existing`, from the modification time) the
    /// rotation period of the open file.
    fn adopt_metadata(&mut self, existing: bool) {
        let now = SystemTime::now();
        match self.file.metadata() {
            Ok(m) => {
                self.regular = m.is_file();
                self.size = m.len();
                let born = if existing && m.len() > 0 {
                    m.modified().unwrap_or(now)
                } else {
                    now
                };
                self.period = self.rotation.period_of(born);
            }
            Err(_) => {
                self.size = 0;
                self.period = self.rotation.period_of(now);
            }
        }
    }

    fn event(&mut self, event: SinkEvent) {
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// Opens the path again; on failure keeps the open file.
    fn reopen(&mut self) -> io::Result<()> {
        let file = open_append(&self.path)?;
        self.file = file;
        self.adopt_metadata(false);
        self.event(SinkEvent::Reopened);
        Ok(())
    }

    /// Reopens the path if it no longer names the open file; `Ok(true)` if
    /// it did. `Err` if the open file is gone and the path cannot be
    /// reopened: a write now would be lost.
    fn check_path(&mut self) -> io::Result<bool> {
        self.last_check = Instant::now();
        let failed = match reopen::check(&self.file, &self.path) {
            Ok(PathState::Same) => return Ok(false),
            Ok(PathState::Replaced) => match self.reopen() {
                Ok(()) => return Ok(true),
                Err(e) if reopen::unlinked(&self.file) => return Err(e),
                Err(e) => e,
            },
            Err(e) => e,
        };
        self.event(SinkEvent::Failed {
            op: "reopen",
            error: failed,
        });
        Ok(false)
    }

    /// Before writing `incoming` bytes: reopen check, then rotation.
    fn prepare(&mut self, incoming: u64) -> io::Result<()> {
        if !self.regular {
            return Ok(());
        }
        if self.last_check.elapsed() >= self.reopen_check {
            self.check_path()?;
        }
        if self.rotation.is_enabled() {
            let now = self.rotation.period_of(SystemTime::now());
            if self.rotation.due(self.size, incoming, self.period, now) {
                self.rotate();
            }
        }
        Ok(())
    }

    /// Rotates; on failure keeps writing to the live file.
    fn rotate(&mut self) {
        let result = rotation::shift(&self.path, self.rotation.keep).and_then(|()| {
            let file = open_append(&self.path)?;
            self.file = file;
            self.adopt_metadata(false);
            Ok(())
        });
        match result {
            Ok(()) => self.event(SinkEvent::Rotated),
            Err(error) => {
                // Do not retry at every write while the size stays over the
                // limit: wait for the next period (time) or keep trying on
                // size, which is cheap (a failing rename).
                self.period = self.rotation.period_of(SystemTime::now());
                self.event(SinkEvent::Failed {
                    op: "rotate",
                    error,
                });
            }
        }
    }

    /// One attempt to append `bytes`; a partial write is cut back.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut done = 0;
        while done < bytes.len() {
            match self.file.write(&bytes[done..]) {
                Ok(0) => {
                    self.cut_back(done);
                    return Err(io::ErrorKind::WriteZero.into());
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.cut_back(done);
                    return Err(e);
                }
            }
        }
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Removes the `written` bytes of a failed run from the end of the file,
    /// if nobody else appended meanwhile (best effort).
    fn cut_back(&mut self, written: usize) {
        if written == 0 || !self.regular {
            return;
        }
        let end = self.size + written as u64;
        if self.file.metadata().is_ok_and(|m| m.len() == end) {
            let _ = self.file.set_len(self.size);
        }
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl Sink for FileSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.prepare(bytes.len() as u64)?;
        let result = self.append(bytes);
        if !self.regular {
            return result;
        }
        // A file removed before or during the write took the run with it
        // without an error: checked after every write (one `fstat`).
        let removed = reopen::unlinked(&self.file);
        if result.is_ok() && !removed {
            return result;
        }
        // Failed or removed: reopen the path if it names another file (or
        // nothing), and write the run there once more.
        if self.check_path()? {
            return self.append(bytes);
        }
        match result {
            Ok(()) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the log file was removed and its path names no file",
            )),
            Err(e) => Err(e),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        // A `File` buffers nothing in user space.
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    fn poll_event(&mut self) -> Option<SinkEvent> {
        self.events.pop_front()
    }
}
