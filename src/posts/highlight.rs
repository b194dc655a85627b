//! Code blocks, highlighted at build time: the page needs no script to show them.

use crate::render::markdown::escape_into;

/// `<pre><code>` for a fenced block in `language` (its info string's first word).
pub fn block(code: &str, language: &str) -> String {
    let mut html = String::with_capacity(code.len() + 64);
    html.push_str("<pre><code");
    if !language.is_empty() {
        html.push_str(" class=\"language-");
        escape_into(&mut html, language);
        html.push('"');
    }
    html.push('>');
    escape_into(&mut html, code);
    html.push_str("</code></pre>\n");
    html
}
