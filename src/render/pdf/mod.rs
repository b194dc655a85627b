//! `resume.pdf` in the site: the resume as data for the theme's `resume.typ` (its Markdown as
//! text, its dates as the page shows them), typeset by [`crate::pdf`], its text read back and
//! checked against the resume's [`Outline`](super::outline::Outline), and `resume.txt`, that
//! outline as plain text. Warnings name each field with characters the PDF's fonts lack and
//! each field a machine does not read where it should.

mod glyphs;

use serde_json::{Value, json};

use super::filters::date_range_text;
use super::inline_markdown::to_plain_text;
use super::outline;
use super::readable::{self, Readability};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Diagnostics;
use crate::locale::Locale;
use crate::pdf;
use crate::resume::Warning;
use crate::resume::lenient::Kind;
use crate::resume::path::ValuePath;
use crate::sources::Sources;
use glyphs::{labels_missing_glyphs, missing_glyphs};

/// What one typesetting makes: the PDF, its text, what a machine reads of it, and warnings.
#[derive(Debug, Clone)]
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub text: String,
    pub readability: Option<Readability>,
    pub warnings: Vec<Warning>,
}

/// Fields written in Markdown, by section: the PDF shows their text.
const MARKDOWN: &[(&str, &[&str])] = &[
    ("work", &["summary", "description", "highlights"]),
    ("volunteer", &["summary", "highlights"]),
    ("projects", &["description", "highlights"]),
    ("awards", &["summary"]),
    ("publications", &["summary"]),
    ("references", &["reference"]),
];

/// `resume.pdf` and `resume.txt` for `document` (the resume as `resume.json` has it), with
/// warnings for the fields its fonts cannot show and for those a machine does not read.
pub fn typeset(
    sources: &Sources,
    config: &Config,
    locale: &Locale,
    document: &Value,
) -> Result<Typeset, Diagnostics> {
    let data = data(document, config, locale);
    let outline = outline::outline(&data["resume"], &locale.labels, &config.order);
    let mut warnings = missing_glyphs(&sources.resume, &data["resume"], &config.pdf.font_files);
    warnings.extend(labels_missing_glyphs(
        sources,
        locale,
        &config.pdf.font_files,
    ));
    let job = pdf::Job {
        theme: &sources.templates,
        data: serde_json::to_vec(&data).unwrap_or_default(),
        fonts: &config.pdf.font_files,
        date: date(document, sources.resume_modified),
        // PDF/A forbids text without a glyph: a PDF with gaps is made as a plain one.
        archival: warnings.is_empty(),
    };
    let typeset = pdf::typeset(&job).map_err(Diagnostics)?;
    if let Some(why) = typeset.not_accessible {
        warnings.push(Warning {
            kind: Kind::PdfText,
            path: String::new(),
            diagnostic: Diagnostic::file(
                &template_file(),
                format!("resume.pdf is tagged but not PDF/UA-1, which screen readers and text extractors rely on: {why}"),
            ),
        });
    }
    let bytes = typeset.pdf;
    // Read back as a machine reads it: every field found, in order, where it belongs.
    let (readability, found) = read_back(&outline, &bytes, &sources.resume);
    warnings.extend(found);
    Ok(Typeset {
        pdf: bytes,
        text: outline.text(),
        readability,
        warnings,
    })
}

/// What a machine reads of `pdf`, checked against `outline`; warnings are located in `source`.
fn read_back(
    outline: &outline::Outline,
    pdf: &[u8],
    source: &crate::diagnostic::SourceFile,
) -> (Option<Readability>, Vec<Warning>) {
    match pdf::extract::pages(pdf) {
        Ok(pages) => {
            let (readability, warnings) = readable::check(outline, &pages, source);
            (Some(readability), warnings)
        }
        Err(e) => (
            None,
            vec![Warning {
                kind: Kind::PdfText,
                path: String::new(),
                diagnostic: Diagnostic::file(
                    &template_file(),
                    format!(
                        "resume.pdf's text could not be read back, so a machine may not read it either: {e}"
                    ),
                ),
            }],
        ),
    }
}

