//! Blog posts: Markdown files in `content/posts/` with front matter, read into [`Post`]s
//! (newest first), every problem in every post reported at once.

pub mod assets;
mod body_cache;
pub use body_cache::pack as body_pack;
pub mod front;
pub mod highlight;
pub mod markdown;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Diagnostics;
use crate::sources::PostSource;
use front::PostDate;
use markdown::TocEntry;

/// Words a reader reads in a minute, for the reading time.
const WORDS_PER_MINUTE: usize = 230;

/// Posts with more headings than this get a table of contents.
const TOC_MIN_HEADINGS: usize = 4;

/// One post, ready for the templates: what lists show of it, and its body.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    #[serde(flatten)]
    pub summary: Summary,
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The post's own files (beside its `index.md`), by name.
    #[serde(skip)]
    pub assets: BTreeMap<String, Vec<u8>>,
    /// The fingerprinted names of the files its images show, and the files' names: published
    /// to be cached for good, since a new version gets a new name.
    #[serde(skip)]
    pub fingerprinted: Vec<(String, String)>,
    /// Where the post came from, for messages.
    #[serde(skip)]
    pub file: String,
    /// A hash of everything the post was read from: the same key, the same post.
    #[serde(skip)]
    pub key: u64,
    /// A hash of the summary: the same, and every list shows the post the same.
    #[serde(skip)]
    pub summary_key: u64,
}

/// What lists show of a post (the resume's Writing section, `/posts/`, tag pages, the
/// sitemap): everything but its body, so editing a body changes no list.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub slug: String,
    /// The page's path from the site's root: `posts/<slug>/`.
    pub path: String,
    pub title: String,
    pub date: PostDate,
    pub updated: Option<PostDate>,
    /// The front matter's description, or the start of the first paragraph.
    pub description: String,
    pub tags: Vec<Tag>,
    pub draft: bool,
    pub reading_minutes: usize,
}

impl std::ops::Deref for Post {
    type Target = Summary;

    fn deref(&self) -> &Summary {
        &self.summary
    }
}

/// Posts read by an earlier build of the same preview, by a hash of everything they were
/// read from: an edit re-reads one post, not all of them.
#[derive(Debug, Default)]
pub struct Cache(Mutex<HashMap<u64, Arc<Post>>>);

/// A hash of one post's inputs and the options that shape it.
fn input_key(source: &PostSource, options: &Options<'_>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    source.hash.hash(&mut hasher);
    (options.drafts, options.unsafe_html, options.own_host).hash(&mut hasher);
    hasher.finish()
}

/// A tag as written, and its page's path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tag {
    pub name: String,
    pub slug: String,
}

/// How posts are read.
pub struct Options<'a> {
    /// Posts read before, kept by `gen serve` between rebuilds.
    pub cache: Option<&'a Cache>,
    /// Bodies rendered by earlier builds, kept in gen's cache folder ([`body_pack`]).
    pub bodies: Option<&'a crate::disk_cache::Pack>,
    /// `gen serve` shows drafts; builds leave them out.
    pub drafts: bool,
    pub unsafe_html: bool,
    pub own_host: Option<&'a str>,
    /// The path the site's own paths start from: `/`, or a preview's folder.
    pub root: &'a str,
}

