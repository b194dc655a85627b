//! A post's body: CommonMark with tables, footnotes, strikethrough and task lists; headings
//! with ids and a visible anchor; code blocks highlighted at build time; images with their
//! size and lazy loading; only safe links, with `rel="noopener"` on external ones; raw HTML
//! shown as text unless the site trusts its authors (`unsafe_html = true`).

use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::highlight;
use crate::render::markdown::escape_into;

/// One heading of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A post's body, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub html: String,
    /// The second- and third-level headings.
    pub toc: Vec<TocEntry>,
    pub words: usize,
    /// The text of the first paragraph.
    pub lead: String,
    /// The post's own files its images show (by their names beside `index.md`).
    pub shown: std::collections::BTreeSet<String>,
}

/// How to render a body.
pub struct Settings<'a> {
    /// The files beside a post's `index.md`, by name: images get their width and height.
    pub assets: &'a BTreeMap<String, Vec<u8>>,
    /// The fingerprinted name each of those files is published under when a page shows it.
    pub fingerprinted: &'a BTreeMap<String, String>,
    pub unsafe_html: bool,
    /// The site's own host (from `base_url`): links elsewhere are external.
    pub own_host: Option<&'a str>,
}

pub fn render(markdown: &str, settings: &Settings<'_>) -> Body {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut words = 0;
    let mut lead = String::new();
    let mut in_first_paragraph = None;
    let mut open_links: Vec<bool> = Vec::new();
    let mut shown = std::collections::BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        let event = events[i].clone();
        i += 1;
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let end = find_end(&events, i, |e| matches!(e, Event::End(TagEnd::Heading(_))));
                let text = plain(&events[i..end]);
                words += count_words(&text);
                let id = unique_id(&slugify(&text), &mut ids);
                let n = heading_number(level);
                if (2..=3).contains(&n) {
                    toc.push(TocEntry {
                        level: n,
                        id: id.clone(),
                        text: text.clone(),
                    });
                }
                out.push(Event::Html(format!("<h{n} id=\"{id}\">").into()));
                out.extend(
                    events[i..end]
                        .iter()
                        .cloned()
                        .map(|e| raw_as_text(e, settings)),
                );
                out.push(Event::Html(
                    format!(
                        " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
                    )
                    .into(),
                ));
                i = end + 1;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = find_end(&events, i, |e| matches!(e, Event::End(TagEnd::CodeBlock)));
                let code: String = events[i..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let language = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                out.push(Event::Html(highlight::block(&code, language).into()));
                i = end + 1;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let end = find_end(&events, i, |e| matches!(e, Event::End(TagEnd::Image)));
                let alt = plain(&events[i..end]);
                out.push(Event::Html(
                    image(&dest_url, &alt, &title, settings, &mut shown).into(),
                ));
                i = end + 1;
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                let allowed = is_allowed(&dest_url);
                if allowed {
                    let mut tag = String::from("<a href=\"");
                    escape_into(&mut tag, dest_url.trim());
                    tag.push('"');
                    if !title.is_empty() {
                        tag.push_str(" title=\"");
                        escape_into(&mut tag, &title);
                        tag.push('"');
                    }
                    if is_external(&dest_url, settings.own_host) {
                        tag.push_str(" rel=\"noopener\"");
                    }
                    tag.push('>');
                    out.push(Event::Html(tag.into()));
                }
                open_links.push(allowed);
            }
            Event::End(TagEnd::Link) => {
                if open_links.pop() == Some(true) {
                    out.push(Event::Html("</a>".into()));
                }
            }
            Event::TaskListMarker(done) => out.push(Event::Html(
                if done {
                    "<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span> "
                } else {
                    "<span class=\"task\" role=\"img\" aria-label=\"to do\">☐</span> "
                }
                .into(),
            )),
            Event::Start(Tag::Paragraph) => {
                if in_first_paragraph.is_none() {
                    in_first_paragraph = Some(true);
                }
                out.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                if in_first_paragraph == Some(true) {
                    in_first_paragraph = Some(false);
                }
                out.push(event);
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                words += count_words(text);
                if in_first_paragraph == Some(true) {
                    lead.push_str(text);
                }
                out.push(event);
            }
            Event::SoftBreak if in_first_paragraph == Some(true) => {
                lead.push(' ');
                out.push(event);
            }
            other => out.push(raw_as_text(other, settings)),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Body {
        html,
        toc,
        words,
        lead: lead.trim().to_owned(),
        shown,
    }
}

