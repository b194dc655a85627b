//! What the schema says about each place in the document: its known keys, which values are
//! dates or links, and the likely typos of known keys.

use super::model::*;
use super::path::ValuePath;

/// The known keys of the object at `path`, or `None` where the schema says nothing (extra data).
pub fn known_keys(path: &ValuePath) -> Option<&'static [&'static str]> {
    let keys = path.keys();
    let in_list = matches!(path.0.last(), Some(super::path::Segment::Index(_)));
    Some(match (keys.as_slice(), in_list) {
        ([], false) => SECTIONS,
        (["basics"], false) => Basics::FIELDS,
        (["basics", "location"], false) => Location::FIELDS,
        (["basics", "profiles"], true) => Profile::FIELDS,
        (["meta"], false) => Meta::FIELDS,
        (["work"], true) => Work::FIELDS,
        (["volunteer"], true) => Volunteer::FIELDS,
        (["education"], true) => Education::FIELDS,
        (["awards"], true) => Award::FIELDS,
        (["certificates"], true) => Certificate::FIELDS,
        (["publications"], true) => Publication::FIELDS,
        (["skills"], true) => Skill::FIELDS,
        (["languages"], true) => Language::FIELDS,
        (["interests"], true) => Interest::FIELDS,
        (["references"], true) => Reference::FIELDS,
        (["projects"], true) => Project::FIELDS,
        _ => return None,
    })
}

/// The fields whose value is a list of texts, in every object that has them.
pub const TEXT_LISTS: &[&str] = &["highlights", "courses", "keywords", "roles"];

/// The JSON type a known field must have once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    TextList,
    Object,
    ObjectList,
}

/// The shape of the known field `key` of the object at `parent`.
pub fn shape(parent: &ValuePath, key: &str) -> Shape {
    match (parent.keys().as_slice(), key) {
        ([], "$schema") => Shape::Text,
        ([], "basics" | "meta") => Shape::Object,
        ([], _) => Shape::ObjectList,
        (["basics"], "location") => Shape::Object,
        (["basics"], "profiles") => Shape::ObjectList,
        (_, key) if TEXT_LISTS.contains(&key) => Shape::TextList,
        _ => Shape::Text,
    }
}

/// The JSON Resume 1.0 name of a key that older resumes (schema 0.x, and the tools that wrote
/// it) use in the object at `parent`.
pub fn current_name(parent: &ValuePath, key: &str) -> Option<&'static str> {
    let in_list = matches!(parent.0.last(), Some(super::path::Segment::Index(_)));
    Some(match (parent.keys().as_slice(), in_list, key) {
        (["basics"], false, "picture") => "image",
        (["basics"], false, "website") => "url",
        (["work"], true, "company") => "name",
        (["work" | "volunteer" | "publications" | "projects"], true, "website") => "url",
        (["education"], true, "gpa") => "score",
        (["languages"], true, "name") => "language",
        _ => return None,
    })
}

/// What a known field holds, for the checks that go beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// An absolute http(s) address.
    Url,
    /// An http(s) address or a path relative to the site.
    Image,
    Email,
    Text,
}

/// The kind of the known field `key` of an object whose known keys are `known`.
pub fn field_kind(key: &str) -> FieldKind {
    match key {
        "startDate" | "endDate" | "date" | "releaseDate" => FieldKind::Date,
        "url" | "canonical" => FieldKind::Url,
        "image" => FieldKind::Image,
        "email" => FieldKind::Email,
        _ => FieldKind::Text,
    }
}

/// The known key that `key` is most likely a typo of, if any.
pub fn suggest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let folded = fold(key);
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    known
        .iter()
        .filter(|k| **k != "$schema")
        .map(|k| {
            (
                k,
                if fold(k) == folded {
                    0
                } else {
                    // Insertions, deletions, substitutions and adjacent swaps.
                    strsim::osa_distance(&key.to_lowercase(), &k.to_lowercase())
                },
            )
        })
        .filter(|(_, d)| *d <= limit)
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| *k)
}

/// Lower-case with separators removed, so `start_date`, `start-date` and `StartDate` match `startDate`.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggest("titel", Award::FIELDS), Some("title"));
        assert_eq!(suggest("start_date", Work::FIELDS), Some("startDate"));
        assert_eq!(suggest("positon", Work::FIELDS), Some("position"));
        assert_eq!(suggest("wrok", SECTIONS), Some("work"));
        assert_eq!(suggest("hobbies", SECTIONS), None);
        assert_eq!(suggest("x-github-stars", Project::FIELDS), None);
    }

    #[test]
    fn text_lists_are_the_models_lists() {
        let lists = [
            Work::LISTS,
            Volunteer::LISTS,
            Education::LISTS,
            Skill::LISTS,
            Interest::LISTS,
            Project::LISTS,
        ];
        for list in lists.iter().flat_map(|l| l.iter()) {
            assert!(TEXT_LISTS.contains(list), "{list}");
        }
        for list in TEXT_LISTS {
            assert!(lists.iter().any(|l| l.contains(list)), "{list}");
        }
    }

    #[test]
    fn fields_are_camel_case() {
        assert!(Work::FIELDS.contains(&"startDate"));
        assert!(Project::FIELDS.contains(&"type"));
        assert!(Basics::FIELDS.contains(&"profiles"));
    }
}
