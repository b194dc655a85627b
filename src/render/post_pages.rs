//! The pages posts add to a site: one per post (`post.html`), the list at `/posts/` and one
//! per tag at `/tags/<tag>/` (`posts.html`), and the Atom feed `/atom.xml` of the newest.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use bytes::Bytes;
use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::json;

use crate::html::escape_into;
use crate::posts::{Post, Summary, Tag};
use crate::site::{CachePolicy, Site};
use crate::sources::Sources;

/// The newest posts the feed carries, in full.
const FEED_ENTRIES: usize = 20;

/// Pages rendered by an earlier build of the same preview, by a hash of everything they show.
#[derive(Debug, Default)]
pub struct PageCache(Mutex<HashMap<u64, Bytes>>);

/// A hash of `value`'s JSON: what a template sees of it.
pub fn key(value: &impl Serialize) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_vec(value)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

/// The posts as templates see `posts`: each one's summary becomes a template value only when
/// a template reads it (the resume shows 3 of them).
#[derive(Debug)]
pub struct PostList(pub Vec<Arc<Post>>);

impl minijinja::value::Object for PostList {
    fn repr(self: &Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, index: &minijinja::Value) -> Option<minijinja::Value> {
        let post = self.0.get(index.as_usize()?)?;
        Some(minijinja::Value::from_serialize(&post.summary))
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.len())
    }
}

/// The keys of what lists show of `posts`.
pub fn keys<'a>(posts: impl Iterator<Item = &'a Arc<Post>>) -> Vec<u64> {
    posts.map(|p| p.summary_key).collect()
}

/// How post pages are rendered: the theme, what every page sees (and its hash), and the
/// pages a preview rendered before.
pub struct Pages<'a> {
    pub sources: &'a Sources,
    pub env: &'a Environment<'a>,
    pub globals: &'a minijinja::Value,
    /// A hash of what every page sees; only a preview with a cache needs it.
    pub globals_key: u64,
    pub cache: Option<&'a PageCache>,
}

impl Pages<'_> {
    /// A text every page sees, e.g. `["site", "title"]`.
    fn global(&self, path: &[&str]) -> Option<String> {
        let mut value = self.globals.clone();
        for name in path {
            value = value.get_attr(name).ok()?;
        }
        value.as_str().map(str::to_owned)
    }

    /// `template` rendered with the globals and the values `extra` makes, or the same page
    /// from an earlier build when what `extra_key` hashes is unchanged.
    /// With the page's key when a preview keeps its pages.
    fn render(
        &self,
        template: &str,
        extra: impl FnOnce() -> Vec<(&'static str, minijinja::Value)>,
        extra_key: impl FnOnce() -> u64,
        earlier: &HashMap<u64, Bytes>,
    ) -> Result<(Option<u64>, Bytes)> {
        // Keys are worth their hashing only to a preview.
        if self.cache.is_none() {
            return Ok((None, self.render_now(template, &extra())?));
        }
        let page_key = key(&(self.globals_key, template, extra_key()));
        let html = match earlier.get(&page_key) {
            Some(html) => html.clone(),
            None => self.render_now(template, &extra())?,
        };
        Ok((Some(page_key), html))
    }

    fn render_now(&self, template: &str, extra: &[(&str, minijinja::Value)]) -> Result<Bytes> {
        let template = self
            .env
            .get_template(template)
            .map_err(|e| super::theme::template_error(self.sources, e))?;
        let mut ctx: BTreeMap<&str, minijinja::Value> = BTreeMap::new();
        for (name, value) in extra {
            ctx.insert(name, value.clone());
        }
        template
            .render(context! { ..minijinja::Value::from(ctx), ..self.globals.clone() })
            .map(Bytes::from)
            .map_err(|e| super::theme::template_error(self.sources, e))
    }
}