/// The check a build makes of resume.pdf, on its own: for tools and benchmarks that repeat it.
pub struct PdfReader {
    outline: outline::Outline,
    source: crate::diagnostic::SourceFile,
}

impl PdfReader {
    /// The reader of a PDF made from `sources` with `config`.
    pub fn new(sources: &Sources, config: &Config) -> anyhow::Result<PdfReader> {
        let resume = sources.loaded.as_ref().clone()?.resume;
        let locale = Locale::new(&config.language, &config.labels);
        let data = data(&resume.document, config, &locale);
        Ok(PdfReader {
            outline: outline::outline(&data["resume"], &locale.labels, &config.order),
            source: sources.resume.clone(),
        })
    }

    /// What a machine reads of `pdf`, and a warning for each field it misses.
    pub fn read(&self, pdf: &[u8]) -> (Option<Readability>, Vec<Warning>) {
        read_back(&self.outline, pdf, &self.source)
    }
}

/// What `resume.typ` reads from `/data.json`: `resume` (Markdown as text, each dated entry
/// with `when`, its dates as the page shows them), `site` and `page`.
fn data(document: &Value, config: &Config, locale: &Locale) -> Value {
    let mut resume = document.clone();
    if let Some(summary) = resume.pointer_mut("/basics/summary") {
        text_of(summary);
    }
    for (section, fields) in MARKDOWN {
        for entry in entries(&mut resume, section) {
            for field in *fields {
                if let Some(value) = entry.get_mut(*field) {
                    text_of(value);
                }
            }
        }
    }
    for (section, start, end) in super::outline::DATES {
        for entry in entries(&mut resume, section) {
            let field = |name: &str| {
                entry
                    .get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            // Plain spaces: thin ones around the dash split a date range for some extractors.
            let when = plain_spaces(&date_range_text(locale, &field(start), &field(end)));
            if let Some(map) = entry.as_object_mut() {
                map.insert("when".into(), Value::String(when));
            }
        }
    }
    if let Some(meta) = resume.get_mut("meta").and_then(Value::as_object_mut) {
        let modified = meta
            .get("lastModified")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let when = plain_spaces(&date_range_text(
            locale,
            "",
            modified.get(..10).unwrap_or(modified),
        ));
        meta.insert("when".into(), Value::String(when));
    }
    drop_unsafe_links(&mut resume);
    let profiles = resume
        .pointer_mut("/basics/profiles")
        .and_then(Value::as_array_mut);
    for (i, profile) in profiles.into_iter().flatten().enumerate() {
        let at = ValuePath::default().key("basics").key("profiles").index(i);
        let shown = outline::profile(profile, &at).text();
        if let Some(map) = profile.as_object_mut() {
            map.insert("shown".into(), Value::String(shown));
        }
    }
    json!({
        "resume": resume,
        "labels": locale.labels,
        "site": {
            "language": config.language,
            "dir": locale.dir,
            "url": config.base_url,
        },
        "page": {
            "paper": config.pdf.paper(&config.language).name(),
            "margin": config.pdf.margin_mm(),
            "order": config.order,
        },
    })
}

/// The theme's template, as messages name it.
fn template_file() -> String {
    format!("{}/{}", crate::sources::TEMPLATES_DIR, pdf::TEMPLATE)
}

/// `text` with its thin and narrow no-break spaces as plain ones.
fn plain_spaces(text: &str) -> String {
    text.replace(['\u{2009}', '\u{202F}'], " ")
}

/// Leaves out every `url` and `canonical` that is not an http(s) address: the PDF links only
/// where the page would.
fn drop_unsafe_links(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, item| {
                !matches!(key.as_str(), "url" | "canonical")
                    || item
                        .as_str()
                        .is_some_and(|u| crate::links::web_url(u).is_some())
            });
            map.values_mut().for_each(drop_unsafe_links);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_unsafe_links),
        _ => {}
    }
}

