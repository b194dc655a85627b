//! Where the template puts each value: the name, the label and the contact details, then
//! each section's entries line by line (title, where, when, then what the entry says), then
//! what closes the document, as `resume.typ` lays them out.

use serde_json::Value;

use super::contact::{bare, place, profile};
use super::{Entry, Field, Line, Outline, Piece, Section, shown};
use crate::config::versions::in_order;
use crate::resume::path::ValuePath;

/// The separator between the parts of a line the template joins (` · `).
const DOT: &str = " · ";

fn label<'a>(labels: &'a std::collections::BTreeMap<String, String>, key: &str) -> &'a str {
    labels.get(key).map_or("", String::as_str)
}

/// The sections of `resume.typ`, in its order; a section that shows two names both.
pub const PDF_SECTIONS: &[&str] = &[
    "summary",
    "work",
    "projects",
    "skills",
    "education",
    "volunteer",
    "awards+certificates",
    "publications",
    "languages",
    "interests",
    "references",
];

/// The outline of `resume`: the PDF's data (Markdown as text, each entry's `when`, each
/// profile's `shown`), headed with `labels`, its sections in `order` (a version's) first.
pub fn outline(
    resume: &Value,
    labels: &std::collections::BTreeMap<String, String>,
    order: &[String],
) -> Outline {
    let root = ValuePath::default();
    let basics_path = root.key("basics");
    let basics = resume.get("basics").cloned().unwrap_or(Value::Null);
    let mut outline = Outline {
        name: Line::new()
            .field(&basics, &basics_path, "name")
            .fields()
            .next()
            .cloned(),
        ..Outline::default()
    };
    outline.label = Line::new()
        .field(&basics, &basics_path, "label")
        .fields()
        .next()
        .cloned();
    if let Some(location) = basics.get("location") {
        outline
            .contact
            .push(place(location, &basics_path.key("location")));
    }
    outline
        .contact
        .push(Line::new().field(&basics, &basics_path, "email"));
    outline
        .contact
        .push(Line::new().field(&basics, &basics_path, "phone"));
    if let Some(url) = basics.get("url").and_then(Value::as_str) {
        outline.contact.push(Line {
            pieces: vec![Piece::Field(Field {
                path: basics_path.key("url"),
                text: bare(url),
            })],
            bullet: false,
        });
    }
    let profiles = basics.get("profiles").and_then(Value::as_array);
    for (i, p) in profiles.into_iter().flatten().enumerate() {
        outline
            .contact
            .push(profile(p, &basics_path.key("profiles").index(i)));
    }
    outline.contact.retain(|line| !line.is_empty());

    let mut section = |path: ValuePath, heading: &str, entries: Vec<Entry>| {
        let entries: Vec<Entry> = entries
            .into_iter()
            .filter(|e| !e.lines.is_empty())
            .collect();
        if !entries.is_empty() {
            outline.sections.push(Section {
                path,
                heading: heading.to_uppercase(),
                entries,
            });
        }
    };
    let mut summary = Entry::default();
    summary.paragraphs(&basics, &basics_path, "summary");
    section(
        basics_path.key("summary"),
        label(labels, "summary"),
        vec![summary],
    );

    let list = |key: &str| -> Vec<(ValuePath, Value)> {
        resume
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, entry)| (root.key(key).index(i), entry.clone()))
            .collect()
    };
    // Title, where, when, then what the entry says: as each section of the template.
    let dated = |title: Line, org: Line, when: Line, more: Line| {
        let mut entry = Entry::default();
        entry.push(title);
        entry.push(org);
        entry.push(when);
        entry.push(more);
        entry
    };
    let work = list("work")
        .iter()
        .map(|(at, w)| {
            let named = shown(w, "position") && shown(w, "name");
            let title = if shown(w, "position") {
                "position"
            } else {
                "name"
            };
            let mut entry = dated(
                Line::new().field(w, at, title),
                if named {
                    Line::new().field(w, at, "name")
                } else {
                    Line::new()
                },
                Line::new().field(w, at, "when"),
                Line::new().field(w, at, "location"),
            );
            entry.paragraphs(w, at, "description");
            entry.paragraphs(w, at, "summary");
            entry.bullets(w, at, "highlights");
            entry
        })
        .collect();
    section(root.key("work"), label(labels, "work"), work);

    let projects = list("projects")
        .iter()
        .map(|(at, p)| {
            let mut entry = dated(
                Line::new().field(p, at, "name"),
                Line::new().field(p, at, "entity"),
                Line::new().field(p, at, "when"),
                Line::new().joined(p, at, &[("type", ""), ("roles", "")], DOT),
            );
            entry.paragraphs(p, at, "description");
            entry.bullets(p, at, "highlights");
            entry.push(Line::new().field(p, at, "keywords"));
            entry
        })
        .collect();
    section(root.key("projects"), label(labels, "projects"), projects);

    let skills = list("skills")
        .iter()
        .map(|(at, s)| {
            let line = Line::new()
                .field(s, at, "name")
                .labelled(s, at, "level", " (", ")");
            let line = if shown(s, "keywords") {
                line.words(": ").field(s, at, "keywords")
            } else {
                line
            };
            Entry { lines: vec![line] }
        })
        .collect();
    section(root.key("skills"), label(labels, "skills"), skills);

    let score = format!("{}: ", label(labels, "score"));
    let education = list("education")
        .iter()
        .map(|(at, e)| {
            let titled = shown(e, "studyType") || shown(e, "area");
            let mut entry = dated(
                if titled {
                    Line::new().joined(e, at, &[("studyType", ""), ("area", "")], ", ")
                } else {
                    Line::new().field(e, at, "institution")
                },
                if titled {
                    Line::new().field(e, at, "institution")
                } else {
                    Line::new()
                },
                Line::new().field(e, at, "when"),
                Line::new().labelled(e, at, "score", &score, ""),
            );
            entry.push(Line::new().field(e, at, "courses"));
            entry
        })
        .collect();
    section(root.key("education"), label(labels, "education"), education);

    let volunteer = list("volunteer")
        .iter()
        .map(|(at, v)| {
            let named = shown(v, "position") && shown(v, "organization");
            let title = if shown(v, "position") {
                "position"
            } else {
                "organization"
            };
            let mut entry = dated(
                Line::new().field(v, at, title),
                if named {
                    Line::new().field(v, at, "organization")
                } else {
                    Line::new()
                },
                Line::new().field(v, at, "when"),
                Line::new(),
            );
            entry.paragraphs(v, at, "summary");
            entry.bullets(v, at, "highlights");
            entry
        })
        .collect();
    section(root.key("volunteer"), label(labels, "volunteer"), volunteer);

    let awards = list("awards");
    let certificates = list("certificates");
    let (key, heading) = match (awards.is_empty(), certificates.is_empty()) {
        (false, false) => ("awards", "awards_and_certificates"),
        (false, true) => ("awards", "awards"),
        _ => ("certificates", "certificates"),
    };
    let honours = awards
        .iter()
        .map(|(at, a)| {
            let mut entry = dated(
                Line::new().field(a, at, "title"),
                Line::new().field(a, at, "awarder"),
                Line::new().field(a, at, "when"),
                Line::new(),
            );
            entry.paragraphs(a, at, "summary");
            entry
        })
        .chain(certificates.iter().map(|(at, c)| {
            dated(
                Line::new().field(c, at, "name"),
                Line::new().field(c, at, "issuer"),
                Line::new().field(c, at, "when"),
                Line::new(),
            )
        }))
        .collect();
    section(root.key(key), label(labels, heading), honours);

    let publications = list("publications")
        .iter()
        .map(|(at, p)| {
            let mut entry = dated(
                Line::new().field(p, at, "name"),
                Line::new().field(p, at, "publisher"),
                Line::new().field(p, at, "when"),
                Line::new(),
            );
            entry.paragraphs(p, at, "summary");
            entry
        })
        .collect();
    section(
        root.key("publications"),
        label(labels, "publications"),
        publications,
    );

    let languages = list("languages")
        .iter()
        .map(|(at, l)| Entry {
            lines: vec![
                Line::new()
                    .field(l, at, "language")
                    .labelled(l, at, "fluency", " (", ")"),
            ],
        })
        .collect();
    section(root.key("languages"), label(labels, "languages"), languages);

    let interests = list("interests")
        .iter()
        .map(|(at, i)| {
            let line = Line::new().field(i, at, "name");
            let line = if shown(i, "keywords") {
                line.words(": ").field(i, at, "keywords")
            } else {
                line
            };
            Entry { lines: vec![line] }
        })
        .collect();
    section(root.key("interests"), label(labels, "interests"), interests);

    let references = list("references")
        .iter()
        .map(|(at, r)| {
            let mut entry = Entry::default();
            entry.paragraphs(r, at, "reference");
            entry.push(Line::new().labelled(r, at, "name", "— ", ""));
            entry
        })
        .collect();
    section(
        root.key("references"),
        label(labels, "references"),
        references,
    );

    if let Some(meta) = resume.get("meta") {
        let at = root.key("meta");
        let updated = format!("{} ", label(labels, "updated"));
        let version = format!("{} ", label(labels, "version"));
        let closing =
            Line::new().joined(meta, &at, &[("when", &updated), ("version", &version)], DOT);
        if !closing.is_empty() {
            outline.closing = Some(closing);
        }
    }
    let blocks = in_order(PDF_SECTIONS, order);
    outline.sections.sort_by_key(|section| {
        let key = section.path.keys().last().copied().unwrap_or_default();
        blocks
            .iter()
            .position(|block| block.split('+').any(|name| name == key))
    });
    outline
}
