//! Posts (tests/fixtures/posts-site): the pages, lists, tags, feed and sitemap a site with
//! five posts builds (one a draft); what a changed post republishes and invalidates.

use std::path::Path;

use crate::support::TestSite;

const POSTS_SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/posts-site");

/// A site with the default theme and the fixture's settings, resume and posts.
pub(crate) fn posts_site() -> TestSite {
    let site = TestSite::new();
    copy(Path::new(POSTS_SITE), "", &site);
    site
}

fn copy(dir: &Path, relative: &str, site: &TestSite) {
    for entry in std::fs::read_dir(dir.join(relative)).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{relative}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            copy(dir, &format!("{name}/"), site);
        } else {
            site.write(&name, &std::fs::read(entry.path()).unwrap());
        }
    }
}

/// What a snapshot of a page shows: its head's page-specific lines, then its body.
fn view(html: &str) -> String {
    let head = &html[..html.find("<body>").unwrap_or(0)];
    let mut lines: Vec<&str> = head
        .lines()
        .filter(|l| {
            [
                "<title>",
                "name=\"description\"",
                "rel=\"canonical\"",
                "property=",
                "ld+json",
                "rel=\"alternate\"",
                "name=\"robots\"",
            ]
            .iter()
            .any(|k| l.contains(k))
        })
        .collect();
    lines.push(&html[html.find("<body>").unwrap_or(0)..]);
    lines.join("\n")
}

#[test]
fn a_site_with_posts_builds_their_pages_lists_tags_feed_and_sitemap() {
    let site = posts_site();
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let files: Vec<String> = site.output().into_keys().collect();
    assert_eq!(
        files,
        [
            ".gen-site",
            "404.html",
            "atom.xml",
            "favicon.svg",
            "index.html",
            "posts/ci-cd/index.html",
            "posts/dynamodb-counter/index.html",
            "posts/index.html",
            "posts/rust-lambda/architecture.59b77c0944.png",
            "posts/rust-lambda/architecture.png",
            "posts/rust-lambda/index.html",
            "posts/terraform-oac/index.html",
            "resume.json",
            "resume.pdf",
            "resume.txt",
            "robots.txt",
            "sitemap.xml",
            "tags/aws/index.html",
            "tags/ci/index.html",
            "tags/rust/index.html",
            "tags/terraform/index.html",
        ],
        "the draft has no page"
    );
    for page in [
        "posts/terraform-oac",
        "posts/rust-lambda",
        "posts/ci-cd",
        "posts/dynamodb-counter",
        "posts",
        "tags/aws",
    ] {
        insta::assert_snapshot!(
            format!("posts_{}", page.replace('/', "_")),
            view(&site.html(&format!("{page}/index.html")))
        );
    }
    insta::assert_snapshot!("posts_atom", site.html("atom.xml"));
    insta::assert_snapshot!("posts_sitemap", site.html("sitemap.xml"));

    let index = site.html("index.html");
    assert_contains!(index, "<h2 id=\"writing\">Writing</h2>");
    assert_contains!(index, "<a href=\"/posts/\">All 4 posts</a>");
    assert_contains!(
        index,
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Ada Lovelace — Cloud Engineer\" href=\"https://ada.example/atom.xml\">"
    );
    for file in ["atom.xml", "sitemap.xml", "posts/index.html", "index.html"] {
        assert!(
            !site.html(file).contains("draft-notes"),
            "{file} lists the draft"
        );
    }
}

#[test]
fn a_resume_without_posts_has_no_writing_section_and_no_feed() {
    let site = TestSite::new();
    site.write("gen.toml", b"base_url = \"https://ada.example/\"\n");
    assert!(site.build(&[]).success());
    let index = site.html("index.html");
    assert!(!index.contains("Writing"), "{index}");
    assert!(!index.contains("atom+xml"), "{index}");
    assert!(!site.path("out/site/atom.xml").exists());
    assert!(!site.path("out/site/posts").exists());
}

#[test]
fn raw_html_in_posts_is_text_unless_the_site_trusts_it() {
    let site = TestSite::new();
    site.write(
        "content/posts/raw.md",
        b"---\ntitle: Raw\ndate: 2026-11-30\n---\nHello <em onclick=\"x()\">there</em>.\n",
    );
    assert!(site.build(&[]).success());
    assert_contains!(
        site.html("posts/raw/index.html"),
        "Hello &lt;em onclick=\"x()\"&gt;there&lt;/em&gt;."
    );
    site.write("gen.toml", b"unsafe_html = true\n");
    assert!(site.build(&[]).success());
    assert_contains!(
        site.html("posts/raw/index.html"),
        "Hello <em onclick=\"x()\">there</em>."
    );
}

