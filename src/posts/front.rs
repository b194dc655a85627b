//! A post's front matter: YAML between `---` lines (as Hugo, Jekyll and Astro write it) or
//! TOML between `+++` lines (as Zola writes it), checked field by field with every problem
//! located in the post's file.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::resume::path::{Part, ValuePath, locate};

/// The checked front matter of one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Front {
    pub title: String,
    pub date: PostDate,
    pub updated: Option<PostDate>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub slug: Option<String>,
}

/// A post's date as written: `YYYY-MM-DD`, or an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct PostDate {
    /// RFC 3339, for feeds and sorting (`YYYY-MM-DDT00:00:00Z` for a day).
    pub rfc3339: String,
    /// `YYYY-MM-DD`, for `<time>` and sitemaps.
    pub day: String,
}

const KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "description",
    "tags",
    "draft",
    "slug",
];

/// The front matter of `source` and where its body starts (a 0-based line), or every problem
/// found in it.
pub fn parse(source: &SourceFile) -> Result<(Front, usize), Vec<Diagnostic>> {
    let text = &source.text;
    let fence = match text.lines().next().map(str::trim_end) {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => {
            return Err(vec![Diagnostic::at(
                source,
                1,
                1,
                "a post starts with its front matter between `---` lines: at least `title:` and `date:`",
            )]);
        }
    };
    let Some(end) = text.lines().skip(1).position(|l| l.trim_end() == fence) else {
        return Err(vec![Diagnostic::at(
            source,
            1,
            1,
            format!("the front matter is not closed: add a line `{fence}` after it"),
        )]);
    };
    let front_text: String = text
        .lines()
        .skip(1)
        .take(end)
        .map(|l| format!("{l}\n"))
        .collect();
    let front = Located {
        source,
        text: &front_text,
        toml: fence == "+++",
    };
    let map = front.read()?;
    front.check(&map).map(|checked| (checked, end + 2))
}

/// The front matter's text, and how to point into the post's file from it.
struct Located<'a> {
    source: &'a SourceFile,
    text: &'a str,
    toml: bool,
}

