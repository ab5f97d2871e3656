//! Integrations with logging front ends, each behind a Cargo feature. They
//! use the log layer's public API, and the custom-record seam
//! (`custom.rs`) for the `tracing` layer.

#[cfg(feature = "log")]
pub(crate) mod log_facade;
#[cfg(feature = "tracing")]
pub(crate) mod tracing_layer;
#[cfg(feature = "tracing")]
pub(crate) mod tracing_writer;
