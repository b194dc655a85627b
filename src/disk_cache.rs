//! Entries kept between builds in gen's cache folder (`~/.cache/gen/<folder>/`), for work that
//! always gives the same bytes from the same input: a post's rendered body, resume.pdf.
//!
//! An entry is one file named by the SHA-256 of everything its content was made from, holding
//! a first line with the SHA-256 of the rest, then the content. It is checked when read, so a
//! damaged or half-written entry is never taken: the work is done again. Entries nobody wrote
//! for [`KEPT_DAYS`] are removed, looked for at most once a day. A cache that cannot be read or
//! written costs only the work, so it is silent.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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

/// Many entries of one kind in one file, for work done once per item of a site (a post's
/// body): one file per entry would cost more to create than the work it saves. The pack is
/// read whole when first asked for an entry, checked like an entry, and written again by
/// [`Pack::save`] when entries were added, holding those this process took or added.
pub struct Pack {
    path: Option<PathBuf>,
    max_bytes: u64,
    /// The pack as last read or written, once an entry was asked for.
    loaded: Mutex<Option<Arc<Loaded>>>,
    /// Keys taken from the pack, and entries added, since it was last written.
    taken: Mutex<BTreeSet<String>>,
    added: Mutex<BTreeMap<String, Vec<u8>>>,
}

/// A pack's content, and where each entry's content is in it.
#[derive(Default)]
struct Loaded {
    content: Vec<u8>,
    entries: HashMap<String, Range<usize>>,
}

/// Bytes of a key in a pack: the SHA-256 in hex.
const KEY_BYTES: usize = 64;

impl Pack {
    /// The pack named by `fields` (say, the site's folder) in `kind`'s folder; nothing is
    /// read until an entry is asked for.
    pub fn open<'a>(kind: &Kind, fields: impl IntoIterator<Item = &'a [u8]>) -> Pack {
        Pack {
            path: kind.path(&key(fields)),
            max_bytes: kind.max_bytes,
            loaded: Default::default(),
            taken: Default::default(),
            added: Default::default(),
        }
    }

    /// The content kept for `key`, as `parse` makes it: from the pack, or added since it was
    /// last written.
    pub fn get<T>(&self, key: &str, parse: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        if let Some(added) = lock(&self.added).get(key) {
            return parse(added);
        }
        let loaded = self.loaded();
        let parsed = parse(&loaded.content[loaded.entries.get(key)?.clone()])?;
        lock(&self.taken).insert(key.to_owned());
        Some(parsed)
    }

    /// Keeps `content` for `key` (a [`key`]), written by the next [`Pack::save`].
    pub fn put(&self, key: &str, content: Vec<u8>) {
        if key.len() == KEY_BYTES && key.is_ascii() {
            lock(&self.added).insert(key.to_owned(), content);
        }
    }

    /// Writes the pack again when entries were added: those taken and those added, so entries
    /// no longer asked for leave it. Replaced whole (a new file renamed over the old), so a
    /// reader sees the old pack or the new one.
    pub fn save(&self) {
        let (Some(path), Some(folder)) = (&self.path, self.path.as_ref().and_then(|p| p.parent()))
        else {
            return;
        };
        let added = std::mem::take(&mut *lock(&self.added));
        if added.is_empty() {
            return;
        }
        let loaded = self.loaded();
        let taken = std::mem::take(&mut *lock(&self.taken));
        let mut content = Vec::new();
        for key in taken.iter().filter(|key| !added.contains_key(*key)) {
            if let Some(range) = loaded.entries.get(key) {
                push_entry(&mut content, key, &loaded.content[range.clone()]);
            }
        }
        for (key, bytes) in &added {
            push_entry(&mut content, key, bytes);
        }
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let new = path.with_extension(format!("{}-{n}.new", std::process::id()));
        let written = std::fs::create_dir_all(folder).is_ok()
            && std::fs::write(&new, entry(&content)).is_ok()
            && std::fs::rename(&new, path).is_ok();
        if !written {
            let _ = std::fs::remove_file(&new);
        } else if due(folder, SystemTime::now()) {
            prune(folder, SystemTime::now());
        }
        // What was written is what the pack holds now, all of it taken.
        let entries = index(&content).unwrap_or_default();
        lock(&self.taken).extend(entries.keys().cloned());
        *lock(&self.loaded) = Some(Arc::new(Loaded { content, entries }));
    }

    /// The pack as last read or written, read now when it never was.
    fn loaded(&self) -> Arc<Loaded> {
        let mut loaded = lock(&self.loaded);
        Arc::clone(loaded.get_or_insert_with(|| Arc::new(self.read())))
    }

    /// The pack's entries, or none when it is missing, too large or damaged.
    fn read(&self) -> Loaded {
        let Some(path) = &self.path else {
            return Loaded::default();
        };
        let shown = path.display().to_string();
        let Ok(mut content) = crate::files::read_limited(path, &shown, self.max_bytes, |size| {
            crate::files::too_large(&shown, size, self.max_bytes, "a cache pack")
        }) else {
            return Loaded::default();
        };
        let Some(start) = checked(&content).map(|c| content.len() - c.len()) else {
            return Loaded::default();
        };
        content.drain(..start);
        match index(&content) {
            Some(entries) => Loaded { content, entries },
            None => Loaded::default(),
        }
    }
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack").field("path", &self.path).finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Appends an entry to a pack's content: its key, its length (8 bytes, little-endian), its bytes.
fn push_entry(content: &mut Vec<u8>, key: &str, bytes: &[u8]) {
    content.extend_from_slice(key.as_bytes());
    content.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    content.extend_from_slice(bytes);
}

