//! Markdown in summaries and highlights: inline formatting and safe links only.
//!
//! Raw HTML is shown as text, never passed through, except `<br>` (a line break) and
//! `<a href="…">` (a link, under the same rule as Markdown links). Only http(s), mailto and tel
//! links become links; anything else keeps its text and loses the link.

pub use crate::html::escape_into;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::links;

/// How much structure the output may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Paragraphs and lists (summaries, descriptions).
    Block,
    /// One line of phrasing content (highlights, list items).
    Inline,
}

/// Renders `text` to HTML that is safe to insert in the page.
pub fn to_html(text: &str, flow: Flow) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    // Per open link: whether its `<a>` was written (so the matching end knows to close it).
    let mut open_links: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    let block = flow == Flow::Block;
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) if in_image > 0 => escape_into(&mut out, &t),
            Event::Text(t) => escape_into(&mut out, &t),
            Event::Code(t) => {
                out.push_str("<code>");
                escape_into(&mut out, &t);
                out.push_str("</code>");
            }
            Event::Html(t) | Event::InlineHtml(t) if in_image == 0 => {
                raw_html(&mut out, &t, &mut open_links)
            }
            Event::Html(t) | Event::InlineHtml(t) => escape_into(&mut out, &t),
            Event::SoftBreak => out.push(if block { '\n' } else { ' ' }),
            Event::HardBreak => out.push_str(if block { "<br>" } else { " " }),
            Event::Start(tag) => start(&mut out, tag, block, &mut open_links, &mut in_image),
            Event::End(tag) => {
                if matches!(
                    tag,
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::CodeBlock
                ) {
                    // A raw `<a>` the author never closed ends with its block.
                    close_links(&mut out, &mut open_links);
                }
                end(&mut out, tag, block, &mut open_links, &mut in_image)
            }
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                escape_into(&mut out, &t)
            }
            Event::TaskListMarker(_) | Event::Rule => {}
        }
    }
    out.truncate(out.trim_end().len());
    close_links(&mut out, &mut open_links);
    out
}

fn close_links(out: &mut String, open_links: &mut Vec<bool>) {
    let end = out.trim_end().len();
    let trailing = out.split_off(end);
    for written in open_links.drain(..).rev() {
        if written {
            out.push_str("</a>");
        }
    }
    out.push_str(&trailing);
}

