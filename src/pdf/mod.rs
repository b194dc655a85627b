//! Typesetting `resume.pdf` with Typst, in process: the theme's `resume.typ` is the document,
//! the resume reaches it as data (`json("/data.json")`), never as markup, and the fonts are
//! the ones built into gen plus those the site names.

pub mod extract;
pub mod worker;

pub use worker::typeset;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::sources::TEMPLATES_DIR;

/// The template's file, in the theme.
pub const TEMPLATE: &str = "resume.typ";

/// The starter theme's template, for themes without one.
pub const BUILT_IN_TEMPLATE: &str = include_str!("../../templates/resume.typ");

/// Where the template finds the resume: `json("/data.json")`.
pub const DATA: &str = "/data.json";

/// The fonts built into gen: Libertinus Serif (Latin, Greek, Cyrillic), New Computer Modern and
/// its maths, DejaVu Sans Mono. Read once per process.
static BUILT_IN: LazyLock<Vec<Font>> = LazyLock::new(|| {
    typst_assets::fonts()
        .flat_map(|bytes| Font::iter(Bytes::new(bytes)))
        .collect()
});

/// Typst's standard library, made once per process.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// What one PDF is made from.
pub struct Job<'a> {
    /// The theme's files by path relative to `templates/`: `resume.typ` and anything it
    /// imports or shows.
    pub theme: &'a BTreeMap<String, Vec<u8>>,
    /// The resume and the page settings, as JSON.
    pub data: Vec<u8>,
    /// Fonts the site adds (`[pdf] fonts`), by the path gen.toml gives.
    pub fonts: &'a [(String, Vec<u8>)],
    /// The document's date: the same input gives the same bytes.
    pub date: Option<Date>,
    /// Whether to make it PDF/A, which every font must fully cover.
    pub archival: bool,
}

/// A day and a time of day, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// A typeset PDF, and whether it is PDF/UA-1 (accessible) as well, or why not.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Typeset {
    pub pdf: Vec<u8>,
    /// Why the PDF is not PDF/UA-1 (the first thing the template does that the standard
    /// forbids, such as an image without alternative text), when it is not.
    pub not_accessible: Option<String>,
}

#[cfg(test)]
thread_local! {
    /// PDFs typeset on this thread: only a render that publishes resume.pdf typesets.
    pub static TYPESETS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Typesets `job`: the PDF's bytes, or every problem, located in the theme's files.
///
/// The PDF is PDF/UA-1 (tagged for assistive technology and text extraction: headings,
/// lists, links, the language, the title) and, when `job.archival`, PDF/A-2a as well. A
/// template that PDF/UA-1 forbids still gets its PDF, tagged, without the claim.
///
/// In this process, without a budget: [`typeset`] runs it in a child with one.
pub fn typeset_here(job: &Job<'_>) -> Result<Typeset, Vec<Diagnostic>> {
    #[cfg(test)]
    TYPESETS.with(|n| n.set(n.get() + 1));
    let world = ResumeWorld::new(job)?;
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled
        .output
        .map_err(|errors| world.diagnostics(&errors))?;
    let timestamp = job
        .date
        .and_then(|d| Datetime::from_ymd_hms(d.year, d.month, d.day, d.hour, d.minute, d.second))
        .map(Timestamp::new_utc);
    let export = |list: &[PdfStandard]| {
        let standards = PdfStandards::new(list)
            .map_err(|e| vec![Diagnostic::file(&template_name(), e.message().as_str())])?;
        let options = PdfOptions {
            ident: Smart::Auto,
            timestamp,
            standards,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| world.diagnostics(&errors))
    };
    // PDF/UA-1 with PDF/A-2a (fonts embedded, every character mapped to Unicode, tagged, no
    // outside resources, metadata as archives expect), else with PDF/A-2b, else PDF/A-2b
    // alone. A PDF with gaps where no font has a glyph can be neither PDF/A nor PDF/UA-1: it is
    // made plain (and tagged), its gaps already told.
    let attempts: &[&[PdfStandard]] = if job.archival {
        &[
            &[PdfStandard::A_2a, PdfStandard::Ua_1],
            &[PdfStandard::A_2b, PdfStandard::Ua_1],
            &[PdfStandard::A_2b],
        ]
    } else {
        &[&[]]
    };
    let mut why = None;
    for (i, standards) in attempts.iter().enumerate() {
        match export(standards) {
            Ok(pdf) => {
                return Ok(Typeset {
                    pdf,
                    not_accessible: why.filter(|_| !standards.contains(&PdfStandard::Ua_1)),
                });
            }
            Err(errors) if i + 1 < attempts.len() => {
                let message = errors.iter().map(|d| d.to_string()).collect::<Vec<_>>();
                why.get_or_insert(message.join("; "));
            }
            Err(errors) => return Err(errors),
        }
    }
    Err(vec![Diagnostic::file(
        &template_name(),
        "resume.pdf could not be made",
    )])
}

/// The characters the PDF's fonts (built in and added) can show.
pub struct Coverage {
    added: Vec<Font>,
}

impl Coverage {
    /// The built-in fonts and `added`, each font file read once.
    pub fn new(added: &[(String, Vec<u8>)]) -> Coverage {
        Coverage {
            added: added
                .iter()
                .flat_map(|(_, bytes)| Font::iter(Bytes::new(bytes.clone())))
                .collect(),
        }
    }

    /// Which characters of `text` no font can show, sorted, each once.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .filter(|c| {
                !BUILT_IN
                    .iter()
                    .chain(&self.added)
                    .any(|font| font.info().coverage.contains(*c as u32))
            })
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

