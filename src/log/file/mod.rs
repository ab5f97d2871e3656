//! The log file: the [`FileSink`](sink::FileSink) that writes runs to it,
//! [`Rotation`](rotation::Rotation) (when to start a new file) with the
//! time periods it counts in ([`period`]), how rotated files are named
//! ([`naming`]), compressed ([`compress`]) by the sink's [`archiver`]
//! thread, and kept ([`retention`]); how the live file is opened ([`open`])
//! and noticed gone ([`reopen`]: removed or moved away, so its path is
//! opened again).

pub(crate) mod archiver;
pub(crate) mod compress;
pub(crate) mod naming;
pub(crate) mod open;
pub(crate) mod period;
pub(crate) mod reopen;
pub(crate) mod retention;
pub(crate) mod rotation;
pub(crate) mod sink;

// Auto traits are part of the API: the file sink (which owns the archiver
// thread's channels) and its settings are `Send + Sync`.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<sink::FileSink>();
    send_sync::<rotation::Rotation>();
    send_sync::<compress::Compression>();
    send_sync::<naming::Naming>();
};

/// A fresh, empty directory for a unit test of the file sink's parts.
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ringlog-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
