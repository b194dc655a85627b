//! Renders a site from its sources: resume + settings + theme → [`Site`]. Does no I/O.

mod css;
mod filters;
pub(crate) mod head;
pub mod inline_markdown;
#[cfg(feature = "pdf")]
mod outline;
#[cfg(feature = "pdf")]
mod pdf;
pub mod photo;
mod post_pages;
mod preview;
#[cfg(feature = "pdf")]
mod readable;
mod resume_files;
mod subresources;
mod theme;
mod variants;

#[cfg(feature = "pdf")]
pub use pdf::PdfReader;
#[cfg(feature = "pdf")]
pub use readable::Readability;
/// Without the `pdf` feature there is no resume.pdf to read.
#[cfg(not(feature = "pdf"))]
pub type Readability = std::convert::Infallible;

pub use preview::rooted_templates;
pub use resume_files::{PDF_FILE, TEXT_FILE};
use resume_files::{pdf_files, resume_json};
use subresources::{CounterContext, Stylesheet, content_security_policy, counter, stylesheet};
use theme::{environment, render_theme};

use std::sync::Arc;

use anyhow::Result;
use minijinja::context;
use serde::Serialize;

use crate::config::Config;
use crate::links;
use crate::locale;
use crate::resume::{self, Resume};
use crate::site::fingerprinted;
use crate::site::{CachePolicy, Site};
use crate::sources::Sources;

/// Minified CSS up to this size goes inline in `<style>`, so one request renders the page;
/// larger CSS becomes a fingerprinted file.
pub const INLINE_CSS_LIMIT: usize = 10 * 1024;

/// What a build knows besides its sources.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The visitor counter API; the page gets the counter script only when this is set.
    /// An absolute URL, or a path (`/visits`) for a counter served by the page's own origin.
    pub counter_url: Option<String>,
    /// The counter at a path (`gen serve`'s `/visits`) speaks WebSocket (`[counter] mode =
    /// "websocket"`); a `ws://` or `wss://` URL always does.
    pub counter_live: bool,
    /// `gen serve`: the page's policy also lets it load the preview's live-reload script from
    /// its own origin (the script itself is added by the server, never written to disk), and
    /// drafts are shown.
    pub live_reload: bool,
    /// What `gen serve` keeps between rebuilds, so one edit does not redo every post.
    pub cache: Option<std::sync::Arc<RenderCache>>,
    /// Thumbnails an earlier build made (kept in gen's cache folder): taken when they are the
    /// photo's, instead of decoding it again.
    pub thumbnails: Option<Arc<photo::Thumbnails>>,
    /// Typeset resume.pdf later: the pages link it as usual, but it is taken only from the
    /// cache (`gen serve`, which shows the page first and typesets after) and else left out
    /// ([`Rendered::pdf_pending`]); a render made only to learn the pages never typesets.
    pub pdf_later: bool,
    /// A pull request's preview (`gen build --preview 7`): the site as it is served from
    /// `/_preview/pr-7/`, every page `noindex` under a banner, without the counter, the
    /// sitemap and robots.txt.
    pub preview: Option<u32>,
}

/// resume.pdf as made, or why it could not be.
type PdfResult = Result<Arc<PdfMade>, crate::diagnostic::Diagnostics>;

/// Posts, post pages and the photo's thumbnails from earlier builds of the same preview.
#[derive(Debug, Default)]
pub struct RenderCache {
    pub posts: crate::posts::Cache,
    /// Post bodies kept in gen's cache folder, opened by the first render that reads posts.
    pub bodies: std::sync::OnceLock<crate::disk_cache::Pack>,
    /// Whether a preview has written `bodies` (once, after its first build).
    pub bodies_kept: std::sync::atomic::AtomicBool,
    pub pages: post_pages::PageCache,
    /// resume.pdf and what came with it, or why it could not be made, and the hash of what it
    /// was made from: a template that fails (past its budget, say) is not typeset again until
    /// something it is made from changes.
    pub pdf: std::sync::Mutex<std::collections::HashMap<String, (u64, PdfResult)>>,
    /// The photo's thumbnails, made once for each photo the preview shows.
    pub photo: std::sync::Mutex<Option<Arc<photo::Thumbnails>>>,
}

/// resume.pdf, resume.txt, what a machine reads of the PDF, and their warnings.
#[derive(Debug)]
pub struct PdfMade {
    pdf: bytes::Bytes,
    text: String,
    readability: Option<Readability>,
    warnings: Vec<resume::Warning>,
}

