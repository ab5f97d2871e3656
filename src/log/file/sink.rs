//! The file sink: appends each run to a file with one `write`, rotates it
//! ([`Rotation`]) and reopens its path when the file is removed or moved
//! away (`super::reopen`). Rotated files are renumbered here (numbered,
//! uncompressed) or handed to the archiver thread (`super::archiver`).

use super::archiver::{Archiver, Job, Plan};
use super::compress::Compression;
use super::naming::{self, Naming};
use super::open::{self, FileOptions};
use super::period::Periods;
use super::reopen::{self, PathState};
use super::rotation::Rotation;
use crate::log::sink::{Sink, SinkEvent};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A sink appending to a file, with one `write` system call per run (more
/// only if the OS accepts a write partially), optional rotation, and
/// reopening of a file removed or moved away.
///
/// **Names.** The live file is always the path given (`app.log`). With a
/// [`Rotation`], rotated files are `app.log.1` (the newest) up to
/// `app.log.{keep}` (the oldest), or dated, `app.2026-11-23.log`
/// ([`Naming`](crate::log::Naming)). A run is never split between two files.
///
/// **Compression** ([`Rotation::compress`]): the writer only renames the
/// live file (numbered: to `app.log.pending-{n}`; dated: to its dated name)
/// and opens a new one; a thread of the sink compresses the rotated file to
/// `….gz.tmp`, fsyncs it, removes the rotated file, and renames the archive
/// to its final name (`app.log.1.gz` after renumbering the others, or
/// `app.2026-11-23.log.gz`), then removes archives beyond
/// [`keep`](Rotation::keep) and [`max_age`](Rotation::max_age). `keep`
/// counts archives; files awaiting compression and temporary archives are
/// not counted. Each archive is reported as
/// [`SinkEvent::Compressed`](crate::log::SinkEvent::Compressed).
/// *Crash or shutdown:* dropping the sink (the logger's shutdown) does not
/// wait for compression: the file compressing and those queued stay
/// uncompressed and are compressed when a sink next starts on the same
/// path, which also removes half-written temporary archives and finishes
/// complete ones. No rotated file is lost.
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
    options: FileOptions,
    /// A regular file (rotation, reopen and truncation apply).
    regular: bool,
    /// Bytes in the live file (its length at open, plus what we wrote;
    /// re-read before a size rotation, as someone may have truncated it).
    size: u64,
    rotation: Rotation,
    periods: Periods,
    /// The rotation period the live file belongs to.
    period: i64,
    /// When the live file was started (its mtime if it existed): the time
    /// its dated name is stamped with.
    opened: SystemTime,
    reopen_check: Duration,
    last_check: Instant,
    events: VecDeque<SinkEvent>,
    /// Compresses, names and prunes rotated files (compressed or dated).
    archiver: Option<Archiver>,
    /// The next `app.log.pending-{n}` (numbered, compressed).
    next_pending: u64,
    /// The stamp and number of the last dated name given.
    last_dated: Option<(String, u32)>,
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
        Self::open_with(path.as_ref(), FileOptions::default())
    }

    /// Opens `path` as [`open`](FileSink::open) does, creating its missing
    /// parent directories first if asked, and every file it creates (now,
    /// at rotation, at reopen) with `options.mode`.
    pub(crate) fn open_with(path: &Path, options: FileOptions) -> io::Result<Self> {
        if options.create_dirs {
            open::create_parent_dirs(path)?;
        }
        let file = open::open_append(path, options.mode)?;
        let mut sink = Self {
            file,
            path: path.to_path_buf(),
            options,
            regular: false,
            size: 0,
            rotation: Rotation::never(),
            periods: Periods::utc(None),
            period: 0,
            opened: SystemTime::now(),
            reopen_check: Duration::from_secs(1),
            last_check: Instant::now(),
            events: VecDeque::new(),
            archiver: None,
            next_pending: 1,
            last_dated: None,
        };
        sink.adopt_metadata(true);
        Ok(sink)
    }

    /// Sets when to rotate and what becomes of rotated files (see
    /// [`Rotation`]). With compression or dated names, this starts the
    /// sink's archiver thread, after it has dealt with what an earlier run
    /// left (files awaiting compression, temporary archives) and pruned old
    /// archives.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] if `rotation` is invalid (a zero size,
    /// period or age); the error of listing the directory, removing a
    /// half-written archive or starting the thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FileSink, Rotation};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-rot-{}.log", std::process::id()));
    /// let sink = FileSink::open(&path)?.rotation(Rotation::size(1 << 20).keep(5))?;
    /// assert!(FileSink::open(&path)?.rotation(Rotation::size(0)).is_err());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn rotation(mut self, rotation: Rotation) -> io::Result<Self> {
        rotation
            .check()
            .map_err(|msg| io::Error::new(io::ErrorKind::InvalidInput, msg))?;
        self.rotation = rotation;
        self.periods = rotation.periods();
        self.adopt_metadata(true);
        self.archiver = None; // stops one started before
        if rotation.is_enabled() {
            let plan = self.plan();
            if plan.needs_archiver() {
                let (archiver, next_pending) = Archiver::start(plan)?;
                self.archiver = Some(archiver);
                self.next_pending = next_pending;
            } else if let Err(error) = self.prune_numbered() {
                self.event(SinkEvent::Failed { op: "prune", error });
            }
        }
        Ok(self)
    }

    fn plan(&self) -> Plan {
        Plan {
            live: self.path.clone(),
            naming: self.rotation.naming,
            compression: self.rotation.compression,
            retention: self.rotation.retention(),
        }
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
    /// start and rotation period of the open file.
    fn adopt_metadata(&mut self, existing: bool) {
        let now = SystemTime::now();
        self.opened = now;
        match self.file.metadata() {
            Ok(m) => {
                self.regular = m.is_file();
                self.size = m.len();
                if existing && m.len() > 0 {
                    self.opened = m.modified().unwrap_or(now);
                }
            }
            Err(_) => self.size = 0,
        }
        self.period = self.periods.of(self.opened);
    }

    fn event(&mut self, event: SinkEvent) {
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// Opens the path again; on failure keeps the open file.
    fn reopen(&mut self) -> io::Result<()> {
        let file = open::open_append(&self.path, self.options.mode)?;
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
        if !self.rotation.is_enabled() {
            return Ok(());
        }
        if self.rotation.over_size(self.size, incoming) {
            // Someone may have truncated the file (logrotate's
            // `copytruncate`): trust its length, not our count (one `fstat`,
            // only when a size rotation is near).
            if let Ok(m) = self.file.metadata() {
                self.size = m.len();
            }
        }
        let now = self.periods.of(SystemTime::now());
        if self.rotation.due(self.size, incoming, self.period, now) {
            self.rotate();
        }
        Ok(())
    }

    /// Rotates; on failure keeps writing to the live file.
    fn rotate(&mut self) {
        let result = self.move_live_away().and_then(|job| {
            let file = open::open_append(&self.path, self.options.mode)?;
            self.file = file;
            self.adopt_metadata(false);
            Ok(job)
        });
        match result {
            Ok(job) => {
                self.event(SinkEvent::Rotated);
                let sent = job.map_or(Ok(()), |job| match &self.archiver {
                    Some(archiver) => archiver.send(job),
                    None => Ok(()),
                });
                if let Err(error) = sent {
                    self.event(SinkEvent::Failed {
                        op: "compress",
                        error,
                    });
                }
            }
            Err(error) => {
                // Do not retry at every write while the size stays over the
                // limit: wait for the next period (time) or keep trying on
                // size, which is cheap (a failing rename).
                self.period = self.periods.of(SystemTime::now());
                self.event(SinkEvent::Failed {
                    op: "rotate",
                    error,
                });
            }
        }
    }

    /// Moves the live file out of the way (the caller opens a new one):
    /// renumbers the rotated files and renames it to `app.log.1`, or
    /// renames it for the archiver (returning its job), or removes it
    /// (`keep` 0).
    fn move_live_away(&mut self) -> io::Result<Option<Job>> {
        let live = &self.path;
        let keep = self.rotation.keep;
        if keep == 0 {
            std::fs::remove_file(live)?;
            return Ok(None);
        }
        let rotated = match (self.rotation.naming, self.rotation.compression) {
            (Naming::Numbered, Compression::None) => {
                naming::make_room(live, keep, "")?;
                std::fs::rename(live, naming::numbered(live, 1, ""))?;
                // `make_room` kept the count; only age is left to check.
                if self.rotation.max_age.is_some() {
                    if let Err(error) = self.prune_numbered() {
                        self.event(SinkEvent::Failed { op: "prune", error });
                    }
                }
                return Ok(None);
            }
            (Naming::Numbered, _) => {
                let pending = naming::pending(live, self.next_pending);
                self.next_pending += 1;
                pending
            }
            (Naming::Dated, _) => {
                let stamp = self.periods.stamp(self.opened);
                let last = match &self.last_dated {
                    Some((s, k)) if *s == stamp => Some(*k),
                    _ => None,
                };
                let (name, k) = naming::next_dated(live, &stamp, last)?;
                self.last_dated = Some((stamp, k));
                name
            }
        };
        std::fs::rename(live, &rotated)?;
        Ok(Some(Job::Rotated(rotated)))
    }

    /// Removes numbered (uncompressed) rotated files beyond `keep` or
    /// `max_age`: numbers above `keep` (left by a larger `keep` before) and
    /// the oldest ones older than `max_age`. Probes every number present:
    /// at start, and at rotation only with a `max_age`.
    fn prune_numbered(&self) -> io::Result<()> {
        let files = naming::numbered_files(&self.path, "", usize::MAX);
        self.rotation
            .retention()
            .prune(&files, SystemTime::now())
            .map(drop)
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
        self.events
            .pop_front()
            .or_else(|| self.archiver.as_ref()?.poll())
    }
}
