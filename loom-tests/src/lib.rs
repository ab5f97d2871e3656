//! loom models of ringlog's ring live in `tests/`; each file starts with `#![cfg(loom)]`.
//!
//! Run them with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p loom-tests --release
//! ```
