//! What this machine last published where: for each bucket and prefix, the MD5 and headers
//! of every key gen uploaded. It spares a HeadObject per file on the next publish; an object
//! whose ETag differs from the record (changed by someone else) is looked at again.
//! Kept beside the site folder (`out/.site.published.json`), never inside it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::RemoteMeta;

type Record = BTreeMap<String, BTreeMap<String, (String, String, String)>>;

fn path(site_dir: &Path) -> PathBuf {
    crate::output::beside(site_dir, ".published.json")
}

fn read(site_dir: &Path) -> Record {
    fs::read(path(site_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The keys last uploaded to `location` (`bucket/prefix`), with their headers.
pub fn load(site_dir: &Path, location: &str) -> BTreeMap<String, RemoteMeta> {
    read(site_dir)
        .remove(location)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, (md5, content_type, cache_control))| {
            let meta = RemoteMeta {
                content_type: Some(content_type),
                cache_control: Some(cache_control),
                md5: Some(md5),
            };
            (key, meta)
        })
        .collect()
}

/// Adds what was just uploaded and forgets what was deleted. Best effort: without a record
/// the next publish only asks S3 more.
pub fn save(
    site_dir: &Path,
    location: &str,
    uploaded: &BTreeMap<String, RemoteMeta>,
    deleted: &[String],
) {
    if uploaded.is_empty() && deleted.is_empty() {
        return;
    }
    let mut record = read(site_dir);
    let entries = record.entry(location.to_owned()).or_default();
    for (key, meta) in uploaded {
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        entries.insert(
            key.clone(),
            (
                field(&meta.md5),
                field(&meta.content_type),
                field(&meta.cache_control),
            ),
        );
    }
    for key in deleted {
        entries.remove(key);
    }
    if let Ok(json) = serde_json::to_vec_pretty(&record) {
        let target = path(site_dir);
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
            let _ = fs::create_dir_all(folder);
        }
        let _ = crate::files::write(&target, &json);
    }
}
