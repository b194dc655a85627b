//! The resume as the PDF shows it, in reading order: the name, the contact details, then each
//! section's heading and entries, every shown value with its place in the resume. `resume.txt`
//! is this outline written out, and the check of resume.pdf's text looks for it, field by field.

use serde_json::Value;

use crate::resume::path::ValuePath;

/// Each section's dates: the start and end fields (an empty start for a single date).
pub(super) const DATES: &[(&str, &str, &str)] = &[
    ("work", "startDate", "endDate"),
    ("volunteer", "startDate", "endDate"),
    ("education", "startDate", "endDate"),
    ("projects", "startDate", "endDate"),
    ("awards", "", "date"),
    ("certificates", "", "date"),
    ("publications", "", "releaseDate"),
];

/// One value of the resume as shown (`work[2].name` = "Acme").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub path: ValuePath,
    pub text: String,
}

/// A piece of a line: a field, or words the template adds around fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Field(Field),
    Words(String),
}

/// One line of text: an entry's title, where, when, a paragraph or a bullet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub pieces: Vec<Piece>,
    pub bullet: bool,
}

/// A dated entry, a skill, a language...: lines that belong together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub lines: Vec<Line>,
}

/// A section: its heading as shown (the label, upper case) and its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's place: the section's key (`work`; `basics.summary` for the summary).
    pub path: ValuePath,
    pub heading: String,
    pub entries: Vec<Entry>,
}

/// The resume in the PDF's reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub name: Option<Field>,
    pub label: Option<Field>,
    /// Every way to reach the person, one item each: where, email, phone, web, profiles.
    pub contact: Vec<Line>,
    pub sections: Vec<Section>,
    /// What closes the document (when it was updated, its version): shown, not checked.
    pub closing: Option<Line>,
}

/// The separator between the parts of a line the template joins (` · `).
const DOT: &str = " · ";

impl Line {
    fn new() -> Line {
        Line::default()
    }

    /// Adds the field at `path` in `entry` (a string, or a list of strings joined with `,`).
    fn field(mut self, entry: &Value, path: &ValuePath, key: &str) -> Line {
        match entry.get(key) {
            Some(Value::String(text)) if !text.trim().is_empty() => {
                self.pieces.push(Piece::Field(Field {
                    path: path.key(key),
                    text: text.trim().to_owned(),
                }));
            }
            Some(Value::Array(items)) => {
                let mut first = true;
                for (i, item) in items.iter().enumerate() {
                    let Some(text) = item.as_str().map(str::trim).filter(|t| !t.is_empty()) else {
                        continue;
                    };
                    if !first {
                        self.pieces.push(Piece::Words(", ".into()));
                    }
                    first = false;
                    self.pieces.push(Piece::Field(Field {
                        path: path.key(key).index(i),
                        text: text.to_owned(),
                    }));
                }
            }
            _ => {}
        }
        self
    }

    fn words(mut self, words: &str) -> Line {
        self.pieces.push(Piece::Words(words.to_owned()));
        self
    }

    /// `words` then the field, when the field is shown.
    fn labelled(
        self,
        entry: &Value,
        path: &ValuePath,
        key: &str,
        before: &str,
        after: &str,
    ) -> Line {
        if shown(entry, key) {
            self.words(before).field(entry, path, key).words(after)
        } else {
            self
        }
    }

    /// The shown ones of several fields, each after its label, joined by `separator`.
    fn joined(
        mut self,
        entry: &Value,
        path: &ValuePath,
        keys: &[(&str, &str)],
        separator: &str,
    ) -> Line {
        for (key, label) in keys.iter().filter(|(k, _)| shown(entry, k)) {
            if !self.pieces.is_empty() {
                self = self.words(separator);
            }
            self = self.words(label).field(entry, path, key);
        }
        self
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Field(f) => Some(f),
            Piece::Words(_) => None,
        })
    }

    pub fn text(&self) -> String {
        let text: String = self
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Field(f) => f.text.as_str(),
                Piece::Words(w) => w.as_str(),
            })
            .collect();
        if self.bullet {
            format!("- {text}")
        } else {
            text
        }
    }

    fn is_empty(&self) -> bool {
        self.fields().next().is_none()
    }
}

impl Entry {
    fn push(&mut self, line: Line) {
        if !line.is_empty() {
            self.lines.push(line);
        }
    }

