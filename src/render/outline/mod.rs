//! The resume as the PDF shows it, in reading order: the name, the contact details, then each
//! section's heading and entries, every shown value with its place in the resume. `resume.txt`
//! is this outline written out, and the check of resume.pdf's text looks for it, field by field.

mod contact;
mod layout;

pub use contact::profile;
pub use layout::outline;

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
