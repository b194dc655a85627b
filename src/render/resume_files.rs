//! A page's resume.pdf, resume.txt and resume.json, under its prefix (`""`, `de/`,
//! `v/backend/`).

use std::sync::Arc;

use anyhow::{Context, Result};

#[cfg(feature = "pdf")]
use super::pdf;
#[cfg(feature = "pdf")]
use super::post_pages;
use super::{PdfMade, RenderOptions};
use crate::config::Config;
use crate::locale;
use crate::resume::{self, Resume};
use crate::site::{CachePolicy, Site};
use crate::sources::Sources;

/// The PDF's and its text's paths in the site.
pub const PDF_FILE: &str = "resume.pdf";
pub const TEXT_FILE: &str = "resume.txt";

/// resume.pdf and resume.txt, when the site wants them. A preview typesets again only when
/// what they are made from changed.
#[cfg(feature = "pdf")]
fn resume_pdf(
    sources: &Sources,
    config: &Config,
    locale: &locale::Locale,
    resume: &Resume,
    options: &RenderOptions,
    slot: &str,
) -> Result<Option<Arc<PdfMade>>> {
    if !config.pdf.enabled {
        return Ok(None);
    }
    let cache = options.cache.as_deref().map(|c| &c.pdf);
    let key = cache.map(|_| {
        post_pages::key(&(
            &resume.document,
            &sources.templates,
            &config.pdf.font_files[..],
            &config.language,
            &locale.labels,
            &config.base_url,
            config.pdf.paper(&config.language).name(),
            config.pdf.margin_mm().to_bits(),
            &config.order,
            sources.resume_modified,
        ))
    });
    let kept = cache.and_then(|c| {
        let kept = c.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(slot)
            .filter(|(k, _)| Some(*k) == key)
            .map(|(_, made)| made.clone())
    });
    let made = match kept {
        Some(made) => made,
        None if options.pdf_later => return Ok(None),
        None => {
            let made = pdf::typeset(sources, config, locale, &resume.document).map(|typeset| {
                Arc::new(PdfMade {
                    pdf: bytes::Bytes::from(typeset.pdf),
                    text: typeset.text,
                    readability: typeset.readability,
                    warnings: typeset.warnings,
                })
            });
            if let (Some(cache), Some(key)) = (cache, key) {
                let mut kept = cache.lock().unwrap_or_else(|e| e.into_inner());
                kept.insert(slot.to_owned(), (key, made.clone()));
            }
            made
        }
    };
    Ok(Some(made?))
}

/// Without the `pdf` feature there is no resume.pdf.
#[cfg(not(feature = "pdf"))]
fn resume_pdf(
    _: &Sources,
    _: &Config,
    _: &locale::Locale,
    _: &Resume,
    _: &RenderOptions,
    _: &str,
) -> Result<Option<Arc<PdfMade>>> {
    Ok(None)
}

/// A page's resume.pdf and resume.txt: as made (or none), their paths in the site, whether
/// they are still to be typeset, and their warnings.
pub(super) struct PdfFiles {
    pub(super) made: Option<Arc<PdfMade>>,
    pub(super) pdf: Option<String>,
    pub(super) text: Option<String>,
    pub(super) pending: bool,
    pub(super) warnings: Vec<resume::Warning>,
}

/// resume.pdf and resume.txt of the page at `prefix` (`""`, `de/`, `v/backend/`), added to
/// `site`.
pub(super) fn pdf_files(
    sources: &Sources,
    config: &Config,
    locale: &locale::Locale,
    resume: &Resume,
    options: &RenderOptions,
    prefix: &str,
    site: &mut Site,
) -> Result<PdfFiles> {
    let made = resume_pdf(sources, config, locale, resume, options, prefix)?;
    let pending =
        made.is_none() && options.pdf_later && cfg!(feature = "pdf") && config.pdf.enabled;
    let paths = (made.is_some() || pending).then(|| {
        (
            Some(format!("{}{prefix}{PDF_FILE}", options.root())),
            Some(format!("{}{prefix}{TEXT_FILE}", options.root())),
        )
    });
    let (pdf, text) = paths.unwrap_or((None, None));
    if let Some(made) = &made {
        site.add(
            format!("{prefix}{PDF_FILE}"),
            made.pdf.clone(),
            CachePolicy::Revalidate,
        );
        site.add(
            format!("{prefix}{TEXT_FILE}"),
            made.text.clone(),
            CachePolicy::Revalidate,
        );
    }
    Ok(PdfFiles {
        warnings: made
            .as_ref()
            .map(|m| m.warnings.clone())
            .unwrap_or_default(),
        made,
        pdf,
        text,
        pending,
    })
}

/// resume.json: the resume as the page shows it, its `meta` naming the PDF and its text.
pub(super) fn resume_json(
    document: &serde_json::Value,
    files: &PdfFiles,
    config: &Config,
) -> Result<Vec<u8>> {
    let mut document = document.clone();
    for (key, path) in [("pdf", &files.pdf), ("text", &files.text)] {
        let (Some(path), Some(root)) = (path, document.as_object_mut()) else {
            continue;
        };
        // JSON Resume's meta allows more keys: the PDF and its text beside `canonical`.
        let url = match &config.base_url {
            Some(base) => format!("{base}{}", path.trim_start_matches('/')),
            None => path.clone(),
        };
        let meta = root
            .entry("meta")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert(key.into(), serde_json::Value::String(url));
        }
    }
    serde_json::to_vec_pretty(&document).context("writing resume.json")
}