    /// Each paragraph of a text field on a line of its own.
    fn paragraphs(&mut self, entry: &Value, path: &ValuePath, key: &str) {
        if let Some(text) = entry.get(key).and_then(Value::as_str) {
            for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                self.push(Line {
                    pieces: vec![Piece::Field(Field {
                        path: path.key(key),
                        text: paragraph.trim().to_owned(),
                    })],
                    bullet: false,
                });
            }
        }
    }

    fn bullets(&mut self, entry: &Value, path: &ValuePath, key: &str) {
        let items = entry
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (i, item) in items.enumerate() {
            if let Some(text) = item.as_str().map(str::trim).filter(|t| !t.is_empty()) {
                self.push(Line {
                    pieces: vec![Piece::Field(Field {
                        path: path.key(key).index(i),
                        text: text.to_owned(),
                    })],
                    bullet: true,
                });
            }
        }
    }
}

/// Whether `entry` shows a value at `key`.
fn shown(entry: &Value, key: &str) -> bool {
    match entry.get(key) {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(items)) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| !s.trim().is_empty())),
        _ => false,
    }
}

fn label<'a>(labels: &'a std::collections::BTreeMap<String, String>, key: &str) -> &'a str {
    labels.get(key).map_or("", String::as_str)
}

/// The outline of `resume`: the PDF's data (Markdown as text, each entry's `when`, each
/// profile's `shown`), headed with `labels`.
pub fn outline(resume: &Value, labels: &std::collections::BTreeMap<String, String>) -> Outline {
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
    outline
}

/// Where the person is, as the template writes it: `2712 Broadway St, San Francisco, California
/// CA 94115, US`.
fn place(location: &Value, at: &ValuePath) -> Line {
    let mut line = Line::new();
    for group in [
        &["address"][..],
        &["city"],
        &["region", "postalCode"],
        &["countryCode"],
    ] {
        let keys: Vec<&str> = group
            .iter()
            .copied()
            .filter(|k| shown(location, k))
            .collect();
        if keys.is_empty() {
            continue;
        }
        if !line.pieces.is_empty() {
            line = line.words(", ");
        }
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                line = line.words(" ");
            }
            line = line.field(location, at, key);
        }
    }
    line
}

/// A profile as the template shows it: its address without the scheme when the address names
/// the user (`github.com/ada`), else `Network: username`, else the address.
pub fn profile(profile: &Value, at: &ValuePath) -> Line {
    let url = profile.get("url").and_then(Value::as_str).map(bare);
    let user = profile
        .get("username")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let field = |key: &str, text: String| {
        Piece::Field(Field {
            path: at.key(key),
            text,
        })
    };
    let names_user =
        |url: &String| user.is_none_or(|u| url.to_lowercase().contains(&u.to_lowercase()));
    let pieces = match (url, user) {
        (Some(url), _) if !url.is_empty() && names_user(&url) => vec![field("url", url)],
        (_, Some(user)) => match profile
            .get("network")
            .and_then(Value::as_str)
            .map(str::trim)
        {
            Some(network) if !network.is_empty() => vec![
                Piece::Words(format!("{network}: ")),
                field("username", user.to_owned()),
            ],
            _ => vec![field("username", user.to_owned())],
        },
        _ => Vec::new(),
    };
    Line {
        pieces,
        bullet: false,
    }
}

/// An address as the PDF shows it: without its scheme and final slash.
pub fn bare(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.trim_end_matches('/').to_owned()
}

impl Outline {
    /// `resume.txt`: the outline as plain text, for pasting into application forms.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for field in self.name.iter().chain(&self.label) {
            out.push_str(&field.text);
            out.push('\n');
        }
        if !self.contact.is_empty() {
            // One line: an address written on several is joined with commas.
            let items: Vec<String> = self
                .contact
                .iter()
                .map(|l| {
                    l.text()
                        .split('\n')
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            out.push_str(&items.join(" | "));
            out.push('\n');
        }
        for section in &self.sections {
            out.push('\n');
            out.push_str(&section.heading);
            out.push('\n');
            let spaced = section.entries.iter().any(|e| e.lines.len() > 1);
            for entry in &section.entries {
                if spaced {
                    out.push('\n');
                }
                for line in &entry.lines {
                    out.push_str(&line.text());
                    out.push('\n');
                }
            }
        }
        if let Some(closing) = &self.closing {
            out.push('\n');
            out.push_str(&closing.text());
            out.push('\n');
        }
        out
    }
}
