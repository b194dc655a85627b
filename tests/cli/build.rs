//! `gen build`: output, counter, determinism, size and safety of the output folder.

use crate::support::{TestSite, run};

#[test]
fn example_site_builds_and_reports() {
    let site = TestSite::new();
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "built");
    assert_contains!(run.stderr, "no visitor counter");
    assert!(site.html("index.html").contains("<h1>Ada Lovelace</h1>"));
    assert!(site.path("out/site/.gen-site").is_file());
}

#[test]
fn counter_script_only_with_counter_url() {
    let site = TestSite::new();
    let url = "https://abc123.execute-api.eu-west-1.amazonaws.com/visits";
    let run = site.build(&["--counter-url", url]);
    assert!(run.success(), "{}", run.stderr);
    let html = site.html("index.html");
    assert!(html.contains(&format!("data-endpoint=\"{url}\"")), "{html}");
    let script = site
        .output()
        .into_keys()
        .find(|k| k.starts_with("counter.") && k.ends_with(".js"))
        .expect("fingerprinted counter script");
    assert!(html.contains(&format!("<script src=\"/{script}\" defer></script>")));
    assert!(
        crate::support::unescape(&html).contains("connect-src 'self' https://abc123.execute-api.eu-west-1.amazonaws.com; script-src 'self'"),
        "{html}"
    );
    assert!(!run.stderr.contains("no visitor counter"));
}

