//! End-to-end tests of the `gen` binary: one test binary, one module per feature.

mod bad_input;
mod build;
mod deploy;
mod infra;
mod init;
mod publish;
#[cfg(unix)]
mod release;
mod sample;
mod serve;
mod support;
mod workflows;