/// A post folder's files reach out/site by type: a page, a script or an SVG the author put
/// there is refused (naming the file and the setting), and nothing takes the place of the
/// post's page even when the site trusts its authors.
#[test]
fn a_post_folder_publishes_only_images_pdfs_and_data_files() {
    let site = TestSite::new();
    let index = b"---\ntitle: Folder\ndate: 2026-11-30\n---\n![d](diagram.png)\n";
    site.write("content/posts/folder/index.md", index);
    site.write(
        "content/posts/folder/diagram.png",
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/posts-site/content/posts/rust-lambda/architecture.png"
        ))
        .unwrap(),
    );
    site.write("content/posts/folder/data.csv", b"a,b\n1,2\n");
    site.write("content/posts/folder/slides.pdf", b"%PDF-1.7\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let before = site.output();
    for file in ["diagram.png", "data.csv", "slides.pdf"] {
        assert!(
            before.contains_key(&format!("posts/folder/{file}")),
            "{file}"
        );
    }

    let hostile: [(&str, &[u8], &str); 3] = [
        (
            "index.html",
            b"<script>alert(1)</script>",
            "content/posts/folder/index.html:1:1: this file would take the place of the post's page",
        ),
        (
            "x.js",
            b"alert(1)",
            "content/posts/folder/x.js:1:1: a .js file, a script, is not published",
        ),
        (
            "evil.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "content/posts/folder/evil.svg:1:1: an SVG image, which can hold scripts, is not published",
        ),
    ];
    for (name, bytes, expected) in hostile {
        site.write(&format!("content/posts/folder/{name}"), bytes);
        let run = site.build(&[]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert_contains!(run.stderr, expected);
        if name != "index.html" {
            assert_contains!(run.stderr, "`unsafe_html = true` in gen.toml");
        }
        assert_eq!(site.output(), before, "{name}: out/site changed");
        site.remove(&format!("content/posts/folder/{name}"));
    }

    // A site that trusts its authors publishes the script and the SVG, never a second page.
    site.write("gen.toml", b"unsafe_html = true\n");
    site.write("content/posts/folder/x.js", b"alert(1)");
    site.write("content/posts/folder/index.html", b"<p>not the post</p>");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "index.html:1:1: this file would take the place");
    site.remove("content/posts/folder/index.html");
    assert!(site.build(&[]).success());
    assert!(site.output().contains_key("posts/folder/x.js"));
}

#[test]
fn gen_new_post_writes_a_draft_that_builds() {
    let site = TestSite::new();
    let run = crate::support::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["new", "post", "Why I chose CloudFront OAC", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1"),
    );
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "created content/posts/why-i-chose-cloudfront-oac.md"
    );
    let text =
        std::fs::read_to_string(site.path("content/posts/why-i-chose-cloudfront-oac.md")).unwrap();
    assert!(
        text.starts_with("---\ntitle: Why I chose CloudFront OAC\ndate: 20"),
        "{text}"
    );
    assert_contains!(text, "draft: true\n---\n");
    let built = site.build(&["--strict"]);
    assert!(built.success(), "{}", built.stderr);
    assert!(
        !site.path("out/site/posts").exists(),
        "a draft is not built"
    );
    let again = crate::support::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["new", "post", "Why I chose CloudFront OAC", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1"),
    );
    assert_eq!(again.code, Some(1));
    assert_contains!(again.stderr, "already exists");
}

/// Every folder page is also published under its folder's key (`posts/ci-cd/`), so that S3
/// answers `/posts/ci-cd/`; a changed title republishes and invalidates exactly the pages
/// that show it, never `/*`.
#[test]
fn a_changed_post_republishes_and_invalidates_only_the_pages_that_show_it() {
    use crate::publish::{invalidations, objects, publish, stack};
    let moto = testkit::Moto::start();
    let distribution = stack(&moto);
    let site = posts_site();
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    let bucket = objects(&moto);
    for key in [
        "posts/ci-cd/",
        "posts/",
        "tags/aws/",
        "posts/ci-cd/index.html",
    ] {
        let (_, content_type, _, _) = bucket
            .get(key)
            .unwrap_or_else(|| panic!("{key} not in {:?}", bucket.keys()));
        assert_eq!(content_type, "text/html; charset=utf-8", "{key}");
    }
    assert_eq!(bucket["posts/ci-cd/"], bucket["posts/ci-cd/index.html"]);
    let again = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert_contains!(again.stderr, "uploaded 0 (0 B), deleted 0");

    let post = std::fs::read_to_string(site.path("content/posts/terraform-oac.md")).unwrap();
    site.write(
        "content/posts/terraform-oac.md",
        post.replace("with OAC\"", "with Origin Access Control\"")
            .as_bytes(),
    );
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    let mut got = invalidations(&moto, &distribution).pop().unwrap();
    got.sort();
    assert_eq!(
        got,
        [
            "/atom.xml",
            "/posts/",
            "/posts/index.html",
            "/posts/terraform-oac/",
            "/posts/terraform-oac/index.html",
            "/tags/aws/",
            "/tags/aws/index.html",
            "/tags/terraform/",
            "/tags/terraform/index.html",
        ]
    );
}

