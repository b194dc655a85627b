//! One build of a site, in memory: its sources read and rendered. `gen build` writes the
//! result, `gen publish` and `gen deploy` upload that same value, and `gen infra` takes the
//! site's pages from it: no command reads what another wrote to disk.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::config::{Backend, Config, CounterMode};
use crate::counter_zip;
use crate::diagnostic::Diagnostics;
use crate::diagnostic::{Diagnostic, SourceFile, line_column};
use crate::infra::{self, COUNTER_ZIP, StackOptions};
use crate::links;
use crate::render::{self, Rendered};
use crate::resume;
use crate::sources::{KnownPosts, Sources};
use crate::stack::{OutputsError, StackOutputs};
use crate::term;

pub use crate::render::RenderOptions;

/// A site's sources, read from disk once, and its settings, checked: every render of one
/// command comes from this one snapshot.
pub struct Input {
    pub sources: Sources,
    pub config: Config,
    /// What this input's renders share (posts, their pages, resume.pdf, the photo's
    /// thumbnails): a command that renders twice (the page list, then the site) does that
    /// work once.
    cache: Arc<render::RenderCache>,
}

impl Input {
    /// Reads the site rooted at `root`; nothing is written.
    pub fn read(root: &Path) -> Result<Input> {
        Input::read_with(root, None)
    }

    /// Reads the site rooted at `root`, taking the posts a preview knows unchanged from
    /// `known`.
    pub fn read_with(root: &Path, known: Option<&mut KnownPosts>) -> Result<Input> {
        let mut sources = Sources::read(root, known)?;
        let mut config = sources.config()?;
        if let Some(theme) = crate::themes::find(&config.theme) {
            sources.apply_theme(theme);
        }
        // A build without the `pdf` feature typesets nothing, so it needs no fonts.
        if cfg!(feature = "pdf") && config.pdf.enabled {
            config.pdf.font_files = Arc::new(read_fonts(
                root,
                &config.pdf.fonts,
                sources.config.as_ref(),
            )?);
        }
        Ok(Input {
            sources,
            config,
            cache: Arc::default(),
        })
    }

    /// Renders the site in memory.
    pub fn render(&self, options: &RenderOptions) -> Result<Rendered> {
        render::render(&self.sources, &self.config, options)
    }

    /// The site as it is written and published (no preview additions) with its page calling
    /// `counter_url`. Its warnings are printed, or, when `strict` (`--strict`, or `strict =
    /// true` in gen.toml), they are the errors of a failed build.
    pub fn published(&self, counter_url: Option<String>, strict: bool) -> Result<Rendered> {
        self.checked(self.render_published(counter_url, false, None)?, strict)
    }

    /// Pull request `number`'s preview of the site, as `published` makes the site itself
    /// (its warnings printed, or errors when strict): served from `/_preview/pr-N/`, with
    /// no counter.
    pub fn preview(&self, number: u32, strict: bool) -> Result<Rendered> {
        let built = self.checked(self.render_published(None, false, Some(number))?, strict)?;
        let rooted = render::rooted_templates(&self.sources.templates);
        if !rooted.is_empty() {
            term::note(&format!(
                "templates/{} {} from the site's root (href=\"/...\"), out of the preview's \
                 folder: start those links with {{{{ site.root }}}} as gen's themes do \
                 (gen theme eject FILE writes the theme's own)",
                rooted.join(", templates/"),
                if rooted.len() == 1 { "links" } else { "link" }
            ));
        }
        Ok(built)
    }

