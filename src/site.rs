//! The built website as files in memory: produced once by render, consumed by build and
//! (later) serve and publish.

use std::path::Path;

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// How long browsers and CDNs may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CachePolicy {
    /// Check with the server every time (HTML and other files whose name never changes).
    Revalidate,
    /// Keep for a year: the name carries a hash of the content (`style.3f2a9c1e0b.css`).
    Immutable,
}

impl CachePolicy {
    /// The `Cache-Control` header value.
    pub fn header(self) -> &'static str {
        match self {
            CachePolicy::Revalidate => "public, max-age=0, must-revalidate",
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Path inside the site, with `/` separators and no leading slash: `index.html`.
    pub path: String,
    /// Shared, not copied: a preview keeps unchanged pages from one build to the next.
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub cache: CachePolicy,
}

/// The whole site, files sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    pub files: Vec<SiteFile>,
}

impl Site {
    /// Adds a file, typed by its extension; it replaces a file added before at the same path.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Bytes>, cache: CachePolicy) {
        let path = path.into();
        let content_type = content_type(&path);
        self.files.push(SiteFile {
            path,
            bytes: bytes.into(),
            content_type,
            cache,
        });
    }

    /// Puts the files in path order, the last one added for a path kept, so the same input
    /// always gives the same site.
    pub fn sort(&mut self) {
        self.files.reverse();
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files.dedup_by(|later, kept| later.path == kept.path);
    }

    /// The file at `path`: the last one added there.
    pub fn get(&self, path: &str) -> Option<&SiteFile> {
        self.files.iter().rev().find(|f| f.path == path)
    }

    /// The page a browser shows at the URL path `url_path` (`/` is `index.html`, `/a/` is
    /// `a/index.html`); `None` for anything that is not a page, `404.html` included.
    pub fn page(&self, url_path: &str) -> Option<&SiteFile> {
        let path = url_path.strip_prefix('/')?;
        let file = match path.is_empty() || path.ends_with('/') {
            true => format!("{path}index.html"),
            false => path.to_owned(),
        };
        self.get(&file)
            .filter(|f| f.content_type.starts_with("text/html") && f.path != NOT_FOUND_PAGE)
    }

    /// The URL paths of every page (the counter counts these and nothing else), sorted.
    pub fn page_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .files
            .iter()
            .filter(|f| f.content_type.starts_with("text/html") && f.path != NOT_FOUND_PAGE)
            .map(|f| url_path(&f.path))
            .collect();
        paths.sort();
        paths
    }
}

/// The URL path a browser asks for to get the file at `path`: `/` for `index.html`, `/a/` for
/// `a/index.html`, `/a.html` for `a.html`.
pub fn url_path(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{path}"),
    }
}

/// The page served for a missing path; never counted as a page of its own.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// Where pull requests' previews are published in the site's bucket, one folder each: the
/// site itself never has a file there, and its publish never lists, writes or deletes one.
pub const PREVIEWS: &str = "_preview/";

/// Pull request `number`'s preview folder: `_preview/pr-7/`.
pub fn preview_prefix(number: u32) -> String {
    format!("{PREVIEWS}pr-{number}/")
}

/// The `Content-Type` for a site path, with a charset for text.
pub fn content_type(path: &str) -> &'static str {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "yaml" | "yml" => "application/yaml",
        "toml" => "application/toml",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// `style.css` → `style.1a2b3c4d5e.css`: the name changes whenever the content does.
pub fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    with_fingerprint(name, &hex::encode(&Sha256::digest(bytes)[..5]))
}

/// `style.css` with the fingerprint `hash` (the first 10 hex digits of its SHA-256).
pub fn with_fingerprint(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_their_url_paths() {
        let mut site = Site::default();
        for path in [
            "index.html",
            "404.html",
            "posts/index.html",
            "posts/a/index.html",
            "cv.html",
            "style.css",
            "xindex.html",
        ] {
            site.add(path, Vec::new(), CachePolicy::Revalidate);
        }
        site.add("cv.html", "later", CachePolicy::Revalidate);
        assert_eq!(&site.get("cv.html").unwrap().bytes[..], b"later");
        site.sort();
        assert_eq!(site.files.len(), 7);
        assert_eq!(&site.get("cv.html").unwrap().bytes[..], b"later");
        assert_eq!(
            site.page_paths(),
            ["/", "/cv.html", "/posts/", "/posts/a/", "/xindex.html"]
        );
        assert_eq!(site.page("/").unwrap().path, "index.html");
        assert_eq!(site.page("/posts/a/").unwrap().path, "posts/a/index.html");
        assert!(site.page("/404.html").is_none());
        assert!(site.page("/style.css").is_none());
        assert!(site.page("/nope/").is_none());
        assert!(site.page("index.html").is_none());
    }
}
