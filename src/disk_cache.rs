//! Entries kept between builds in gen's cache folder (`~/.cache/gen/<folder>/`), for work that
//! always gives the same bytes from the same input: a post's rendered body, resume.pdf.
//!
//! An entry is one file named by the SHA-256 of everything its content was made from, holding
//! a first line with the SHA-256 of the rest, then the content. It is checked when read, so a
//! damaged or half-written entry is never taken: the work is done again. Entries nobody wrote
//! for [`KEPT_DAYS`] are removed, looked for at most once a day. A cache that cannot be read or
//! written costs only the work, so it is silent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// Entries older than this are removed when new ones are written.
pub const KEPT_DAYS: u64 = 60;

/// One kind of entry: its folder under gen's cache folder and the largest entry it takes.
pub struct Kind {
    pub folder: &'static str,
    pub max_bytes: u64,
}

impl Kind {
    /// The entry's path for `key`, when there is a cache folder.
    pub fn path(&self, key: &str) -> Option<PathBuf> {
        Some(crate::files::cache_dir()?.join(self.folder).join(key))
    }

    /// The content kept for `key`, when an entry is there and whole.
    pub fn load(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path(key)?;
        let shown = path.display().to_string();
        let bytes = crate::files::read_limited(&path, &shown, self.max_bytes, |size| {
            crate::files::too_large(&shown, size, self.max_bytes, "a cache entry")
        })
        .ok()?;
        checked(&bytes).map(<[u8]>::to_vec)
    }

    /// Keeps `content` for `key`.
    pub fn store(&self, key: &str, content: &[u8]) {
        let Some(path) = self.path(key) else {
            return;
        };
        let Some(folder) = path.parent() else {
            return;
        };
        // Written in place, not through a temporary file: an entry cut short fails its
        // checksum and is never taken, and two writers of one key write the same bytes.
        if std::fs::create_dir_all(folder).is_ok() && std::fs::write(&path, entry(content)).is_ok()
        {
            static SEEN: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
            let first = SEEN
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(folder.to_owned());
            if first && due(folder, SystemTime::now()) {
                prune(folder, SystemTime::now());
            }
        }
    }
}

/// The SHA-256 of `fields`, each length-prefixed so no two lists of fields give one key, in hex.
pub fn key<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION").as_bytes());
    for field in fields {
        digest.update((field.len() as u64).to_le_bytes());
        digest.update(field);
    }
    hex::encode(digest.finalize())
}

/// An entry's bytes: the SHA-256 of `content` in hex, a newline, `content`.
pub fn entry(content: &[u8]) -> Vec<u8> {
    let mut bytes = hex::encode(Sha256::digest(content)).into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(content);
    bytes
}

/// The content of an entry whose first line is its content's SHA-256.
pub fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (sum, content) = (&bytes[..newline], &bytes[newline + 1..]);
    (sum == hex::encode(Sha256::digest(content)).as_bytes()).then_some(content)
}

/// The folder's old entries are looked for at most once a day: `.pruned` says when last.
fn due(folder: &Path, now: SystemTime) -> bool {
    let marker = folder.join(PRUNED);
    let last = std::fs::metadata(&marker).and_then(|m| m.modified()).ok();
    let due = last.is_none_or(|last| {
        now.duration_since(last)
            .is_ok_and(|age| age > Duration::from_secs(24 * 60 * 60))
    });
    if due {
        let _ = std::fs::write(&marker, b"");
    }
    due
}

/// The file whose modification time is when old entries were last removed.
const PRUNED: &str = ".pruned";

/// Removes the entries of `folder` last written more than [`KEPT_DAYS`] before `now`.
fn prune(folder: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let limit = Duration::from_secs(KEPT_DAYS * 24 * 60 * 60);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|written| now.duration_since(written).ok())
            .is_some_and(|age| age > limit);
        if old && entry.file_name() != PRUNED {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_taken_only_whole() {
        let content = b"line one\nline two".to_vec();
        let whole = entry(&content);
        assert_eq!(checked(&whole), Some(&content[..]));
        let mut changed = whole.clone();
        *changed.last_mut().unwrap() = b'X';
        assert_eq!(checked(&changed), None);
        assert_eq!(checked(&whole[..whole.len() - 3]), None);
        assert_eq!(checked(b"no entry"), None);
    }

    #[test]
    fn keys_differ_with_any_field_and_its_cut() {
        assert_ne!(key([&b"ab"[..], b"c"]), key([&b"a"[..], b"bc"]));
        assert_ne!(key([&b"a"[..]]), key([&b"b"[..]]));
        assert_eq!(key([&b"a"[..]]), key([&b"a"[..]]));
    }

    #[test]
    fn old_entries_are_looked_for_once_a_day() {
        let folder = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        assert!(due(folder.path(), now), "never looked");
        assert!(!due(folder.path(), now), "just looked");
        let day_later = now + Duration::from_secs(25 * 60 * 60);
        assert!(due(folder.path(), day_later), "a day later");
    }

    #[test]
    fn old_entries_are_pruned_and_new_ones_kept() {
        let folder = tempfile::tempdir().unwrap();
        let old = folder.path().join("old");
        let new = folder.path().join("new");
        std::fs::write(&old, "x").unwrap();
        std::fs::write(&new, "x").unwrap();
        let later = SystemTime::now() + Duration::from_secs((KEPT_DAYS + 1) * 24 * 60 * 60);
        let file = std::fs::File::options().write(true).open(&new).unwrap();
        file.set_modified(later).unwrap();
        prune(folder.path(), later);
        assert!(!old.exists());
        assert!(new.exists());
    }
}
