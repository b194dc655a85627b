//! The readability check's unit tests: fields found in order, a missing or misplaced field
//! warned at its place in the resume, right-to-left text and page numbers.

use super::*;
use crate::render::outline::outline;
use serde_json::json;

fn labels() -> std::collections::BTreeMap<String, String> {
    [("work", "Experience"), ("summary", "Summary")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn source() -> SourceFile {
    SourceFile {
        name: "content/resume.yaml".into(),
        text: "basics:\n  name: Ada\nwork:\n  - name: Acme\n    position: CEO\n  - name: Hooli\n    position: Dev\n".into(),
    }
}

fn resume() -> serde_json::Value {
    json!({
        "basics": {"name": "Ada", "email": "ada@a.example"},
        "work": [
            {"name": "Acme", "position": "CEO", "when": "Dec 2013 – Dec 2014"},
            {"name": "Hooli", "position": "Dev", "when": "2012"},
        ],
    })
}

#[test]
fn a_pdf_with_every_field_in_order_reads_right() {
    let outline = outline(&resume(), &labels(), &[]);
    let pages = [
        "Ada\nada@a.example\nEXPERIENCE\nCEO\nAcme\nDec 2013 – Dec 2014\nDev\nHooli\n2012"
            .to_owned(),
    ];
    let (found, warnings) = check(&outline, &pages, &source());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        found,
        Readability {
            pages: 1,
            found: 9,
            total: 9
        }
    );
    assert_eq!(
        found.to_string(),
        "resume.pdf: 1 page, 9/9 fields machine-readable"
    );
}

#[test]
fn a_missing_organisation_is_located_and_not_taken_from_the_next_entry() {
    let outline = outline(&resume(), &labels(), &[]);
    // Acme is left out; Hooli's name must not stand in for it.
    let pages = ["Ada ada@a.example EXPERIENCE CEO Dec 2013 – Dec 2014 Dev Hooli 2012".to_owned()];
    let (found, warnings) = check(&outline, &pages, &source());
    assert_eq!((found.found, found.total), (8, 9));
    let messages: Vec<String> = warnings
        .iter()
        .map(|w| {
            format!(
                "{}:{} {}",
                w.diagnostic.line, w.diagnostic.column, w.diagnostic.message
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "4:11 work[0].name: \"Acme\" is not found in resume.pdf's text after \"CEO\": the template hides it or draws it as a graphic"
        ]
    );
}

#[test]
fn the_name_must_come_first_and_contact_details_before_the_sections() {
    let outline = outline(&resume(), &labels(), &[]);
    let pages = [
        "SUMMARY Ada EXPERIENCE CEO Acme Dec 2013 – Dec 2014 Dev Hooli 2012".to_owned(),
        "ada@a.example".to_owned(),
    ];
    let (found, warnings) = check(&outline, &pages, &source());
    assert_eq!((found.pages, found.found, found.total), (2, 7, 9));
    assert!(
        warnings[0].diagnostic.message.starts_with(
            "basics.name: \"Ada\" is not the first text of resume.pdf (\"SUMMARY\" comes before it)"
        ),
        "{warnings:?}"
    );
    assert!(
        warnings[1].diagnostic.message.starts_with(
            "basics.email: \"ada@a.example\" is in resume.pdf's text, but not on page 1"
        ),
        "{warnings:?}"
    );
}

#[test]
fn a_hidden_organisation_named_in_the_summary_is_the_one_field_missed() {
    let resume = json!({
        "basics": {"name": "Ada"},
        "work": [{"name": "Acme", "position": "CEO", "when": "2014", "summary": "Acme makes anvils."}],
    });
    let outline = outline(&resume, &labels(), &[]);
    let pages = ["Ada EXPERIENCE CEO 2014 Acme makes anvils.".to_owned()];
    let (found, warnings) = check(&outline, &pages, &source());
    assert_eq!((found.found, found.total), (5, 6));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .diagnostic
            .message
            .starts_with("work[0].name: \"Acme\" is in resume.pdf's text, but not after \"CEO\""),
        "{warnings:?}"
    );
}

#[test]
fn right_to_left_text_is_found_in_the_order_it_is_drawn() {
    let labels: std::collections::BTreeMap<String, String> = [("work", "الخبرة العملية")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
    let resume = json!({
        "basics": {"name": "Ada"},
        "work": [{"name": "Acme", "position": "CEO", "when": "ديسمبر 2013 – ديسمبر 2014"}],
    });
    let outline = outline(&resume, &labels, &[]);
    // As extractors give it: each run of Arabic letters reversed, digits as they are.
    let pages = ["Ada ةيلمعلا ةربخلا CEO Acme ربمسيد2013 ربمسيد – 2014".to_owned()];
    let (found, warnings) = check(&outline, &pages, &source());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((found.found, found.total), (5, 5));
}

#[test]
fn a_page_number_between_pages_and_a_title_inside_a_keyword_are_no_obstacle() {
    let resume = json!({
        "basics": {"name": "Ada", "summary": "First half of it. Second half of it."},
        "skills": [
            {"name": "Frontend", "keywords": ["JavaScript", "React"]},
            {"name": "Java"},
        ],
    });
    let labels: std::collections::BTreeMap<String, String> =
        [("summary", "Summary"), ("skills", "Skills")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
    let outline = outline(&resume, &labels, &[]);
    let pages = [
        "Ada\nSUMMARY\nFirst half\n1 / 2\n".to_owned(),
        "of it. Second half of it.\nSKILLS\nFrontend: JavaScript, React\nJava\n2 / 2".to_owned(),
    ];
    let (found, warnings) = check(&outline, &pages, &source());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((found.found, found.total), (8, 8));
}
