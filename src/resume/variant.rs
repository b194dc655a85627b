//! The resume as one language and one version show it: a translation laid over the main
//! resume by key and by list position, then the entries a version's tags select, then the
//! tags taken out (a highlight written `{text, tags}` becomes its text), so what is left is
//! plain JSON Resume.

use serde_json::{Map, Value};

use super::path::ValuePath;

/// The lists whose entries may carry `tags`: every section but `basics` and `meta`.
fn sections_of_entries() -> impl Iterator<Item = &'static str> {
    super::model::SECTIONS
        .iter()
        .copied()
        .filter(|s| !matches!(*s, "$schema" | "basics" | "meta"))
}

/// Which tagged entries a version shows: untagged ones always; a tagged one when one of its
/// tags is included (or nothing is) and none is excluded.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    pub include: &'a [String],
    pub exclude: &'a [String],
}

impl Filter<'_> {
    fn keeps(&self, tags: &[String]) -> bool {
        tags.is_empty()
            || (!tags.iter().any(|t| self.exclude.contains(t))
                && (self.include.is_empty() || tags.iter().any(|t| self.include.contains(t))))
    }
}

/// A problem of a translation: where in it, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: ValuePath,
    pub message: String,
}

/// `translation` laid over `main`: mappings key by key, lists item by item, anything else
/// replaced. A key `main` lacks is kept and noted, as is a list longer than `main`'s (its
/// extra items are left out: they have nothing to be the translation of).
pub fn overlay(main: &Value, translation: &Value, at: &ValuePath, notes: &mut Vec<Note>) -> Value {
    match (main, translation) {
        (_, Value::Null) => main.clone(),
        (Value::Object(main), Value::Object(translated)) => {
            let mut out = main.clone();
            for (key, value) in translated {
                let here = at.key(key);
                match main.get(key) {
                    Some(original) => {
                        out.insert(key.clone(), overlay(original, value, &here, notes));
                    }
                    None => {
                        notes.push(Note {
                            message: format!(
                                "`{here}` is not in the main resume: shown in this language only (add it to content/resume.yaml, or check its spelling)"
                            ),
                            path: here,
                        });
                        out.insert(key.clone(), value.clone());
                    }
                }
            }
            Value::Object(out)
        }
        (Value::Array(main), Value::Array(translated)) => {
            if translated.len() > main.len() {
                let here = at.index(main.len());
                notes.push(Note {
                    message: format!(
                        "`{at}` has {} items here and {} in the main resume: items are matched by position, so {} left out",
                        translated.len(),
                        main.len(),
                        match translated.len() - main.len() {
                            1 => "the last one is".to_owned(),
                            n => format!("the last {n} are"),
                        }
                    ),
                    path: here,
                });
            }
            let items = main
                .iter()
                .enumerate()
                .map(|(i, item)| match translated.get(i) {
                    Some(t) => overlay(item, t, &at.index(i), notes),
                    None => item.clone(),
                });
            Value::Array(items.collect())
        }
        // A highlight written `{text, tags}` keeps its tags when translated as plain text.
        (Value::Object(main), Value::String(_)) if main.contains_key("text") => {
            let mut out = main.clone();
            out.insert("text".into(), translation.clone());
            Value::Object(out)
        }
        _ => translation.clone(),
    }
}

