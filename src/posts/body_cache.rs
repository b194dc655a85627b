//! Posts' rendered bodies, kept between builds in gen's cache folder (`~/.cache/gen/posts/`,
//! see [`crate::disk_cache`]): parsing Markdown and highlighting its code is most of a build
//! of many posts, and the same body with the same files beside it always renders the same.
//! A site's bodies are kept together in one pack, named by the site's folder; a body in it is
//! named by the SHA-256 of everything it is rendered from: its Markdown, its files' published
//! names, the settings, gen's version and [`FORMAT`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::markdown::{self, Body, Settings};
use crate::disk_cache::{self, Kind, Pack};

/// A site's pack: about 12 KiB for each post with a few code blocks.
const BODIES: Kind = Kind {
    folder: "posts",
    max_bytes: 1024 * 1024 * 1024,
};

/// Raised when what an entry holds, or how a body renders, changes within one version of gen.
const FORMAT: u32 = 3;

/// The pack of the bodies of the site in `root` (resolved).
pub fn pack(root: &Path) -> Pack {
    Pack::open(&BODIES, [root.as_os_str().as_encoded_bytes()])
}

/// `markdown`'s body as [`markdown::render`] renders it with `settings`: from `pack` when an
/// earlier build kept it whole, else rendered and kept there.
pub fn render(markdown: &str, settings: &Settings<'_>, pack: Option<&Pack>) -> Body {
    let Some(pack) = pack else {
        return markdown::render(markdown, settings);
    };
    let key = key(markdown, settings);
    if let Some(body) = pack.get(&key, |bytes| parse(bytes, &key)) {
        return body;
    }
    let body = markdown::render(markdown, settings);
    if let Some(bytes) = entry(&key, &body) {
        pack.put(&key, bytes);
    }
    body
}

/// The SHA-256 of everything the body is rendered from. The files' published names carry a
/// hash of their bytes (which images' sizes come from too), so they stand for the files.
fn key(markdown: &str, settings: &Settings<'_>) -> String {
    let format = FORMAT.to_le_bytes();
    let flags = [u8::from(settings.unsafe_html)];
    let own_host = settings.own_host.unwrap_or("\0");
    let mut fields: Vec<&[u8]> = vec![
        &format,
        &flags,
        own_host.as_bytes(),
        settings.root.as_bytes(),
        markdown.as_bytes(),
    ];
    for (name, published) in settings.fingerprinted {
        fields.extend([name.as_bytes(), published.as_bytes()]);
    }
    disk_cache::key(fields)
}

/// A body as kept: with its key, so a file under another entry's name is never taken.
#[derive(Serialize, Deserialize)]
struct Entry<B> {
    key: String,
    body: B,
}

/// The body an entry holds, when it is one and for `key`.
fn parse(bytes: &[u8], key: &str) -> Option<Body> {
    let entry: Entry<Body> = postcard::from_bytes(bytes).ok()?;
    (entry.key == key).then_some(entry.body)
}

fn entry(key: &str, body: &Body) -> Option<Vec<u8>> {
    postcard::to_allocvec(&Entry {
        key: key.to_owned(),
        body,
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn settings<'a>(
        assets: &'a BTreeMap<String, Vec<u8>>,
        names: &'a BTreeMap<String, String>,
    ) -> Settings<'a> {
        Settings {
            assets,
            fingerprinted: names,
            unsafe_html: false,
            own_host: None,
            root: "/",
        }
    }

    #[test]
    fn a_kept_body_is_the_rendered_one_and_never_another_keys() {
        let (assets, names) = (BTreeMap::new(), BTreeMap::new());
        let settings = settings(&assets, &names);
        let markdown = "# Title\n\nSome *text*.\n\n## One\n\n```rust\nfn main() {}\n```\n";
        let body = markdown::render(markdown, &settings);
        let key = key(markdown, &settings);
        let bytes = entry(&key, &body).unwrap();
        assert_eq!(parse(&bytes, &key), Some(body));
        assert_eq!(parse(&bytes, &"0".repeat(64)), None);
        assert_eq!(parse(b"{}", &key), None);
    }

    #[test]
    fn the_key_follows_the_markdown_the_settings_and_the_files_published_names() {
        let (assets, names) = (BTreeMap::new(), BTreeMap::new());
        let base = key("text", &settings(&assets, &names));
        assert_ne!(base, key("text.", &settings(&assets, &names)));
        let unsafe_html = Settings {
            unsafe_html: true,
            ..settings(&assets, &names)
        };
        assert_ne!(base, key("text", &unsafe_html));
        // Files with other bytes get other published names.
        let name = |bytes: &[u8]| {
            BTreeMap::from([(
                "a.png".to_owned(),
                crate::site::fingerprinted("a.png", bytes),
            )])
        };
        let (one, two) = (name(&[1]), name(&[2]));
        assert_ne!(
            key("text", &settings(&assets, &one)),
            key("text", &settings(&assets, &two))
        );
    }
}