/// The entries of a section that is a list.
fn entries<'a>(resume: &'a mut Value, section: &str) -> impl Iterator<Item = &'a mut Value> {
    resume
        .get_mut(section)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Markdown text (or a list of them) as plain text, paragraphs apart by a blank line.
fn text_of(value: &mut Value) {
    match value {
        Value::String(markdown) => {
            let paragraphs: Vec<String> = markdown
                .split("\n\n")
                .map(|p| to_plain_text(p).trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
            *markdown = paragraphs.join("\n\n");
        }
        Value::Array(items) => items.iter_mut().for_each(text_of),
        _ => {}
    }
}

/// The document's date: `meta.lastModified` when it is one, else when the resume was last
/// saved; never the clock, so the same input gives the same bytes.
fn date(document: &Value, modified: Option<std::time::SystemTime>) -> Option<pdf::Date> {
    let given = document
        .pointer("/meta/lastModified")
        .and_then(Value::as_str)
        .and_then(parse_date);
    given.or_else(|| {
        let seconds = modified?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        let day = crate::resume::date::civil(i64::try_from(seconds / 86_400).ok()?);
        let mut date = parse_date(&day)?;
        let time = seconds % 86_400;
        date.hour = (time / 3600) as u8;
        date.minute = (time / 60 % 60) as u8;
        date.second = (time % 60) as u8;
        Some(date)
    })
}

/// `2017-12-24`, `2017-12-24T15:53:00` or `2017-12-24 15:53` as a date.
fn parse_date(text: &str) -> Option<pdf::Date> {
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    let month = u8::try_from(number(5..7)?).ok()?;
    let day = u8::try_from(number(8..10)?).ok()?;
    let (hour, minute, second) = match text.get(10..11) {
        Some("T" | " ") => (
            number(11..13).unwrap_or(0),
            number(14..16).unwrap_or(0),
            number(17..19).unwrap_or(0),
        ),
        _ => (0, 0, 0),
    };
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then_some(pdf::Date {
        year,
        month,
        day,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_the_resume_or_its_file_never_the_clock() {
        let with = json!({"meta": {"lastModified": "2017-12-24T15:53:00"}});
        assert_eq!(
            date(&with, None),
            Some(pdf::Date {
                year: 2017,
                month: 12,
                day: 24,
                hour: 15,
                minute: 53,
                second: 0
            })
        );
        let saved = std::time::UNIX_EPOCH + std::time::Duration::from_secs(20_787 * 86_400 + 3_661);
        assert_eq!(
            date(&json!({}), Some(saved)),
            Some(pdf::Date {
                year: 2026,
                month: 11,
                day: 30,
                hour: 1,
                minute: 1,
                second: 1
            })
        );
        assert_eq!(date(&json!({"meta": {"lastModified": "soon"}}), None), None);
    }

    #[test]
    fn markdown_becomes_text_and_entries_get_their_dates() {
        let document = json!({
            "basics": {"summary": "I *build* things.\n\nSee [my site](https://a.example)."},
            "work": [{"startDate": "2020-01", "highlights": ["**Led** a team"]}],
            "awards": [{"date": "2014-11-01"}],
        });
        let data = data(&document, &Config::default(), &Locale::default());
        assert_eq!(
            data["resume"]["basics"]["summary"],
            "I build things.\n\nSee my site."
        );
        assert_eq!(data["resume"]["work"][0]["highlights"][0], "Led a team");
        assert_eq!(data["resume"]["work"][0]["when"], "Jan 2020 – Present");
        assert_eq!(data["resume"]["awards"][0]["when"], "Nov 2014");
        assert_eq!(data["page"]["paper"], "a4");
    }
}
