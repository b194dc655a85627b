//! What is wrong with a site's translations and versions: errors that stop the build, and
//! located warnings.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::locale;
use crate::resume::lenient::Kind;
use crate::resume::path::{Part, Segment, ValuePath, locate_all};
use crate::resume::variant::{self, Filter};
use crate::resume::{Loaded, Warning};
use crate::sources::Sources;

/// The translations' and versions' problems: errors (a translation that does not parse, a
/// language gen does not know) or warnings (a translation that does not match the resume, a
/// tag that selects nothing).
pub fn check(
    sources: &Sources,
    config: &Config,
    loaded: &Loaded,
) -> Result<Vec<Warning>, Diagnostics> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for translation in &sources.translations {
        let tag = &translation.tag;
        let known = tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && locale::translation_for(tag).is_some();
        if !known {
            errors.push(Diagnostic::file(
                &translation.source.name,
                format!(
                    "`{tag}` is not a language gen translates; name the file resume.<tag>.yaml with one of {}",
                    locale::tags().collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        }
        if *tag == config.language {
            errors.push(Diagnostic::file(
                &translation.source.name,
                format!(
                    "`{tag}` is the site's own language (gen.toml's `language`): content/resume.yaml is the resume in it"
                ),
            ));
            continue;
        }
        let document = match &translation.document {
            Ok(document) => document,
            Err(problems) => {
                errors.extend(problems.0.iter().cloned());
                continue;
            }
        };
        let mut notes = Vec::new();
        variant::overlay(
            &serde_json::Value::Object(loaded.raw.clone()),
            document,
            &ValuePath::default(),
            &mut notes,
        );
        // A key is shown at its name, a list item at its start.
        let part = |path: &ValuePath| match path.0.last() {
            Some(Segment::Index(_)) => Part::Value,
            _ => Part::Key,
        };
        let wanted: Vec<(&ValuePath, Part)> =
            notes.iter().map(|n| (&n.path, part(&n.path))).collect();
        let places = locate_all(&translation.source.text, &wanted);
        for (note, place) in notes.iter().zip(places) {
            let (line, column) = place.unwrap_or((1, 1));
            warnings.push(Warning {
                kind: Kind::Translation,
                path: note.path.to_string(),
                diagnostic: Diagnostic::at(&translation.source, line, column, note.message.clone()),
            });
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    warnings.extend(version_warnings(sources, config, loaded));
    Ok(warnings)
}

/// A tag in `[versions]` no entry carries, a tag on an entry no version names (when there are
/// versions), and a version that leaves a section with nothing.
fn version_warnings(sources: &Sources, config: &Config, loaded: &Loaded) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if config.versions.is_empty() {
        return warnings;
    }
    let used = variant::tags_used(&loaded.raw);
    let in_config = |offset: usize, path: String, message: String| {
        let diagnostic = match &sources.config {
            Some(file) => {
                let (line, column) = crate::diagnostic::line_column(&file.text, offset);
                Diagnostic::at(file, line, column, message)
            }
            None => Diagnostic::file("gen.toml", message),
        };
        Warning {
            kind: Kind::Version,
            path,
            diagnostic,
        }
    };
    for (name, version) in &config.versions {
        for (tag, offset) in &version.places.tags {
            if !used.iter().any(|(t, _)| t == tag) {
                warnings.push(in_config(
                    *offset,
                    format!("versions.{name}"),
                    format!("versions.{name}: no entry of the resume is tagged `{tag}`"),
                ));
            }
        }
        let filter = Filter {
            include: &version.include,
            exclude: &version.exclude,
        };
        // A template copied from a gen before `order` lays its sections out in its own order.
        let ignoring: Vec<&str> = [
            ("index.html", "site.order"),
            ("resume.typ", "page, \"order\""),
        ]
        .into_iter()
        .filter(|(file, reads)| {
            (*file != "resume.typ" || config.pdf.enabled)
                && sources
                    .templates
                    .get(*file)
                    .is_some_and(|text| !text.windows(reads.len()).any(|w| w == reads.as_bytes()))
        })
        .map(|(file, _)| file)
        .collect();
        if !version.order.is_empty() && !ignoring.is_empty() {
            let files = ignoring.join(" and templates/");
            let keep = if ignoring.len() == 1 { "keeps" } else { "keep" };
            warnings.push(in_config(
                version.places.name,
                format!("versions.{name}"),
                format!(
                    "versions.{name}.order: templates/{files} {keep} the sections in its own order (copied from an older gen?): `gen theme eject` again to follow `order`"
                ),
            ));
        }
        for section in variant::emptied(&loaded.raw, filter) {
            warnings.push(in_config(
                version.places.name,
                format!("versions.{name}"),
                format!(
                    "versions.{name} leaves `{section}` with no entry: its page has no such section"
                ),
            ));
        }
    }
    let named = |tag: &str| {
        config
            .versions
            .values()
            .any(|v| v.include.iter().chain(&v.exclude).any(|t| t == tag))
    };
    let unnamed: Vec<&(String, ValuePath)> = used.iter().filter(|(tag, _)| !named(tag)).collect();
    let wanted: Vec<(&ValuePath, Part)> = unnamed.iter().map(|(_, p)| (p, Part::Value)).collect();
    let places = locate_all(&sources.resume.text, &wanted);
    for ((tag, path), place) in unnamed.iter().zip(places) {
        let (line, column) = place.unwrap_or((1, 1));
        warnings.push(Warning {
            kind: Kind::Version,
            path: path.to_string(),
            diagnostic: Diagnostic::at(
                &sources.resume,
                line,
                column,
                format!("{path}: no version names the tag `{tag}` (a typo?): it only shows on pages of every entry"),
            ),
        });
    }
    warnings
}