/// gen.toml's base_url reaches the feed escaped (a `&` in its path stays well-formed XML), and
/// a base_url that would break an attribute or the XML is a located error in gen.toml.
#[test]
fn the_feed_holds_base_url_escaped_and_a_base_url_that_breaks_it_is_refused() {
    let site = TestSite::new();
    site.write(
        "content/posts/a.md",
        b"---\ntitle: A\ndate: 2026-11-30\n---\nText\n",
    );
    site.write("gen.toml", b"base_url = \"https://ada.example/r&d\"\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let feed = site.html("atom.xml");
    assert_contains!(feed, "<id>https://ada.example/r&amp;d/posts/a/</id>");
    assert!(!feed.contains("r&d"), "{feed}");
    let before = site.output();

    site.write("gen.toml", b"base_url = \"https://ada.example/\\\"><x>\"\n");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "gen.toml:1:12: base_url:");
    assert_contains!(run.stderr, "percent-encoded: %22");
    assert_eq!(site.output(), before, "out/site is untouched");
}

/// Rendered bodies are kept in gen's cache folder, one pack for the site: a build from it
/// writes the same site byte for byte, a damaged pack is not taken, and an edited post's new
/// body replaces its old one.
#[test]
fn post_bodies_kept_in_the_cache_folder_build_the_same_site_and_a_damaged_one_is_not_taken() {
    let site = posts_site();
    let first = site.build(&[]);
    assert!(first.success(), "{}", first.stderr);
    let fresh = site.output();
    let folder = site.cache().join("gen/posts");
    let files_in = |folder: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect()
    };
    // One pack for the site, holding its five posts' bodies (the draft's too: gen serve
    // shows it).
    let packs = files_in(&folder);
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = &packs[0];
    // Bodies are named by the SHA-256 of what they are made from: the distinct names after
    // the pack's own checksum line.
    let bodies = |pack: &std::path::Path| {
        let bytes = std::fs::read(pack).unwrap();
        let content = &bytes[bytes.iter().position(|&b| b == b'\n').unwrap() + 1..];
        let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        let mut names = std::collections::BTreeSet::new();
        let mut at = 0;
        while at < content.len() {
            let run = content[at..].iter().take_while(|b| hex(b)).count();
            if run == 64 {
                names.insert(&content[at..at + 64]);
            }
            at += run.max(1);
        }
        names.len()
    };
    assert_eq!(bodies(pack), 5);

    // A pack damaged in any way is not taken: the site is the same, the pack written anew.
    let whole = std::fs::read(pack).unwrap();
    let text = String::from_utf8_lossy(&whole).into_owned();
    for damaged in [
        text.replacen("<p>", "<p>Injected ", 1).into_bytes(),
        whole[..whole.len() / 2].to_vec(),
        whole[..whole.len() - 1].to_vec(),
        b"not a pack".to_vec(),
    ] {
        std::fs::write(pack, damaged).unwrap();
        let again = site.build(&[]);
        assert!(again.success(), "{}", again.stderr);
        assert_eq!(site.output(), fresh, "a build from a damaged pack");
        assert_eq!(std::fs::read(pack).unwrap(), whole, "written anew");
    }

    // From a whole pack, taken and not written again: the same site.
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let file = std::fs::File::options().write(true).open(pack).unwrap();
    file.set_modified(hour_ago).unwrap();
    std::fs::remove_dir_all(site.path("out")).unwrap();
    assert!(site.build(&[]).success());
    assert_eq!(site.output(), fresh, "a build from the kept pack");
    let written = std::fs::metadata(pack).unwrap().modified().unwrap();
    assert_eq!(written, hour_ago, "taken, not written again");

    // An edited post renders anew, its page shows the edit, and the pack holds the bodies
    // this build used: the old one of the edited post leaves it.
    let post = site.path("content/posts/rust-lambda/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, format!("{text}\nA new closing line.\n")).unwrap();
    assert!(site.build(&[]).success());
    assert_eq!(files_in(&folder), packs);
    assert_eq!(bodies(pack), 5);
    assert!(String::from_utf8_lossy(&std::fs::read(pack).unwrap()).contains("A new closing line."));
    assert!(
        site.html("posts/rust-lambda/index.html")
            .contains("A new closing line.")
    );
}
