//! The resume: JSON Resume in YAML (or JSON), parsed into typed values and checked, with every
//! problem located at `file:line:column`.

pub mod date;
pub mod model;
pub mod path;
pub mod schema;

use std::fmt;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::links;
use date::Date;
use model::ResumeData;
use path::{Part, ValuePath, locate};
use schema::FieldKind;

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
#[derive(Debug)]
pub struct Loaded {
    pub resume: Resume,
    pub warnings: Vec<Diagnostic>,
}

/// Every problem that stops the resume from being used, in document order.
#[derive(Debug)]
pub struct ResumeErrors(pub Vec<Diagnostic>);

impl fmt::Display for ResumeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResumeErrors {}

impl From<Diagnostic> for ResumeErrors {
    fn from(d: Diagnostic) -> Self {
        ResumeErrors(vec![d])
    }
}

/// The error for a resume over [`MAX_BYTES`], given its size in bytes.
pub fn too_large(name: &str, size: u64) -> Diagnostic {
    Diagnostic::file(
        name,
        format!(
            "the resume is {} KiB; the limit is {} KiB (is this the right file?)",
            size / 1024,
            MAX_BYTES / 1024
        ),
    )
}

/// Parses and checks the resume in `source`.
pub fn parse(source: &SourceFile) -> Result<Loaded, ResumeErrors> {
    if source.text.len() > MAX_BYTES {
        return Err(too_large(&source.name, source.text.len() as u64).into());
    }
    if source
        .text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(Diagnostic::at(
            source,
            1,
            1,
            "the resume is empty: start with `basics:` and your `name` (run `gen init` in an empty folder for an example)",
        )
        .into());
    }
    let data: ResumeData = deserialize(source)?;
    let raw: Value = deserialize(source)?;
    let warnings = check(source, &raw)?;
    if data
        .basics
        .as_ref()
        .and_then(|b| b.name.as_deref())
        .is_none_or(|n| n.trim().is_empty())
    {
        let basics = ValuePath::default().key("basics");
        let (line, column) = locate(&source.text, &basics, Part::Key).unwrap_or((1, 1));
        return Err(Diagnostic::at(
            source,
            line,
            column,
            "basics.name is missing: the page needs your name",
        )
        .into());
    }
    let mut document =
        serde_json::to_value(&data).map_err(|e| Diagnostic::file(&source.name, e.to_string()))?;
    merge_extras(&mut document, &raw);
    Ok(Loaded {
        resume: Resume { data, document },
        warnings,
    })
}

fn deserialize<T: serde::de::DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_events: 200_000,
            max_depth: 64,
        },
    };
    serde_saphyr::from_str_with_options(&source.text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        let message = yaml_message(&e.without_snippet().to_string());
        let message = match path::value_at(&source.text, line, column) {
            Some((path, found)) if message.starts_with("expected ") => {
                let found = if found == "text" {
                    "a single value"
                } else {
                    found
                };
                if path.0.is_empty() {
                    format!("{message}, found {found}")
                } else {
                    format!("{path}: {message}, found {found}")
                }
            }
            _ => message,
        };
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
    if message.contains("expected struct ResumeData") {
        return "the resume must be a mapping of sections (`basics:`, `work:`, ...)".into();
    }
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
    let message = match message {
        "expected mapping start" => "expected a mapping (`key: value` lines)",
        "expected list start" | "expected sequence start" => {
            "expected a list (lines starting with `- `)"
        }
        "expected string scalar" => "expected text",
        other => other,
    };
    message
        .replace("struct ResumeData", "a resume")
        .replace("a sequence", "a list")
        .replace("sequence", "list")
}

/// Checks dates and links, and warns about likely typos of known keys.
fn check(source: &SourceFile, raw: &Value) -> Result<Vec<Diagnostic>, ResumeErrors> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let at = |path: &ValuePath, part: Part| locate(&source.text, path, part).unwrap_or((1, 1));
    schema::walk(
        raw,
        &ValuePath::default(),
        &mut |parent, key, value, known| {
            let path = parent.key(key);
            if !known.contains(&key) {
                if let Some(suggestion) = schema::suggest(key, known) {
                    let (line, column) = at(&path, Part::Key);
                    warnings.push(Diagnostic::at(
                    source,
                    line,
                    column,
                    format!("warning: `{path}` is not a JSON Resume field; did you mean `{suggestion}`?"),
                ));
                }
                return;
            }
            let text = match value {
                Value::String(s) => s.trim().to_owned(),
                Value::Number(n) => n.to_string(),
                _ => return,
            };
            if text.is_empty() {
                return;
            }
            let problem = match schema::field_kind(key) {
                FieldKind::Date if Date::parse(&text).is_none() => Some(format!(
                    "{path}: {text:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
                )),
                FieldKind::Url if !links::is_web_url(&text) => Some(format!(
                    "{path}: {text:?} is not a web address (use a full http:// or https:// address)"
                )),
                FieldKind::Image if !links::is_web_url(&text) && !links::is_site_path(&text) => {
                    Some(format!(
                        "{path}: {text:?} is not an image address (use https://... or a path inside the site such as photo.jpg)"
                    ))
                }
                FieldKind::Email if !is_email(&text) => Some(format!(
                    "{path}: {text:?} is not an email address (use name@example.com)"
                )),
                _ => None,
            };
            if let Some(message) = problem {
                let (line, column) = at(&path, Part::Value);
                errors.push(Diagnostic::at(source, line, column, message));
            }
        },
    );
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(ResumeErrors(errors))
    }
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
