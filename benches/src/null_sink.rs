//! A [`Sink`] that discards what it is given: for measuring the caller's
//! cost alone (the writer thread keeps up with any producer).

use ringlog::log::Sink;
use std::hint::black_box;
use std::io;

/// Discards every run (after handing it to `black_box`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        black_box(bytes);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}