/// What of `other` differs from `main`, as a translation writes it: the keys whose values
/// differ, list items by position (`null` for an item that is the same); none when nothing
/// does. Laid over `main` by [`overlay`], it gives `other` back, unless `other` lacks a key
/// `main` has or has shorter lists.
pub fn differing(main: &Value, other: &Value) -> Option<Value> {
    match (main, other) {
        (Value::Object(main), Value::Object(other)) => {
            let keys: Map<String, Value> = other
                .iter()
                .filter_map(|(key, value)| {
                    let here = match main.get(key) {
                        Some(original) => differing(original, value)?,
                        None => value.clone(),
                    };
                    Some((key.clone(), here))
                })
                .collect();
            (!keys.is_empty()).then_some(Value::Object(keys))
        }
        (Value::Array(main), Value::Array(other)) => {
            let items: Vec<Option<Value>> = other
                .iter()
                .enumerate()
                .map(|(i, item)| match main.get(i) {
                    Some(original) => differing(original, item),
                    None => Some(item.clone()),
                })
                .collect();
            let last = items.iter().rposition(Option::is_some)?;
            Some(Value::Array(
                items
                    .into_iter()
                    .take(last + 1)
                    .map(|item| item.unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        _ => (main != other).then(|| other.clone()),
    }
}

/// The tags of an entry or a highlight: `tags: [a, b]` (or one tag as text).
pub fn tags_of(value: &Value) -> Vec<String> {
    match value.get("tags") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| t.as_str().map(|s| s.trim().to_owned()))
            .filter(|t| !t.is_empty())
            .collect(),
        Some(Value::String(one)) if !one.trim().is_empty() => vec![one.trim().to_owned()],
        _ => Vec::new(),
    }
}

/// Every tag on an entry or a highlight of `document`, with where it is.
pub fn tags_used(document: &Map<String, Value>) -> Vec<(String, ValuePath)> {
    let mut used = Vec::new();
    for (section, entries) in sections(document) {
        for (i, entry) in entries.iter().enumerate() {
            let at = ValuePath::default().key(section).index(i);
            used.extend(tags_of(entry).into_iter().map(|t| (t, at.key("tags"))));
            for (j, highlight) in highlights(entry).iter().enumerate() {
                let at = at.key("highlights").index(j).key("tags");
                used.extend(tags_of(highlight).into_iter().map(|t| (t, at.clone())));
            }
        }
    }
    used
}

fn sections(document: &Map<String, Value>) -> impl Iterator<Item = (&'static str, &Vec<Value>)> {
    sections_of_entries().filter_map(|s| Some((s, document.get(s)?.as_array()?)))
}

fn highlights(entry: &Value) -> &[Value] {
    entry
        .get("highlights")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The entries and highlights `filter` keeps (all when there is none), tags taken out.
pub fn select(document: &mut Map<String, Value>, filter: Option<Filter<'_>>) {
    let keeps = |value: &Value| filter.is_none_or(|f| f.keeps(&tags_of(value)));
    for section in sections_of_entries() {
        let Some(Value::Array(entries)) = document.get_mut(section) else {
            continue;
        };
        entries.retain(|entry| keeps(entry));
        for entry in entries.iter_mut() {
            let Value::Object(entry) = entry else {
                continue;
            };
            entry.remove("tags");
            let Some(Value::Array(items)) = entry.get_mut("highlights") else {
                continue;
            };
            items.retain(|item| keeps(item));
            for item in items.iter_mut() {
                if let Some(text) = item.get("text").and_then(Value::as_str) {
                    *item = Value::String(text.to_owned());
                }
            }
        }
    }
}

/// The sections of `document` with entries that `filter` leaves none of.
pub fn emptied(document: &Map<String, Value>, filter: Filter<'_>) -> Vec<&'static str> {
    sections(document)
        .filter(|(_, entries)| {
            !entries.is_empty() && !entries.iter().any(|e| filter.keeps(&tags_of(e)))
        })
        .map(|(section, _)| section)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_translation_overlays_by_key_and_position() {
        let main = json!({"basics": {"name": "Ada", "label": "Engineer", "email": "a@b.c"},
            "work": [{"name": "A", "position": "Lead", "startDate": "2020-01"},
                     {"name": "B", "position": "Dev"}]});
        let de = json!({"basics": {"label": "Ingenieurin"},
            "work": [{"position": "Leitung"}, null, {"position": "extra"}],
            "extra": 1});
        let mut notes = Vec::new();
        let merged = overlay(&main, &de, &ValuePath::default(), &mut notes);
        assert_eq!(merged["basics"]["label"], "Ingenieurin");
        assert_eq!(merged["basics"]["email"], "a@b.c");
        assert_eq!(merged["work"][0]["position"], "Leitung");
        assert_eq!(merged["work"][0]["startDate"], "2020-01");
        assert_eq!(merged["work"][1]["position"], "Dev");
        assert_eq!(merged["work"].as_array().unwrap().len(), 2);
        assert_eq!(merged["extra"], 1);
        let paths: Vec<String> = notes.iter().map(|n| n.path.to_string()).collect();
        assert_eq!(paths, ["work[2]", "extra"]);
    }

    #[test]
    fn a_highlight_translated_as_text_keeps_its_tags() {
        let main = json!({"work": [{"highlights": [{"text": "Billing", "tags": ["backend"]}]}]});
        let de = json!({"work": [{"highlights": ["Abrechnung"]}]});
        let merged = overlay(&main, &de, &ValuePath::default(), &mut Vec::new());
        assert_eq!(
            merged["work"][0]["highlights"][0],
            json!({"text": "Abrechnung", "tags": ["backend"]})
        );
    }

    #[test]
    fn what_differs_laid_over_the_main_resume_gives_the_other_back() {
        let main = json!({"basics": {"name": "Ada", "label": "Engineer"},
            "work": [{"name": "A", "position": "Lead"}, {"name": "B", "position": "Dev"}]});
        let de = json!({"basics": {"name": "Ada", "label": "Ingenieurin"},
            "work": [{"name": "A", "position": "Lead"}, {"name": "B", "position": "Entwicklerin"}]});
        let written = differing(&main, &de).unwrap();
        assert_eq!(
            written,
            json!({"basics": {"label": "Ingenieurin"}, "work": [null, {"position": "Entwicklerin"}]})
        );
        let mut notes = Vec::new();
        assert_eq!(
            overlay(&main, &written, &ValuePath::default(), &mut notes),
            de
        );
        assert!(notes.is_empty());
        assert_eq!(differing(&main, &main), None);
    }

    #[test]
    fn a_version_keeps_untagged_and_selected_entries_and_highlights() {
        let doc = json!({"work": [
            {"name": "A", "tags": ["backend"], "highlights": [
                "always", {"text": "data only", "tags": ["data"]}, {"text": "api", "tags": "backend"}]},
            {"name": "B", "tags": ["data"]},
            {"name": "C"}]});
        let Value::Object(doc) = doc else { panic!() };
        let include = vec!["backend".to_owned()];
        let mut backend = doc.clone();
        select(
            &mut backend,
            Some(Filter {
                include: &include,
                exclude: &[],
            }),
        );
        assert_eq!(
            Value::Object(backend),
            json!({"work": [{"name": "A", "highlights": ["always", "api"]}, {"name": "C"}]})
        );
        let mut all = doc.clone();
        select(&mut all, None);
        assert_eq!(all["work"].as_array().unwrap().len(), 3);
        assert_eq!(all["work"][0]["highlights"][1], "data only");
        assert_eq!(
            tags_used(&doc)
                .iter()
                .map(|(t, p)| format!("{t}@{p}"))
                .collect::<Vec<_>>(),
            [
                "backend@work[0].tags",
                "data@work[0].highlights[1].tags",
                "backend@work[0].highlights[2].tags",
                "data@work[1].tags"
            ]
        );
        let exclude = vec!["backend".to_owned(), "data".to_owned()];
        let none = Filter {
            include: &[],
            exclude: &exclude,
        };
        assert!(emptied(&doc, none).is_empty(), "C is untagged");
    }
}