/// A rendered site and what the author should know about it.
#[derive(Debug)]
pub struct Rendered {
    pub site: Site,
    pub resume: Resume,
    pub warnings: Vec<resume::Warning>,
    /// What a machine reads of resume.pdf, when the build made one and could read it back.
    pub readability: Option<Readability>,
    /// The photo's thumbnails, made by this build or taken from an earlier one.
    pub thumbnails: Option<Arc<photo::Thumbnails>>,
    /// The pages link resume.pdf and resume.txt, which this render left out
    /// ([`RenderOptions::pdf_later`]): a render without `pdf_later` makes them.
    pub pdf_pending: bool,
}

/// What templates see as `site`.
#[derive(Debug, Clone, Serialize)]
struct SiteContext {
    language: String,
    /// `ltr` or `rtl`: the page's writing direction, from its language.
    dir: &'static str,
    title: String,
    description: String,
    base_url: Option<String>,
    /// The page's own address, when `base_url` is set.
    canonical_url: Option<String>,
    stylesheet: Stylesheet,
    counter: Option<CounterContext>,
    /// The Content-Security-Policy for the page's `<meta http-equiv>`.
    csp: String,
    /// schema.org `Person`, ready for `<script type="application/ld+json">`.
    json_ld: String,
    /// The Atom feed's address, when the site has posts and a `base_url`.
    feed: Option<String>,
    /// resume.pdf's path, when the build writes one.
    pdf: Option<String>,
    /// resume.txt's path, beside it.
    text: Option<String>,
    /// resume.json's path.
    json: String,
    /// The photo from content/, with its thumbnails.
    photo: Option<photo::PhotoContext>,
    generator: &'static str,
    /// The page in every language (`hreflang`, `x-default` last), when it has more than one.
    alternates: Vec<variants::Alternate>,
    /// The language switcher's links, the page's own language among them.
    languages: Vec<variants::LanguageLink>,
    /// The listed versions of the resume, in the page's language.
    versions: Vec<variants::VersionLink>,
    /// Search engines are asked not to index the page (an unlisted version).
    noindex: bool,
    /// The listed versions' pages in every language, for the sitemap.
    listed: Vec<String>,
    /// The sections the page puts first, in order (its version's `order`).
    order: Vec<String>,
    /// The path every link of the site starts from: `/`, or a preview's `/_preview/pr-7/`.
    root: String,
    /// The pull request a preview shows, for its banner.
    preview: Option<u32>,
}

