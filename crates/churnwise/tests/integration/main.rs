//! The binary's integration tests: one test binary, one module per feature.

mod metrics_cli;
