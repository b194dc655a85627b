//! What a publish must do, worked out without sending anything: compare each local file with
//! the bucket's listing and object metadata, and name the paths CloudFront must forget.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::site::Site;

/// An object in the bucket, from the listing and (for keys the site also has) its metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteObject {
    /// The ETag without quotes: the MD5 of the content for single-part, SSE-S3 uploads.
    pub etag: String,
    /// From HeadObject; `None` when not looked at.
    pub meta: Option<RemoteMeta>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteMeta {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    /// The `md5` user metadata gen writes, for when the ETag is not an MD5.
    pub md5: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    New,
    Changed,
    /// Same content, different Content-Type or Cache-Control.
    Metadata,
    /// `--force`.
    Forced,
}

impl Reason {
    pub fn describe(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Metadata => "headers changed",
            Reason::Forced => "forced",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Index into the site's files.
    pub file: usize,
    pub key: String,
    pub reason: Reason,
    /// The file's MD5: hex in the `md5` metadata, base64 in `Content-MD5`.
    pub md5: [u8; 16],
}

/// The publish, step by step: uploads (assets first, HTML last), then deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishPlan {
    pub uploads: Vec<Upload>,
    pub deletes: Vec<String>,
    pub unchanged: usize,
}

/// Whether a key is published last: HTML, so no page is live before what it links to.
pub fn is_page(key: &str) -> bool {
    key.ends_with(".html") || key.ends_with(".htm") || key.ends_with('/')
}

/// The keys a site file is published under: its path, and for a folder's `index.html` (other
/// than the root's, which is CloudFront's default root object) also the folder's own key
/// (`posts/oac/`), so that `/posts/oac/` is answered from S3 without a function at the edge.
/// A preview's root is such a folder too (`_preview/pr-7/`).
pub fn keys(prefix: &str, path: &str) -> Vec<String> {
    let mut keys = vec![format!("{prefix}{path}")];
    if let Some(folder) = path.strip_suffix("index.html")
        && (folder.ends_with('/')
            || (folder.is_empty() && prefix.starts_with(crate::site::PREVIEWS)))
    {
        keys.push(format!("{prefix}{folder}"));
    }
    keys
}

/// Compares the site with the bucket's objects under `prefix`.
pub fn plan(
    site: &Site,
    prefix: &str,
    remote: &BTreeMap<String, RemoteObject>,
    force: bool,
) -> PublishPlan {
    let mut plan = PublishPlan::default();
    let mut local = BTreeSet::new();
    for (index, file) in site.files.iter().enumerate() {
        let digest: [u8; 16] = Md5::digest(&file.bytes).into();
        let md5 = hex::encode(digest);
        for key in keys(prefix, &file.path) {
            local.insert(key.clone());
            let reason = match remote.get(&key) {
                None => Some(Reason::New),
                Some(object) => {
                    let meta = object.meta.clone().unwrap_or_default();
                    let same_content =
                        object.etag == md5 || meta.md5.as_deref() == Some(md5.as_str());
                    let same_headers = meta.content_type.as_deref() == Some(file.content_type)
                        && meta.cache_control.as_deref() == Some(file.cache.header());
                    match (same_content, same_headers) {
                        (false, _) => Some(Reason::Changed),
                        (true, false) => Some(Reason::Metadata),
                        (true, true) if force => Some(Reason::Forced),
                        (true, true) => None,
                    }
                }
            };
            match reason {
                Some(reason) => plan.uploads.push(Upload {
                    file: index,
                    key,
                    reason,
                    md5: digest,
                }),
                None => plan.unchanged += 1,
            }
        }
    }
    // Assets, then pages; each group in key order.
    plan.uploads
        .sort_by(|a, b| (is_page(&a.key), &a.key).cmp(&(is_page(&b.key), &b.key)));
    plan.deletes = remote
        .keys()
        .filter(|k| k.starts_with(prefix) && !local.contains(*k))
        .cloned()
        .collect();
    plan
}

/// Most paths one invalidation lists before collapsing them into a wildcard.
pub const MAX_EXACT_PATHS: usize = 15;

/// The viewer paths to invalidate for changed or deleted site paths (`index.html` also as
/// `/`, `dir/index.html` also as `/dir/`), or the narrowest wildcard covering them when there
/// are more than [`MAX_EXACT_PATHS`]. Empty when nothing changed.
pub fn invalidation_paths(site_paths: &[&str]) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for path in site_paths {
        paths.insert(format!("/{}", encode(path)));
        if let Some(dir) = path.strip_suffix("index.html")
            && (dir.is_empty() || dir.ends_with('/'))
        {
            paths.insert(format!("/{}", encode(dir)));
        }
    }
    if paths.len() <= MAX_EXACT_PATHS {
        return paths.into_iter().collect();
    }
    // The longest folder every path is in.
    let first = paths.iter().next().cloned().unwrap_or_default();
    let mut common = first.as_str();
    for path in &paths {
        while !path.starts_with(common) {
            common = &common[..common.len() - 1];
        }
    }
    let folder = &common[..common.rfind('/').map_or(0, |i| i + 1)];
    vec![format!("{}*", if folder.is_empty() { "/" } else { folder })]
}