/// A piece of raw HTML: text, or one tag from `<` to `>`.
enum Piece<'a> {
    Text(&'a str),
    Tag(&'a str),
}

fn pieces(html: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        if lt > 0 {
            pieces.push(Piece::Text(&rest[..lt]));
        }
        pieces.push(Piece::Tag(&rest[lt..=lt + gt]));
        rest = &rest[lt + gt + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// Whether a tag is a line break: `<br>`, `<br/>`, `<br />`.
fn is_break(tag: &str) -> bool {
    let inner = tag[1..tag.len() - 1].trim_end_matches('/').trim();
    inner.eq_ignore_ascii_case("br")
}

/// The `href` of an opening `<a …>` tag, unquoted; `None` for any other tag.
fn anchor_href(tag: &str) -> Option<&str> {
    let inner = &tag[1..tag.len() - 1];
    let (name, attributes) = inner.split_once(char::is_whitespace)?;
    if !name.eq_ignore_ascii_case("a") {
        return None;
    }
    let lower = attributes.to_ascii_lowercase();
    let at = lower.find("href")?;
    let value = attributes[at + 4..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    Some(match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split(char::is_whitespace).next()?,
    })
}

/// Raw HTML in text: `<br>` is a line break and `<a href>` a link when its target is allowed
/// (an `<a>` with another target keeps its text); every other tag is shown as text.
fn raw_html(out: &mut String, html: &str, open_links: &mut Vec<bool>) {
    for piece in pieces(html) {
        match piece {
            Piece::Text(text) => escape_into(out, text),
            Piece::Tag(tag) if is_break(tag) => out.push_str("<br>"),
            Piece::Tag(tag) if tag.eq_ignore_ascii_case("</a>") && !open_links.is_empty() => {
                if open_links.pop() == Some(true) {
                    out.push_str("</a>");
                }
            }
            Piece::Tag(tag) => match anchor_href(tag) {
                Some(href) => {
                    let allowed = links::is_allowed_link(href);
                    if allowed {
                        out.push_str("<a href=\"");
                        escape_into(out, href.trim());
                        out.push_str("\">");
                    }
                    open_links.push(allowed);
                }
                None => escape_into(out, tag),
            },
        }
    }
}

fn start(
    out: &mut String,
    tag: Tag<'_>,
    block: bool,
    open_links: &mut Vec<bool>,
    in_image: &mut usize,
) {
    match tag {
        Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) if block => out.push_str("<p>"),
        Tag::List(Some(1)) if block => out.push_str("<ol>"),
        Tag::List(Some(n)) if block => out.push_str(&format!("<ol start=\"{n}\">")),
        Tag::List(None) if block => out.push_str("<ul>"),
        Tag::Item if block => out.push_str("<li>"),
        Tag::Item => out.push(' '),
        Tag::Emphasis => out.push_str("<em>"),
        Tag::Strong => out.push_str("<strong>"),
        Tag::Strikethrough => out.push_str("<s>"),
        Tag::Link { dest_url, .. } => {
            let allowed = *in_image == 0 && links::is_allowed_link(&dest_url);
            if allowed {
                out.push_str("<a href=\"");
                escape_into(out, dest_url.trim());
                out.push_str("\">");
            }
            open_links.push(allowed);
        }
        Tag::Image { .. } => *in_image += 1,
        _ => {}
    }
}

fn end(
    out: &mut String,
    tag: TagEnd,
    block: bool,
    open_links: &mut Vec<bool>,
    in_image: &mut usize,
) {
    match tag {
        TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock if block => {
            out.push_str("</p>\n")
        }
        TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => out.push(' '),
        TagEnd::List(true) if block => out.push_str("</ol>\n"),
        TagEnd::List(false) if block => out.push_str("</ul>\n"),
        TagEnd::Item if block => out.push_str("</li>\n"),
        TagEnd::Emphasis => out.push_str("</em>"),
        TagEnd::Strong => out.push_str("</strong>"),
        TagEnd::Strikethrough => out.push_str("</s>"),
        TagEnd::Link if open_links.pop() == Some(true) => {
            out.push_str("</a>");
        }
        TagEnd::Image => *in_image = in_image.saturating_sub(1),
        _ => {}
    }
}

/// The text of `markdown` without any markup, for meta descriptions and JSON-LD.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Raw HTML: its text; a line break or a link's tag is a space, other tags stay.
            Event::Html(t) | Event::InlineHtml(t) => {
                for piece in pieces(&t) {
                    match piece {
                        Piece::Tag(tag)
                            if is_break(tag)
                                || anchor_href(tag).is_some()
                                || tag.eq_ignore_ascii_case("</a>") =>
                        {
                            out.push(' ')
                        }
                        Piece::Text(text) | Piece::Tag(text) => out.push_str(text),
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_formatting_and_links() {
        assert_eq!(
            to_html(
                "**Led** a *team* with `rust`, see [site](https://example.com)",
                Flow::Inline
            ),
            "<strong>Led</strong> a <em>team</em> with <code>rust</code>, see <a href=\"https://example.com\">site</a>"
        );
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            to_html(
                "<script>alert(1)</script> <b onclick=x>hi</b>",
                Flow::Inline
            ),
            "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x&gt;hi&lt;/b&gt;"
        );
        assert_eq!(
            to_html("<img src=x onerror=alert(1)>", Flow::Block),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
    }

    #[test]
    fn breaks_and_safe_anchors_in_raw_html() {
        let inline = [
            (
                "One<br>two<br/>three<BR />four",
                "One<br>two<br>three<br>four",
            ),
            (
                "See <a href='https://example.com/a?b=1&c=2'>my site</a>.",
                "See <a href=\"https://example.com/a?b=1&amp;c=2\">my site</a>.",
            ),
            ("<a href=\"javascript:alert(1)\">click</a> me", "click me"),
            (
                "<a href=https://x.example onclick=alert(1)>x</a>",
                "<a href=\"https://x.example\">x</a>",
            ),
            (
                "open <a href='https://x.example'>link",
                "open <a href=\"https://x.example\">link</a>",
            ),
            ("stray </a> tag", "stray &lt;/a&gt; tag"),
            ("<a name=x>anchor</a>", "&lt;a name=x&gt;anchor&lt;/a&gt;"),
        ];
        for (markdown, html) in inline {
            assert_eq!(to_html(markdown, Flow::Inline), html, "{markdown}");
        }
        assert_eq!(
            to_html("One <a href='https://x.example'>two\n\nThree", Flow::Block),
            "<p>One <a href=\"https://x.example\">two</a></p>\n<p>Three</p>"
        );
        assert_eq!(
            to_plain_text("One<br>two <a href='https://x.example'>site</a>"),
            "One two site"
        );
    }

    #[test]
    fn unsafe_links_lose_the_link_not_the_text() {
        assert_eq!(
            to_html("[click](javascript:alert(1))", Flow::Inline),
            "click"
        );
        assert_eq!(
            to_html("[x](data:text/html;base64,AAAA)", Flow::Inline),
            "x"
        );
        assert_eq!(to_html("[x](JaVaScRiPt:alert(1))", Flow::Inline), "x");
        assert_eq!(
            to_html("[mail](mailto:a@b.c)", Flow::Inline),
            "<a href=\"mailto:a@b.c\">mail</a>"
        );
        assert_eq!(to_html("![alt](https://x/y.png)", Flow::Inline), "alt");
    }

    #[test]
    fn quotes_in_link_targets_are_escaped() {
        assert_eq!(
            to_html(
                "[x](https://a.example/\"onmouseover=\"alert(1))",
                Flow::Inline
            ),
            "<a href=\"https://a.example/&quot;onmouseover=&quot;alert(1)\">x</a>"
        );
    }

    #[test]
    fn blocks_keep_paragraphs() {
        assert_eq!(
            to_html("One.\n\nTwo.", Flow::Block),
            "<p>One.</p>\n<p>Two.</p>"
        );
        assert_eq!(
            to_plain_text("**One** [two](https://x).\n\nThree"),
            "One two. Three"
        );
    }
}
