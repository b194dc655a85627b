//! The resume: JSON Resume in YAML (or JSON), parsed into typed values and checked, with every
//! problem located at `file:line:column`.

pub mod date;
pub mod lenient;
pub mod model;
pub mod path;
pub mod schema;
pub mod variant;
pub mod yaml;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use lenient::Kind;
use model::ResumeData;

/// A resume larger than this is refused before parsing: no real resume comes close.
pub const MAX_BYTES: usize = 1024 * 1024;

/// A checked resume.
#[derive(Debug, Clone)]
pub struct Resume {
    /// The schema's fields, typed.
    pub data: ResumeData,
    /// The whole document as JSON Resume JSON: typed fields plus any extra keys the author added.
    pub document: Value,
}

/// A parsed resume and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub resume: Resume,
    pub warnings: Vec<Warning>,
    /// The document as read: the author's keys in the author's order, every known field in
    /// the schema's shape (what `gen import` writes).
    pub read: Value,
    /// The document as written, tags and all: what languages and versions are made from.
    pub raw: serde_json::Map<String, Value>,
}

/// What makes one language or version of the resume from the main one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Variant<'a> {
    /// The translation's document (`content/resume.<tag>.yaml`), laid over the main one.
    pub translation: Option<&'a Value>,
    /// The version's choice of tagged entries.
    pub filter: Option<variant::Filter<'a>>,
    /// The version's `label` and `summary`, in place of `basics`'.
    pub label: Option<&'a str>,
    pub summary: Option<&'a str>,
}

impl Loaded {
    /// The resume as `variant` shows it, read as the main one is (its reader's notes are the
    /// main resume's, already given; a translation's own are found by
    /// `render::variants::check`).
    pub fn variant(&self, name: &str, variant: Variant<'_>) -> Result<Resume, Diagnostic> {
        let mut document = match variant.translation {
            Some(translation) => match variant::overlay(
                &Value::Object(self.raw.clone()),
                translation,
                &path::ValuePath::default(),
                &mut Vec::new(),
            ) {
                Value::Object(map) => map,
                _ => self.raw.clone(),
            },
            None => self.raw.clone(),
        };
        variant::select(&mut document, variant.filter);
        if let Some(basics) = document.get_mut("basics").and_then(Value::as_object_mut) {
            for (key, value) in [("label", variant.label), ("summary", variant.summary)] {
                if let Some(value) = value {
                    basics.insert(key.into(), Value::String(value.into()));
                }
            }
        }
        let (value, _) = lenient::read(document);
        typed(name, Value::Object(value))
    }
}

/// The error for a resume (or a post: `what`) over [`MAX_BYTES`], given its size in bytes.
pub fn too_large(name: &str, what: &str, size: u64) -> Diagnostic {
    Diagnostic::file(
        name,
        format!(
            "{what} is {} KiB; the limit is {} KiB (is this the right file?)",
            size / 1024,
            MAX_BYTES / 1024
        ),
    )
}

/// Something gen interpreted in the resume: a warning, or an error under `--strict`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub kind: Kind,
    /// Where, as the author writes it: `work[4].endDate`.
    pub path: String,
    pub diagnostic: Diagnostic,
}

/// How many warnings of one kind are shown one by one before the rest are counted.
pub const SHOWN_PER_KIND: usize = 3;

/// The warnings as shown: the first few of each kind, then one line that counts the rest.
pub fn shown(warnings: &[Warning]) -> Vec<Diagnostic> {
    let mut shown = Vec::new();
    let mut kinds: Vec<Kind> = warnings.iter().map(|w| w.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let of_kind: Vec<&Warning> = warnings.iter().filter(|w| w.kind == kind).collect();
        shown.extend(
            of_kind
                .iter()
                .take(SHOWN_PER_KIND)
                .map(|w| w.diagnostic.clone()),
        );
        if let [first, rest @ ..] = &of_kind[of_kind.len().min(SHOWN_PER_KIND)..] {
            let mut places: Vec<&str> = std::iter::once(first)
                .chain(rest)
                .take(4)
                .map(|w| w.path.as_str())
                .collect();
            if rest.len() >= 4 {
                places.push("…");
            }
            let mut more = first.diagnostic.clone();
            more.message = format!(
                "{} more like the above: {}",
                rest.len() + 1,
                places.join(", ")
            );
            more.snippet.clear();
            shown.push(more);
        }
    }
    shown.sort_by_key(|d| (d.line, d.column));
    shown
}

