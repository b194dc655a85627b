//! The values of known text fields and lists of texts: scalars as text, dates, addresses and
//! emails read the way people write them.

use serde_json::Value;

use super::{Kind, Reader};
use crate::links;
use crate::resume::date::{self, Reading};
use crate::resume::path::{Part, ValuePath};
use crate::resume::schema::{self, FieldKind};

impl Reader {
    /// A text field: scalars as text, a list of texts as paragraphs, a work location mapping
    /// as one line; then the checks of its kind (date, address, email).
    pub(super) fn text(&mut self, key: &str, value: Value, at: &ValuePath) -> Option<Value> {
        let text = match value {
            Value::String(text) => text,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
                let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
                self.note(
                    at,
                    Part::Value,
                    Kind::ListAsText,
                    format!(
                        "{at}: a list where text belongs: read as {} paragraphs",
                        parts.len()
                    ),
                );
                parts.join("\n\n")
            }
            Value::Object(map) if key == "location" => {
                let line = ["address", "city", "region", "postalCode", "countryCode"]
                    .iter()
                    .filter_map(|k| map.get(*k).and_then(scalar_text))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.note(
                    at,
                    Part::Value,
                    Kind::MappingAsText,
                    format!("{at}: a mapping where text belongs: read as {line:?}"),
                );
                line
            }
            other => return self.left_out(at, "text", &other),
        };
        if text.trim().is_empty() {
            return Some(Value::String(text));
        }
        self.check(key, text, at).map(Value::String)
    }

    /// The checks of a text field's kind; `None` when the value cannot be used at all.
    fn check(&mut self, key: &str, text: String, at: &ValuePath) -> Option<String> {
        let trimmed = text.trim();
        match schema::field_kind(key) {
            FieldKind::Date => match date::read(trimmed) {
                Reading::Exact(_) => Some(text),
                Reading::Interpreted(date) => {
                    self.note(
                        at,
                        Part::Value,
                        Kind::DateRead,
                        format!("{at}: {trimmed:?} read as {}", date.iso()),
                    );
                    Some(date.iso())
                }
                Reading::Ongoing if key == "endDate" => {
                    let what = if at.keys().first() == Some(&"work") {
                        "the current job"
                    } else {
                        "ongoing (no end date)"
                    };
                    self.note(
                        at,
                        Part::Value,
                        Kind::Ongoing,
                        format!("{at}: {trimmed:?} read as {what}"),
                    );
                    None
                }
                Reading::Ongoing | Reading::Unknown => {
                    self.note(at, Part::Value, Kind::NotADate, format!(
                        "{at}: {trimmed:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD): shown as written"
                    ));
                    Some(text)
                }
            },
            FieldKind::Url | FieldKind::Image => self.address(key, text, at),
            FieldKind::Email => {
                let address = trimmed
                    .strip_prefix("mailto:")
                    .or_else(|| trimmed.strip_prefix("MAILTO:"))
                    .unwrap_or(trimmed);
                if !crate::resume::is_email(address) {
                    self.note(
                        at,
                        Part::Value,
                        Kind::EmailRefused,
                        format!(
                            "{at}: {trimmed:?} is not an email address (name@example.com): left out"
                        ),
                    );
                    return None;
                }
                if address != trimmed {
                    self.note(
                        at,
                        Part::Value,
                        Kind::AddressRead,
                        format!("{at}: {trimmed:?} read as {address}"),
                    );
                }
                Some(address.to_owned())
            }
            FieldKind::Text => Some(text),
        }
    }

    /// A link (`url`, `canonical`) or an image address: kept, completed, or left out.
    fn address(&mut self, key: &str, text: String, at: &ValuePath) -> Option<String> {
        let trimmed = text.trim();
        let image = key == "image";
        if image && (links::data_image(trimmed).is_some() || links::is_site_path(trimmed)) {
            return Some(text);
        }
        // Profiles and entries may link to mail or a phone; the canonical address and images
        // must be on the web.
        let rich = key == "url";
        match links::read_web_address(trimmed, rich) {
            links::Reading::Kept => Some(text),
            links::Reading::Read(address) => {
                self.note(
                    at,
                    Part::Value,
                    Kind::AddressRead,
                    format!("{at}: {trimmed:?} read as {address}"),
                );
                Some(address)
            }
            links::Reading::Refused => {
                let (what, allowed) = if image {
                    (
                        "image address",
                        "https://…, a path in the site such as photo.jpg, or a data:image",
                    )
                } else if rich {
                    ("link", "a web address, mailto: or tel:")
                } else {
                    ("link", "a web address")
                };
                self.note(
                    at,
                    Part::Value,
                    Kind::AddressRefused,
                    format!(
                        "{at}: {} is not an allowed {what} ({allowed}): left out of the page",
                        shorten(trimmed)
                    ),
                );
                None
            }
        }
    }

    /// A list of texts: one text is a list of one; empty and absent items are dropped.
    pub(super) fn text_list(&mut self, value: Value, at: &ValuePath) -> Option<Value> {
        let items = match value {
            Value::Array(items) => items,
            Value::Object(_) => {
                return self.left_out(at, "a list (lines starting with `- `)", &value);
            }
            scalar => {
                let text = scalar_text(&scalar)?;
                self.note(
                    at,
                    Part::Value,
                    Kind::TextAsList,
                    format!("{at}: text where a list belongs: read as a list of one"),
                );
                return Some(Value::Array(vec![Value::String(text)]));
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match scalar_text(&item) {
                Some(text) => out.push(Value::String(text)),
                None if item.is_array() || item.is_object() => {
                    self.left_out(&at.index(i), "text", &item);
                }
                None => {}
            }
        }
        Some(Value::Array(out))
    }
}

/// A scalar as text, unless it is absent or blank.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A value quoted for a message, cut short: a data: URL can be 100 KB.
fn shorten(text: &str) -> String {
    let mut cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}
