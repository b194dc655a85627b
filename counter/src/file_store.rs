//! Counts in a small JSON file, so a local preview keeps its counts across restarts.
//! Every increment rewrites the file through a temporary file and a rename: a crash leaves
//! either the old or the new counts, never a torn file.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::store::{Store, StoreError, StoreErrorKind};

/// The most paths one counts file holds: the preview counts only the site's pages, so this
/// is never reached by a real site, and a runaway caller cannot grow the file without end.
pub const MAX_KEYS: usize = 1000;

#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    counts: Mutex<BTreeMap<String, u64>>,
}

impl FileStore {
    /// Opens the store at `path`, which need not exist yet (nor its folder).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let path = path.into();
        let counts = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                failed(format!(
                    "{}:{}:{}: not a counts file ({}); fix it or move it away to start from zero",
                    path.display(),
                    e.line(),
                    e.column(),
                    strip_position(&e)
                ))
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(failed(format!("reading {}: {e}", path.display()))),
        };
        Ok(Self {
            path,
            counts: Mutex::new(counts),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn save(&self, counts: &BTreeMap<String, u64>) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let mut staging = self.path.clone().into_os_string();
        staging.push(format!(".new-{}", std::process::id()));
        let staging = PathBuf::from(staging);
        let mut file = fs::File::create(&staging)?;
        let mut json = serde_json::to_vec_pretty(counts).map_err(io::Error::other)?;
        json.push(b'\n');
        let written = file
            .write_all(&json)
            .and_then(|()| file.sync_all())
            .and_then(|()| fs::rename(&staging, &self.path));
        if written.is_err() {
            let _ = fs::remove_file(&staging);
        }
        written
    }
}

impl Store for FileStore {
    async fn increment(&self, path: &str) -> Result<u64, StoreError> {
        let mut counts = self.counts.lock().map_err(|_| poisoned())?;
        if counts.len() >= MAX_KEYS && !counts.contains_key(path) {
            return Err(failed(format!(
                "{} already counts {MAX_KEYS} pages; move it away to start from zero",
                self.path.display()
            )));
        }
        let count = counts.get(path).copied().unwrap_or(0) + 1;
        counts.insert(path.to_owned(), count);
        if let Err(e) = self.save(&counts) {
            // Keep memory and disk in step: the visit was not recorded.
            match count {
                1 => counts.remove(path),
                _ => counts.insert(path.to_owned(), count - 1),
            };
            return Err(failed(format!("writing {}: {e}", self.path.display())));
        }
        Ok(count)
    }

    async fn get(&self, path: &str) -> Result<u64, StoreError> {
        let counts = self.counts.lock().map_err(|_| poisoned())?;
        Ok(counts.get(path).copied().unwrap_or(0))
    }
}

fn failed(message: String) -> StoreError {
    StoreError::new(StoreErrorKind::Failed, message)
}

fn poisoned() -> StoreError {
    failed("counter state is poisoned".to_owned())
}

/// serde_json appends " at line L column C" to its messages; the location is printed first.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;

    #[test]
    fn counts_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/counts.json");
        let store = FileStore::open(&file).unwrap();
        assert_eq!(block_on(store.get("/")).unwrap(), 0);
        assert_eq!(block_on(store.increment("/")).unwrap(), 1);
        assert_eq!(block_on(store.increment("/")).unwrap(), 2);
        assert_eq!(block_on(store.increment("/cv")).unwrap(), 1);
        drop(store);
        let store = FileStore::open(&file).unwrap();
        assert_eq!(block_on(store.get("/")).unwrap(), 2);
        assert_eq!(block_on(store.get("/cv")).unwrap(), 1);
        let leftovers: Vec<_> = fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["counts.json"]);
    }

    #[test]
    fn a_corrupt_file_is_reported_with_its_location_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("counts.json");
        fs::write(&file, "{\n  \"/\": -3\n}\n").unwrap();
        let err = FileStore::open(&file).unwrap_err();
        assert_eq!(err.kind, StoreErrorKind::Failed);
        let expected = format!("{}:2:9: not a counts file", file.display());
        assert!(err.message.starts_with(&expected), "{}", err.message);
        assert_eq!(fs::read_to_string(&file).unwrap(), "{\n  \"/\": -3\n}\n");
    }

    #[test]
    fn a_failed_write_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        // The store's path is an existing folder: the rename over it fails.
        let store = FileStore::open(dir.path().join("taken")).unwrap();
        fs::create_dir(dir.path().join("taken")).unwrap();
        fs::write(dir.path().join("taken/x"), "").unwrap();
        let err = block_on(store.increment("/")).unwrap_err();
        assert!(err.message.starts_with("writing "), "{}", err.message);
        assert_eq!(block_on(store.get("/")).unwrap(), 0);
    }

    #[test]
    fn a_full_file_takes_no_new_paths() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("counts.json");
        let full: BTreeMap<String, u64> = (0..MAX_KEYS).map(|i| (format!("/{i}"), 1)).collect();
        fs::write(&file, serde_json::to_vec(&full).unwrap()).unwrap();
        let store = FileStore::open(&file).unwrap();
        let err = block_on(store.increment("/new")).unwrap_err();
        assert!(
            err.message.contains("already counts 1000 pages"),
            "{}",
            err.message
        );
        assert_eq!(block_on(store.increment("/7")).unwrap(), 2);
        assert_eq!(block_on(store.get("/new")).unwrap(), 0);
    }
}
