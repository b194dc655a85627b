//! The theme: its templates loaded into a minijinja environment (with gen's filters and
//! escaping), its pages rendered, its other files copied, and template errors located.

use anyhow::Result;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::{css, filters, inline_markdown};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::site::{CachePolicy, Site};
use crate::sources::{Sources, TEMPLATES_DIR};

/// Every file of the theme: pages rendered, extra stylesheets minified, assets copied.
/// Renders the theme's files into `site`: all of them for the main page (`prefix` empty),
/// else only the pages every language and version has, under `prefix`.
pub(super) fn render_theme(
    sources: &Sources,
    env: &Environment<'_>,
    ctx: &minijinja::Value,
    site: &mut Site,
    prefix: &str,
) -> Result<()> {
    // A page that renders to nothing is left out.
    let page = |name: &str, site: &mut Site| -> Result<()> {
        let output = env
            .get_template(name)
            .and_then(|template| template.render(ctx))
            .map_err(|e| template_error(sources, e))?;
        if !output.trim().is_empty() {
            site.add(format!("{prefix}{name}"), output, CachePolicy::Revalidate);
        }
        Ok(())
    };
    for name in sources.templates.keys() {
        if !prefix.is_empty() {
            if on_every_variant(name) {
                page(name, site)?;
            }
            continue;
        }
        match Kind::of(name) {
            Kind::Page => page(name, site)?,
            Kind::Stylesheet if name != "style.css" => {
                let css = css::minify(&theme_text(name, &sources.templates[name])?)?;
                site.add(name.clone(), css, CachePolicy::Revalidate);
            }
            Kind::Asset => site.add(
                name.clone(),
                sources.templates[name].clone(),
                CachePolicy::Revalidate,
            ),
            Kind::Partial | Kind::Stylesheet | Kind::Script => {}
        }
    }

    Ok(())
}

/// Whether every language and version has its own copy of the theme's page `name`: its HTML
/// pages but the one for missing paths (sitemap.xml, robots.txt and 404.html are the site's).
pub(super) fn on_every_variant(name: &str) -> bool {
    Kind::of(name) == Kind::Page
        && crate::site::content_type(name).starts_with("text/html")
        && name != crate::site::NOT_FOUND_PAGE
}

/// What the build does with a file of the theme.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Rendered with the resume into a file of the same name.
    Page,
    /// `_name.html` or anything under `_partials/`: included by pages, not output.
    Partial,
    /// Minified; `style.css` is inlined or fingerprinted.
    Stylesheet,
    /// `counter.js`: output (fingerprinted) only when the site has a counter.
    Script,
    /// Copied as is.
    Asset,
}

impl Kind {
    pub(super) fn of(name: &str) -> Kind {
        let file = name.rsplit('/').next().unwrap_or(name);
        let ext = file
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if file.starts_with('_') || name.split('/').any(|part| part.starts_with('_')) {
            return Kind::Partial;
        }
        // Layouts the post pages are rendered with, not pages of their own.
        if LAYOUTS.contains(&name) {
            return Kind::Partial;
        }
        match ext.as_str() {
            // resume.pdf's Typst sources: typeset, not published.
            "typ" => Kind::Partial,
            "html" | "htm" | "xml" | "txt" | "svg" | "webmanifest" => Kind::Page,
            "css" => Kind::Stylesheet,
            _ if name == "counter.js" => Kind::Script,
            _ => Kind::Asset,
        }
    }
}

pub(super) fn environment(
    sources: &Sources,
    locale: &std::sync::Arc<crate::locale::Locale>,
) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(|name| {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" | "xml" | "svg" => AutoEscape::Html,
            _ => AutoEscape::None,
        }
    });
    // Escapes the five HTML-significant characters only, so URLs stay readable (no `&#x2f;`).
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            let mut escaped = String::with_capacity(text.len());
            inline_markdown::escape_into(&mut escaped, text);
            out.write_str(&escaped).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    filters::register(&mut env, locale);
    for (name, bytes) in &sources.templates {
        if matches!(Kind::of(name), Kind::Page | Kind::Partial) {
            let text = theme_text(name, bytes)?.text;
            env.add_template_owned(name.clone(), text)
                .map_err(|e| template_error(sources, e))?;
        }
    }
    // Sources without the post layouts (no theme applied) get the default theme's.
    for name in LAYOUTS {
        let default = crate::themes::THEMES[0].file(name).unwrap_or_default();
        if !sources.templates.contains_key(*name) {
            let text = theme_text(name, default)?.text;
            env.add_template_owned(*name, text)
                .map_err(|e| template_error(sources, e))?;
        }
    }
    Ok(env)
}

/// The layouts post pages are rendered with, not pages of their own.
pub const LAYOUTS: &[&str] = &["post.html", "posts.html"];

pub(super) fn theme_text(name: &str, bytes: &[u8]) -> Result<SourceFile> {
    crate::sources::text_file(&format!("{TEMPLATES_DIR}/{name}"), bytes.to_vec())
}

/// A template error at `templates/<name>:<line>`, with the template's line shown.
pub(crate) fn template_error(sources: &Sources, error: minijinja::Error) -> anyhow::Error {
    let message = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    match (error.name(), error.line()) {
        (Some(name), Some(line)) => {
            let text = sources
                .templates
                .get(name)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let source = SourceFile {
                name: format!("{TEMPLATES_DIR}/{name}"),
                text,
            };
            let column = error
                .range()
                .and_then(|r| {
                    let before = &source.text.get(..r.start)?;
                    Some(before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1)
                })
                .unwrap_or(1);
            Diagnostic::at(&source, line, column, message).into()
        }
        _ => anyhow::anyhow!("{TEMPLATES_DIR}: {message}"),
    }
}
