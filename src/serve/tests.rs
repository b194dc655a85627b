//! The preview's builds, its problems for the overlay and what changed between builds.

use super::*;
use crate::diagnostic::SourceFile;
use crate::site::CachePolicy;

/// After an edit the page is shown first, linking the last resume.pdf, and the new
/// resume.pdf follows in a build of its own.
#[cfg(feature = "pdf")]
#[test]
fn the_page_is_shown_before_resume_pdf_is_typeset() {
    let site = tempfile::tempdir().unwrap();
    let resume = site.path().join(crate::sources::RESUME_FILE);
    std::fs::create_dir_all(resume.parent().unwrap()).unwrap();
    let sample = include_str!("../../tests/fixtures/sample.resume.json");
    std::fs::write(&resume, sample).unwrap();
    let mut preview = Preview::new(site.path());
    let state = preview.subscribe();
    let file = |path: &str| state.borrow().site.get(path).map(|f| f.bytes.clone());
    let first = preview.attempt();
    preview.apply(first, &[]);
    let pdf = file("resume.pdf").expect("the first build typesets");
    assert!(!preview.pdf_pending());

    std::fs::write(&resume, sample.replace("Richard Hendriks", "Ada Lovelace")).unwrap();
    preview.changed(Path::new(crate::sources::RESUME_FILE));
    let page = preview.attempt();
    preview.apply(page, &["content/resume.yaml".into()]);
    let html = String::from_utf8(file("index.html").unwrap().to_vec()).unwrap();
    assert!(html.contains("Ada Lovelace"), "the new page is shown");
    assert!(
        html.contains("href=\"/resume.pdf\""),
        "and still links resume.pdf"
    );
    assert_eq!(
        file("resume.pdf"),
        Some(pdf.clone()),
        "the last one, meanwhile"
    );
    assert!(preview.pdf_pending());

    let typeset = preview.attempt_pdf();
    preview.apply(typeset, &["content/resume.yaml".into()]);
    assert_ne!(file("resume.pdf"), Some(pdf), "typeset anew");
    assert!(!preview.pdf_pending());
    assert!(state.borrow().replaced.iter().any(|p| p == "resume.pdf"));
}

#[test]
fn problems_keep_every_location() {
    let source = SourceFile {
        name: "content/resume.yaml".into(),
        text: "basics:\n  name: [x\n".into(),
    };
    let errors = Diagnostics(vec![
        Diagnostic::at(&source, 2, 9, "basics.name: expected text"),
        Diagnostic::file("content/resume.yaml", "basics.email: not an address"),
    ]);
    let found = problems(&anyhow::Error::new(errors));
    assert_eq!(
        found
            .iter()
            .map(|p| p.location.as_deref().unwrap_or("-"))
            .collect::<Vec<_>>(),
        ["content/resume.yaml:2:9", "content/resume.yaml:1:1"]
    );
    assert!(found[0].snippet.contains("name: [x"), "{:?}", found[0]);

    let plain = anyhow::anyhow!("permission denied").context("reading templates/index.html");
    assert_eq!(
        problems(&plain),
        [Problem {
            location: None,
            message: "reading templates/index.html: permission denied".into(),
            snippet: String::new(),
        }]
    );
}

#[test]
fn changed_files_are_the_ones_whose_bytes_differ() {
    let site = |files: &[(&str, &str)]| {
        let mut site = Site::default();
        for (path, text) in files {
            site.add(*path, text.as_bytes().to_vec(), CachePolicy::Revalidate);
        }
        site
    };
    let old = site(&[("index.html", "a"), ("robots.txt", "r")]);
    let new = site(&[("index.html", "b"), ("robots.txt", "r"), ("404.html", "n")]);
    let (changed, replaced) = changes(&old, &new);
    assert_eq!(changed, ["index.html", "404.html"]);
    assert_eq!(replaced, ["index.html"]);
    assert!(changes(&Site::default(), &new).0.is_empty());
    assert_eq!(describe(&["a", "b", "c", "d"]), ": a, b and 2 more changed");
}
