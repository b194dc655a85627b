//! Reads a resume the way people write them: `null` for absent, `present` for an end date,
//! addresses without their scheme, a list where text belongs, JSON Resume 0.x keys. Every
//! interpretation becomes a [`Note`] at the place it was made; nothing is dropped unnoted,
//! and what comes out has the schema's shapes, so the typed model always reads it.

use serde_json::{Map, Value};

mod values;

use super::date::{self, Date};
use super::path::{Part, ValuePath};
use super::schema::{self, Shape};

/// The kinds of interpretation, so that many of one kind can be shown as one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    UnknownKey,
    OldKey,
    Ongoing,
    DateRead,
    NotADate,
    DateOrder,
    AddressRead,
    AddressRefused,
    EmailRefused,
    ListAsText,
    TextAsList,
    MappingAsText,
    EntryAsList,
    LeftOut,
    MissingName,
    /// Characters resume.pdf's fonts cannot show (found when typesetting, not when reading).
    MissingGlyphs,
    /// A field resume.pdf's text does not hold where a machine reading it looks (found when
    /// reading the typeset PDF back).
    PdfText,
    /// A photo named by a path in content/ that is missing or cannot be read: the page is
    /// built without it.
    Photo,
    /// A translation (`content/resume.<tag>.yaml`) that does not match the main resume.
    Translation,
    /// A version (`[versions.NAME]`) or a tag that selects nothing, or everything out.
    Version,
}

/// One interpretation: where, what kind, and what the author should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: ValuePath,
    pub part: Part,
    pub kind: Kind,
    pub message: String,
}

/// The resume `raw` (the root mapping) with every known field in the schema's shape, and the
/// notes on what was interpreted.
pub fn read(raw: Map<String, Value>) -> (Map<String, Value>, Vec<Note>) {
    let mut reader = Reader { notes: Vec::new() };
    let root = ValuePath::default();
    let mut out = reader.object(raw, &root, &root);
    let name = out
        .get("basics")
        .and_then(|b| b.get("name"))
        .and_then(Value::as_str);
    if name.is_none_or(|n| n.trim().is_empty()) {
        let at = match out.get("basics") {
            Some(_) => root.key("basics"),
            None => root,
        };
        reader.note(
            &at,
            Part::Key,
            Kind::MissingName,
            "basics.name is missing: the page is headed \"Resume\" until you add your name".into(),
        );
    }
    out.retain(|_, v| !v.is_null());
    (out, reader.notes)
}

struct Reader {
    notes: Vec<Note>,
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) | Value::Number(_) | Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

impl Reader {
    fn note(&mut self, path: &ValuePath, part: Part, kind: Kind, message: String) {
        self.notes.push(Note {
            path: path.clone(),
            part,
            kind,
            message,
        });
    }