    /// `built`, its warnings printed; or, when `strict`, the error they make.
    fn checked(&self, built: Rendered, strict: bool) -> Result<Rendered> {
        if (strict || self.config.strict) && !built.warnings.is_empty() {
            let count = built.warnings.len();
            // The first few of each kind, then a count, as warnings are shown.
            let errors = resume::shown(&built.warnings);
            return Err(anyhow::Error::new(Diagnostics(errors)).context(format!(
                "{count} warning{} made errors by {}: nothing was written",
                if count == 1 { "" } else { "s" },
                if strict {
                    "--strict"
                } else {
                    "strict = true in gen.toml"
                }
            )));
        }
        for warning in resume::shown(&built.warnings) {
            term::warning(&warning);
        }
        let copies = &self.sources.theme_copies;
        for (file, other) in &copies.hiding {
            term::note(&format!(
                "templates/{file} is theme {other}'s file, unchanged, so the page keeps {other}'s \
                 look there instead of theme {}'s: delete it to use {}'s",
                self.config.theme, self.config.theme
            ));
        }
        if !copies.unchanged.is_empty() {
            term::note(&format!(
                "templates/ holds {} of theme {}'s files unchanged ({}): delete {} to follow \
                 the theme as gen updates it (`gen theme eject FILE` copies a file to edit)",
                count(copies.unchanged.len(), "copy", "copies"),
                self.config.theme,
                listed(&copies.unchanged),
                if copies.unchanged.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            ));
        }
        Ok(built)
    }

    /// The site as `published` renders it, without a word about its warnings: what `gen
    /// check` compares the live site with.
    pub fn as_published(&self, counter_url: Option<String>) -> Result<Rendered> {
        self.render_published(counter_url, false, None)
    }

    /// The site as published, with the photo's thumbnails from gen's cache folder when it
    /// has them, and else kept there once made.
    fn render_published(
        &self,
        counter_url: Option<String>,
        pdf_later: bool,
        preview: Option<u32>,
    ) -> Result<Rendered> {
        let kept = self
            .cache
            .photo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .or_else(|| {
                let photo = self.sources.photo.as_ref()?.bytes.as_ref().ok()?;
                crate::photo_cache::load(photo).map(Arc::new)
            });
        let rendered = self.render(&RenderOptions {
            counter_url,
            live_reload: false,
            counter_live: false,
            cache: Some(Arc::clone(&self.cache)),
            thumbnails: kept.clone(),
            pdf_later,
            preview,
        })?;
        if let Some(made) = &rendered.thumbnails {
            if !kept.is_some_and(|kept| Arc::ptr_eq(&kept, made)) {
                crate::photo_cache::store(made);
            }
            *self.cache.photo.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(made));
        }
        Ok(rendered)
    }

    /// Where the resume is in each of the site's other languages: `de/`, `ar/`.
    pub fn language_prefixes(&self) -> Vec<String> {
        render::language_prefixes(&self.sources, &self.config)
    }

    /// The site's page paths, known from what was read without rendering: the theme's pages
    /// and the posts' (from their front matter). The counter counts these and answers 404 for
    /// anything else, so no one can add items to the table by inventing paths.
    pub fn page_paths(&self) -> Result<Vec<String>> {
        let mut pages: Vec<String> = render::page_files(&self.sources, &self.config)
            .context("reading the posts to learn the site's pages (the counter counts only those)")?
            .iter()
            .filter(|file| *file != crate::site::NOT_FOUND_PAGE)
            .map(|file| crate::site::url_path(file))
            .collect();
        pages.sort();
        let bytes: usize = pages.iter().map(|p| p.len() + 1).sum();
        if bytes > MAX_PAGES_BYTES {
            bail!(
                "the site has {} pages ({bytes} bytes of paths); the counter's Lambda environment holds at most {MAX_PAGES_BYTES} bytes of them",
                pages.len()
            );
        }
        Ok(pages)
    }

    /// Writes the site's stack (`infra::generate`, written by `infra::disk`) into `out`: its
    /// counter counts this site's pages, and its zip comes from `counter_zip` or wherever
    /// `counter_zip::locate` finds one from `root`.
    pub fn write_stack(&self, root: &Path, out: &Path, counter_zip: Option<&Path>) -> Result<()> {
        let config = &self.config;
        if let (Some(ci), Backend::Local) = (&config.stack.ci, &config.stack.backend) {
            bail!(
                "gen.toml: [ci] github = {:?} needs the Terraform state in S3, where a workflow can \
                 read it (this folder's terraform.tfstate never reaches GitHub): run gen state init, \
                 then this again (nothing was written)",
                ci.github
            );
        }
        let pages = match config.stack.counter.mode {
            CounterMode::Off => Vec::new(),
            _ => self.page_paths()?,
        };
        let options = StackOptions {
            local_state_path: infra::disk::state_path(root, out)?,
            pages,
        };
        let files = infra::generate(&config.stack, &options);
        let counter_zip = match config.stack.counter.mode {
            CounterMode::Off => None,
            _ => {
                let origin = counter_zip::locate(root, counter_zip)?;
                Some(counter_zip::obtain(&origin)?)
            }
        };
        infra::disk::write(out, &files, counter_zip.as_deref())?;
        term::status(
            "wrote",
            &format!(
                "{}: {}",
                out.display(),
                files
                    .iter()
                    .map(|f| f.name)
                    .chain(counter_zip.as_ref().map(|_| COUNTER_ZIP))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        Ok(())
    }
}

/// `1 copy`, `3 copies`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a, b, c and 4 more`.
fn listed(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] if names.len() <= 4 => format!("{} and {last}", first.join(", ")),
        _ => format!("{} and {} more", names[..3].join(", "), names.len() - 3),
    }
}

