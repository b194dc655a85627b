//! The resume in every language (`content/resume.<tag>.yaml`, at `/<tag>/`) and every version
//! (`[versions.NAME]`, at `/v/NAME/` and `/<tag>/v/NAME/`): each its own page, resume.pdf,
//! resume.txt and resume.json. Posts, the stylesheet, the photo and 404.html are the site's.

mod problems;

use anyhow::Result;
use minijinja::context;
use serde::Serialize;

use super::resume_files::{PdfFiles, pdf_files, resume_json};
use super::{
    RenderOptions, SiteContext, description, environment, head, post_pages, render_theme, title,
};
pub use problems::check;

use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::locale::{self, Locale};
use crate::resume::variant::Filter;
use crate::resume::{Loaded, Resume, Variant as Choice, Warning};
use crate::site::{CachePolicy, Site};
use crate::sources::Sources;

/// One language and version of the resume, and where its files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `""` for the main page, `de/`, `v/backend/`, `de/v/backend/`.
    pub prefix: String,
    /// Its language's tag, as the translation's file name writes it.
    pub language: String,
    /// The index of its translation in `Sources::translations`; none in the main language.
    pub translation: Option<usize>,
    /// Its version's name; none for the whole resume.
    pub version: Option<String>,
}

/// Every language and version of the site, the main page first, then its other languages,
/// then each version in each language: known from gen.toml and the translations' names.
pub fn list(sources: &Sources, config: &Config) -> Vec<Variant> {
    let mut languages = vec![(config.language.clone(), None)];
    for (i, translation) in sources.translations.iter().enumerate() {
        if translation.tag != config.language {
            languages.push((translation.tag.clone(), Some(i)));
        }
    }
    let versions = std::iter::once(None).chain(config.versions.keys().map(Some));
    let mut list = Vec::new();
    for version in versions {
        for (i, (language, translation)) in languages.iter().enumerate() {
            let mut prefix = String::new();
            if i > 0 {
                prefix.push_str(language);
                prefix.push('/');
            }
            if let Some(name) = version {
                prefix.push_str(&format!("v/{name}/"));
            }
            list.push(Variant {
                prefix,
                language: language.clone(),
                translation: *translation,
                version: version.cloned(),
            });
        }
    }
    list
}

/// A page of the resume in one language, for `<link rel="alternate" hreflang>`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

/// A link of the language switcher.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct LanguageLink {
    pub tag: String,
    /// The language's name in itself: `Deutsch`.
    pub name: String,
    pub href: String,
    /// The page's own language.
    pub current: bool,
}

/// A link to a listed version.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct VersionLink {
    pub name: String,
    pub label: String,
    pub href: String,
}

/// What a page links of the site's other languages and versions.
pub struct Links {
    pub alternates: Vec<Alternate>,
    pub languages: Vec<LanguageLink>,
    pub versions: Vec<VersionLink>,
}

/// The address of the page at `prefix`: absolute with `base_url`, else from the site's root
/// (`root`: `/`, or a preview's folder).
fn address(config: &Config, root: &str, prefix: &str) -> String {
    match &config.base_url {
        Some(base) => format!("{base}{prefix}"),
        None => format!("{root}{prefix}"),
    }
}

/// The addresses of the listed versions' pages, in every language: the sitemap's.
pub fn listed(variants: &[Variant], config: &Config, root: &str) -> Vec<String> {
    variants
        .iter()
        .filter(|v| {
            v.version
                .as_ref()
                .and_then(|name| config.versions.get(name))
                .is_some_and(|version| version.listed)
        })
        .map(|v| address(config, root, &v.prefix))
        .collect()
}

/// The links of `variant`'s page: the same version in every language (none when there is
/// one language), and the listed versions in its language (on a page of the whole resume).
pub fn links(variants: &[Variant], variant: &Variant, config: &Config, root: &str) -> Links {
    let same: Vec<&Variant> = variants
        .iter()
        .filter(|v| v.version == variant.version)
        .collect();
    let mut alternates = Vec::new();
    let mut languages = Vec::new();
    if same.len() > 1 {
        for other in &same {
            alternates.push(Alternate {
                hreflang: other.language.clone(),
                href: address(config, root, &other.prefix),
            });
            languages.push(LanguageLink {
                tag: other.language.clone(),
                name: locale::endonym(&other.language),
                href: format!("{root}{}", other.prefix),
                current: other.prefix == variant.prefix,
            });
        }
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            href: address(config, root, &same[0].prefix),
        });
    }
    let versions = match variant.version {
        Some(_) => Vec::new(),
        None => variants
            .iter()
            .filter(|v| v.language == variant.language)
            .filter_map(|v| {
                let name = v.version.as_ref()?;
                let version = config.versions.get(name).filter(|c| c.listed)?;
                Some(VersionLink {
                    name: name.clone(),
                    label: version.label.clone().unwrap_or_else(|| name.clone()),
                    href: format!("{root}{}", v.prefix),
                })
            })
            .collect(),
    };
    Links {
        alternates,
        languages,
        versions,
    }
}

