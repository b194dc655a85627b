//! The built-in themes: each renders every field of the sample into a small page; `gen init
//! --theme` copies one; `gen themes` lists them; a site's templates/ overrides file by file.

use std::io::Write;

use crate::sample::{SAMPLE, leaves};
use crate::support::{TestSite, run, visible_text};
use resume_gen::themes::THEMES;

/// The most the home page may weigh gzipped: the first round trip of a TCP connection.
const FIRST_VIEW: usize = 14 * 1024;

fn gen_in(args: &[&str], dir: &std::path::Path) -> crate::support::Run {
    run(std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1"))
}

fn gzipped(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

/// A site with no templates/ of its own: all of its look comes from `theme`.
fn themed(theme: &str) -> TestSite {
    let site = TestSite::new();
    site.remove("templates");
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    site.write(
        "gen.toml",
        format!("base_url = \"https://richard.example.com/\"\ntheme = \"{theme}\"\n").as_bytes(),
    );
    let run = site.build(&["--counter-url", "https://api.example.com/visits"]);
    assert!(run.success(), "{theme}: {}", run.stderr);
    site
}

#[test]
fn every_theme_shows_every_field_of_the_sample_in_one_small_page() {
    let mut styles = Vec::new();
    for theme in THEMES {
        let site = themed(theme.name);
        let html = site.html("index.html");
        let text = visible_text(&html);
        let sample: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        let mut fields = Vec::new();
        leaves(&sample, String::new(), &mut fields);
        for (path, value) in fields {
            let key = path.rsplit('.').next().unwrap();
            if path == "$schema"
                || key == "image"
                || key.ends_with("Date")
                || key == "date"
                || key == "lastModified"
            {
                continue;
            }
            let shown = if key == "url" || key == "canonical" {
                html.contains(&format!("href=\"{value}\""))
            } else if key == "phone" {
                text.contains(value.as_str())
            } else {
                let plain = value.replace(['*', '_', '`'], "");
                text.contains(
                    plain
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .as_str(),
                )
            };
            assert!(
                shown,
                "theme {}: {path} = {value:?} is not on the page",
                theme.name
            );
        }
        assert!(
            gzipped(html.as_bytes()) <= FIRST_VIEW,
            "theme {}: index.html is {} bytes gzipped",
            theme.name,
            gzipped(html.as_bytes())
        );
        // The style is inline (one request draws the page), and differs from theme to theme.
        let style =
            &html[html.find("<style>").expect("inline style")..html.find("</style>").unwrap()];
        assert!(!html.contains("rel=\"stylesheet\""), "{}", theme.name);
        assert!(
            !styles.contains(&style.to_owned()),
            "theme {} looks like another",
            theme.name
        );
        styles.push(style.to_owned());
        for page in [
            "404.html",
            "resume.pdf",
            "resume.txt",
            "resume.json",
            "robots.txt",
            "sitemap.xml",
        ] {
            assert!(
                site.path("out/site").join(page).is_file(),
                "{}: {page}",
                theme.name
            );
        }
        assert_contains!(site.html("404.html"), "href=\"/\"");
    }
}

#[test]
fn gen_themes_lists_each_with_its_look() {
    let tmp = tempfile::tempdir().unwrap();
    let run = gen_in(&["themes"], tmp.path());
    assert!(run.success(), "{}", run.stderr);
    for theme in THEMES {
        assert_contains!(run.stdout, format!("{}  ", theme.name));
        assert_contains!(run.stdout, theme.description);
    }
    assert_contains!(run.stdout, "classic  ");
    assert_contains!(run.stdout, "(default)");
}

#[test]
fn init_with_a_theme_copies_its_files_and_names_it_and_a_switch_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let run = gen_in(&["init", "site", "--theme", "sidebar"], tmp.path());
    assert!(run.success(), "{}", run.stderr);
    let dir = tmp.path().join("site");
    let sidebar = resume_gen::themes::find("sidebar").unwrap();
    for (name, bytes) in sidebar.files() {
        assert_eq!(
            std::fs::read(dir.join("templates").join(&name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    let toml = std::fs::read_to_string(dir.join("gen.toml")).unwrap();
    assert_contains!(toml, "\ntheme = \"sidebar\"\n");
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert!(!build.stderr.contains("theme"), "{}", build.stderr);
    let page = std::fs::read_to_string(dir.join("out/site/index.html")).unwrap();

    // Switched in gen.toml: the copied files still win, and the build says which and why.
    std::fs::write(
        dir.join("gen.toml"),
        toml.replace("theme = \"sidebar\"", "theme = \"compact\""),
    )
    .unwrap();
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert_contains!(
        build.stderr,
        "templates/index.html is theme sidebar's file, unchanged"
    );
    assert_contains!(build.stderr, "delete it to use compact's");
    assert_eq!(
        std::fs::read_to_string(dir.join("out/site/index.html")).unwrap(),
        page
    );

    // Deleted: the compact theme's own files take their place.
    std::fs::remove_file(dir.join("templates/index.html")).unwrap();
    std::fs::remove_file(dir.join("templates/style.css")).unwrap();
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert!(!build.stderr.contains("unchanged"), "{}", build.stderr);
    assert_ne!(
        std::fs::read_to_string(dir.join("out/site/index.html")).unwrap(),
        page
    );

    let run = gen_in(&["init", "other", "--theme", "fancy"], tmp.path());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_contains!(run.stderr, "classic");
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn a_site_file_overrides_its_theme_file_by_file() {
    let site = TestSite::new();
    site.remove("templates");
    site.write("gen.toml", b"theme = \"compact\"\n");
    site.write(
        "templates/style.css",
        b"body { outline: 3px dotted #123456 }\n",
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let html = site.html("index.html");
    assert_contains!(html, "#123456");
    // The page is compact's index.html (its header), styled by the site's CSS.
    assert_contains!(html, "<header class=\"top\">");
    assert!(!html.contains("<header class=\"hero\">"), "{html}");
}

#[test]
fn an_unknown_theme_is_a_located_error_listing_the_themes() {
    let site = TestSite::new();
    site.write("gen.toml", b"language = \"en\"\ntheme = \"modern\"\n");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "gen.toml:2:9");
    assert_contains!(
        run.stderr,
        "theme: \"modern\" is not a theme of gen's; choose \"classic\", \"sidebar\" or \"compact\""
    );
    assert!(!site.path("out/site").exists());
}