#[cfg(test)]
thread_local! {
    /// Resumes parsed on this thread: a command parses its site's resume once.
    pub static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parses and checks the resume in `source`, reading what people write (see [`lenient`]).
pub fn parse(source: &SourceFile) -> Result<Loaded, Diagnostics> {
    #[cfg(test)]
    PARSES.with(|n| n.set(n.get() + 1));
    let raw = document(source)?;
    let mut plain = raw.clone();
    variant::select(&mut plain, None);
    let (value, notes) = lenient::read(plain);
    let warnings = located(source, notes);
    let value = Value::Object(value);
    Ok(Loaded {
        resume: typed(&source.name, value.clone())?,
        warnings,
        read: value,
        raw,
    })
}

/// The mapping a resume (or a translation of one) holds, as written.
pub fn document(source: &SourceFile) -> Result<serde_json::Map<String, Value>, Diagnostics> {
    if source.text.len() > MAX_BYTES {
        return Err(too_large(&source.name, "the resume", source.text.len() as u64).into());
    }
    let first = source
        .text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((line, first)) = first else {
        return Err(Diagnostic::at(
            source,
            1,
            1,
            "the resume is empty: start with `basics:` and your `name` (run `gen init` in an empty folder for an example)",
        )
        .into());
    };
    let raw = match deserialize::<Value>(source)? {
        Value::Object(map) => map,
        other => {
            let found = if other.is_array() {
                "a list"
            } else {
                "a single value"
            };
            let column = first.len() - first.trim_start().len() + 1;
            return Err(Diagnostic::at(
                source,
                line + 1,
                column,
                format!("expected a mapping (`key: value` lines), found {found}"),
            )
            .into());
        }
    };
    Ok(raw)
}

/// The resume the reader's `value` makes: its typed fields, and the document with the extra
/// keys the author added.
fn typed(name: &str, value: Value) -> Result<Resume, Diagnostic> {
    // The reading gives every known field the schema's shape, so this cannot fail; if it ever
    // did, say so without the deserializer's words.
    let data: ResumeData = serde_json::from_value(value.clone()).map_err(|_| {
        Diagnostic::file(
            name,
            "gen could not read this resume after interpreting it: please report this, with the file",
        )
    })?;
    let mut document =
        serde_json::to_value(&data).map_err(|e| Diagnostic::file(name, e.to_string()))?;
    merge_extras(&mut document, &value);
    Ok(Resume { data, document })
}

/// How many warnings of one kind are located in the text, with a snippet: those [`shown`]
/// shows one by one, and the one its "N more" line points at. The rest keep their path.
const LOCATED_PER_KIND: usize = SHOWN_PER_KIND + 1;

/// The reader's notes as warnings, the first [`LOCATED_PER_KIND`] of each kind located in one
/// walk of the text: a resume with a hundred thousand notes is read in linear time.
fn located(source: &SourceFile, notes: Vec<lenient::Note>) -> Vec<Warning> {
    let mut per_kind: std::collections::HashMap<Kind, usize> = std::collections::HashMap::new();
    let locate: Vec<bool> = notes
        .iter()
        .map(|note| {
            let seen = per_kind.entry(note.kind).or_default();
            *seen += 1;
            *seen <= LOCATED_PER_KIND
        })
        .collect();
    let wanted: Vec<(&path::ValuePath, path::Part)> = notes
        .iter()
        .zip(&locate)
        .filter(|(_, locate)| **locate)
        .map(|(note, _)| (&note.path, note.part))
        .collect();
    let mut positions = path::locate_all(&source.text, &wanted).into_iter();
    notes
        .into_iter()
        .zip(locate)
        .map(|(note, locate)| {
            let diagnostic = if locate {
                let (line, column) = positions.next().flatten().unwrap_or((1, 1));
                Diagnostic::at(source, line, column, note.message)
            } else {
                Diagnostic::file(&source.name, note.message)
            };
            Warning {
                kind: note.kind,
                path: note.path.to_string(),
                diagnostic,
            }
        })
        .collect()
}

fn deserialize<T: serde::de::DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            // A file under MAX_BYTES holds at most about 520,000 values (`[x,x,…]`): every
            // such file is read, and aliases cannot make one expand past twice that.
            max_events: 1_100_000,
            max_depth: 64,
        },
    };
    serde_saphyr::from_str_with_options(&source.text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        let message = yaml_message(&e.without_snippet().to_string());
        Diagnostic::at(source, line, column, message)
    })
}

/// Rewords the deserializer's messages in the resume's terms and drops its own location suffix.
fn yaml_message(message: &str) -> String {
    let message = message.lines().next().unwrap_or(message);
    let message = match message.find(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let message = message.trim_start_matches("error: ");
    if message.starts_with("budget breached") {
        return "the document expands to too many values: check its anchors (`&name`) and aliases (`*name`)".into();
    }
    if message.contains("recursion limit") || message.contains("depth") {
        return "values are nested too deeply".into();
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return format!("`{key}` appears twice in the same mapping: keep one");
    }
    message.replace("sequence", "list")
}

fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"':;,()[]\\".contains(c))
}

/// Adds the keys of `raw` that the typed document does not have, recursively, so templates
/// see extra data the author added. Typed values win where both exist.
fn merge_extras(typed: &mut Value, raw: &Value) {
    match (typed, raw) {
        (Value::Object(typed), Value::Object(raw)) => {
            for (key, raw_child) in raw {
                match typed.get_mut(key) {
                    Some(child) => merge_extras(child, raw_child),
                    None if raw_child.is_null() => {}
                    None => {
                        typed.insert(key.clone(), raw_child.clone());
                    }
                }
            }
        }
        (Value::Array(typed), Value::Array(raw)) => {
            for (child, raw_child) in typed.iter_mut().zip(raw) {
                merge_extras(child, raw_child);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
