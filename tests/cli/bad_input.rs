//! Bad input: a clear, located error and exit code 1, or a safe render; never a panic, and
//! never a change to the previous out/site.

use std::path::Path;

use crate::support::{Run, TestSite, visible_text};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bad");

/// A site that built once, so each case can check the old output survives.
fn built_site() -> TestSite {
    let site = TestSite::new();
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    site
}

fn assert_fails_cleanly(run: &Run, case: &str) {
    assert_eq!(run.code, Some(1), "{case}: exit code\n{}", run.stderr);
    assert!(!run.stderr.trim().is_empty(), "{case}: no message");
}

/// Copies a case's files over the site: `resume.yaml` → content/, the rest as they lie.
fn apply(site: &TestSite, dir: &Path, relative: &str) {
    for entry in std::fs::read_dir(dir.join(relative)).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{relative}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            apply(site, dir, &format!("{name}/"));
        } else if name == "expected" {
            continue;
        } else {
            let target = if name == "resume.yaml" {
                "content/resume.yaml".to_owned()
            } else {
                name
            };
            site.write(&target, &std::fs::read(entry.path()).unwrap());
        }
    }
}

#[test]
fn fixture_cases_give_located_errors_and_keep_the_old_site() {
    let mut cases: Vec<_> = std::fs::read_dir(CASES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let bless = std::env::var_os("GEN_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = built_site();
        let before = site.output();
        apply(&site, case, "");
        let run = site.build(&[]);
        assert_fails_cleanly(&run, &name);
        assert_eq!(
            before,
            site.output(),
            "{name}: out/site changed after a failed build"
        );
        let first_line = run.stderr.lines().next().unwrap_or_default().to_owned();
        let expected_file = case.join("expected");
        if bless {
            std::fs::write(&expected_file, format!("{first_line}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if first_line != expected.trim_end() {
            failures.push(format!(
                "{name}:\n  expected: {}\n  got:      {first_line}\n{}",
                expected.trim_end(),
                run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn huge_resume_is_refused_before_parsing() {
    let site = built_site();
    let before = site.output();
    let mut text = String::from("basics:\n  name: Ada\n  summary: >-\n");
    while text.len() < 3 * 1024 * 1024 {
        text.push_str("    lorem ipsum dolor sit amet, consectetur adipiscing elit\n");
    }
    site.write("content/resume.yaml", text.as_bytes());
    let run = site.build(&[]);
    assert_fails_cleanly(&run, "huge");
    assert!(
        run.stderr
            .starts_with("content/resume.yaml:1:1: the resume is 3072 KiB; the limit is 1024 KiB"),
        "{}",
        run.stderr
    );
    assert_eq!(before, site.output());
}

/// gen reads only regular files, each with a size limit: a named pipe in the theme or the
/// posts would block the build forever, `/dev/zero` as a font would fill the memory.
#[test]
fn only_regular_files_are_read_and_each_within_a_limit() {
    let site = built_site();
    let before = site.output();
    let config = std::fs::read(site.path("gen.toml")).ok();
    let fifo = |relative: &str| {
        let path = site.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
    };
    let cases: [(&str, &dyn Fn(), &str); 4] = [
        (
            "templates/pipe.css",
            &|| fifo("templates/pipe.css"),
            "templates/pipe.css is a named pipe, not a regular file",
        ),
        (
            "content/posts/pipe.md",
            &|| fifo("content/posts/pipe.md"),
            "content/posts/pipe.md is a named pipe, not a regular file",
        ),
        (
            "content/posts/folder/pipe.png",
            &|| {
                site.write(
                    "content/posts/folder/index.md",
                    b"---\ntitle: A\ndate: 2026-01-01\n---\nText\n",
                );
                fifo("content/posts/folder/pipe.png");
            },
            "content/posts/folder/pipe.png is a named pipe, not a regular file",
        ),
        (
            "gen.toml",
            &|| site.write("gen.toml", b"[pdf]\nfonts = [\"/dev/zero\"]\n"),
            "gen.toml:2:11: [pdf] fonts: cannot read /dev/zero: /dev/zero is a device, not a regular file",
        ),
    ];
    for (case, make, expected) in cases {
        make();
        let run = site.build(&[]);
        assert_fails_cleanly(&run, case);
        assert!(run.stderr.contains(expected), "{case}: {}", run.stderr);
        assert_eq!(before, site.output(), "{case}: out/site changed");
        let _ = std::fs::remove_file(site.path(case));
        let _ = std::fs::remove_dir_all(site.path("content/posts"));
        match &config {
            Some(bytes) => site.write("gen.toml", bytes),
            None => {
                let _ = std::fs::remove_file(site.path("gen.toml"));
            }
        }
    }

    // A post over the size limit is called a post.
    let mut text = String::from("---\ntitle: Long\ndate: 2026-01-01\n---\n");
    while text.len() < 2 * 1024 * 1024 {
        text.push_str("lorem ipsum dolor sit amet, consectetur adipiscing elit\n");
    }
    site.write("content/posts/long.md", text.as_bytes());
    let run = site.build(&[]);
    assert_fails_cleanly(&run, "long post");
    assert!(
        run.stderr
            .starts_with("content/posts/long.md:1:1: the post is 2048 KiB; the limit is 1024 KiB"),
        "{}",
        run.stderr
    );
    assert_eq!(before, site.output());
}

/// Without templates/ of its own, a site is its theme's: the same pages as with a copy of
/// every theme file (what `gen init` wrote before the theme stayed in gen), and the build
/// names those unchanged copies as files the site can delete.
#[test]
fn a_site_without_templates_is_its_themes() {
    let site = built_site();
    let before = site.output();
    let files = resume_gen::themes::THEMES[0].files();
    for name in files.keys() {
        site.eject(name);
    }
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_eq!(before, site.output());
    let first: Vec<&str> = files.keys().take(3).map(String::as_str).collect();
    assert_eq!(first[0], "404.html");
    assert_contains!(
        run.stderr,
        &format!(
            "templates/ holds {} copies of theme classic's files unchanged ({} and {} more): \
             delete them to follow the theme as gen updates it",
            files.len(),
            first.join(", "),
            files.len() - 3
        )
    );
}

#[test]
fn missing_resume() {
    let site = built_site();
    site.remove("content/resume.yaml");
    let run = site.build(&[]);
    assert_fails_cleanly(&run, "no resume");
    assert_contains!(run.stderr, "content/resume.yaml not found in");
    assert_contains!(run.stderr, "gen init");
}

#[test]
fn bad_counter_url_is_refused() {
    let site = built_site();
    for url in [
        "javascript:alert(1)",
        "http://example.com/visits",
        "ftp://x/visits",
    ] {
        let run = site.build(&["--counter-url", url]);
        assert_fails_cleanly(&run, url);
        assert_contains!(run.stderr, "must be an https:// or wss:// address");
    }
}

/// The official sample with every string replaced by an injection attempt.
#[test]
fn injection_in_every_string_field_renders_as_text() {
    const PAYLOAD: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>{{ 7*7 }}";
    fn poison(key: &str, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => {
                *s = match key {
                    "startDate" | "endDate" | "date" | "releaseDate" => s.clone(),
                    "url" | "canonical" => {
                        "https://x.example/\"><script>alert(3)</script>".to_string()
                    }
                    "image" => String::new(),
                    "email" => "a@b.example".into(),
                    _ => format!("[link](javascript:alert(4)) {PAYLOAD}"),
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| poison(key, v)),
            serde_json::Value::Object(map) => map.iter_mut().for_each(|(k, v)| poison(k, v)),
            _ => {}
        }
    }
    let mut resume: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/sample.resume.json")).unwrap();
    poison("", &mut resume);
    let site = TestSite::new();
    site.write("content/resume.yaml", resume.to_string().as_bytes());
    site.write(
        "gen.toml",
        b"title = \"</title><script>alert(5)</script>\"\n",
    );
    let run = site.build(&["--counter-url", "https://api.example.com/visits"]);
    assert!(run.success(), "{}", run.stderr);
    for page in ["index.html", "404.html"] {
        let html = site.html(page);
        assert!(!html.contains("<script>alert"), "{page}: script injected");
        assert!(!html.contains("<img src=x"), "{page}: element injected");
        assert!(
            !html.to_lowercase().contains("href=\"javascript:"),
            "{page}: javascript: link"
        );
        assert!(!html.contains("\"><script"), "{page}: attribute escaped");
        assert!(
            !html.contains(">49<"),
            "{page}: template syntax in data was evaluated"
        );
        assert_eq!(
            html.matches("<script").count(),
            html.matches("</script>").count()
        );
    }
    let text = visible_text(&site.html("index.html"));
    assert!(
        text.contains("<script>alert(1)</script>"),
        "the payload is shown as text"
    );
}

#[test]
fn unknown_keys_warn_on_typos_and_still_build() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        b"basics:\n  name: Ada\n  x-pronouns: she/her\nwrok:\n  - name: A\nawards:\n  - titel: Best paper\n",
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/resume.yaml:4:1: warning: `wrok` is not a JSON Resume field; did you mean `work`?"
    );
    assert_contains!(
        run.stderr,
        "content/resume.yaml:7:5: warning: `awards[0].titel` is not a JSON Resume field; did you mean `title`?"
    );
    assert!(
        !run.stderr.contains("x-pronouns"),
        "extra keys that are not typos are fine"
    );
    let json: serde_json::Value = serde_json::from_slice(&site.output()["resume.json"]).unwrap();
    assert_eq!(json["basics"]["x-pronouns"], "she/her");
}
