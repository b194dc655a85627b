//! `[versions.NAME]` in gen.toml: tailored versions of the resume, each built at `/v/NAME/`
//! from the entries its tags select.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

/// One version: which tagged entries it shows, and what it says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// Tags whose entries it shows (all tagged entries when empty); untagged entries always.
    #[serde(default)]
    pub include: Vec<String>,
    /// Tags whose entries it leaves out, whatever else they carry.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `basics.label` and `basics.summary` in this version.
    pub label: Option<String>,
    pub summary: Option<String>,
    /// Linked from the main page, in the sitemap and open to search engines; a version is
    /// usually sent to one employer, so none is unless it says so.
    #[serde(default)]
    pub listed: bool,
    /// The sections it puts first, in this order (`["skills", "projects"]`); the others
    /// follow in the theme's order.
    #[serde(default)]
    pub order: Vec<String>,
    /// Where in gen.toml its name is, and each tag of `include` and `exclude`, for warnings.
    #[serde(skip)]
    pub places: VersionPlaces,
}

/// Byte offsets in gen.toml of a version's name and of its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionPlaces {
    pub name: usize,
    pub tags: Vec<(String, usize)>,
}

/// Where a version's values are in gen.toml, as the TOML parser reads them.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Places {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    order: Vec<Spanned<String>>,
}

/// The sections `order` may name: JSON Resume's, with `summary` for `basics.summary` and
/// `posts` for the latest posts, in the built-in themes' order.
pub const SECTIONS: &[&str] = &[
    "summary",
    "work",
    "projects",
    "posts",
    "skills",
    "education",
    "volunteer",
    "awards",
    "certificates",
    "publications",
    "languages",
    "interests",
    "references",
];

/// `blocks` (a template's sections in its own order; one that shows several sections
/// names them joined by `+`, as `awards+certificates`) in `wanted`'s order: a block goes
/// where the first section it shows is wanted, blocks `wanted` does not name follow in
/// their own order.
pub fn in_order<'a>(blocks: &[&'a str], wanted: &[String]) -> Vec<&'a str> {
    let rank = |block: &str| {
        block
            .split('+')
            .filter_map(|section| wanted.iter().position(|w| w == section))
            .min()
            .unwrap_or(wanted.len())
    };
    let mut ordered = blocks.to_vec();
    // A stable sort: blocks of the same rank keep the template's order.
    ordered.sort_by_key(|block| rank(block));
    ordered
}

/// Checks the versions' names (each a path segment: lowercase letters, digits and `-`) and
/// records where each is, for the warnings found later against the resume.
pub(super) fn check(
    versions: &mut BTreeMap<String, Version>,
    places: &BTreeMap<Spanned<String>, Places>,
) -> Result<(), (Range<usize>, String)> {
    for (name, version) in versions.iter_mut() {
        let found = places.iter().find(|(key, _)| key.get_ref() == name);
        let span = found.map_or(0..0, |(key, _)| key.span());
        if !is_name(name) {
            return Err((
                span,
                format!(
                    "versions.{name}: a version's name is part of its address (/v/{name}/): use lowercase letters, digits and `-`"
                ),
            ));
        }
        version.places.name = span.start;
        for (i, section) in version.order.iter().enumerate() {
            let at = found
                .and_then(|(_, place)| place.order.get(i))
                .map_or(span.clone(), Spanned::span);
            if !SECTIONS.contains(&section.as_str()) {
                return Err((
                    at,
                    format!(
                        "versions.{name}.order: {section:?} is not a section; the sections are {}",
                        SECTIONS.join(", ")
                    ),
                ));
            }
            if version.order[..i].contains(section) {
                return Err((
                    at,
                    format!("versions.{name}.order: {section:?} is named twice"),
                ));
            }
        }
        if let Some((_, place)) = found {
            version.places.tags = place
                .include
                .iter()
                .chain(&place.exclude)
                .map(|tag| (tag.get_ref().clone(), tag.span().start))
                .collect();
        }
    }
    Ok(())
}

/// A version's name, part of its address: lowercase ASCII letters, digits and inner `-`.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit())
}