fn template_name() -> String {
    format!("{TEMPLATES_DIR}/{TEMPLATE}")
}

/// The files, fonts and date the template can reach; nothing else (no packages, no network, no
/// file outside the theme).
struct ResumeWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    today: Option<Datetime>,
}

/// The id of a file at `path` (`/resume.typ`) in the project.
fn file_id(path: &str) -> Option<FileId> {
    let path = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl ResumeWorld {
    fn new(job: &Job<'_>) -> Result<ResumeWorld, Vec<Diagnostic>> {
        let main_id = file_id(&format!("/{TEMPLATE}"))
            .ok_or_else(|| vec![Diagnostic::file(&template_name(), "not a usable path")])?;
        // A theme made before resume.pdf existed gets the starter template.
        let text = match job.theme.get(TEMPLATE) {
            Some(bytes) => String::from_utf8(bytes.clone()).map_err(|_| {
                vec![Diagnostic::file(
                    &template_name(),
                    "not UTF-8 text (save the file as UTF-8)",
                )]
            })?,
            None => BUILT_IN_TEMPLATE.to_owned(),
        };
        let mut files: HashMap<FileId, Bytes> = job
            .theme
            .iter()
            .filter_map(|(path, bytes)| {
                Some((file_id(&format!("/{path}"))?, Bytes::new(bytes.clone())))
            })
            .collect();
        if let Some(id) = file_id(DATA) {
            files.insert(id, Bytes::new(job.data.clone()));
        }
        let mut fonts = BUILT_IN.clone();
        for (path, bytes) in job.fonts {
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(bytes.clone())));
            if fonts.len() == before {
                return Err(vec![Diagnostic::file(
                    "gen.toml",
                    format!(
                        "[pdf] fonts: {path} is not a font file Typst can read (use .otf or .ttf)"
                    ),
                )]);
            }
        }
        let today = job
            .date
            .and_then(|d| Datetime::from_ymd(d.year, d.month, d.day));
        Ok(ResumeWorld {
            main: Source::new(main_id, text),
            files,
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            today,
        })
    }

    /// Typst's errors as gen's: `templates/resume.typ:12:3: message (hint: …)`.
    fn diagnostics(&self, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        errors
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .map(|e| self.diagnostic(e))
            .collect()
    }

    fn diagnostic(&self, error: &SourceDiagnostic) -> Diagnostic {
        let mut message = error.message.to_string();
        for hint in &error.hints {
            // Typst's command line has a `--root` option; gen's theme folder is the root.
            let hint = if hint.v.contains("--root") {
                "a template reads only the theme's files, in templates/"
            } else {
                hint.v.as_str()
            };
            message.push_str(&format!(" (hint: {hint})"));
        }
        let place = error.span.id().and_then(|id| {
            let source = self.source(id).ok()?;
            let start = self.range(error.span)?.start;
            let (line, column) = source.lines().byte_to_line_column(start)?;
            Some((id, source, line, column))
        });
        match place {
            Some((id, source, line, column)) => {
                let file = SourceFile {
                    name: format!("{TEMPLATES_DIR}{}", id.get().vpath().get_with_slash()),
                    text: source.text().to_owned(),
                };
                Diagnostic::at(&file, line + 1, column + 1, message)
            }
            None => Diagnostic::file(&template_name(), message),
        }
    }
}

impl World for ResumeWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
