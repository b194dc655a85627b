//! A post's body: CommonMark with tables, footnotes, strikethrough and task lists; headings
//! with ids and a visible anchor; code blocks highlighted at build time; images with their
//! size and lazy loading; only safe links, with `rel="noopener"` on external ones; raw HTML
//! shown as text unless the site trusts its authors (`unsafe_html = true`).

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::highlight;
use crate::html::escape_into;

/// One heading of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A post's body, rendered (kept as JSON in gen's cache folder, see `body_cache`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub html: String,
    /// The second- and third-level headings.
    pub toc: Vec<TocEntry>,
    pub words: usize,
    /// The text of the first paragraph.
    pub lead: String,
    /// The post's own files its images show (by their names beside `index.md`).
    pub shown: BTreeSet<String>,
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
    /// The path the site's own paths (`/posts/other/`) start from: `/`, or a preview's folder.
    pub root: &'a str,
}

pub fn render(markdown: &str, settings: &Settings<'_>) -> Body {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let mut writer = Writer {
        settings,
        out: Vec::with_capacity(events.len()),
        toc: Vec::new(),
        ids: BTreeMap::new(),
        words: 0,
        lead: String::new(),
        first_paragraph: None,
        open_links: Vec::new(),
        shown: BTreeSet::new(),
    };
    writer.write(&events, 0, events.len());
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, writer.out.into_iter());
    Body {
        html,
        toc: writer.toc,
        words: writer.words,
        lead: writer.lead.trim().to_owned(),
        shown: writer.shown,
    }
}

/// The events of a body as they are written out, and what is learnt on the way.
struct Writer<'s, 'e> {
    settings: &'s Settings<'s>,
    out: Vec<Event<'e>>,
    toc: Vec<TocEntry>,
    /// How often each heading id has been given, to keep them unique.
    ids: BTreeMap<String, usize>,
    words: usize,
    lead: String,
    /// `Some(true)` inside the first paragraph, `Some(false)` after it.
    first_paragraph: Option<bool>,
    /// Per open link: whether its `<a>` was written.
    open_links: Vec<bool>,
    shown: BTreeSet<String>,
}