/// What CloudFront wants percent-encoded in an invalidation path: everything but unreserved
/// characters and `/`.
const INVALIDATION: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

fn encode(path: &str) -> String {
    utf8_percent_encode(path, INVALIDATION).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::CachePolicy;

    fn site() -> Site {
        let mut site = Site::default();
        site.add("index.html", "<p>hi</p>", CachePolicy::Revalidate);
        site.add("style.0123456789.css", "p{}", CachePolicy::Immutable);
        site.add("404.html", "gone", CachePolicy::Revalidate);
        site.sort();
        site
    }

    fn remote_of(site: &Site, prefix: &str) -> BTreeMap<String, RemoteObject> {
        site.files
            .iter()
            .map(|f| {
                let object = RemoteObject {
                    etag: hex::encode(Md5::digest(&f.bytes)),
                    meta: Some(RemoteMeta {
                        content_type: Some(f.content_type.to_owned()),
                        cache_control: Some(f.cache.header().to_owned()),
                        md5: None,
                    }),
                };
                (format!("{prefix}{}", f.path), object)
            })
            .collect()
    }

    #[test]
    fn an_empty_bucket_gets_everything_assets_first() {
        let plan = plan(&site(), "", &BTreeMap::new(), false);
        let keys: Vec<&str> = plan.uploads.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["style.0123456789.css", "404.html", "index.html"]);
        assert!(plan.uploads.iter().all(|u| u.reason == Reason::New));
        assert!(plan.deletes.is_empty());
    }

    #[test]
    fn an_identical_bucket_gets_nothing() {
        let site = site();
        let plan = plan(&site, "site/", &remote_of(&site, "site/"), false);
        assert_eq!(
            (plan.uploads.len(), plan.deletes.len(), plan.unchanged),
            (0, 0, 3)
        );
    }

    #[test]
    fn changes_headers_and_deletes_are_found_and_other_prefixes_kept() {
        let site = site();
        let mut remote = remote_of(&site, "site/");
        remote.get_mut("site/index.html").unwrap().etag = "0".repeat(32);
        remote
            .get_mut("site/404.html")
            .unwrap()
            .meta
            .as_mut()
            .unwrap()
            .content_type = Some("text/plain".into());
        remote.insert("site/old.html".into(), RemoteObject::default());
        remote.insert("other/keep.html".into(), RemoteObject::default());
        let plan = plan(&site, "site/", &remote, false);
        let uploads: Vec<(&str, Reason)> = plan
            .uploads
            .iter()
            .map(|u| (u.key.as_str(), u.reason))
            .collect();
        assert_eq!(
            uploads,
            [
                ("site/404.html", Reason::Metadata),
                ("site/index.html", Reason::Changed)
            ]
        );
        assert_eq!(plan.deletes, ["site/old.html"]);
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn an_md5_in_metadata_stands_in_for_a_non_md5_etag() {
        let site = site();
        let mut remote = remote_of(&site, "");
        for (key, object) in remote.iter_mut() {
            object.meta.as_mut().unwrap().md5 = Some(object.etag.clone());
            object.etag = format!("{key}-kms-etag");
        }
        assert_eq!(plan(&site, "", &remote, false).unchanged, 3);
        assert_eq!(plan(&site, "", &remote, true).uploads.len(), 3);
    }

    #[test]
    fn folder_pages_are_also_published_under_their_folder() {
        assert_eq!(keys("", "index.html"), ["index.html"]);
        assert_eq!(
            keys("_preview/pr-7/", "index.html"),
            ["_preview/pr-7/index.html", "_preview/pr-7/"]
        );
        assert_eq!(
            keys("", "posts/oac/index.html"),
            ["posts/oac/index.html", "posts/oac/"]
        );
        assert_eq!(
            keys("site/", "posts/index.html"),
            ["site/posts/index.html", "site/posts/"]
        );
        assert_eq!(keys("", "posts/notindex.html"), ["posts/notindex.html"]);
        assert!(is_page("posts/oac/"));
    }

    #[test]
    fn invalidations_cover_folders_and_collapse_to_the_narrowest_wildcard() {
        assert_eq!(invalidation_paths(&[]), Vec::<String>::new());
        assert_eq!(invalidation_paths(&["index.html"]), ["/", "/index.html"]);
        assert_eq!(
            invalidation_paths(&["blog/index.html", "a b.html"]),
            ["/a%20b.html", "/blog/", "/blog/index.html"]
        );
        let many: Vec<String> = (0..20).map(|i| format!("docs/p{i}.html")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(invalidation_paths(&many), ["/docs/*"]);
        let mut mixed = many.clone();
        mixed.push("index.html");
        assert_eq!(invalidation_paths(&mixed), ["/*"]);
    }
}
