//! Pull requests' previews: `gen build --preview N` renders the site for `/_preview/pr-N/`,
//! `gen publish --preview N` puts it there in the site's bucket (moto) and `--remove` takes it
//! away, and neither ever touches the site's own files, nor the site's publish the preview's.

use std::collections::{BTreeMap, BTreeSet};

use testkit::Moto;

use crate::posts::posts_site;
use crate::publish::{invalidations, objects, publish, stack};
use crate::support::TestSite;

const FOLDER: &str = "/_preview/pr-7/";

/// The fixture with posts (tags, a feed, a post's own image), a photo, a German page and a
/// listed version: every kind of link gen writes.
fn preview_site() -> TestSite {
    let site = posts_site();
    site.write(
        "content/photo.jpg",
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/photo.jpg"
        ))
        .unwrap(),
    );
    let resume = std::fs::read_to_string(site.path("content/resume.yaml")).unwrap();
    site.write(
        "content/resume.yaml",
        resume
            .replacen("basics:\n", "basics:\n  image: photo.jpg\n", 1)
            .as_bytes(),
    );
    site.write(
        "content/resume.de.yaml",
        b"basics:\n  label: Cloud-Ingenieurin\n",
    );
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        format!("{toml}\n[versions.cloud]\nlabel = \"Cloud\"\nlisted = true\n").as_bytes(),
    );
    // A post that links the site from its root, as people write them.
    site.write(
        "content/posts/links.md",
        b"---\ntitle: Links\ndate: 2026-11-01\n---\n\nSee [the CI post](/posts/ci-cd/) and [my resume](/).\n",
    );
    site
}

/// Every `href` and `src` (and each `srcset` candidate) of a page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\"", "srcset=\""] {
        for rest in html.split(attribute).skip(1) {
            let value = &rest[..rest.find('"').unwrap()];
            if attribute == "srcset=\"" {
                found.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next().map(str::to_owned)),
                );
            } else {
                found.push(value.to_owned());
            }
        }
    }
    found
}

