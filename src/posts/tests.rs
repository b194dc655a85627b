//! The posts' front matter and Markdown, checked on their own.

use std::collections::BTreeMap;

use super::front::{parse, parse_date};
use super::markdown::{Settings, render, slugify};
use crate::diagnostic::{Diagnostic, SourceFile};

fn post(text: &str) -> SourceFile {
    SourceFile {
        name: "content/posts/oac.md".into(),
        text: text.into(),
    }
}

fn errors(text: &str) -> Vec<String> {
    parse(&post(text))
        .expect_err("should fail")
        .iter()
        .map(Diagnostic::headline)
        .collect()
}

#[test]
fn yaml_and_toml_front_matter() {
    let (front, body) = parse(&post(
        "---\ntitle: Hello\ndate: 2026-11-30\ntags: [aws, rust]\n---\nBody\n",
    ))
    .unwrap();
    assert_eq!(front.title, "Hello");
    assert_eq!(front.date.rfc3339, "2026-11-30T00:00:00Z");
    assert_eq!(front.tags, ["aws", "rust"]);
    assert_eq!(body, 5);
    let (front, _) = parse(&post(
        "+++\ntitle = \"Hello\"\ndate = 2026-11-30T09:30:00+01:00\ndraft = true\n+++\nBody\n",
    ))
    .unwrap();
    assert_eq!(front.date.rfc3339, "2026-11-30T09:30:00+01:00");
    assert_eq!(front.date.day, "2026-11-30");
    assert!(front.draft);
}

#[test]
fn every_problem_is_located_at_once() {
    assert_eq!(
        errors("---\ntitle: Hi\ndate: next week\ndraft: maybe\nslug: Not OK\n---\n"),
        [
            "content/posts/oac.md:3:7: date: \"next week\" is not a date (YYYY-MM-DD, or RFC 3339 such as 2026-11-30T09:00:00Z)",
            "content/posts/oac.md:4:8: draft: expected true or false",
            "content/posts/oac.md:5:7: slug: \"Not OK\" may hold only lower-case letters, digits and `-`",
        ]
    );
    assert_eq!(
        errors("---\ndate: 2026-11-30\ntitel: Hi\n---\n"),
        [
            "content/posts/oac.md:2:1: title is missing: every post needs a title",
            "content/posts/oac.md:3:1: `titel` is not a front matter field; did you mean `title`?",
        ]
    );
}

#[test]
fn dates() {
    for good in [
        "2026-11-30",
        "2026-11-30T09:00:00Z",
        "2026-11-30 09:00+02:00",
        "2026-11-30T09:00:00.5-05:30",
    ] {
        assert!(parse_date(good).is_some(), "{good}");
    }
    for bad in [
        "2026-11",
        "2026-13-01",
        "2026-11-30T25:00Z",
        "2026-11-30T09:00",
        "tomorrow",
        "2026-11-30Z",
    ] {
        assert!(parse_date(bad).is_none(), "{bad}");
    }
}

fn html(markdown: &str) -> String {
    let assets = BTreeMap::new();
    render(
        markdown,
        &Settings {
            assets: &assets,
            fingerprinted: &assets_names(),
            unsafe_html: false,
            own_host: Some("ada.example"),
            root: "/",
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
            root: "/",
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

/// Every link and image meets the one link policy, wherever Markdown puts it: a heading, a
/// table cell, a footnote, a list item, a link reference definition, an autolink.
#[test]
fn no_script_link_or_image_in_any_context() {
    let markdown = "## [x](javascript:alert(1))\n\n\
        ### ![p](javascript:alert(2)) and ![ok](cat.png)\n\n\
        #### <javascript:alert(3)>\n\n\
        ##### [ref][bad] and [good](https://ada.example/)\n\n\
        | [t](javascript:alert(4)) | ![i](javascript:alert(5)) |\n|---|---|\n| <javascript:alert(6)> | b |\n\n\
        - [l](javascript:alert(7))\n- ![li](data:text/html,x)\n\n\
        Note[^1] and [ref][bad].\n\n\
        [^1]: [f](javascript:alert(8)) ![fi](vbscript:x)\n\n\
        [bad]: javascript:alert(9)\n";
    let out = html(markdown);
    // An autolink that is not allowed stays as its text; no attribute takes it.
    for scheme in ["javascript:", "vbscript:", "data:"] {
        assert!(
            !out.contains(&format!("=\"{scheme}")),
            "{scheme} reached an attribute:\n{out}"
        );
    }
    // The four headings' anchors, the footnote's and the one good link.
    assert_eq!(out.matches("href=\"").count(), 6, "{out}");
    // An e-mail autolink writes to its address.
    assert_eq!(
        html("<ada@example.com>"),
        "<p><a href=\"mailto:ada@example.com\">ada@example.com</a></p>\n"
    );
    // What is allowed still is a link or an image, and the headings keep their ids.
    assert!(out.contains("<a href=\"https://ada.example/\""), "{out}");
    assert!(out.contains("<img src=\"cat.png\" alt=\"ok\""), "{out}");
    assert!(out.contains("<h2 id=\"x\">x <a class=\"anchor\""), "{out}");
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
        html("- [x] done\n- [ ] not yet\n")
            .contains("<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span> done")
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