/// The site's posts as this build shows them: drafts in the preview only, read again only
/// when changed there.
pub fn read(
    sources: &Sources,
    config: &crate::config::Config,
    options: &super::RenderOptions,
) -> Result<Vec<Arc<Post>>> {
    let own_host = (config.base_url.as_deref())
        .and_then(crate::links::web_url)
        .and_then(|u| u.host_str().map(str::to_owned));
    // A pull request's bodies, made for its folder, are not kept: they would take the site's.
    let bodies = (options.cache.as_ref().filter(|_| options.preview.is_none())).map(|c| {
        c.bodies
            .get_or_init(|| crate::posts::body_pack(&sources.root))
    });
    let root = options.root();
    let read = crate::posts::read(
        &sources.posts,
        &crate::posts::Options {
            drafts: options.live_reload,
            unsafe_html: config.unsafe_html,
            own_host: own_host.as_deref(),
            root: &root,
            cache: options.cache.as_deref().map(|c| &c.posts),
            bodies,
        },
    );
    // Bodies rendered now are kept for the next build, whether or not every post read. A
    // preview keeps its first build's, while it shows the page: after that it renders only
    // edited posts, which a later build renders again in a moment.
    match (&options.cache, options.live_reload) {
        (Some(cache), true) => {
            if !cache
                .bodies_kept
                .swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                let cache = Arc::clone(cache);
                std::thread::spawn(move || cache.bodies.get().map(|b| b.save()));
            }
        }
        _ => {
            if let Some(bodies) = bodies {
                bodies.save();
            }
        }
    }
    Ok(read?)
}

/// A post as its page sees it.
#[derive(Debug, Serialize)]
struct PostPage<'a> {
    #[serde(flatten)]
    post: &'a Post,
    /// The page's absolute address, when the site has a `base_url`.
    url: Option<String>,
    /// schema.org `BlogPosting`, ready for `<script type="application/ld+json">`.
    json_ld: String,
}

/// Adds the post pages, the lists and the feed to `site`.
pub fn render(
    pages: &Pages<'_>,
    posts: &[Arc<Post>],
    base_url: Option<&str>,
    site: &mut Site,
) -> Result<()> {
    if posts.is_empty() {
        return Ok(());
    }
    let earlier = pages
        .cache
        .map(|c| std::mem::take(&mut *c.0.lock().unwrap_or_else(|e| e.into_inner())))
        .unwrap_or_default();
    let mut used = HashMap::new();
    let mut made = Made {
        earlier: &earlier,
        used: &mut used,
        site,
    };
    let author = pages
        .global(&["resume", "basics", "name"])
        .unwrap_or_default();
    // Each post's page on every core; then added in order, the first error first.
    let rendered = crate::parallel::map(posts, |post| {
        post_html(pages, post, base_url, &author, made.earlier)
    });
    for (post, html) in posts.iter().zip(rendered) {
        let html = made.keep(html?);
        post_page(made.site, post, html);
    }
    lists(pages, posts, &mut made)?;
    if let Some(cache) = pages.cache {
        *cache.0.lock().unwrap_or_else(|e| e.into_inner()) = used;
    }
    if let Some(base) = base_url {
        let title = pages.global(&["site", "title"]).unwrap_or_default();
        let newest = &posts[..posts.len().min(FEED_ENTRIES)];
        site.add(
            "atom.xml",
            atom(newest, base, &title, &author),
            CachePolicy::Revalidate,
        );
    }
    Ok(())
}

/// Where pages go, and the cache of a preview's earlier build they may come from.
struct Made<'a> {
    earlier: &'a HashMap<u64, Bytes>,
    used: &'a mut HashMap<u64, Bytes>,
    site: &'a mut Site,
}

impl Made<'_> {
    /// A rendered page, kept for the preview's next build when it has a key.
    fn keep(&mut self, (page_key, html): (Option<u64>, Bytes)) -> Bytes {
        if let Some(page_key) = page_key {
            self.used.insert(page_key, html.clone());
        }
        html
    }
}

/// A post's page, rendered.
fn post_html(
    pages: &Pages<'_>,
    post: &Post,
    base_url: Option<&str>,
    author: &str,
    earlier: &HashMap<u64, Bytes>,
) -> Result<(Option<u64>, Bytes)> {
    let url = base_url.map(|base| format!("{base}{}", post.path));
    // The view is made from the post (its key covers all it was read from), its address and
    // its author: hashing those is enough, and far cheaper than hashing the view.
    pages.render(
        "post.html",
        || {
            let view = PostPage {
                post,
                json_ld: blog_posting(post, url.as_deref(), author),
                url: url.clone(),
            };
            vec![("post", minijinja::Value::from_serialize(&view))]
        },
        || key(&(post.key, &url, author)),
        earlier,
    )
}