impl Located<'_> {
    /// A diagnostic at `line:column` of the front matter (both 1-based).
    fn at(&self, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic::at(self.source, line + 1, column, message)
    }

    /// A diagnostic at the key `key` (or its value), or at the front matter's start.
    fn at_key(&self, key: &str, part: Part, message: String) -> Diagnostic {
        let (line, column) = if self.toml {
            self.text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or((1, 1), |i| {
                    let l = &self.text.lines().nth(i).unwrap_or_default();
                    let column = match part {
                        Part::Key => l.len() - l.trim_start().len(),
                        Part::Value => l.find('=').map_or(0, |i| {
                            i + 1 + l[i + 1..].len() - l[i + 1..].trim_start().len()
                        }),
                    };
                    (i + 1, column + 1)
                })
        } else {
            locate(self.text, &ValuePath::default().key(key), part).unwrap_or((1, 1))
        };
        self.at(line, column, message)
    }

    fn read(&self) -> Result<Map<String, Value>, Vec<Diagnostic>> {
        let value = if self.toml {
            let table: toml::Table = toml::from_str(self.text).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map(|s| crate::diagnostic::line_column(self.text, s.start))
                    .unwrap_or((1, 1));
                vec![self.at(line, column, e.message().to_owned())]
            })?;
            toml_to_json(toml::Value::Table(table))
        } else if self.text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_saphyr::from_str::<Value>(self.text).map_err(|e| {
                let (line, column) = e
                    .location()
                    .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
                let message = e.without_snippet().to_string();
                let message = message.lines().next().unwrap_or_default();
                let message = message.split(" at line ").next().unwrap_or(message);
                vec![self.at(line, column, message.to_owned())]
            })?
        };
        match value {
            Value::Object(map) => Ok(map),
            _ => Err(vec![self.at(
                1,
                1,
                "the front matter must be `key: value` lines (title, date, ...)".into(),
            )]),
        }
    }

    fn check(&self, map: &Map<String, Value>) -> Result<Front, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let title = self.text(map, "title", true, p);
        let date = self
            .text(map, "date", true, p)
            .and_then(|d| self.date("date", &d, p));
        let updated = self
            .text(map, "updated", false, p)
            .and_then(|d| self.date("updated", &d, p));
        let description = self.text(map, "description", false, p);
        let slug = self.text(map, "slug", false, p);
        if let Some(slug) = &slug
            && !is_slug(slug)
        {
            p.push(self.at_key(
                "slug",
                Part::Value,
                format!("slug: {slug:?} may hold only lower-case letters, digits and `-`"),
            ));
        }
        let tags = self.tags(map, p);
        let draft = match map.get("draft") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                p.push(self.at_key("draft", Part::Value, "draft: expected true or false".into()));
                false
            }
        };
        for key in map.keys() {
            if let Some(known) = crate::resume::schema::suggest(key, KEYS)
                && known != key
            {
                p.push(self.at_key(
                    key,
                    Part::Key,
                    format!("`{key}` is not a front matter field; did you mean `{known}`?"),
                ));
            }
        }
        match (title, date) {
            (Some(title), Some(date)) if problems.is_empty() => Ok(Front {
                title,
                date,
                updated,
                description,
                tags,
                draft,
                slug,
            }),
            _ => {
                problems.sort_by_key(|d| (d.line, d.column));
                Err(problems)
            }
        }
    }

    /// The text at `key`, trimmed; a problem when it is required and missing, or not text.
    fn text(
        &self,
        map: &Map<String, Value>,
        key: &str,
        required: bool,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            None | Some(Value::Null) | Some(Value::String(_)) if !required => None,
            Some(Value::String(_)) | None | Some(Value::Null) => {
                let part = if map.contains_key(key) {
                    Part::Value
                } else {
                    Part::Key
                };
                problems.push(self.at_key(
                    key,
                    part,
                    format!("{key} is missing: every post needs a {key}"),
                ));
                None
            }
            Some(other) => {
                problems.push(self.at_key(
                    key,
                    Part::Value,
                    format!("{key}: expected text, found {}", kind(other)),
                ));
                None
            }
        }
    }

    fn tags(&self, map: &Map<String, Value>, problems: &mut Vec<Diagnostic>) -> Vec<String> {
        let words = |items: &[Value]| -> Option<Vec<String>> {
            items
                .iter()
                .map(|t| {
                    t.as_str()
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned)
                })
                .collect()
        };
        match map.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if words(items).is_some() => words(items).unwrap_or_default(),
            Some(_) => {
                problems.push(self.at_key(
                    "tags",
                    Part::Value,
                    "tags: expected a list of words, e.g. [aws, rust]".into(),
                ));
                Vec::new()
            }
        }
    }

    fn date(&self, key: &str, text: &str, problems: &mut Vec<Diagnostic>) -> Option<PostDate> {
        let date = parse_date(text);
        if date.is_none() {
            problems.push(self.at_key(
                key,
                Part::Value,
                format!(
                    "{key}: {text:?} is not a date (YYYY-MM-DD, or RFC 3339 such as 2026-11-30T09:00:00Z)"
                ),
            ));
        }
        date
    }
}

/// `YYYY-MM-DD`, or an RFC 3339 timestamp (`T` or space, seconds and fractions optional in
/// practice, `Z` or an offset).
pub fn parse_date(text: &str) -> Option<PostDate> {
    let text = text.trim();
    let day = text.get(..10)?;
    let parsed = crate::resume::date::Date::parse(day)?;
    parsed.day?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(PostDate {
            rfc3339: format!("{day}T00:00:00Z"),
            day: day.to_owned(),
        });
    }
    let time = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => return None,
    };
    let clock_ok = {
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
        let parts: Vec<&str> = hms.split(':').collect();
        let numbers: Option<Vec<u32>> = parts
            .iter()
            .map(|p| (p.len() == 2).then(|| p.parse().ok()).flatten())
            .collect();
        matches!(numbers.as_deref(), Some([h, m]) if *h < 24 && *m < 60)
            || matches!(numbers.as_deref(), Some([h, m, s]) if *h < 24 && *m < 60 && *s <= 60)
                && fraction.bytes().all(|b| b.is_ascii_digit())
    };
    let zone_ok = zone.eq_ignore_ascii_case("z")
        || (zone.len() == 6
            && zone.as_bytes()[3] == b':'
            && zone[1..3].parse::<u32>().is_ok_and(|h| h < 24)
            && zone[4..].parse::<u32>().is_ok_and(|m| m < 60));
    (clock_ok && zone_ok).then(|| PostDate {
        rfc3339: format!("{day}T{}", time.to_uppercase()),
        day: day.to_owned(),
    })
}

/// Lower-case letters (any script), digits and `-`, not starting or ending with `-`.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || (c.is_alphabetic() && !c.is_uppercase()))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        _ => "something else",
    }
}

/// TOML as JSON, its dates as text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}