impl<'e> Writer<'_, 'e> {
    /// Writes `events[from..end]`: every event of a body, a heading's among them, goes through
    /// here, so every link and image meets the same link policy wherever Markdown puts it.
    fn write(&mut self, events: &[Event<'e>], from: usize, end: usize) {
        let mut i = from;
        while i < end {
            let event = events[i].clone();
            i += 1;
            i = match event {
                Event::Start(Tag::Heading { level, .. }) => self.heading(events, i, level),
                Event::Start(Tag::CodeBlock(kind)) => self.code_block(events, i, &kind),
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => self.image(events, i, &dest_url, &title),
                other => {
                    self.event(other);
                    i
                }
            };
        }
    }

    /// A heading whose content starts at `from`: an id, an anchor, a table of contents entry.
    /// Returns where reading goes on.
    fn heading(&mut self, events: &[Event<'e>], from: usize, level: HeadingLevel) -> usize {
        let end = find_end(events, from, |e| {
            matches!(e, Event::End(TagEnd::Heading(_)))
        });
        let text = plain(&events[from..end]);
        let id = unique_id(&slugify(&text), &mut self.ids);
        let n = heading_number(level);
        if (2..=3).contains(&n) {
            self.toc.push(TocEntry {
                level: n,
                id: id.clone(),
                text,
            });
        }
        self.out
            .push(Event::Html(format!("<h{n} id=\"{id}\">").into()));
        // Its words are counted, its links and images checked, as anywhere else.
        self.write(events, from, end);
        self.out.push(Event::Html(
            format!(
                " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
            )
            .into(),
        ));
        end + 1
    }

    /// A code block whose text starts at `from`, highlighted.
    fn code_block(&mut self, events: &[Event<'e>], from: usize, kind: &CodeBlockKind<'_>) -> usize {
        let end = find_end(events, from, |e| matches!(e, Event::End(TagEnd::CodeBlock)));
        let code: String = events[from..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let language = match kind {
            CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
            CodeBlockKind::Indented => "",
        };
        self.out
            .push(Event::Html(highlight::block(&code, language).into()));
        end + 1
    }

    /// An image whose alt text starts at `from`.
    fn image(&mut self, events: &[Event<'e>], from: usize, src: &str, title: &str) -> usize {
        let end = find_end(events, from, |e| matches!(e, Event::End(TagEnd::Image)));
        let alt = plain(&events[from..end]);
        let tag = image(src, &alt, title, self.settings, &mut self.shown);
        self.out.push(Event::Html(tag.into()));
        end + 1
    }

    /// Any other event: links checked, task markers as symbols, words counted, the first
    /// paragraph's text kept.
    fn event(&mut self, event: Event<'e>) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                // `<ada@example.com>` is an e-mail autolink: its address, to write to.
                let dest_url = match link_type {
                    pulldown_cmark::LinkType::Email => format!("mailto:{dest_url}").into(),
                    _ => dest_url,
                };
                let allowed = is_allowed(&dest_url);
                if allowed {
                    let dest_url = rooted(&dest_url, self.settings.root);
                    let tag = link(&dest_url, &title, self.settings.own_host);
                    self.out.push(Event::Html(tag.into()));
                }
                self.open_links.push(allowed);
            }
            Event::End(TagEnd::Link) => {
                if self.open_links.pop() == Some(true) {
                    self.out.push(Event::Html("</a>".into()));
                }
            }
            Event::TaskListMarker(done) => self.out.push(Event::Html(
                if done {
                    "<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span> "
                } else {
                    "<span class=\"task\" role=\"img\" aria-label=\"to do\">☐</span> "
                }
                .into(),
            )),
            Event::Start(Tag::Paragraph) => {
                self.first_paragraph.get_or_insert(true);
                self.out.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                if self.first_paragraph == Some(true) {
                    self.first_paragraph = Some(false);
                }
                self.out.push(event);
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                self.words += count_words(text);
                if self.first_paragraph == Some(true) {
                    self.lead.push_str(text);
                }
                self.out.push(event);
            }
            Event::SoftBreak if self.first_paragraph == Some(true) => {
                self.lead.push(' ');
                self.out.push(event);
            }
            other => self.out.push(raw_as_text(other, self.settings)),
        }
    }
}

/// `url`, a path from the site's root (`/posts/other/`) made one from `root` (a preview's
/// folder); any other address as it is.
fn rooted(url: &str, root: &str) -> String {
    match url.trim().strip_prefix('/') {
        Some(path) if !path.starts_with('/') => format!("{root}{path}"),
        _ => url.to_owned(),
    }
}

/// The opening `<a>` of an allowed link, `rel="noopener"` when it leaves the site.
fn link(url: &str, title: &str, own_host: Option<&str>) -> String {
    let mut tag = String::from("<a href=\"");
    escape_into(&mut tag, url.trim());
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        escape_into(&mut tag, title);
        tag.push('"');
    }
    if is_external(url, own_host) {
        tag.push_str(" rel=\"noopener\"");
    }
    tag.push('>');
    tag
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
    crate::links::is_allowed_link(url) || crate::links::is_site_path(url)
}

fn is_external(url: &str, own_host: Option<&str>) -> bool {
    crate::links::web_url(url.trim())
        .is_some_and(|u| u.host_str().is_some() && u.host_str() != own_host)
}

/// An `<img>` with lazy loading, and its size when it is one of the post's own files.
fn image(
    src: &str,
    alt: &str,
    title: &str,
    settings: &Settings<'_>,
    shown: &mut BTreeSet<String>,
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
    escape_into(
        &mut tag,
        &published.map_or_else(|| rooted(src, settings.root), String::clone),
    );
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
