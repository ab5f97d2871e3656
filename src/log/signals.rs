//! The opt-in flush on SIGTERM and SIGINT (feature `signal`, Unix only).
//!
//! [`LoggerBuilder::flush_on_signal`](crate::log::LoggerBuilder::flush_on_signal)
//! starts a thread, `ringlog-signals`, that waits for SIGTERM or SIGINT
//! through `signal-hook`'s iterator (its signal handler only writes to a
//! self-pipe: async-signal-safe; no `unsafe` here). When one arrives the
//! thread, now an ordinary thread outside the handler:
//!
//! 1. calls [`Logger::flush`] (bounded by the flush timeout): every record
//!    whose log call returned before the signal is written to the sink (and
//!    fsynced unless the fsync policy is `Never`);
//! 2. terminates the process as the signal's default action would
//!    (`signal_hook::low_level::emulate_default_handler`: resets the
//!    disposition and raises the signal again), so the exit status still
//!    says "killed by SIGTERM/SIGINT". Destructors and the [`LogGuard`] do
//!    not run; records logged after the flush are lost.
//!
//! Registering replaces the default (terminating) action of both signals
//! for the whole process, and keeps it replaced for the rest of the process
//! (also after the logger is shut down, when step 1 returns at once). Do not
//! enable it if the program handles SIGTERM/SIGINT itself (for a graceful
//! shutdown, say): call [`Logger::flush`] or drop the guard from that
//! handling instead.
//!
//! [`LogGuard`]: crate::log::LogGuard

use super::logger::Logger;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io;

/// Registers for SIGTERM and SIGINT and starts the thread (module docs).
pub(crate) fn install(logger: Logger) -> io::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGINT])?;
    std::thread::Builder::new()
        .name("ringlog-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                if let Err(e) = logger.flush() {
                    eprintln!("ringlog: flush on signal {signal}: {e}");
                }
                // Terminates the process; returns only on an unknown signal.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}
