//! Code blocks, highlighted at build time with tree-sitter: the page needs no script, and a
//! handful of short classes (styled for light and dark in the theme) keep it small. Rust,
//! HCL (Terraform), YAML, shell and JSON are highlighted; other languages are shown plain.

use std::sync::OnceLock;

use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

use crate::html::escape_into;

/// The highlight names gen styles, in order, with the class each gets. Capture names match
/// by prefix (`keyword.control` is a `keyword`).
const CLASSES: &[(&str, &str)] = &[
    ("comment", "c"),
    ("keyword", "k"),
    ("string", "s"),
    ("escape", "s"),
    ("number", "n"),
    ("constant", "n"),
    ("boolean", "n"),
    ("function", "f"),
    ("type", "t"),
    ("constructor", "t"),
    ("property", "p"),
    ("attribute", "p"),
    ("label", "p"),
    ("variable.builtin", "k"),
];

const HCL_HIGHLIGHTS: &str = include_str!("hcl-highlights.scm");

/// One configuration per language, made on first use.
struct Languages {
    rust: OnceLock<Option<HighlightConfiguration>>,
    hcl: OnceLock<Option<HighlightConfiguration>>,
    yaml: OnceLock<Option<HighlightConfiguration>>,
    bash: OnceLock<Option<HighlightConfiguration>>,
    json: OnceLock<Option<HighlightConfiguration>>,
}

static LANGUAGES: Languages = Languages {
    rust: OnceLock::new(),
    hcl: OnceLock::new(),
    yaml: OnceLock::new(),
    bash: OnceLock::new(),
    json: OnceLock::new(),
};

fn configure(
    language: tree_sitter_language::LanguageFn,
    name: &str,
    highlights: &str,
) -> Option<HighlightConfiguration> {
    let mut config = HighlightConfiguration::new(language.into(), name, highlights, "", "").ok()?;
    let names: Vec<&str> = CLASSES.iter().map(|(name, _)| *name).collect();
    config.configure(&names);
    Some(config)
}

/// The configuration for a fence's language name, if gen highlights it.
fn language(name: &str) -> Option<&'static HighlightConfiguration> {
    let (cell, make): (_, fn() -> Option<HighlightConfiguration>) =
        match name.to_ascii_lowercase().as_str() {
            "rust" | "rs" => (&LANGUAGES.rust, || {
                configure(
                    tree_sitter_rust::LANGUAGE,
                    "rust",
                    tree_sitter_rust::HIGHLIGHTS_QUERY,
                )
            }),
            "hcl" | "terraform" | "tf" | "tfvars" => (&LANGUAGES.hcl, || {
                configure(tree_sitter_hcl::LANGUAGE, "hcl", HCL_HIGHLIGHTS)
            }),
            "yaml" | "yml" => (&LANGUAGES.yaml, || {
                configure(
                    tree_sitter_yaml::LANGUAGE,
                    "yaml",
                    tree_sitter_yaml::HIGHLIGHTS_QUERY,
                )
            }),
            "sh" | "bash" | "shell" | "console" | "zsh" => (&LANGUAGES.bash, || {
                configure(
                    tree_sitter_bash::LANGUAGE,
                    "bash",
                    tree_sitter_bash::HIGHLIGHT_QUERY,
                )
            }),
            "json" => (&LANGUAGES.json, || {
                configure(
                    tree_sitter_json::LANGUAGE,
                    "json",
                    tree_sitter_json::HIGHLIGHTS_QUERY,
                )
            }),
            _ => return None,
        };
    cell.get_or_init(make).as_ref()
}

/// `<pre><code>` for a fenced block in `language` (its info string's first word),
/// highlighted when gen knows the language.
pub fn block(code: &str, language_name: &str) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    // Focusable, so a block wider than the page can be scrolled from the keyboard.
    html.push_str("<pre tabindex=\"0\"><code");
    if !language_name.is_empty() {
        html.push_str(" class=\"language-");
        escape_into(&mut html, language_name);
        html.push('"');
    }
    html.push('>');
    match language(language_name).and_then(|config| highlighted(code, config)) {
        Some(spans) => html.push_str(&spans),
        None => escape_into(&mut html, code),
    }
    html.push_str("</code></pre>\n");
    html
}

fn highlighted(code: &str, config: &HighlightConfiguration) -> Option<String> {
    let attributes: Vec<String> = CLASSES
        .iter()
        .map(|(_, class)| format!("class=\"{class}\""))
        .collect();
    // One highlighter (a parser and its query cursors) for each thread, used block after block:
    // making one is as slow as highlighting a short block.
    thread_local! {
        static HIGHLIGHTER: std::cell::RefCell<Highlighter> = std::cell::RefCell::new(Highlighter::new());
    }
    let html = HIGHLIGHTER.with(|highlighter| {
        let mut highlighter = highlighter.try_borrow_mut().ok()?;
        let events = highlighter
            .highlight(config, code.as_bytes(), None, |_| None)
            .ok()?;
        let mut renderer = HtmlRenderer::new();
        renderer
            .render(events, code.as_bytes(), &|highlight, out: &mut Vec<u8>| {
                if let Some(attribute) = attributes.get(highlight.0) {
                    out.extend_from_slice(attribute.as_bytes());
                }
            })
            .ok()?;
        Some(renderer.html)
    })?;
    let mut html = String::from_utf8(html).ok()?;
    // The renderer ends every line with a newline; the code may not.
    if !code.ends_with('\n') && html.ends_with('\n') {
        html.pop();
    }
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_is_highlighted_and_escaped() {
        let rust = block("fn main() { let s = \"<b>\"; } // done\n", "rust");
        assert!(
            rust.starts_with("<pre tabindex=\"0\"><code class=\"language-rust\">"),
            "{rust}"
        );
        assert!(rust.contains("<span class=\"k\">fn</span>"), "{rust}");
        assert!(
            rust.contains("<span class=\"s\">&quot;&lt;b&gt;&quot;</span>"),
            "{rust}"
        );
        assert!(rust.contains("<span class=\"c\">// done</span>"), "{rust}");
        let hcl = block(
            "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"x\" # b\n  count  = 1\n}\n",
            "hcl",
        );
        assert!(hcl.contains("<span class=\"k\">resource</span>"), "{hcl}");
        assert!(hcl.contains("<span class=\"p\">bucket</span>"), "{hcl}");
        assert!(hcl.contains("<span class=\"n\">1</span>"), "{hcl}");
        assert!(hcl.contains("<span class=\"c\"># b</span>"), "{hcl}");
        for (code, language) in [
            ("a: 1 # c\n", "yaml"),
            ("echo \"hi\" # c\n", "sh"),
            ("{\"a\": true}\n", "json"),
        ] {
            let html = block(code, language);
            assert!(html.contains("<span class="), "{language}: {html}");
        }
        assert_eq!(
            block("<x> & y", "cobol"),
            "<pre tabindex=\"0\"><code class=\"language-cobol\">&lt;x&gt; &amp; y</code></pre>\n"
        );
    }
}
