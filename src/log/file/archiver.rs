//! The archiver: a thread owned by the file sink that finishes rotated
//! files off the writer's path: compresses them (`super::compress`), gives
//! the archives their final names (`super::naming`) and removes old ones
//! (`super::retention`).
//!
//! The writer thread only renames the live file (to `app.log.pending-{n}`
//! or its dated name), opens a new one, and sends the rotated path here
//! through a channel; it goes on writing while a file compresses. The
//! archiver reports what it did through a second channel that the sink's
//! `poll_event` drains (`SinkEvent::Compressed`, or `Failed` with op
//! `"compress"` or `"prune"`).
//!
//! **Start.** Before the thread starts (so before any rotation), the sink
//! looks for what an earlier run left: temporary archives are removed if
//! their rotated file still exists (they may be half-written) and finished
//! if not (see `super::compress`); rotated files not yet compressed are
//! queued, oldest first. Then old archives are pruned.
//!
//! **Shutdown.** Dropping the sink sets a stop flag and joins the thread.
//! The compression running stops at its next 64 KiB chunk: its temporary
//! archive is removed and the rotated file stays, uncompressed, to be
//! compressed at the next start; files still queued stay the same way.
//! Shutdown never waits for a compression, and never loses a rotated file.

use super::compress::{self, Compression};
use super::naming::{self, Naming};
use super::retention::Retention;
use crate::log::sink::SinkEvent;
use crate::sync::{Arc, AtomicBool, Ordering};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::SystemTime;

/// Work for the archiver.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Job {
    /// A rotated file: compress it (if compression is on), name the
    /// archive, prune.
    Rotated(PathBuf),
    /// A complete temporary archive whose rotated file is gone (left by a
    /// crash): name it, prune.
    Finish(PathBuf),
    /// Remove the archives that retention no longer keeps.
    Prune,
}

/// What to do with rotated files: the live path, their names, compression
/// and retention.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) live: PathBuf,
    pub(crate) naming: Naming,
    pub(crate) compression: Compression,
    pub(crate) retention: Retention,
}

impl Plan {
    /// Whether rotated files need the archiver: compressed or dated ones
    /// (numbered plain files are renumbered by the writer, see
    /// [`naming::make_room`]).
    pub(crate) fn needs_archiver(&self) -> bool {
        self.compression != Compression::None || self.naming == Naming::Dated
    }