    /// A schema object. `schema` is its place in the schema (what its keys are), `source` its
    /// place in the file (where notes point).
    fn object(
        &mut self,
        map: Map<String, Value>,
        schema: &ValuePath,
        source: &ValuePath,
    ) -> Map<String, Value> {
        let known = schema::known_keys(schema).unwrap_or_default();
        let has = |key: &str| {
            map.get(key)
                .is_some_and(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
        };
        let renames: Vec<(String, &'static str)> = map
            .keys()
            .filter_map(|key| Some((key.clone(), schema::current_name(schema, key)?)))
            .filter(|(_, new)| !has(new))
            .collect();
        let mut out = Map::new();
        for (key, value) in map {
            let at = source.key(&key);
            let renamed = renames
                .iter()
                .find(|(old, _)| *old == key)
                .map(|(_, new)| *new);
            match (renamed, schema::current_name(schema, &key)) {
                (Some(new), _) => self.note(
                    &at,
                    Part::Key,
                    Kind::OldKey,
                    format!("{at}: the JSON Resume 0.x name of `{new}`: read as `{new}`"),
                ),
                (None, Some(new)) => self.note(
                    &at,
                    Part::Key,
                    Kind::OldKey,
                    format!(
                        "{at}: the JSON Resume 0.x name of `{new}`, which is given too: not shown"
                    ),
                ),
                (None, None) => {}
            }
            let name = renamed.unwrap_or(&key);
            if !known.contains(&name) {
                if let Some(suggestion) = schema::suggest(name, known) {
                    self.note(
                        &at,
                        Part::Key,
                        Kind::UnknownKey,
                        format!("`{at}` is not a JSON Resume field; did you mean `{suggestion}`?"),
                    );
                }
                out.insert(key, value);
                continue;
            }
            if let Some(value) = self.field(schema, name, value, &at) {
                out.insert(name.to_owned(), value);
            }
        }
        self.check_order(&out, source);
        out
    }

    /// A known field, in the shape the schema gives it, or `None` when nothing of it is kept.
    fn field(
        &mut self,
        parent: &ValuePath,
        key: &str,
        value: Value,
        at: &ValuePath,
    ) -> Option<Value> {
        if value.is_null() {
            return None;
        }
        let schema = parent.key(key);
        match schema::shape(parent, key) {
            Shape::Text => self.text(key, value, at),
            Shape::TextList => self.text_list(value, at),
            Shape::Object => match value {
                Value::Object(map) => Some(Value::Object(self.object(map, &schema, at))),
                Value::Array(mut items) if items.len() == 1 && items[0].is_object() => {
                    self.note(
                        at,
                        Part::Value,
                        Kind::EntryAsList,
                        format!("{at}: a list of one where a mapping belongs: read as its entry"),
                    );
                    let Some(Value::Object(map)) = items.pop() else {
                        return None;
                    };
                    Some(Value::Object(self.object(map, &schema, &at.index(0))))
                }
                Value::String(text) if key == "location" => {
                    self.note(
                        at,
                        Part::Value,
                        Kind::MappingAsText,
                        format!("{at}: text where a mapping belongs: read as the city, {text:?}"),
                    );
                    Some(serde_json::json!({ "city": text }))
                }
                other => self.left_out(at, "a mapping (`key: value` lines)", &other),
            },
            Shape::ObjectList => {
                let items = match value {
                    Value::Array(items) => items,
                    Value::Object(map) => {
                        self.note(
                            at,
                            Part::Value,
                            Kind::EntryAsList,
                            format!("{at}: one entry where a list belongs: read as a list of one"),
                        );
                        let entry = self.object(map, &schema.index(0), at);
                        return Some(Value::Array(vec![Value::Object(entry)]));
                    }
                    other => return self.left_out(at, "a list of entries", &other),
                };
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::Null => {}
                        Value::Object(map) => {
                            let entry = self.object(map, &schema.index(i), &at.index(i));
                            out.push(Value::Object(entry));
                        }
                        other => {
                            self.left_out(&at.index(i), "an entry (`key: value` lines)", &other);
                        }
                    }
                }
                Some(Value::Array(out))
            }
        }
    }

    fn left_out(&mut self, at: &ValuePath, expected: &str, found: &Value) -> Option<Value> {
        self.note(
            at,
            Part::Value,
            Kind::LeftOut,
            format!(
                "{at}: expected {expected}, found {}: left out",
                describe(found)
            ),
        );
        None
    }

    /// Notes an end date before its start date in the object at `at`.
    fn check_order(&mut self, object: &Map<String, Value>, at: &ValuePath) {
        let date = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .and_then(Date::parse)
        };
        if let (Some(start), Some(end)) = (date("startDate"), date("endDate"))
            && date::is_before(&end, &start)
        {
            let path = at.key("endDate");
            self.note(
                &path,
                Part::Value,
                Kind::DateOrder,
                format!(
                    "{path}: {} is before the start date, {}",
                    end.iso(),
                    start.iso()
                ),
            );
        }
    }
}