/// Reads every post, newest first. A post with problems adds them all; so does a slug that
/// two posts share.
pub fn read(
    sources: &[Arc<PostSource>],
    options: &Options<'_>,
) -> Result<Vec<Arc<Post>>, Diagnostics> {
    let mut posts = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let keys: Vec<u64> = sources.iter().map(|s| input_key(s, options)).collect();
    let earlier = options
        .cache
        .map(|c| std::mem::take(&mut *c.0.lock().unwrap_or_else(|e| e.into_inner())))
        .unwrap_or_default();
    let indices: Vec<usize> = (0..sources.len()).collect();
    let results = crate::parallel::map(&indices, |&i| match earlier.get(&keys[i]) {
        Some(post) => Ok(Arc::clone(post)),
        None => read_one(&sources[i], keys[i], options).map(Arc::new),
    });
    if let Some(cache) = options.cache {
        let kept = keys
            .iter()
            .zip(&results)
            .filter_map(|(key, read)| Some((*key, Arc::clone(read.as_ref().ok()?))))
            .collect();
        *cache.0.lock().unwrap_or_else(|e| e.into_inner()) = kept;
    }
    for read in results {
        match read {
            Ok(post) if post.draft && !options.drafts => {}
            Ok(post) => posts.push(post),
            Err(mut found) => problems.append(&mut found),
        }
    }
    let mut by_slug: BTreeMap<&str, &Arc<Post>> = BTreeMap::new();
    for post in &posts {
        if let Some(first) = by_slug.insert(&post.slug, post) {
            problems.push(Diagnostic::file(
                &post.file,
                format!(
                    "the slug {:?} is also {}'s: posts need different slugs (set `slug:` in one)",
                    post.slug, first.file
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    Ok(posts)
}

/// The pages the published posts make, from their front matter alone (no Markdown is
/// rendered): `posts/`, each post's `posts/<slug>/` and each tag's `tags/<slug>/`, as file
/// paths of their `index.html`. None when no post is published.
pub fn pages(sources: &[Arc<PostSource>]) -> Result<Vec<String>, Diagnostics> {
    let mut pages = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for source in sources {
        let read =
            front::parse(&source.file).and_then(|(front, _)| Ok((slug(source, &front)?, front)));
        match read {
            Ok((_, front)) if front.draft => {}
            Ok((slug, front)) => {
                pages.insert(format!("posts/{slug}/index.html"));
                for tag in tags(&front) {
                    pages.insert(format!("tags/{}/index.html", tag.slug));
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    if !pages.is_empty() {
        pages.insert("posts/index.html".to_owned());
    }
    Ok(pages.into_iter().collect())
}

/// The post's slug: its front matter's, or one made from its file's name.
fn slug(source: &PostSource, front: &front::Front) -> Result<String, Vec<Diagnostic>> {
    match front.slug.clone() {
        Some(slug) => Ok(slug),
        None => match markdown::slugify(&source.name) {
            slug if slug.is_empty() => Err(vec![Diagnostic::file(
                &source.file.name,
                "no slug can be made from this file's name: set `slug:` in its front matter",
            )]),
            slug => Ok(slug),
        },
    }
}

/// The post's tags, sorted, one per slug (`AWS` and `aws` are one tag).
fn tags(front: &front::Front) -> Vec<Tag> {
    let mut tags: Vec<Tag> = front
        .tags
        .iter()
        .map(|name| Tag {
            name: name.clone(),
            slug: markdown::slugify(name),
        })
        .filter(|t| !t.slug.is_empty())
        .collect();
    tags.sort();
    tags.dedup_by(|a, b| a.slug == b.slug);
    tags
}

fn read_one(source: &PostSource, key: u64, options: &Options<'_>) -> Result<Post, Vec<Diagnostic>> {
    let (front, body_line) = front::parse(&source.file)?;
    let refused = assets::check(source, options.unsafe_html);
    if !refused.is_empty() {
        return Err(refused);
    }
    let body_text: String = source
        .file
        .text
        .lines()
        .skip(body_line)
        .map(|l| format!("{l}\n"))
        .collect();
    let names: BTreeMap<String, String> = source
        .assets
        .iter()
        .map(|(name, bytes)| (name.clone(), crate::site::fingerprinted(name, bytes)))
        .collect();
    let body = body_cache::render(
        &body_text,
        &markdown::Settings {
            assets: &source.assets,
            fingerprinted: &names,
            unsafe_html: options.unsafe_html,
            own_host: options.own_host,
            root: options.root,
        },
        options.bodies,
    );
    let slug = slug(source, &front)?;
    let description = front
        .description
        .clone()
        .unwrap_or_else(|| cut(&body.lead, 160));
    let tags = tags(&front);
    let summary = Summary {
        path: format!("posts/{slug}/"),
        slug,
        title: front.title,
        date: front.date,
        updated: front.updated,
        description,
        tags,
        draft: front.draft,
        reading_minutes: body.words.div_ceil(WORDS_PER_MINUTE).max(1),
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_vec(&summary)
        .unwrap_or_default()
        .hash(&mut hasher);
    Ok(Post {
        summary_key: hasher.finish(),
        summary,
        toc: if body.toc.len() >= TOC_MIN_HEADINGS {
            body.toc
        } else {
            Vec::new()
        },
        html: body.html,
        fingerprinted: body
            .shown
            .iter()
            .filter_map(|name| Some((names.get(name)?.clone(), name.clone())))
            .collect(),
        assets: source.assets.clone(),
        file: source.file.name.clone(),
        key,
    })
}

#[cfg(test)]
mod tests;

/// `text` when it has at most `limit` characters, else cut at a word a little before, with `…`.
pub fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(5)).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}