/// The index of the end event matching the start just before `from`, nesting included.
fn find_end(events: &[Event<'_>], from: usize, is_end: impl Fn(&Event<'_>) -> bool) -> usize {
    let mut depth = 0usize;
    for (offset, event) in events[from..].iter().enumerate() {
        match event {
            e if is_end(e) && depth == 0 => return from + offset,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    events.len()
}

/// Raw HTML as text, unless the site trusts it.
fn raw_as_text<'a>(event: Event<'a>, settings: &Settings<'_>) -> Event<'a> {
    match event {
        Event::Html(t) | Event::InlineHtml(t) if !settings.unsafe_html => Event::Text(t),
        other => other,
    }
}

fn plain(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `Why OAC, not OAI?` → `why-oac-not-oai`: letters (any script) and digits, lower-cased.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn unique_id(base: &str, ids: &mut BTreeMap<String, usize>) -> String {
    let base = if base.is_empty() { "section" } else { base };
    let seen = ids.entry(base.to_owned()).or_insert(0);
    *seen += 1;
    match *seen {
        1 => base.to_owned(),
        n => format!("{base}-{}", n - 1),
    }
}

/// Links that may reach the page: the resume's (http(s), mailto, tel), and paths and
/// fragments within the site.
fn is_allowed(url: &str) -> bool {
    let url = url.trim();
    crate::links::is_allowed_link(url)
        || ((url.starts_with('/')
            || url.starts_with('#')
            || url.starts_with('.')
            || !url.contains(':'))
            && !url.starts_with("//")
            && !url.chars().any(|c| c.is_whitespace() || c.is_control()))
}

fn is_external(url: &str, own_host: Option<&str>) -> bool {
    crate::links::web_url(url.trim())
        .is_some_and(|u| u.host_str().is_some() && u.host_str() != own_host)
}

/// An `<img>` with lazy loading, and its size when it is one of the post's own files.
fn image(
    src: &CowStr<'_>,
    alt: &str,
    title: &str,
    settings: &Settings<'_>,
    shown: &mut std::collections::BTreeSet<String>,
) -> String {
    let src = src.trim();
    if !(crate::links::is_web_url(src) || crate::links::is_site_path(src)) {
        let mut text = String::new();
        escape_into(&mut text, alt);
        return text;
    }
    let local = src.trim_start_matches("./");
    let published = settings.fingerprinted.get(local);
    if published.is_some() {
        shown.insert(local.to_owned());
    }
    let mut tag = String::from("<img src=\"");
    escape_into(&mut tag, published.map_or(src, String::as_str));
    tag.push_str("\" alt=\"");
    escape_into(&mut tag, alt);
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        escape_into(&mut tag, title);
        tag.push('"');
    }
    if let Some(size) = settings
        .assets
        .get(local)
        .and_then(|bytes| imagesize::blob_size(bytes).ok())
    {
        tag.push_str(&format!(
            " width=\"{}\" height=\"{}\"",
            size.width, size.height
        ));
    }
    tag.push_str(" loading=\"lazy\" decoding=\"async\">");
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let assets = BTreeMap::new();
        render(
            markdown,
            &Settings {
                assets: &assets,
                fingerprinted: &assets_names(),
                unsafe_html: false,
                own_host: Some("ada.example"),
            },
        )
        .html
    }

    #[test]
    fn headings_get_ids_anchors_and_a_toc() {
        let assets = BTreeMap::new();
        let body = render(
            "Intro text here.\n\n## Why OAC?\n\n### Why OAC?\n\n## `gen` & you\n",
            &Settings {
                assets: &assets,
                fingerprinted: &assets_names(),
                unsafe_html: false,
                own_host: None,
            },
        );
        assert!(
            body.html
                .contains("<h2 id=\"why-oac\">Why OAC? <a class=\"anchor\" href=\"#why-oac\""),
            "{}",
            body.html
        );
        assert!(body.html.contains("<h3 id=\"why-oac-1\">"), "{}", body.html);
        assert!(
            body.html
                .contains("<h2 id=\"gen-you\"><code>gen</code> &amp; you"),
            "{}",
            body.html
        );
        assert_eq!(body.toc.len(), 3);
        assert_eq!(body.lead, "Intro text here.");
        assert_eq!(body.words, 10);
    }

    #[test]
    fn links_images_and_raw_html() {
        assert_eq!(
            html(
                "[a](https://other.example) [b](https://ada.example/x) [c](/posts/) [d](javascript:alert(1))"
            ),
            "<p><a href=\"https://other.example\" rel=\"noopener\">a</a> <a href=\"https://ada.example/x\">b</a> <a href=\"/posts/\">c</a> d</p>\n"
        );
        assert_eq!(
            html("![A \"cat\"](cat.png) ![x](javascript:alert(1))"),
            "<p><img src=\"cat.png\" alt=\"A &quot;cat&quot;\" loading=\"lazy\" decoding=\"async\"> x</p>\n"
        );
        assert_eq!(
            html("<script>alert(1)</script>\n\nHi <b>there</b>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;\n<p>Hi &lt;b&gt;there&lt;/b&gt;</p>\n"
        );
        assert!(html("| a | b |\n|---|---|\n| 1 | 2 |\n").contains("<table>"));
        assert!(html("Note[^1].\n\n[^1]: Here.\n").contains("footnote-definition"));
        assert!(
            html("- [x] done\n- [ ] not yet\n").contains(
                "<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span> done"
            )
        );
    }

    fn assets_names() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Why OAC, not OAI?"), "why-oac-not-oai");
        assert_eq!(slugify("Größe & Ökonomie"), "größe-ökonomie");
        assert_eq!(slugify("!!!"), "");
    }
}