/// Where each entry's content is in a pack's content, when every entry is whole.
fn index(content: &[u8]) -> Option<HashMap<String, Range<usize>>> {
    let mut entries = HashMap::new();
    let mut at = 0;
    while at < content.len() {
        let (key, range) = next_entry(content, at)?;
        at = range.end;
        entries.insert(key, range);
    }
    Some(entries)
}

/// The key and content of the entry at `at` in a pack's content, when it is whole.
fn next_entry(content: &[u8], at: usize) -> Option<(String, Range<usize>)> {
    let key = std::str::from_utf8(content.get(at..at + KEY_BYTES)?).ok()?;
    let length: [u8; 8] = content
        .get(at + KEY_BYTES..at + KEY_BYTES + 8)?
        .try_into()
        .ok()?;
    let start = at + KEY_BYTES + 8;
    let end = start.checked_add(usize::try_from(u64::from_le_bytes(length)).ok()?)?;
    (end <= content.len()).then(|| (key.to_owned(), start..end))
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

    /// A pack written by one process is read by the next: what it took and added stays,
    /// what it did not ask for leaves; a damaged pack gives nothing.
    #[test]
    fn a_pack_keeps_what_was_taken_and_added_and_only_when_whole() {
        let cache = tempfile::tempdir().unwrap();
        let pack = |name: &str| Pack {
            path: Some(cache.path().join(name)),
            max_bytes: 1 << 20,
            loaded: Default::default(),
            taken: Default::default(),
            added: Default::default(),
        };
        let (a, b, c) = (key([&b"a"[..]]), key([&b"b"[..]]), key([&b"c"[..]]));
        let text = |bytes: &[u8]| Some(bytes.to_vec());
        let first = pack("site");
        assert_eq!(first.get(&a, text), None);
        first.put(&a, b"one".to_vec());
        first.put(&b, b"two".to_vec());
        first.put("not a key", b"x".to_vec());
        assert_eq!(first.get(&a, text), Some(b"one".to_vec()), "before saving");
        first.save();
        assert_eq!(first.get(&b, text), Some(b"two".to_vec()), "after saving");

        let second = pack("site");
        assert_eq!(second.get(&a, text), Some(b"one".to_vec()));
        assert_eq!(
            second.get(&a, |_| None::<()>),
            None,
            "refused by its reader"
        );
        second.put(&c, b"three".to_vec());
        second.save();
        let third = pack("site");
        assert_eq!(third.get(&a, text), Some(b"one".to_vec()));
        assert_eq!(third.get(&b, text), None, "not asked for, so left out");
        assert_eq!(third.get(&c, text), Some(b"three".to_vec()));
        // Nothing added: nothing written.
        let written = std::fs::metadata(cache.path().join("site")).unwrap();
        third.save();
        let after = std::fs::metadata(cache.path().join("site")).unwrap();
        assert_eq!(written.modified().unwrap(), after.modified().unwrap());

        let bytes = std::fs::read(cache.path().join("site")).unwrap();
        for damaged in [&bytes[..bytes.len() - 1], &bytes[..70], b"x\n"] {
            std::fs::write(cache.path().join("site"), damaged).unwrap();
            assert_eq!(pack("site").get(&a, text), None);
        }
        // Whole but not a pack: no entry is made up from it.
        std::fs::write(cache.path().join("site"), entry(b"short")).unwrap();
        assert_eq!(pack("site").get(&a, text), None);
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
