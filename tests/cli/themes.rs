//! The built-in themes: each renders every field of the sample into a small page; `gen init
//! --theme` names one; `gen themes` lists them; a site's templates/ overrides file by file.

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

/// `gen init --theme` names the theme in gen.toml and copies none of it: switching themes is
/// one line. `gen theme eject` copies the files to edit, never over the site's own; a site
/// with copies from an earlier gen hears which are unchanged and can go.
#[test]
fn init_names_the_theme_a_switch_just_works_and_eject_copies_files_to_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let run = gen_in(&["init", "site", "--theme", "sidebar"], tmp.path());
    assert!(run.success(), "{}", run.stderr);
    let dir = tmp.path().join("site");
    assert!(!dir.join("templates").exists(), "the theme stays in gen");
    let toml = std::fs::read_to_string(dir.join("gen.toml")).unwrap();
    assert_contains!(toml, "\ntheme = \"sidebar\"\n");
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert!(!build.stderr.contains("theme"), "{}", build.stderr);
    let sidebar = std::fs::read_to_string(dir.join("out/site/index.html")).unwrap();
    assert_contains!(sidebar, "<div class=\"layout\">");

    // Switched in gen.toml: the new theme's look, nothing else to do.
    let compact_toml = toml.replace("theme = \"sidebar\"", "theme = \"compact\"");
    std::fs::write(dir.join("gen.toml"), &compact_toml).unwrap();
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert!(!build.stderr.contains("theme"), "{}", build.stderr);
    let compact = std::fs::read_to_string(dir.join("out/site/index.html")).unwrap();
    assert_contains!(compact, "<header class=\"top\">");

    // Eject: the named files of the site's theme (compact now) land in templates/.
    let run = gen_in(
        &["theme", "eject", "style.css", "templates/resume.typ"],
        &dir,
    );
    assert!(run.success(), "{}", run.stderr);
    let theme = resume_gen::themes::find("compact").unwrap();
    for name in ["style.css", "resume.typ"] {
        assert_eq!(
            std::fs::read(dir.join("templates").join(name)).unwrap(),
            theme.file(name).unwrap(),
            "{name}"
        );
        assert_contains!(run.stderr, &format!("templates/{name} (theme compact)"));
    }
    // An edit there wins, and a second eject keeps it.
    std::fs::write(dir.join("templates/style.css"), "body { color: #123456 }\n").unwrap();
    let run = gen_in(&["theme", "eject", "--all"], &dir);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "templates/style.css is already the site's: kept"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("templates/style.css")).unwrap(),
        "body { color: #123456 }\n"
    );
    for name in theme.files().keys() {
        assert!(dir.join("templates").join(name).is_file(), "{name}");
    }
    // A name the theme does not have: an error listing its files, nothing written.
    std::fs::remove_dir_all(dir.join("templates")).unwrap();
    let run = gen_in(&["theme", "eject", "index.html", "styles.css"], &dir);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "theme compact has no styles.css; its files: 404.html"
    );
    assert!(!dir.join("templates").exists(), "nothing written");
    let run = gen_in(&["theme", "eject"], &dir);
    assert_eq!(run.code, Some(2), "a file or --all: {}", run.stderr);

    // A site from an earlier gen, with every file of sidebar copied, then switched: the copies
    // still win, and the build names them.
    for (name, bytes) in resume_gen::themes::find("sidebar").unwrap().files() {
        let path = dir.join("templates").join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let build = gen_in(&["build"], &dir);
    assert!(build.success(), "{}", build.stderr);
    assert_contains!(
        build.stderr,
        "templates/index.html is theme sidebar's file, unchanged"
    );
    assert_contains!(build.stderr, "delete it to use compact's");
    assert_contains!(build.stderr, "of theme compact's files unchanged (");
    assert_eq!(
        std::fs::read_to_string(dir.join("out/site/index.html")).unwrap(),
        sidebar
    );

    let run = gen_in(&["init", "other", "--theme", "fancy"], tmp.path());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_contains!(run.stderr, "classic");
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn a_site_file_overrides_its_theme_file_by_file() {
    let site = TestSite::new();
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
