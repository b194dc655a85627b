//! What goes in the page head besides the theme: title, description, schema.org `Person`.

use serde_json::{Map, Value, json};

use super::inline_markdown::to_plain_text;
use crate::links;
use crate::resume::model::{Location, ResumeData};

/// `name — label`, or just the name.
pub fn title(data: &ResumeData) -> String {
    let basics = data.basics.clone().unwrap_or_default();
    let name = basics.name.unwrap_or_default();
    let name = match name.trim() {
        "" => "Resume",
        name => name,
    };
    match basics.label.filter(|l| !l.trim().is_empty()) {
        Some(label) => format!("{name} — {}", label.trim()),
        None => name.to_owned(),
    }
}

/// A search-result description: the summary's first ~155 characters, cut at a word.
pub fn description(data: &ResumeData) -> String {
    let basics = data.basics.clone().unwrap_or_default();
    let text = basics
        .summary
        .as_deref()
        .map(to_plain_text)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| title(data));
    crate::posts::cut(&text, 160)
}

/// The schema.org `Person` for search engines, as JSON safe to put inside `<script>`.
pub fn person_json_ld(data: &ResumeData, page_url: Option<&str>) -> String {
    let basics = data.basics.clone().unwrap_or_default();
    let mut person = Map::new();
    person.insert("@context".into(), json!("https://schema.org"));
    person.insert("@type".into(), json!("Person"));
    let texts = [
        ("name", present(&basics.name)),
        ("jobTitle", present(&basics.label)),
        (
            "description",
            present(&basics.summary).map(|s| to_plain_text(&s)),
        ),
        (
            "email",
            present(&basics.email).map(|e| format!("mailto:{e}")),
        ),
        ("telephone", present(&basics.phone)),
        ("url", present(&basics.url).or(page_url.map(str::to_owned))),
        (
            "image",
            present(&basics.image).filter(|i| links::is_web_url(i)),
        ),
    ];
    for (key, value) in texts {
        if let Some(v) = value {
            person.insert(key.into(), Value::String(v));
        }
    }
    if let Some(address) = basics.location.as_ref().and_then(postal_address) {
        person.insert("address".into(), address);
    }
    let same_as = (basics.profiles.iter())
        .filter_map(|p| present(&p.url))
        .filter(|u| links::is_web_url(u))
        .map(Value::String);
    put_list(&mut person, "sameAs", same_as.collect());
    if let Some(job) = data
        .work
        .iter()
        .find(|w| present(&w.end_date).is_none() && present(&w.name).is_some())
    {
        person.insert(
            "worksFor".into(),
            json!({"@type": "Organization", "name": present(&job.name)}),
        );
    }
    let alumni = (data.education.iter())
        .filter_map(|e| present(&e.institution))
        .map(|name| json!({"@type": "EducationalOrganization", "name": name}));
    put_list(&mut person, "alumniOf", alumni.collect());
    let knows = (data.skills.iter())
        .filter_map(|s| present(&s.name))
        .map(Value::String);
    put_list(&mut person, "knowsAbout", knows.collect());
    script_safe_json(&Value::Object(person))
}

/// Adds a list unless it is empty.
fn put_list(object: &mut Map<String, Value>, key: &str, list: Vec<Value>) {
    if !list.is_empty() {
        object.insert(key.into(), Value::Array(list));
    }
}

/// A trimmed text, unless it is missing or blank.
fn present(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The schema.org `PostalAddress` of a location, unless it has no part.
fn postal_address(location: &Location) -> Option<Value> {
    let mut address = Map::new();
    address.insert("@type".into(), json!("PostalAddress"));
    for (key, value) in [
        ("streetAddress", &location.address),
        ("postalCode", &location.postal_code),
        ("addressLocality", &location.city),
        ("addressRegion", &location.region),
        ("addressCountry", &location.country_code),
    ] {
        if let Some(v) = present(value) {
            address.insert(key.into(), Value::String(v));
        }
    }
    (address.len() > 1).then_some(Value::Object(address))
}

/// JSON that cannot close the `<script>` element it sits in.
pub(crate) fn script_safe_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::model::{Basics, Profile};

    #[test]
    fn person_cannot_break_out_of_script() {
        let data = ResumeData {
            basics: Some(Basics {
                name: Some("</script><script>alert(1)</script>".into()),
                profiles: vec![Profile {
                    url: Some("https://github.com/ada".into()),
                    ..Profile::default()
                }],
                ..Basics::default()
            }),
            ..ResumeData::default()
        };
        let json = person_json_ld(&data, None);
        assert!(!json.contains("</script"), "{json}");
        assert!(
            json.contains("\"sameAs\":[\"https://github.com/ada\"]"),
            "{json}"
        );
        let parsed: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["name"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn long_summary_is_cut_at_a_word() {
        let data = ResumeData {
            basics: Some(Basics {
                summary: Some("word ".repeat(60)),
                ..Basics::default()
            }),
            ..ResumeData::default()
        };
        let d = description(&data);
        assert!(d.chars().count() <= 156 && d.ends_with("word…"), "{d}");
    }
}