/// Renders `sources`, whose settings are `config` (from [`Sources::config`]), into a site.
pub fn render(sources: &Sources, config: &Config, options: &RenderOptions) -> Result<Rendered> {
    let config = &*preview::config(config, options);
    let root = options.root();
    let loaded = sources.loaded.as_ref().clone()?;
    let variants = variants::list(sources, config);
    let mut warnings = loaded.warnings.clone();
    warnings.extend(variants::check(sources, config, &loaded)?);
    let mut resume = loaded.resume.clone();
    let mut site = Site::default();
    let locale = std::sync::Arc::new(locale::Locale::new(&config.language, &config.labels));
    photo_file(&mut resume, &mut site);
    let (photo, thumbnails) = photo::add(
        sources,
        config.base_url.as_deref(),
        options,
        &mut site,
        &mut resume,
        &mut warnings,
    )?
    .map_or((None, None), |added| {
        (Some(added.context), Some(added.thumbnails))
    });
    let files = pdf_files(sources, config, &locale, &resume, options, "", &mut site)?;
    warnings.extend(files.warnings.iter().cloned());
    let posts = std::sync::Arc::new(post_pages::PostList(post_pages::read(
        sources, config, options,
    )?));

    let stylesheet = stylesheet(sources, &mut site, preview::css(options))?;
    let counter = counter(sources, options, &mut site)?;

    let canonical_url = config.base_url.clone();
    let links = variants::links(&variants, &variants[0], config, &root);
    let site_context = SiteContext {
        language: config.language.clone(),
        dir: locale.dir,
        title: title(config, &resume),
        description: description(config, &resume),
        csp: content_security_policy(&stylesheet, counter.as_ref(), options.live_reload),
        json_ld: head::person_json_ld(&resume.data, canonical_url.as_deref()),
        feed: (!posts.0.is_empty())
            .then(|| config.base_url.as_ref().map(|b| format!("{b}atom.xml")))
            .flatten(),
        pdf: files.pdf.clone(),
        text: files.text.clone(),
        json: format!("{root}resume.json"),
        photo,
        base_url: config.base_url.clone(),
        canonical_url,
        stylesheet,
        counter,
        generator: crate::build_id::GENERATOR,
        alternates: links.alternates,
        languages: links.languages,
        versions: links.versions,
        noindex: false,
        listed: variants::listed(&variants, config, &root),
        order: Vec::new(),
        root: root.clone(),
        preview: options.preview,
    };

    let env = environment(sources, &locale)?;
    let ctx = context! {
        resume => minijinja::Value::from_serialize(&resume.document),
        site => minijinja::Value::from_serialize(&site_context),
        t => minijinja::Value::from_serialize(&locale.labels),
        posts => minijinja::Value::from_dyn_object(std::sync::Arc::clone(&posts)),
    };
    render_theme(sources, &env, &ctx, &mut site, "")?;
    // The home page carries its build id, for gen check. A preview's does not: it is never
    // published, so there is nothing to check it against.
    if let Some((stamped, cache)) = (!options.live_reload)
        .then(|| site.get("index.html"))
        .flatten()
        .and_then(|page| Some((crate::build_id::stamp(&page.bytes)?, page.cache)))
    {
        site.add("index.html", stamped, cache);
    }
    let pages = post_pages::Pages {
        sources,
        env: &env,
        globals: &ctx,
        globals_key: options.cache.as_ref().map_or(0, |_| {
            post_pages::key(&(
                &resume.document,
                &site_context,
                post_pages::keys(posts.0.iter()),
                &sources.templates,
            ))
        }),
        cache: options.cache.as_deref().map(|c| &c.pages),
    };
    post_pages::render(&pages, &posts.0, config.base_url.as_deref(), &mut site)?;
    site.add(
        "resume.json",
        resume_json(&resume.document, &files, config)?,
        CachePolicy::Revalidate,
    );

    // Every other language and version of the resume, each under its own path.
    let mut pdf_pending = files.pending;
    let shared = variants::Shared {
        sources,
        config,
        options,
        loaded: &loaded,
        main: &resume,
        context: &site_context,
        posts: &posts,
        variants: &variants,
    };
    // Each on its own core: most of a variant's time is typesetting its resume.pdf.
    for rendered in crate::parallel::map_heavy(&variants[1..], |v| shared.render(v)) {
        let (files, found, pending) = rendered?;
        site.files.extend(files.files);
        for warning in found {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        pdf_pending |= pending;
    }
    preview::trim(&mut site, options);
    site.sort();
    Ok(Rendered {
        site,
        resume,
        warnings,
        readability: files.made.and_then(|m| m.readability),
        thumbnails,
        pdf_pending,
    })
}

/// The page's title: gen.toml's, else `name — label` from the resume.
fn title(config: &Config, resume: &Resume) -> String {
    config
        .title
        .clone()
        .unwrap_or_else(|| head::title(&resume.data))
}

/// The page's description: gen.toml's, else the start of `basics.summary`.
fn description(config: &Config, resume: &Resume) -> String {
    config
        .description
        .clone()
        .unwrap_or_else(|| head::description(&resume.data))
}

/// Where the resume is in each of the site's other languages: `de/`, `ar/`.
pub fn language_prefixes(sources: &Sources, config: &Config) -> Vec<String> {
    variants::list(sources, config)
        .into_iter()
        .skip(1)
        .filter(|v| v.version.is_none())
        .map(|v| v.prefix)
        .collect()
}

/// The pages a build makes, as file paths, known from the loaded sources without rendering
/// anything: the theme's HTML pages (404.html among them) in every language and version, and
/// the published posts' pages.
pub fn page_files(sources: &Sources, config: &Config) -> Result<Vec<String>> {
    let pages: Vec<&String> = sources
        .templates
        .keys()
        .filter(|name| {
            theme::Kind::of(name) == theme::Kind::Page
                && crate::site::content_type(name).starts_with("text/html")
        })
        .collect();
    let mut files: Vec<String> = pages.iter().map(|name| (*name).clone()).collect();
    for variant in &variants::list(sources, config)[1..] {
        files.extend(
            pages
                .iter()
                .filter(|name| theme::on_every_variant(name))
                .map(|name| format!("{}{name}", variant.prefix)),
        );
    }
    files.extend(crate::posts::pages(&sources.posts)?);
    files.sort();
    Ok(files)
}

/// A photo given inline as a `data:` URL becomes a fingerprinted file of the site: the page
/// stays small and its policy needs no `data:` images.
fn photo_file(resume: &mut Resume, site: &mut Site) {
    let Some(basics) = resume.data.basics.as_mut() else {
        return;
    };
    let Some((extension, bytes)) = basics.image.as_deref().and_then(links::data_image) else {
        return;
    };
    let path = fingerprinted(&format!("photo.{extension}"), &bytes);
    site.add(path.clone(), bytes, CachePolicy::Immutable);
    resume.document["basics"]["image"] = serde_json::Value::String(path.clone());
    basics.image = Some(path);
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds() {
        use super::theme::Kind;
        assert_eq!(Kind::of("index.html"), Kind::Page);
        assert_eq!(Kind::of("_base.html"), Kind::Partial);
        assert_eq!(Kind::of("_partials/x.html"), Kind::Partial);
        assert_eq!(Kind::of("counter.js"), Kind::Script);
        assert_eq!(Kind::of("img/me.jpg"), Kind::Asset);
    }
}
