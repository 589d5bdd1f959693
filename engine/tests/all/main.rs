//! Kiln's integration tests: one binary, a module per area.

mod api;
mod conformance;
mod context;
mod custom_page_sizes;
mod fuzz_regressions;
mod host_faults;
mod hostile;
mod limits;
mod memory64;
mod memory_settings;
mod metering;
mod pooling;
mod simd;
mod threads;
