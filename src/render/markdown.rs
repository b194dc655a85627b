//! Markdown in summaries and highlights: inline formatting and safe links only.
//!
//! Raw HTML is shown as text, never passed through, and only http(s), mailto and tel links
//! become links; anything else keeps its text and loses the link.

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
            Event::Html(t) | Event::InlineHtml(t) => escape_into(&mut out, &t),
            Event::SoftBreak => out.push(if block { '\n' } else { ' ' }),
            Event::HardBreak => out.push_str(if block { "<br>" } else { " " }),
            Event::Start(tag) => start(&mut out, tag, block, &mut open_links, &mut in_image),
            Event::End(tag) => end(&mut out, tag, block, &mut open_links, &mut in_image),
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                escape_into(&mut out, &t)
            }
            Event::TaskListMarker(_) | Event::Rule => {}
        }
    }
    out.truncate(out.trim_end().len());
    out
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

/// Escapes text for HTML content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The text of `markdown` without any markup, for meta descriptions and JSON-LD.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
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