/// The live counter's `wss://` address (the stack's output in `mode = "websocket"`): the page
/// keeps a socket open (`data-live`), and its policy names exactly that origin.
#[test]
fn a_wss_counter_is_live_and_named_exactly_in_the_policy() {
    let site = TestSite::new();
    let url = "wss://abc123.execute-api.eu-west-1.amazonaws.com/live";
    let run = site.build(&["--counter-url", url]);
    assert!(run.success(), "{}", run.stderr);
    let html = site.html("index.html");
    assert!(
        html.contains(&format!("data-endpoint=\"{url}\" data-live data-one=")),
        "{html}"
    );
    assert!(
        crate::support::unescape(&html).contains(
            "connect-src 'self' wss://abc123.execute-api.eu-west-1.amazonaws.com; script-src 'self'"
        ),
        "{html}"
    );
    for refused in [
        "ws://abc123.execute-api.eu-west-1.amazonaws.com/live",
        "wss:abc/live",
    ] {
        let run = site.build(&["--counter-url", refused]);
        assert!(!run.success(), "{refused}");
        assert!(
            run.stderr.contains("must be an https:// or wss:// address"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn counter_url_from_environment() {
    let site = TestSite::new();
    let run = run(std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root"])
        .arg(site.root())
        .env("GEN_COUNTER_URL", "http://127.0.0.1:9/visits"));
    assert!(run.success(), "{}", run.stderr);
    assert!(
        site.html("index.html")
            .contains("data-endpoint=\"http://127.0.0.1:9/visits\"")
    );
}

#[test]
fn same_input_same_bytes() {
    let site = TestSite::new();
    assert!(site.build(&[]).success());
    let first = site.output();
    assert!(site.build(&[]).success());
    assert_eq!(first, site.output());
}

#[test]
fn css_is_minified_and_inlined() {
    let site = TestSite::new();
    assert!(site.build(&[]).success());
    let html = site.html("index.html");
    let style = &html[html.find("<style>").expect("inline style")..html.find("</style>").unwrap()];
    assert!(!style.contains("\n  "), "minified");
    assert!(style.contains("prefers-color-scheme:dark"));
    assert!(style.contains("@media print"));
    assert!(!site.output().keys().any(|k| k.ends_with(".css")));
}

#[test]
fn large_css_is_fingerprinted() {
    let site = TestSite::new();
    let mut css = site.eject("style.css");
    for i in 0..400 {
        css.push_str(&format!(".extra-{i} {{ margin-left: {i}px; }}\n"));
    }
    site.write("templates/style.css", css.as_bytes());
    assert!(site.build(&[]).success());
    let name = site
        .output()
        .into_keys()
        .find(|k| k.starts_with("style.") && k.ends_with(".css"))
        .expect("style file");
    assert!(
        site.html("index.html")
            .contains(&format!("<link rel=\"stylesheet\" href=\"/{name}\">"))
    );
}

#[test]
fn out_flag_and_foreign_folder_protection() {
    let site = TestSite::new();
    let custom = site.path("elsewhere/www");
    let run = site.build(&["--out", custom.to_str().unwrap()]);
    assert!(run.success(), "{}", run.stderr);
    assert!(custom.join("index.html").is_file());

    site.write("precious/notes.txt", b"keep me");
    let run = site.build(&["--out", site.path("precious").to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert_contains!(run.stderr, "did not write");
    assert_eq!(
        std::fs::read(site.path("precious/notes.txt")).unwrap(),
        b"keep me"
    );
}

#[test]
fn assets_in_the_theme_are_copied() {
    let site = TestSite::new();
    site.write("templates/img/photo.jpg", b"\xff\xd8\xff");
    site.write("templates/.DS_Store", b"junk");
    site.write("templates/index.html~", b"backup");
    assert!(site.build(&[]).success());
    let files = site.output();
    assert_eq!(files["img/photo.jpg"], b"\xff\xd8\xff");
    assert!(!files.contains_key(".DS_Store") && !files.contains_key("index.html~"));
}

/// A theme file that links outside content/ and templates/ would be published: refused,
/// naming the link and where it leads, with out/site as it was (a link to the site's own
/// Terraform state among them). A link into content/ is followed.
#[cfg(unix)]
#[test]
fn theme_links_that_leave_the_site_are_refused() {
    let secrets = tempfile::tempdir().unwrap();
    let credentials = secrets.path().join("credentials");
    std::fs::write(&credentials, "aws_secret_access_key = do-not-publish").unwrap();

    let site = TestSite::new();
    site.write(
        "content/shared/logo.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    std::fs::create_dir_all(site.path("templates")).unwrap();
    std::os::unix::fs::symlink(
        site.path("content/shared/logo.svg"),
        site.path("templates/logo.svg"),
    )
    .unwrap();
    assert!(site.build(&[]).success());
    let before = site.output();
    assert!(
        before.contains_key("logo.svg"),
        "a link inside the site is followed"
    );

    std::os::unix::fs::symlink(&credentials, site.path("templates/x.bin")).unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let resolved = std::fs::canonicalize(&credentials).unwrap();
    assert_contains!(
        run.stderr,
        &format!(
            "templates/x.bin: a link to {}, outside content/ and templates/",
            resolved.display()
        )
    );
    assert_eq!(site.output(), before, "out/site is untouched");

    // The same through a linked folder.
    std::fs::remove_file(site.path("templates/x.bin")).unwrap();
    std::os::unix::fs::symlink(secrets.path(), site.path("templates/assets")).unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "templates/assets: a link to");
    assert_eq!(site.output(), before);
    std::fs::remove_file(site.path("templates/assets")).unwrap();

    // Inside the site, but not a file gen publishes: the Terraform state beside gen.toml.
    site.write("terraform.tfstate", b"{\"secret\": \"do-not-publish\"}");
    std::os::unix::fs::symlink(
        site.path("terraform.tfstate"),
        site.path("templates/state.json"),
    )
    .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "templates/state.json: a link to");
    assert_contains!(run.stderr, "outside content/ and templates/");
    assert_eq!(site.output(), before);
}

/// content/ as a link to a folder outside the site: its posts' files and photo would be
/// published from there. Refused like a theme's link; a post file linked from outside is
/// named for what it is.
#[cfg(unix)]
#[test]
fn a_content_folder_linked_from_outside_the_site_is_refused() {
    let elsewhere = tempfile::tempdir().unwrap();
    let site = TestSite::new();
    assert!(site.build(&[]).success());
    let before = site.output();

    let outside = elsewhere.path().join("content");
    std::fs::create_dir_all(outside.join("posts/secret")).unwrap();
    std::fs::copy(
        site.path("content/resume.yaml"),
        outside.join("resume.yaml"),
    )
    .unwrap();
    std::fs::write(
        outside.join("posts/secret/index.md"),
        "---\ntitle: Secret\ndate: 2026-01-01\n---\nText\n",
    )
    .unwrap();
    std::fs::write(outside.join("posts/secret/data.csv"), "a,b\n").unwrap();
    std::fs::rename(site.path("content"), site.path("content.old")).unwrap();
    std::os::unix::fs::symlink(&outside, site.path("content")).unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let resolved = std::fs::canonicalize(&outside).unwrap();
    assert_contains!(
        run.stderr,
        &format!(
            "content: a link to {}, outside the site's folder; gen publishes files it reads there",
            resolved.display()
        )
    );
    assert_eq!(site.output(), before, "out/site is untouched");

    // A link inside the site is followed.
    std::fs::remove_file(site.path("content")).unwrap();
    std::os::unix::fs::symlink(site.path("content.old"), site.path("content")).unwrap();
    assert!(site.build(&[]).success());

    // A post's file linked from outside: the message speaks of what gen publishes, not of a
    // theme.
    std::fs::create_dir_all(site.path("content/posts/a")).unwrap();
    site.write(
        "content/posts/a/index.md",
        b"---\ntitle: A\ndate: 2026-01-01\n---\nText\n",
    );
    std::os::unix::fs::symlink(
        outside.join("posts/secret/data.csv"),
        site.path("content/posts/a/data.csv"),
    )
    .unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "content/posts/a/data.csv: a link to");
    assert!(!run.stderr.contains("theme"), "{}", run.stderr);
}
