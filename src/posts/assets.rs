//! Which of a post folder's files are published beside its page. Without `unsafe_html`, no
//! file the author supplies may act as a page or a script: a post's `index.html` would replace
//! its page, an `x.js` would pass the site's `script-src 'self'`, an SVG can hold scripts. So
//! files are allowed by type: images gen can size, PDFs, plain data files.

use crate::diagnostic::Diagnostic;
use crate::sources::PostSource;

/// Images gen reads the size of (for `width` and `height` on `<img>`).
const IMAGES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "avif"];

/// Files a reader downloads or a browser shows as they are, never as a page or a script.
const DOCUMENTS: &[&str] = &[
    "pdf", "txt", "csv", "tsv", "json", "yaml", "yml", "toml", "zip", "mp4", "webm",
];

/// The page gen writes in each post's folder: no file of the post may take its place.
const PAGE: &str = "index.html";

/// A located error for each file of `post` that may not be published: by type unless the site
/// trusts its authors (`unsafe_html = true`), and any that would take the place of the page.
pub fn check(post: &PostSource, unsafe_html: bool) -> Vec<Diagnostic> {
    let folder = post
        .file
        .name
        .strip_suffix("index.md")
        .unwrap_or(&post.file.name);
    let mut problems = Vec::new();
    for (name, bytes) in &post.assets {
        let shown = format!("{folder}{name}");
        if name.eq_ignore_ascii_case(PAGE) {
            problems.push(Diagnostic::file(
                &shown,
                format!(
                    "this file would take the place of the post's page, which gen writes from \
                     index.md: rename or remove {name}"
                ),
            ));
            continue;
        }
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        if IMAGES.contains(&extension.as_str()) {
            if imagesize::blob_size(bytes).is_err() {
                problems.push(Diagnostic::file(
                    &shown,
                    format!(
                        "not a {} image gen can read: save it again as an image, or rename it",
                        extension.to_ascii_uppercase()
                    ),
                ));
            }
            continue;
        }
        if unsafe_html || DOCUMENTS.contains(&extension.as_str()) {
            continue;
        }
        let kind = match extension.as_str() {
            "" => "a file without an extension".to_owned(),
            "svg" | "svgz" => "an SVG image, which can hold scripts,".to_owned(),
            "html" | "htm" | "xhtml" | "xml" => format!("a .{extension} file, a page of its own,"),
            "js" | "mjs" | "wasm" => format!("a .{extension} file, a script,"),
            other => format!("a .{other} file"),
        };
        problems.push(Diagnostic::file(
            &shown,
            format!(
                "{kind} is not published: beside a post gen publishes images ({}), PDFs, data \
                 files, archives and video ({}); other files only with `unsafe_html = true` in \
                 gen.toml, for sites that trust their authors",
                IMAGES.join(", "),
                DOCUMENTS[1..].join(", ")
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::diagnostic::SourceFile;

    /// A PNG's first bytes: enough for its size to be read.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";

    fn post(files: &[(&str, &[u8])]) -> PostSource {
        let assets: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
            .collect();
        let file = SourceFile {
            name: "content/posts/oac/index.md".into(),
            text: String::new(),
        };
        PostSource::new(file, "oac".into(), assets)
    }

    fn problems(files: &[(&str, &[u8])], unsafe_html: bool) -> Vec<String> {
        check(&post(files), unsafe_html)
            .iter()
            .map(Diagnostic::headline)
            .collect()
    }

    #[test]
    fn images_pdfs_and_data_files_are_published() {
        let files: &[(&str, &[u8])] = &[
            ("diagram.png", PNG),
            ("shots/Before.PNG", PNG),
            ("slides.pdf", b"%PDF-1.7"),
            ("data.csv", b"a,b"),
            ("notes.txt", b"x"),
        ];
        assert!(problems(files, false).is_empty());
    }

    #[test]
    fn pages_scripts_and_svg_need_unsafe_html() {
        let files: &[(&str, &[u8])] = &[
            ("evil.svg", b"<svg onload=alert(1)>"),
            ("x.js", b"alert(1)"),
            ("page.html", b"<script>"),
            ("README", b"x"),
        ];
        let found = problems(files, false);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with(
            "content/posts/oac/README:1:1: a file without an extension is not published"
        ));
        assert!(found[1].starts_with(
            "content/posts/oac/evil.svg:1:1: an SVG image, which can hold scripts, is not published"
        ));
        assert!(found[1].contains("`unsafe_html = true` in gen.toml"));
        assert!(found[2].starts_with(
            "content/posts/oac/page.html:1:1: a .html file, a page of its own, is not published"
        ));
        assert!(
            found[3]
                .starts_with("content/posts/oac/x.js:1:1: a .js file, a script, is not published")
        );
        assert!(problems(files, true).is_empty());
    }

    #[test]
    fn nothing_takes_the_place_of_the_page() {
        for unsafe_html in [false, true] {
            let found = problems(
                &[
                    ("index.html", b"<h1>not the post</h1>"),
                    ("INDEX.HTML", b"x"),
                ],
                unsafe_html,
            );
            assert_eq!(found.len(), 2, "{found:#?}");
            assert!(
                found[0].contains("would take the place of the post's page"),
                "{found:?}"
            );
        }
    }

    #[test]
    fn an_image_must_be_one() {
        let found = problems(&[("photo.jpg", b"<html><script>")], false);
        assert_eq!(
            found,
            [
                "content/posts/oac/photo.jpg:1:1: not a JPG image gen can read: save it again as an image, or rename it"
            ]
        );
    }
}
