use super::*;

/// A site folder with the official sample as its resume.
fn sample_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("content")).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sample.resume.json"
        ),
        site.path().join(crate::sources::RESUME_FILE),
    )
    .unwrap();
    site
}

/// A command reads and parses the resume once, whatever it renders; learning the pages
/// (`gen infra`, `gen deploy`) typesets nothing, and the published site typesets once
/// however often it is rendered.
#[test]
fn one_parse_per_command_no_typesetting_for_the_page_list_and_one_for_the_site() {
    let site = sample_site();
    let parses = || resume::PARSES.with(|n| n.get());
    let before = parses();
    let input = Input::read(site.path()).unwrap();
    assert_eq!(input.page_paths().unwrap(), ["/"]);
    #[cfg(feature = "pdf")]
    assert_eq!(crate::pdf::TYPESETS.with(|n| n.get()), 0, "the page list");
    let built = input.published(None, false).unwrap();
    assert!(built.site.get("index.html").is_some());
    #[cfg(feature = "pdf")]
    {
        assert!(built.site.get("resume.pdf").is_some());
        assert_eq!(
            crate::pdf::TYPESETS.with(|n| n.get()),
            1,
            "the published site"
        );
    }
    // A second render of the same input (as gen deploy's) takes resume.pdf from the first.
    let again = input.published(None, false).unwrap();
    #[cfg(feature = "pdf")]
    assert_eq!(crate::pdf::TYPESETS.with(|n| n.get()), 1, "typeset once");
    assert_eq!(again.site, built.site);
    assert_eq!(
        parses() - before,
        1,
        "one parse for the page list and the site"
    );
}

/// The page list known without rendering is the rendered site's, whatever the theme:
/// posts, tags (one page per slug), no drafts, no 404.
#[test]
fn the_page_list_known_without_rendering_is_the_rendered_sites() {
    let site = sample_site();
    let posts = site.path().join("content/posts");
    std::fs::create_dir_all(posts.join("with-files")).unwrap();
    for (file, front) in [
        (
            "first.md",
            "title: One\ndate: 2026-01-02\ntags: [AWS, Rust]",
        ),
        (
            "second.md",
            "title: Two\ndate: 2026-02-03\ntags: [aws]\nslug: own-slug",
        ),
        (
            "later.md",
            "title: Draft\ndate: 2026-03-04\ntags: [drafted]\ndraft: true",
        ),
        ("with-files/index.md", "title: Files\ndate: 2026-04-05"),
    ] {
        std::fs::write(
            posts.join(file),
            format!("---\n{front}\n---\nSome words.\n"),
        )
        .unwrap();
    }
    std::fs::write(
        site.path().join("content/resume.de.yaml"),
        "basics:\n  label: Ingenieurin\n",
    )
    .unwrap();
    for theme in crate::themes::THEMES.iter().map(|t| t.name) {
        std::fs::write(
            site.path().join("gen.toml"),
            format!(
                "theme = \"{theme}\"\n[pdf]\nenabled = false\n[versions.backend]\ninclude = []\n"
            ),
        )
        .unwrap();
        let input = Input::read(site.path()).unwrap();
        let listed = input.page_paths().unwrap();
        assert_eq!(
            listed,
            [
                "/",
                "/de/",
                "/de/v/backend/",
                "/posts/",
                "/posts/first/",
                "/posts/own-slug/",
                "/posts/with-files/",
                "/tags/aws/",
                "/tags/rust/",
                "/v/backend/"
            ],
            "{theme}"
        );
        let rendered = input.published(None, false).unwrap();
        assert_eq!(listed, rendered.site.page_paths(), "{theme}");
    }
}

#[test]
fn counter_urls() {
    assert!(check_counter_url("https://abc.execute-api.eu-west-1.amazonaws.com/visits").is_ok());
    assert!(check_counter_url("http://127.0.0.1:9000/visits").is_ok());
    assert!(check_counter_url("http://example.com/visits").is_err());
    assert!(check_counter_url("http://127.0.0.1.evil.example/visits").is_err());
    assert!(check_counter_url("javascript:alert(1)").is_err());
    assert!(check_counter_url("wss://abc.execute-api.eu-west-1.amazonaws.com/live").is_ok());
    assert!(check_counter_url("ws://127.0.0.1:9000/visits").is_ok());
    assert!(check_counter_url("ws://example.com/visits").is_err());
    assert!(check_counter_url("wss:abc.example/live").is_err());
    assert!(check_counter_url("http://localhost:9000/visits").is_ok());
    assert!(check_counter_url("http://[::1]:9000/visits").is_ok());
    assert!(check_counter_url("http://localhost.evil.example/visits").is_err());
    assert!(check_counter_url("http://127.0.0.1@evil.example/visits").is_err());
}