/// A font file larger than this is refused: the largest CJK font collections are about 30 MiB.
const MAX_FONT_FILE: u64 = 64 * 1024 * 1024;

/// The font files `[pdf] fonts` names, from the site's folder; a missing one is an error at
/// its place in gen.toml.
fn read_fonts(
    root: &Path,
    paths: &[String],
    config: Option<&SourceFile>,
) -> Result<Vec<(String, Vec<u8>)>> {
    paths
        .iter()
        .map(|path| {
            let bytes = crate::files::read_limited(&root.join(path), path, MAX_FONT_FILE, |size| {
                crate::files::too_large(path, size, MAX_FONT_FILE, "a font")
            })
            .map_err(|e| {
                let message = format!("[pdf] fonts: cannot read {path}: {e:#}");
                match config {
                    Some(file) => {
                        let offset = file.text.find(path.as_str()).unwrap_or(0);
                        let (line, column) = line_column(&file.text, offset);
                        anyhow::Error::new(Diagnostic::at(file, line, column, message))
                    }
                    None => anyhow::anyhow!(message),
                }
            })?;
            Ok((path.clone(), bytes))
        })
        .collect()
}

/// Bytes of page paths the counter's environment holds: Lambda allows 4 KB of variables in
/// all, and the table's name and the shard count need some.
const MAX_PAGES_BYTES: usize = 3072;

const NO_COUNTER: &str = "no visitor counter: deploy the stack (gen deploy), or pass --counter-url or set GEN_COUNTER_URL";

/// The counter URL the page calls, and what to tell the user about it: `given`
/// (`--counter-url`, `GEN_COUNTER_URL`; empty means none) or else the stack's outputs.
pub fn counter_url(
    given: Option<&str>,
    stack: Option<&Result<StackOutputs, OutputsError>>,
) -> Result<(Option<String>, Option<String>)> {
    let stack_url = match (given, stack) {
        (Some(url), _) if url.trim().is_empty() => return Ok((None, Some(NO_COUNTER.into()))),
        (Some(url), _) => return Ok((Some(check_counter_url(url.trim())?), None)),
        (None, Some(Ok(stack))) => stack.counter_url.as_deref(),
        (None, None | Some(Err(OutputsError::NoState))) => {
            return Ok((None, Some(NO_COUNTER.into())));
        }
        (None, Some(Err(e))) => return Ok((None, Some(format!("no visitor counter: {e}")))),
    };
    Ok(match stack_url {
        Some(url) => (
            Some(check_counter_url(url).context("the stack's counter_url output")?),
            Some("counter URL from the stack's outputs".to_owned()),
        ),
        None => (
            None,
            Some("no visitor counter: the stack has none ([counter] mode = \"off\")".to_owned()),
        ),
    })
}

/// The counter API must be https (or wss, the live counter), or plain http (ws) on this
/// machine for local testing.
pub fn check_counter_url(url: &str) -> Result<String> {
    let allowed = links::counter_url(url).is_some_and(|parsed| {
        matches!(parsed.scheme(), "https" | "wss") || links::is_loopback(&parsed)
    });
    if !allowed {
        bail!(
            "counter URL {url:?} must be an https:// or wss:// address (or http://127.0.0.1:PORT for local testing)"
        );
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests;