/// A post's page, its files, and the fingerprinted copies of the images it shows.
fn post_page(site: &mut Site, post: &Post, html: Bytes) {
    site.add(
        format!("{}index.html", post.path),
        html,
        CachePolicy::Revalidate,
    );
    for (name, bytes) in &post.assets {
        site.add(
            format!("{}{name}", post.path),
            bytes.clone(),
            CachePolicy::Revalidate,
        );
    }
    for (published, name) in &post.fingerprinted {
        if let Some(bytes) = post.assets.get(name) {
            site.add(
                format!("{}{published}", post.path),
                bytes.clone(),
                CachePolicy::Immutable,
            );
        }
    }
}

/// `/posts/`, and one page per tag slug (`AWS` and `aws` are one tag, named as first written).
fn lists(pages: &Pages<'_>, posts: &[Arc<Post>], made: &mut Made<'_>) -> Result<()> {
    let mut tags: BTreeMap<&str, (&Tag, Vec<&Arc<Post>>)> = BTreeMap::new();
    for post in posts {
        for tag in &post.tags {
            tags.entry(&tag.slug)
                .or_insert((tag, Vec::new()))
                .1
                .push(post);
        }
    }
    list(pages, "posts/index.html", None, posts.iter(), made)?;
    for (tag, tagged) in tags.values() {
        let path = format!("tags/{}/index.html", tag.slug);
        list(pages, &path, Some(tag), tagged.iter().copied(), made)?;
    }
    Ok(())
}

/// One list page at `path`: `posts.html` with `tag` (none for all posts) and the summaries
/// of `listed`, kept from an earlier build while those summaries are unchanged.
fn list<'p>(
    pages: &Pages<'_>,
    path: &str,
    tag: Option<&Tag>,
    listed: impl Iterator<Item = &'p Arc<Post>> + Clone,
    made: &mut Made<'_>,
) -> Result<()> {
    let html = pages.render(
        "posts.html",
        || {
            let summaries: Vec<&Summary> = listed.clone().map(|p| &p.summary).collect();
            vec![
                ("tag", minijinja::Value::from_serialize(tag)),
                ("listed", minijinja::Value::from_serialize(summaries)),
            ]
        },
        || key(&(tag, keys(listed.clone()))),
        made.earlier,
    )?;
    let html = made.keep(html);
    made.site.add(path, html, CachePolicy::Revalidate);
    Ok(())
}

fn blog_posting(post: &Post, url: Option<&str>, author: &str) -> String {
    let mut posting = json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.description,
        "datePublished": post.date.rfc3339,
        "dateModified": post.updated.as_ref().unwrap_or(&post.date).rfc3339,
        "author": { "@type": "Person", "name": author },
    });
    if let Some(url) = url {
        posting["url"] = json!(url);
        posting["mainEntityOfPage"] = json!(url);
    }
    if !post.tags.is_empty() {
        posting["keywords"] = json!(post.tags.iter().map(|t| &t.name).collect::<Vec<_>>());
    }
    super::head::script_safe_json(&posting)
}

/// The Atom feed (RFC 4287) of `posts`, newest first, with their full content.
fn atom(posts: &[Arc<Post>], base: &str, title: &str, author: &str) -> String {
    let text = |value: &str| {
        let mut out = String::new();
        escape_into(&mut out, value);
        out
    };
    let updated = posts
        .iter()
        .map(|p| &p.updated.as_ref().unwrap_or(&p.date).rfc3339)
        .max()
        .cloned()
        .unwrap_or_default();
    // gen.toml's base_url is checked and normalised; escaped all the same, as every value is.
    let base = &text(base);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <link href=\"{base}atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{base}posts/\" rel=\"alternate\" type=\"text/html\"/>\n  <id>{base}posts/</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>gen</generator>\n",
        text(title),
        text(author)
    );
    for post in posts {
        let url = format!("{base}{}", text(&post.path));
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{url}</id>\n    <published>{}</published>\n    <updated>{}</updated>\n    <summary>{}</summary>\n",
            text(&post.title),
            post.date.rfc3339,
            post.updated.as_ref().unwrap_or(&post.date).rfc3339,
            text(&post.description),
        ));
        for tag in &post.tags {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", text(&tag.name)));
        }
        xml.push_str(&format!(
            "    <content type=\"html\" xml:base=\"{url}\">{}</content>\n  </entry>\n",
            text(&post.html)
        ));
    }
    xml.push_str("</feed>\n");
    xml
}
