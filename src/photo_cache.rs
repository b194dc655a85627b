//! The photo's thumbnails, kept between builds in gen's cache folder (`~/.cache/gen/photos/`):
//! making them from a phone's photo (decoding, cropping, resizing) is most of a build's time,
//! and the same photo always makes the same bytes.
//!
//! An entry is one file, named by the photo's SHA-256, gen's version and
//! [`THUMBNAILS_VERSION`]: a first line holding the SHA-256 of the rest, then the thumbnails as
//! JSON. It is written whole (`files::write`) and checked when read, so a damaged entry is
//! never taken: it is made again. A cache that cannot be read or written costs only that.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use crate::render::photo::{self, Format, THUMBNAILS_VERSION, Thumbnail, Thumbnails};

/// The folder of entries, under gen's cache folder.
const FOLDER: &str = "photos";

/// A larger file is no entry: two thumbnails of 256 pixels take well under 1 MiB.
const MAX_ENTRY: u64 = 4 * 1024 * 1024;

/// The thumbnails of the photo `photo`, when an earlier build kept them and they are whole.
pub fn load(photo: &[u8]) -> Option<Thumbnails> {
    let key = photo::key(photo);
    let path = entry_path(&crate::files::cache_dir()?, &key);
    let shown = path.display().to_string();
    let text = crate::files::read_limited(&path, &shown, MAX_ENTRY, |size| {
        crate::files::too_large(&shown, size, MAX_ENTRY, "a cached thumbnail")
    })
    .ok()?;
    parse(&text, &key)
}

/// Keeps `thumbnails` for the next build. A cache that cannot be written only costs making
/// them again, so it is a note, not an error.
pub fn store(thumbnails: &Thumbnails) {
    let Some(cache) = crate::files::cache_dir() else {
        return;
    };
    let path = entry_path(&cache, &thumbnails.photo);
    let stored = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .map_err(anyhow::Error::from)
        .and_then(|()| crate::files::write(&path, &entry(thumbnails)?));
    if let Err(e) = stored {
        crate::term::note(&format!(
            "could not keep the photo's thumbnails in {} ({e:#}); the next build makes them again",
            path.display()
        ));
    }
}

/// `<cache>/photos/<photo's SHA-256>-<gen's version>-<THUMBNAILS_VERSION>.json`.
fn entry_path(cache: &Path, photo: &str) -> PathBuf {
    cache.join(FOLDER).join(format!(
        "{photo}-{}-{THUMBNAILS_VERSION}.json",
        env!("CARGO_PKG_VERSION")
    ))
}

/// An entry as written: the thumbnails with their bytes in base64.
#[derive(Serialize, Deserialize)]
struct Entry {
    photo: String,
    format: Format,
    width: u32,
    height: u32,
    files: [EntryFile; 2],
}

#[derive(Serialize, Deserialize)]
struct EntryFile {
    side: u32,
    format: Format,
    bytes: String,
}

/// The file's bytes: the checksum line, then the JSON it covers.
fn entry(thumbnails: &Thumbnails) -> anyhow::Result<Vec<u8>> {
    let files = thumbnails.files.clone().map(|file| EntryFile {
        side: file.side,
        format: file.format,
        bytes: BASE64.encode(&file.bytes),
    });
    let json = serde_json::to_vec(&Entry {
        photo: thumbnails.photo.clone(),
        format: thumbnails.format,
        width: thumbnails.width,
        height: thumbnails.height,
        files,
    })?;
    Ok(crate::disk_cache::entry(&json))
}

/// The thumbnails in an entry, when it is whole and of the photo `key`.
fn parse(bytes: &[u8], key: &str) -> Option<Thumbnails> {
    let json = crate::disk_cache::checked(bytes)?;
    let entry: Entry = serde_json::from_slice(json).ok()?;
    if entry.photo != key {
        return None;
    }
    let [small, large] = entry.files;
    let file = |file: EntryFile| -> Option<Thumbnail> {
        Some(Thumbnail {
            side: file.side,
            format: file.format,
            bytes: BASE64.decode(file.bytes).ok()?.into(),
        })
    };
    Some(Thumbnails {
        photo: entry.photo,
        format: entry.format,
        width: entry.width,
        height: entry.height,
        files: [file(small)?, file(large)?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thumbnails() -> Thumbnails {
        let file = |side: u32, bytes: &'static [u8]| Thumbnail {
            side,
            format: Format::Jpeg,
            bytes: bytes::Bytes::from_static(bytes),
        };
        Thumbnails {
            photo: photo::key(b"a photo"),
            format: Format::Png,
            width: 640,
            height: 480,
            files: [file(128, b"small"), file(256, b"large")],
        }
    }

    #[test]
    fn an_entry_reads_back_as_written_and_only_whole() {
        let made = thumbnails();
        let bytes = entry(&made).unwrap();
        assert_eq!(parse(&bytes, &made.photo), Some(made.clone()));
        // Another photo's entry under this name is not taken.
        assert_eq!(parse(&bytes, &photo::key(b"another photo")), None);
        // Cut short, or one byte changed anywhere: not taken.
        assert_eq!(parse(&bytes[..bytes.len() - 1], &made.photo), None);
        for at in [0, 70, bytes.len() / 2, bytes.len() - 2] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x01;
            assert_eq!(parse(&changed, &made.photo), None, "byte {at} changed");
        }
        assert_eq!(parse(b"", &made.photo), None);
    }
}
