//! End-to-end tests of the `gen` binary: one test binary, one module per feature.

// A test that cannot go on panics with the reason: that is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Fails, showing the whole text, unless `text` contains `part`.
macro_rules! assert_contains {
    ($text:expr, $part:expr $(,)?) => {{
        let (text, part): (&str, &str) = (&$text, &$part);
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }};
}

mod ats;
mod bad_input;
mod build;
mod check;
mod ci;
mod deploy;
mod infra;
mod init;
mod languages;
mod lenient;
mod pdf;
mod photo;
mod posts;
mod preview;
mod publish;
#[cfg(unix)]
mod release;
mod sample;
mod serve;
mod state;
mod support;
mod themes;
mod variants;
mod workflows;