/// What every language and version shares with the main page.
pub struct Shared<'a> {
    pub sources: &'a Sources,
    pub config: &'a Config,
    pub options: &'a RenderOptions,
    pub loaded: &'a Loaded,
    /// The main page's resume, its photo as published.
    pub main: &'a Resume,
    pub context: &'a SiteContext,
    pub posts: &'a std::sync::Arc<post_pages::PostList>,
    pub variants: &'a [Variant],
}

impl Shared<'_> {
    /// `variant`'s page, resume.pdf, resume.txt and resume.json, the warnings of its
    /// resume.pdf, and whether it is still to be typeset.
    pub fn render(&self, variant: &Variant) -> Result<(Site, Vec<Warning>, bool)> {
        let mut site = Site::default();
        let site = &mut site;
        let (config, resume) = self.resume(variant)?;
        let locale = std::sync::Arc::new(Locale::new(&config.language, &config.labels));
        let prefix = variant.prefix.as_str();
        let files: PdfFiles = pdf_files(
            self.sources,
            &config,
            &locale,
            &resume,
            self.options,
            prefix,
            site,
        )?;
        let canonical_url = config.base_url.as_ref().map(|b| format!("{b}{prefix}"));
        let listed = variant
            .version
            .as_ref()
            .and_then(|v| config.versions.get(v))
            .is_none_or(|v| v.listed);
        let root = self.options.root();
        let links = links(self.variants, variant, &config, &root);
        // gen.toml's `title` and `description` are in the main language.
        let mut own = config.clone();
        if variant.language != self.config.language {
            (own.title, own.description) = (None, None);
        }
        let context = SiteContext {
            language: config.language.clone(),
            dir: locale.dir,
            title: title(&own, &resume),
            description: description(&own, &resume),
            json_ld: head::person_json_ld(&resume.data, canonical_url.as_deref()),
            canonical_url,
            pdf: files.pdf.clone(),
            text: files.text.clone(),
            json: format!("{root}{prefix}resume.json"),
            alternates: links.alternates,
            languages: links.languages,
            versions: links.versions,
            noindex: !listed,
            order: config.order.clone(),
            ..self.context.clone()
        };
        let env = environment(self.sources, &locale)?;
        let ctx = context! {
            resume => minijinja::Value::from_serialize(&resume.document),
            site => minijinja::Value::from_serialize(&context),
            t => minijinja::Value::from_serialize(&locale.labels),
            posts => minijinja::Value::from_dyn_object(std::sync::Arc::clone(self.posts)),
        };
        render_theme(self.sources, &env, &ctx, site, prefix)?;
        site.add(
            format!("{prefix}resume.json"),
            resume_json(&resume.document, &files, &config)?,
            CachePolicy::Revalidate,
        );
        Ok((std::mem::take(site), files.warnings, files.pending))
    }

    /// The settings and the resume of `variant`: its language's words (gen.toml's `[labels]`
    /// are the main language's), its translation laid over the resume, its version's entries.
    fn resume(&self, variant: &Variant) -> Result<(Config, Resume)> {
        let mut config = self.config.clone();
        if variant.language != config.language {
            config.language = variant.language.clone();
            config.labels = Default::default();
        }
        let translation = variant
            .translation
            .and_then(|i| self.sources.translations[i].document.as_ref().ok());
        let version = (variant.version.as_ref()).and_then(|v| self.config.versions.get(v));
        config.order = version.map(|v| v.order.clone()).unwrap_or_default();
        let mut resume = self
            .loaded
            .variant(
                &self.sources.resume.name,
                Choice {
                    translation,
                    filter: version.map(|v| Filter {
                        include: &v.include,
                        exclude: &v.exclude,
                    }),
                    label: version.and_then(|v| v.label.as_deref()),
                    summary: version.and_then(|v| v.summary.as_deref()),
                },
            )
            .map_err(Diagnostics::from)?;
        // The photo is the main page's, as published, from the site's root: a path relative
        // to the main page is not one from `/de/`.
        let root = self.options.root();
        let rooted = |image: &str| match crate::links::web_url(image) {
            None if !image.starts_with('/') && !image.starts_with("data:") => {
                format!("{root}{image}")
            }
            _ => image.to_owned(),
        };
        if let (Some(basics), Some(main)) =
            (resume.data.basics.as_mut(), self.main.data.basics.as_ref())
        {
            basics.image = main.image.as_deref().map(rooted);
        }
        let image = self
            .main
            .document
            .get("basics")
            .and_then(|b| b.get("image"))
            .map(|image| match image.as_str() {
                Some(text) => serde_json::Value::String(rooted(text)),
                None => image.clone(),
            });
        let basics = resume
            .document
            .get_mut("basics")
            .and_then(serde_json::Value::as_object_mut);
        if let (Some(image), Some(basics)) = (image, basics) {
            basics.insert("image".into(), image);
        }
        Ok((config, resume))
    }
}
