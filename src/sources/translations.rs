//! The resume's translations: `content/resume.<tag>.yaml`, each the fields that differ in the
//! language `tag`.

use std::path::Path;

use anyhow::Result;

use super::{CONTENT_DIR, read_text};
use crate::diagnostic::SourceFile;
use crate::resume;

/// A translation of the resume: `content/resume.<tag>.yaml`, the fields that differ in the
/// language `tag`.
#[derive(Debug, Clone)]
pub struct Translation {
    pub tag: String,
    pub source: SourceFile,
    /// What it holds, or why it cannot be read.
    pub document: Result<serde_json::Value, crate::diagnostic::Diagnostics>,
}

/// The language of a translation's file name in content/: `resume.de.yaml` → `de`.
pub fn translation_tag(file_name: &str) -> Option<&str> {
    file_name
        .strip_prefix("resume.")
        .and_then(|rest| rest.strip_suffix(".yaml"))
        .filter(|tag| !tag.is_empty())
}

/// The translations in `content/`, by tag: regular files named `resume.<tag>.yaml`.
pub(super) fn read_translations(content: &Path) -> Result<Vec<Translation>> {
    let Ok(entries) = std::fs::read_dir(content) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tag) = translation_tag(&name) else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let source = read_text(&entry.path(), format!("{CONTENT_DIR}/{name}"))?;
        let document = resume::document(&source).map(serde_json::Value::Object);
        found.push(Translation {
            tag: tag.to_owned(),
            source,
            document,
        });
    }
    found.sort_by(|a, b| a.tag.cmp(&b.tag));
    Ok(found)
}
