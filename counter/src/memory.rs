//! Counts in memory: for tests, benchmarks and anything that may forget on exit.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::{Store, StoreError, StoreErrorKind};

#[derive(Debug, Default)]
pub struct MemoryStore {
    counts: Mutex<HashMap<String, u64>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_counts<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, u64>) -> T,
    ) -> Result<T, StoreError> {
        let mut counts = self
            .counts
            .lock()
            .map_err(|_| StoreError::new(StoreErrorKind::Failed, "counter state is poisoned"))?;
        Ok(f(&mut counts))
    }
}

impl Store for MemoryStore {
    async fn increment(&self, path: &str) -> Result<u64, StoreError> {
        self.with_counts(|counts| {
            let count = counts.entry(path.to_owned()).or_insert(0);
            *count += 1;
            *count
        })
    }

    async fn get(&self, path: &str) -> Result<u64, StoreError> {
        self.with_counts(|counts| counts.get(path).copied().unwrap_or(0))
    }
}
