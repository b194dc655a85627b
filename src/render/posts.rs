//! The pages posts add to a site: one per post (`post.html`), the list at `/posts/` and one
//! per tag at `/tags/<tag>/` (`posts.html`), and the Atom feed `/atom.xml`.

use std::collections::BTreeMap;

use anyhow::Result;
use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::json;

use crate::posts::{Post, Tag};
use crate::render::markdown::escape_into;
use crate::site::{CachePolicy, Site};
use crate::sources::Sources;

/// The templates posts need, built in for sites made before posts existed.
pub const LAYOUTS: &[(&str, &str)] = &[
    ("post.html", include_str!("../../templates/post.html")),
    ("posts.html", include_str!("../../templates/posts.html")),
];

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
    sources: &Sources,
    env: &Environment<'_>,
    globals: &minijinja::Value,
    posts: &[Post],
    base_url: Option<&str>,
    site: &mut Site,
) -> Result<()> {
    if posts.is_empty() {
        return Ok(());
    }
    let author = globals
        .get_attr("resume")
        .ok()
        .and_then(|r| r.get_attr("basics").ok())
        .and_then(|b| b.get_attr("name").ok())
        .and_then(|n| n.as_str().map(str::to_owned))
        .unwrap_or_default();
    let page = |name: &str, ctx: minijinja::Value| -> Result<String> {
        let template = env
            .get_template(name)
            .map_err(|e| super::template_error(sources, e))?;
        template
            .render(ctx)
            .map_err(|e| super::template_error(sources, e))
    };
    for post in posts {
        let url = base_url.map(|base| format!("{base}{}", post.path));
        let view = PostPage {
            post,
            json_ld: blog_posting(post, url.as_deref(), &author),
            url,
        };
        let html = page(
            "post.html",
            context! { post => minijinja::Value::from_serialize(&view), ..globals.clone() },
        )?;
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
    }
    // One page per tag slug: `AWS` and `aws` are one tag, named as first written.
    let mut tags: BTreeMap<&str, (&Tag, Vec<&Post>)> = BTreeMap::new();
    for post in posts {
        for tag in &post.tags {
            tags.entry(&tag.slug)
                .or_insert((tag, Vec::new()))
                .1
                .push(post);
        }
    }
    let all = page(
        "posts.html",
        context! { tag => (), listed => posts, ..globals.clone() },
    )?;
    site.add("posts/index.html", all, CachePolicy::Revalidate);
    for (tag, tagged) in tags.values() {
        let html = page(
            "posts.html",
            context! { tag => tag, listed => tagged, ..globals.clone() },
        )?;
        site.add(
            format!("tags/{}/index.html", tag.slug),
            html,
            CachePolicy::Revalidate,
        );
    }
    if let Some(base) = base_url {
        let title = globals
            .get_attr("site")
            .ok()
            .and_then(|s| s.get_attr("title").ok())
            .and_then(|t| t.as_str().map(str::to_owned))
            .unwrap_or_default();
        site.add(
            "atom.xml",
            atom(posts, base, &title, &author),
            CachePolicy::Revalidate,
        );
    }
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

/// The Atom feed (RFC 4287) of every post, newest first, with its full content.
fn atom(posts: &[Post], base: &str, title: &str, author: &str) -> String {
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
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <link href=\"{base}atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{base}posts/\" rel=\"alternate\" type=\"text/html\"/>\n  <id>{base}posts/</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>gen</generator>\n",
        text(title),
        text(author)
    );
    for post in posts {
        let url = format!("{base}{}", post.path);
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
