//! The page in the resume's language: headings, dates, "Present", the counter's words and the
//! 404 page from gen's translations, `lang` and `dir` on the page, and `[labels]` overrides.

use crate::sample::SAMPLE;
use crate::support::{TestSite, visible_text};

/// Every language gen translates, with the page's writing direction.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "ltr"),
    ("de", "ltr"),
    ("fr", "ltr"),
    ("es", "ltr"),
    ("pt", "ltr"),
    ("it", "ltr"),
    ("nl", "ltr"),
    ("pl", "ltr"),
    ("ru", "ltr"),
    ("uk", "ltr"),
    ("zh-Hans", "ltr"),
    ("ja", "ltr"),
    ("ko", "ltr"),
    ("ar", "rtl"),
    ("he", "rtl"),
];

/// The official sample built with `language`, its counter at a loopback address.
fn built(language: &str, more: &str) -> TestSite {
    let site = TestSite::new();
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    site.write(
        "gen.toml",
        format!("language = \"{language}\"\n{more}\n[pdf]\nenabled = false\n").as_bytes(),
    );
    let run = site.build(&["--counter-url", "http://127.0.0.1:9/visits"]);
    assert!(run.success(), "{language}: {}", run.stderr);
    site
}

/// The visible text of `html` between each `open` and the next `close` after it.
fn texts(html: &str, open: &str, close: &str) -> Vec<String> {
    html.match_indices(open)
        .map(|(start, _)| {
            let end = html[start..].find(close).unwrap() + start + close.len();
            visible_text(&format!("<body>{}</body>", &html[start..end]))
        })
        .collect()
}

/// What a reader sees in each place gen writes words or dates: the `<html>` tag, the skip
/// link, section headings, each entry's dates, the counter, the footer and the 404 page.
fn words_and_dates(site: &TestSite) -> String {
    let html = site.html("index.html");
    let mut out = vec![
        html.lines()
            .find(|l| l.starts_with("<html"))
            .unwrap()
            .to_owned(),
    ];
    out.extend(
        texts(&html, "<a class=\"skip\"", "</a>")
            .into_iter()
            .map(|t| format!("skip: {t}")),
    );
    out.extend(
        texts(&html, "<h2", "</h2>")
            .into_iter()
            .map(|t| format!("h2: {t}")),
    );
    let pair = &html[html.find("class=\"pair\"").unwrap()..];
    out.extend(
        texts(pair, "<h3>", "</h3>")
            .into_iter()
            .map(|t| format!("h3: {t}")),
    );
    out.extend(
        texts(&html, "<p class=\"when\">", "</p>")
            .into_iter()
            .map(|t| format!("when: {t}")),
    );
    let visits = html.find("<p class=\"visits\"").unwrap();
    let visits = &html[visits..];
    out.push(visits[..visits.find("</p>").unwrap() + 4].to_owned());
    out.extend(
        texts(&html, "<footer", "</footer>")
            .into_iter()
            .map(|t| format!("footer: {t}")),
    );
    out.push(format!("404: {}", visible_text(&site.html("404.html"))));
    out.join("\n")
}

#[test]
fn every_language_gets_its_words_dates_and_direction() {
    for (language, dir) in LANGUAGES {
        let site = built(language, "");
        let summary = words_and_dates(&site);
        assert!(
            summary.starts_with(&format!("<html lang=\"{language}\" dir=\"{dir}\">")),
            "{summary}"
        );
        if *language != "en" {
            for english in [
                "Experience",
                "Education",
                "Present",
                "0 visits",
                "Page not found",
            ] {
                assert!(
                    !summary.contains(english),
                    "{language}: {english:?} in\n{summary}"
                );
            }
        }
        insta::assert_snapshot!(format!("language_{language}"), summary);
    }
}

#[test]
fn a_region_or_script_subtag_finds_the_translation_and_stays_on_the_page() {
    let site = built("pt-BR", "");
    let html = site.html("index.html");
    assert_contains!(html, "<html lang=\"pt-BR\" dir=\"ltr\">");
    assert_contains!(html, ">Experiência</h2>");
    let site = built("zh-CN", "");
    assert_contains!(site.html("index.html"), ">工作经历</h2>");
}

#[test]
fn a_language_gen_does_not_translate_keeps_its_tag_and_direction_with_english_words() {
    let site = built("fa", "");
    let html = site.html("index.html");
    assert_contains!(html, "<html lang=\"fa\" dir=\"rtl\">");
    assert_contains!(html, ">Experience</h2>");
}

#[test]
fn labels_override_one_word_at_a_time() {
    let site = built(
        "de",
        "[labels]\nwork = \"Beruflicher Werdegang\"\npresent = \"jetzt\"\n",
    );
    let html = site.html("index.html");
    assert_contains!(html, "<h2 id=\"work\">Beruflicher Werdegang</h2>");
    assert_contains!(html, "<h2 id=\"education\">Ausbildung</h2>");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.path("out/site/resume.json")).unwrap()).unwrap();
    assert!(json["work"].is_array());
}

#[test]
fn an_unknown_label_is_a_located_error_naming_the_labels() {
    let site = TestSite::new();
    site.write(
        "gen.toml",
        b"language = \"de\"\n\n[labels]\nwork = \"Werdegang\"\nexperince = \"x\"\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "gen.toml:5:1");
    assert_contains!(run.stderr, "labels: \"experince\" is not a label");
    assert_contains!(run.stderr, "work, ");
    assert!(!site.path("out/site").exists());
}

#[test]
fn the_pdf_speaks_the_page_language() {
    let site = TestSite::new();
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    site.write("gen.toml", b"language = \"de\"\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    // Headings are set in capitals.
    let text =
        crate::pdf::poppler("pdftotext", &[], &site.path("out/site/resume.pdf")).to_lowercase();
    for words in ["berufserfahrung", "ausbildung", "dez. 2013"] {
        assert_contains!(text, words);
    }
    assert!(!text.contains("experience"), "{text}");
}

#[test]
fn a_language_the_pdf_fonts_lack_builds_with_a_warning_at_its_setting() {
    let site = TestSite::new();
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    site.write("gen.toml", b"# Japanese\nlanguage = \"ja\"\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "gen.toml:2:1");
    assert_contains!(
        run.stderr,
        "the PDF's fonts cannot show this language's headings"
    );
    assert!(site.path("out/site/resume.pdf").is_file());
    assert_contains!(site.html("index.html"), ">職歴</h2>");
}
