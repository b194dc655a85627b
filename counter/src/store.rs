//! Where counts live: the one trait the request logic needs, and its error type.

use std::fmt;
use std::future::Future;

/// A table of visit counts, one per page path. Implementations must count exactly under
/// concurrency: `n` concurrent `increment` calls add exactly `n`.
pub trait Store: Send + Sync {
    /// Adds one visit to `path` and returns the new total.
    fn increment(&self, path: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// The current total for `path`; 0 when it has never been visited.
    fn get(&self, path: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Why a store could not answer. The kind decides the HTTP status the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The backend is throttling requests and retries are exhausted: try again shortly (503).
    Throttled,
    /// The backend could not be reached in time (503).
    Unavailable,
    /// Anything else: missing table, permissions, corrupt data (500).
    Failed,
}

#[derive(Debug, Clone)]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
}

impl StoreError {
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}
