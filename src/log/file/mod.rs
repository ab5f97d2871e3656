//! The log file: the [`FileSink`](sink::FileSink) that writes runs to it,
//! [`Rotation`](rotation::Rotation) (when to start a new file and how files
//! are named), and [`reopen`] (noticing that the file was removed or moved
//! away, so its path is opened again).

pub(crate) mod reopen;
pub(crate) mod rotation;
pub(crate) mod sink;