/// `link` on the page at `page` (a path under the folder, `posts/`), as a path from the
/// site's root, or None for a link that leaves the site (another host, mailto:, #...).
fn resolved(page: &str, link: &str) -> Option<String> {
    let link = link.replace("&amp;", "&");
    if let Some(path) = link.strip_prefix("https://ada.example") {
        return Some(path.to_owned());
    }
    if link.contains(':') || link.starts_with('#') || link.starts_with("//") {
        return None;
    }
    let link = link.split(['#', '?']).next().unwrap();
    let page = format!("{FOLDER}{page}");
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        let dir = &page[..page.rfind('/').unwrap() + 1];
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in link.split('/').filter(|p| !p.is_empty()) {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let slash = if link.ends_with('/') || link.is_empty() {
        "/"
    } else {
        ""
    };
    Some(format!("/{}{slash}", parts.join("/")))
}

#[test]
fn a_preview_links_only_inside_its_folder_and_says_what_it_is() {
    let site = preview_site();
    let run = site.build(&["--preview", "7"]);
    assert!(run.success(), "{}", run.stderr);
    let files = site.output_at("out/_preview/pr-7");
    assert!(files.contains_key("index.html") && files.contains_key("posts/links/index.html"));
    assert!(!files.contains_key("sitemap.xml") && !files.contains_key("robots.txt"));
    let pages: Vec<&String> = files.keys().filter(|f| f.ends_with(".html")).collect();
    assert!(pages.len() >= 12, "{pages:?}");
    let mut checked = 0;
    for page in pages {
        let html = String::from_utf8(files[page].clone()).unwrap();
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{page}"
        );
        assert_eq!(html.matches("name=\"robots\"").count(), 1, "{page}");
        assert!(
            !html.contains("<script src="),
            "{page} loads the counter script"
        );
        if page != "404.html" {
            let lang = if page.starts_with("de/") {
                "Vorschau des Pull-Requests #7"
            } else {
                "Preview of pull request #7"
            };
            assert_contains!(html, format!("<p>{lang}</p>"));
        }
        for link in links(&html) {
            let Some(path) = resolved(page, &link) else {
                continue;
            };
            assert!(
                path.starts_with(FOLDER),
                "{page}: {link} leaves the preview's folder"
            );
            let file = &path[FOLDER.len()..];
            let file = if file.is_empty() || file.ends_with('/') {
                format!("{file}index.html")
            } else {
                file.to_owned()
            };
            assert!(
                files.contains_key(&file),
                "{page}: {link} ({file}) is not in the preview"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links");
    let post = String::from_utf8(files["posts/links/index.html"].clone()).unwrap();
    assert_contains!(post, "href=\"/_preview/pr-7/posts/ci-cd/\"");
    let feed = String::from_utf8(files["atom.xml"].clone()).unwrap();
    assert_contains!(feed, "https://ada.example/_preview/pr-7/posts/links/");

    // A page copied before previews, linking from `/`, is named: its links leave the folder.
    let copied =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/404.html"))
            .unwrap()
            .replace("{{ site.root }}", "/");
    site.write("templates/404.html", copied.as_bytes());
    let run = site.build(&["--preview", "7"]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "templates/404.html links from the site's root (href=\"/...\")"
    );
    site.remove("templates/404.html");

    // The site itself is as it was, and keeps search engines out of previews.
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(site.html("robots.txt"), "Disallow: /_preview/\n");
    let home = site.html("index.html");
    assert!(!home.contains("_preview") && !home.contains("noindex"));
    assert!(!home.contains("Preview of pull request"));
}

#[test]
fn a_preview_is_published_and_removed_inside_its_folder_only() {
    let moto = Moto::start();
    let distribution = stack(&moto);
    let site = preview_site();
    let args = ["--distribution-id", distribution.as_str(), "--yes"];
    let run = publish(&site, &moto, &args);
    assert!(run.success(), "{}", run.stderr);
    let main = objects(&moto);
    assert!(main.keys().all(|k| !k.starts_with("_preview/")));

    let run = publish(&site, &moto, &[&args[..], &["--preview", "7"]].concat());
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stdout, "preview: https://ada.example/_preview/pr-7/\n");
    let built = site.build(&["--preview", "7"]);
    assert!(built.success(), "{}", built.stderr);
    let files = site.output_at("out/_preview/pr-7");
    let after = objects(&moto);
    let preview: BTreeMap<&String, _> = after
        .iter()
        .filter(|(k, _)| k.starts_with("_preview/"))
        .collect();
    // Each page also at its folder's key, the preview's home too: /_preview/pr-7/ is a folder.
    let expected: BTreeSet<String> = files
        .keys()
        .filter(|k| *k != ".gen-site")
        .flat_map(|k| {
            let folder = k
                .strip_suffix("index.html")
                .map(|f| format!("_preview/pr-7/{f}"));
            std::iter::once(format!("_preview/pr-7/{k}")).chain(folder)
        })
        .collect();
    assert_eq!(
        preview
            .keys()
            .map(|k| (*k).clone())
            .collect::<BTreeSet<_>>(),
        expected
    );
    // Byte for byte the files whose every link was walked above.
    for (key, (_, _, _, etag)) in &preview {
        let path = key.trim_start_matches("_preview/pr-7/");
        let path = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_owned()
        };
        use md5::Digest;
        assert_eq!(etag, &hex::encode(md5::Md5::digest(&files[&path])), "{key}");
    }
    for (key, (_, content_type, _, _)) in &preview {
        let extension = if key.ends_with('/') {
            "html"
        } else {
            key.rsplit('.').next().unwrap()
        };
        let wanted = match extension {
            "html" => "text/html; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "xml" => "application/xml; charset=utf-8",
            "json" => "application/json",
            "jpg" => "image/jpeg",
            "png" => "image/png",
            "webp" => "image/webp",
            "svg" => "image/svg+xml",
            "pdf" => "application/pdf",
            "txt" => "text/plain; charset=utf-8",
            other => panic!("{key}: .{other}"),
        };
        assert_eq!(content_type, wanted, "{key}");
    }
    // Not one of the site's objects changed.
    let untouched: BTreeMap<&String, _> = after
        .iter()
        .filter(|(k, _)| !k.starts_with("_preview/"))
        .collect();
    assert_eq!(untouched, main.iter().collect::<BTreeMap<_, _>>());
    let paths = invalidations(&moto, &distribution);
    let last = paths.last().unwrap();
    assert!(
        last.iter().all(|p| p.starts_with(FOLDER)),
        "the preview invalidated {last:?}"
    );

    // The site's publish keeps the preview; a second preview publish sends nothing.
    let run = publish(&site, &moto, &args);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "deleted 0");
    assert_eq!(objects(&moto), after);
    let run = publish(&site, &moto, &[&args[..], &["--preview", "7"]].concat());
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "uploaded 0");

    // Removing it deletes exactly its folder.
    let before_remove = invalidations(&moto, &distribution).len();
    let run = publish(
        &site,
        &moto,
        &[&args[..], &["--preview", "7", "--remove"]].concat(),
    );
    assert!(run.success(), "{}", run.stderr);
    assert_eq!(objects(&moto).into_iter().collect::<BTreeMap<_, _>>(), main);
    let paths = invalidations(&moto, &distribution);
    assert_eq!(paths.len(), before_remove + 1);
    assert_eq!(paths.last().unwrap(), &vec![format!("{FOLDER}*")]);

    // A prefix of the previews' own is refused: only --preview writes there.
    let run = publish(
        &site,
        &moto,
        &[&args[..], &["--prefix", "_preview/pr-8"]].concat(),
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "--preview N");
}