    /// What an earlier run left to do, oldest first, ending with a prune;
    /// and the next free `pending` number. Removes temporary archives that
    /// may be half-written (their rotated file is still there).
    fn recover(&self) -> io::Result<(Vec<Job>, u64)> {
        let mut found = Vec::new();
        let mut next_pending = 1;
        if self.compression != Compression::None {
            let tmp_suffix = format!("{}.tmp", self.compression.suffix());
            for name in naming::names_beside(&self.live)? {
                let path = naming::dir_of(&self.live).join(&name);
                if let Some(order) = name
                    .strip_suffix(tmp_suffix.as_str())
                    .and_then(|rotated| self.order_of(rotated, &mut next_pending))
                {
                    let source = compress::rotated_of(&path, self.compression);
                    if source.as_deref().is_some_and(Path::exists) {
                        std::fs::remove_file(&path)?; // queued as `Rotated` below
                    } else {
                        found.push((order, Job::Finish(path)));
                    }
                } else if let Some(order) = self.order_of(&name, &mut next_pending) {
                    found.push((order, Job::Rotated(path)));
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let mut jobs: Vec<Job> = found.into_iter().map(|(_, job)| job).collect();
        jobs.push(Job::Prune);
        Ok((jobs, next_pending))
    }

    /// The sort key of `name` if it is a rotated file awaiting compression
    /// (noting the `pending` numbers in use).
    fn order_of(&self, name: &str, next_pending: &mut u64) -> Option<String> {
        match self.naming {
            Naming::Numbered => naming::pending_seq(&self.live, name).map(|seq| {
                *next_pending = (*next_pending).max(seq + 1);
                format!("{seq:020}")
            }),
            Naming::Dated => {
                naming::dated_key(&self.live, name, "").map(|(stamp, k)| format!("{stamp}.{k:010}"))
            }
        }
    }

    /// Does one job; reports on `events`. Returns early once `stop` is set.
    fn run(&self, job: Job, stop: &AtomicBool, events: &Sender<SinkEvent>) {
        let tmp = match job {
            Job::Rotated(rotated) if self.compression != Compression::None => {
                let tmp = compress::tmp_of(&rotated, self.compression);
                match compress::compress(&rotated, &tmp, self.compression, stop) {
                    Ok(()) => Some(tmp),
                    // Stopped by shutdown: the rotated file waits for the
                    // next start.
                    Err(_) if stop.load(Ordering::Relaxed) => return,
                    Err(error) => {
                        let _ = events.send(failed("compress", &rotated, error));
                        None
                    }
                }
            }
            Job::Rotated(_) | Job::Prune => None,
            Job::Finish(tmp) => Some(tmp),
        };
        if let Some(tmp) = tmp {
            let event = match self.place(&tmp) {
                Ok(()) => SinkEvent::Compressed,
                Err(error) => failed("compress", &tmp, error),
            };
            let _ = events.send(event);
        }
        if let Err(error) = self.prune() {
            let _ = events.send(failed("prune", &self.live, error));
        }
    }

    /// Gives the complete temporary archive `tmp` its final name.
    fn place(&self, tmp: &Path) -> io::Result<()> {
        let suffix = self.compression.suffix();
        match self.naming {
            Naming::Numbered if self.retention.keep == 0 => std::fs::remove_file(tmp),
            Naming::Numbered => {
                naming::make_room(&self.live, self.retention.keep, suffix)?;
                compress::finish(tmp, &naming::numbered(&self.live, 1, suffix))
            }
            Naming::Dated => {
                let rotated = compress::rotated_of(tmp, self.compression)
                    .ok_or_else(|| io::Error::other("not a temporary archive"))?;
                compress::finish(tmp, &naming::with_suffix(&rotated, suffix))
            }
        }
    }

    /// Removes the archives (or, uncompressed, the rotated files) that
    /// retention no longer keeps.
    fn prune(&self) -> io::Result<()> {
        let suffix = self.compression.suffix();
        let files = match self.naming {
            Naming::Numbered => naming::numbered_files(&self.live, suffix, usize::MAX),
            Naming::Dated => naming::dated_files(&self.live, suffix)?,
        };
        self.retention.prune(&files, SystemTime::now()).map(drop)
    }
}

/// A failure naming the file it concerns.
fn failed(op: &'static str, path: &Path, error: io::Error) -> SinkEvent {
    SinkEvent::Failed {
        op,
        error: io::Error::new(error.kind(), format!("{}: {error}", path.display())),
    }
}

/// The archiver thread and the sink's ends of its channels.
#[derive(Debug)]
pub(crate) struct Archiver {
    jobs: Option<Sender<Job>>,
    /// Set by `drop`: stop at the next chunk.
    stop: Arc<AtomicBool>,
    /// In a mutex only so the sink stays `Sync` (a `Receiver` is not); only
    /// the writer thread locks it.
    events: Mutex<Receiver<SinkEvent>>,
    thread: Option<JoinHandle<()>>,
}

impl Archiver {
    /// Recovers what an earlier run left (see the module docs), then starts
    /// the thread with that work queued. Returns the next free `pending`
    /// number too.
    ///
    /// # Errors
    ///
    /// Listing the directory, removing a half-written archive, or spawning
    /// the thread failed.
    pub(crate) fn start(plan: Plan) -> io::Result<(Self, u64)> {
        let (recovered, next_pending) = plan.recover()?;
        let (jobs, queue) = mpsc::channel();
        for job in recovered {
            let _ = jobs.send(job);
        }
        let (report, events) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("ringlog-archiver".into())
                .spawn(move || {
                    for job in queue {
                        // Relaxed: a request; `drop` joins this thread.
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        plan.run(job, &stop, &report);
                    }
                })?
        };
        let archiver = Self {
            jobs: Some(jobs),
            stop,
            events: Mutex::new(events),
            thread: Some(thread),
        };
        Ok((archiver, next_pending))
    }

    /// Queues a job.
    ///
    /// # Errors
    ///
    /// The thread is gone (it panicked); the file stays for the next start.
    pub(crate) fn send(&self, job: Job) -> io::Result<()> {
        self.jobs
            .as_ref()
            .and_then(|jobs| jobs.send(job).ok())
            .ok_or_else(|| io::Error::other("the log archiver thread is gone"))
    }

    /// The next thing the archiver did, if any.
    pub(crate) fn poll(&self) -> Option<SinkEvent> {
        let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.try_recv().ok()
    }
}

impl Drop for Archiver {
    fn drop(&mut self) {
        // Relaxed: a request; the join below orders everything the thread
        // did before this returns.
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None; // ends the thread's loop once it is idle
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(dir: &Path, naming: Naming) -> Plan {
        Plan {
            live: dir.join("app.log"),
            naming,
            compression: Compression::Gzip,
            retention: Retention {
                keep: 5,
                max_age: None,
            },
        }
    }

    #[test]
    fn recovery_removes_half_written_archives_and_orders_the_rest() {
        let dir = crate::log::file::test_dir("recover");
        let touch = |name: &str| std::fs::write(dir.join(name), "x").unwrap();
        // Numbered: 9 with a half-written archive, 10 complete (source
        // gone), 2 not started; unrelated files ignored.
        for name in [
            "app.log",
            "app.log.1.gz",
            "app.log.pending-9",
            "app.log.pending-9.gz.tmp",
            "app.log.pending-10.gz.tmp",
            "app.log.pending-2",
            "other.log.pending-3",
            "app.2026-11-23.log",
        ] {
            touch(name);
        }
        let (jobs, next) = plan(&dir, Naming::Numbered).recover().unwrap();
        assert_eq!(
            jobs,
            [
                Job::Rotated(dir.join("app.log.pending-2")),
                Job::Rotated(dir.join("app.log.pending-9")),
                Job::Finish(dir.join("app.log.pending-10.gz.tmp")),
                Job::Prune
            ]
        );
        assert_eq!(next, 11);
        assert!(!dir.join("app.log.pending-9.gz.tmp").exists());
        // Dated: the same rules on dated names.
        for name in [
            "app.2026-11-23.log.gz.tmp",
            "app.2026-11-22.log.gz.tmp",
            "app.2026-11-23.1.log",
        ] {
            touch(name);
        }
        let (jobs, _) = plan(&dir, Naming::Dated).recover().unwrap();
        assert_eq!(
            jobs,
            [
                Job::Finish(dir.join("app.2026-11-22.log.gz.tmp")),
                Job::Rotated(dir.join("app.2026-11-23.log")),
                Job::Rotated(dir.join("app.2026-11-23.1.log")),
                Job::Prune
            ]
        );
        assert!(!dir.join("app.2026-11-23.log.gz.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
