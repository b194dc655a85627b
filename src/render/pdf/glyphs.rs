//! Warnings for what resume.pdf's fonts cannot show: a field's characters, at the field in
//! the resume, and the headings of the page's language, at `language` in gen.toml.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::locale::Locale;
use crate::pdf;
use crate::resume::Warning;
use crate::resume::lenient::Kind;
use crate::resume::path::{Part, ValuePath, locate};
use crate::sources::Sources;

/// A warning for each text field with characters no font of the PDF has, at its place in
/// the resume.
pub(super) fn missing_glyphs(
    source: &SourceFile,
    resume: &Value,
    fonts: &[(String, Vec<u8>)],
) -> Vec<Warning> {
    let coverage = pdf::Coverage::new(fonts);
    let mut warnings = Vec::new();
    let mut visit = |path: &ValuePath, text: &str| {
        let missing = coverage.missing(text);
        if missing.is_empty() {
            return;
        }
        let shown: String = missing.iter().take(8).collect();
        let (line, column) = locate(&source.text, path, Part::Value).unwrap_or((1, 1));
        warnings.push(Warning {
            kind: Kind::MissingGlyphs,
            path: path.to_string(),
            diagnostic: Diagnostic::at(
                source,
                line,
                column,
                format!(
                    "{path}: the PDF's fonts cannot show {shown:?}, so resume.pdf leaves gaps there (the page is fine): add a font that has them, e.g. [pdf] fonts = [\"fonts/NotoSansCJK-Regular.otf\"] in gen.toml"
                ),
            ),
        });
    };
    walk(resume, &ValuePath::default(), &mut visit);
    warnings
}

/// A warning when the PDF's fonts cannot show the words of the page's language (its headings
/// in Chinese, Japanese, Korean...), at `language` in gen.toml.
pub(super) fn labels_missing_glyphs(
    sources: &Sources,
    locale: &Locale,
    fonts: &[(String, Vec<u8>)],
) -> Option<Warning> {
    let words: String = locale.labels.values().map(String::as_str).collect();
    let missing = pdf::Coverage::new(fonts).missing(&words);
    if missing.is_empty() {
        return None;
    }
    let empty = SourceFile {
        name: crate::sources::CONFIG_FILE.into(),
        text: String::new(),
    };
    let config = sources.config.as_ref().unwrap_or(&empty);
    let line = config
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("language"))
        .map_or(1, |i| i + 1);
    let shown: String = missing.iter().take(8).collect();
    Some(Warning {
        kind: Kind::MissingGlyphs,
        path: "language".into(),
        diagnostic: Diagnostic::at(
            config,
            line,
            1,
            format!(
                "language: the PDF's fonts cannot show this language's headings ({shown:?}...), so resume.pdf leaves gaps there (the page is fine): add a font that has them, e.g. [pdf] fonts = [\"fonts/NotoSansCJK-Regular.otf\"] in gen.toml"
            ),
        ),
    })
}

/// Every string in `value` with its path.
fn walk(value: &Value, path: &ValuePath, visit: &mut impl FnMut(&ValuePath, &str)) {
    match value {
        Value::String(text) => visit(path, text),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &path.index(i), visit);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key != "when" && key != "shown" {
                    walk(item, &path.key(key), visit);
                }
            }
        }
        _ => {}
    }
}
