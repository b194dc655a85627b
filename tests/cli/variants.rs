//! The resume in several languages (`content/resume.<tag>.yaml`) and tailored versions
//! (`[versions.NAME]` and `tags:`): their pages, links between them, and their mistakes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{TestSite, visible_text};

const VARIANTS_SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/variants-site");

/// The fixture: English, German and Arabic, and two versions (`data` listed).
fn variants_site() -> TestSite {
    let site = TestSite::new();
    site.remove("content/resume.yaml");
    for file in [
        "gen.toml",
        "content/resume.yaml",
        "content/resume.de.yaml",
        "content/resume.ar.yaml",
    ] {
        site.write(
            file,
            &std::fs::read(Path::new(VARIANTS_SITE).join(file)).unwrap(),
        );
    }
    site
}

/// Every `<link rel="alternate" hreflang>` of a page: language → address.
fn alternates(html: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for tag in html.split("<link ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        let attribute = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            Some(tag[start..start + tag[start..].find('"')?].to_owned())
        };
        if let (Some(lang), Some(href)) = (attribute("hreflang"), attribute("href")) {
            found.insert(lang, href);
        }
    }
    found
}

/// The page at an address of the site, as written in out/site.
fn page_at(site: &TestSite, address: &str) -> String {
    let path = address.strip_prefix("https://ada.example/").unwrap();
    site.html(&format!("{path}index.html"))
}

#[test]
fn every_language_and_version_has_its_pages_linked_both_ways() {
    let site = variants_site();
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let files = site.output();
    let pages: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|f| f.ends_with("index.html") || f.ends_with("resume.json"))
        .collect();
    let mut expected = BTreeSet::new();
    for prefix in ["", "de/", "ar/"] {
        for version in ["", "v/backend/", "v/data/"] {
            for file in ["index.html", "resume.json"] {
                expected.insert(format!("{prefix}{version}{file}"));
            }
        }
    }
    assert_eq!(
        pages,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert!(!files.contains_key("de/404.html") && files.contains_key("404.html"));

    // hreflang: every page names itself and each of its languages, which name it back.
    for page in expected.iter().filter(|p| p.ends_with(".html")) {
        let html = site.html(page);
        let set = alternates(&html);
        let own = format!(
            "https://ada.example/{}",
            page.trim_end_matches("index.html")
        );
        assert_eq!(set.len(), 4, "{page}: {set:?}");
        assert!(set.values().any(|href| *href == own), "{page} names itself");
        for (lang, href) in &set {
            let other = page_at(&site, href);
            assert_eq!(alternates(&other), set, "{page} → {lang} {href}");
            if lang != "x-default" {
                assert_contains!(other, &format!("<html lang=\"{lang}\""));
            }
        }
    }
    let main = alternates(&site.html("index.html"));
    assert_eq!(main["x-default"], "https://ada.example/");
    assert_eq!(main["de"], "https://ada.example/de/");
    assert_eq!(
        alternates(&site.html("v/backend/index.html"))["ar"],
        "https://ada.example/ar/v/backend/"
    );

    // German words and content, with the main file's dates, addresses and names.
    let de = site.html("de/index.html");
    let de_text = visible_text(&de);
    for part in [
        "Softwareentwicklerin",
        "Berufserfahrung",
        "Leitende Ingenieurin",
        "Den Abrechnungsdienst in Rust gebaut",
        "Analytical Engines Ltd",
        "ada@ada.example",
        "2021",
        "Schreiben",
    ] {
        assert_contains!(de_text, part);
    }
    assert_contains!(de, "href=\"/de/resume.json\"");
    // The switcher: links to the others, its own language marked.
    assert_contains!(de, "<span aria-current=\"page\" lang=\"de\">Deutsch</span>");
    assert_contains!(de, "<a href=\"/\" hreflang=\"en\" lang=\"en\">English</a>");
    assert_contains!(
        de,
        "<a href=\"/ar/\" hreflang=\"ar\" lang=\"ar\">العربية</a>"
    );
    let ar = site.html("ar/index.html");
    assert_contains!(ar, "<html lang=\"ar\" dir=\"rtl\">");
    assert_contains!(visible_text(&ar), "مهندسة برمجيات");

    // Each version holds exactly the entries and highlights its tags select.
    let shown = |page: &str, parts: &[(&str, bool)]| {
        let text = visible_text(&site.html(page));
        for (part, expected) in parts {
            assert_eq!(text.contains(part), *expected, "{page}: {part:?}");
        }
    };
    let backend = [
        ("Backend Engineer", true),
        ("Analytical Engines Ltd", true),
        ("Cut API latency", true),
        ("Built the billing service", true),
        ("Ran the event pipeline", false),
        ("Numbers & Co", false),
        ("Babbage Consulting", true),
        ("Visitor counter", true),
        ("Weather lake", false),
        ("Rust", true),
        ("SQL", false),
        ("Writing", true),
    ];
    shown("v/backend/index.html", &backend);
    let data = [
        ("Data Engineer", true),
        ("I build data pipelines that people trust.", true),
        ("Analytical Engines Ltd", false),
        ("Numbers & Co", true),
        ("Moved 4 TB of reports to Parquet", true),
        ("Babbage Consulting", true),
        ("Visitor counter", false),
        ("Weather lake", true),
        ("Rust", false),
        ("SQL", true),
    ];
    shown("v/data/index.html", &data);
    shown(
        "de/v/backend/index.html",
        &[
            ("Den Abrechnungsdienst in Rust gebaut", true),
            ("Die Ereignis-Pipeline auf Kafka betrieben", false),
            ("Numbers & Co", false),
        ],
    );
    // The main page shows everything.
    shown(
        "index.html",
        &[("Ran the event pipeline", true), ("Numbers & Co", true)],
    );

    // resume.json stays JSON Resume: highlights as text, no tags.
    let json: serde_json::Value = serde_json::from_slice(&files["v/backend/resume.json"]).unwrap();
    assert_eq!(
        json["work"][0]["highlights"],
        serde_json::json!([
            "Cut API latency by 40 %",
            "Built the billing service in Rust"
        ])
    );
    assert_eq!(json["meta"].get("pdf"), None, "no PDF in this site");
    for (name, bytes) in files.iter().filter(|(f, _)| f.ends_with("resume.json")) {
        assert!(
            !String::from_utf8_lossy(bytes).contains("\"tags\""),
            "{name}"
        );
    }

    // Unlisted versions are not indexed, not in the sitemap and not linked; listed ones are.
    assert_contains!(
        site.html("v/backend/index.html"),
        "<meta name=\"robots\" content=\"noindex\">"
    );
    assert!(!site.html("v/data/index.html").contains("noindex"));
    let sitemap = site.html("sitemap.xml");
    assert_contains!(sitemap, "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    assert_contains!(sitemap, "<loc>https://ada.example/de/</loc>");
    assert_contains!(
        sitemap,
        "<xhtml:link rel=\"alternate\" hreflang=\"ar\" href=\"https://ada.example/ar/\"/>"
    );
    assert_contains!(sitemap, "<loc>https://ada.example/v/data/</loc>");
    assert_contains!(sitemap, "<loc>https://ada.example/ar/v/data/</loc>");
    assert!(!sitemap.contains("v/backend"), "{sitemap}");
    let main_page = site.html("index.html");
    assert_contains!(main_page, "<a href=\"/v/data/\">Data Engineer</a>");
    assert!(!main_page.contains("/v/backend/"));
}

#[test]
fn translation_and_version_mistakes_are_located_warnings_or_errors() {
    let site = variants_site();
    let de = std::fs::read_to_string(site.path("content/resume.de.yaml")).unwrap();
    site.write(
        "content/resume.de.yaml",
        format!("{de}  - name: Extra\nlanguages:\n  - language: Deutsch\n").as_bytes(),
    );
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        format!(
            "{}\n[versions.writing]\nexclude = [\"backend\", \"data\"]\n",
            toml.replace(
                "include = [\"backend\"]",
                "include = [\"backend\", \"frontend\"]",
            )
        )
        .as_bytes(),
    );
    let resume = std::fs::read_to_string(site.path("content/resume.yaml")).unwrap();
    site.write(
        "content/resume.yaml",
        resume
            .replace(
                "  - name: Writing\n",
                "  - name: Writing\n    tags: [bakcend]\n",
            )
            .as_bytes(),
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let lines = |prefix: &str| -> Vec<String> {
        run.stderr
            .lines()
            .filter(|l| l.contains(prefix))
            .map(str::to_owned)
            .collect()
    };
    let de_warnings = lines("content/resume.de.yaml:");
    assert!(
        de_warnings
            .iter()
            .any(|l| l.contains("resume.de.yaml:21:") && l.contains("`skills` has 4 items")),
        "{}",
        run.stderr
    );
    assert!(
        de_warnings.iter().any(|l| l.contains("resume.de.yaml:22:1")
            && l.contains("`languages` is not in the main resume")),
        "{}",
        run.stderr
    );
    assert!(
        lines("gen.toml:")
            .iter()
            .any(|l| l.contains("no entry of the resume is tagged `frontend`")),
        "{}",
        run.stderr
    );
    assert!(
        lines("content/resume.yaml:")
            .iter()
            .any(|l| l.contains("skills[2].tags") && l.contains("`bakcend`")),
        "{}",
        run.stderr
    );
    assert!(
        lines("gen.toml:")
            .iter()
            .any(|l| l.contains("versions.writing leaves `projects` with no entry")),
        "{}",
        run.stderr
    );
    let strict = site.build(&["--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.stderr);

    // A language gen does not translate is an error, and nothing is written.
    let before = site.output();
    site.write("content/resume.xx.yaml", b"basics:\n  label: x\n");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "content/resume.xx.yaml");
    assert_contains!(run.stderr, "`xx` is not a language gen translates");
    assert_eq!(site.output(), before);

    // So is a section a version's order does not know, at its place in gen.toml.
    site.remove("content/resume.xx.yaml");
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        toml.replace(
            r#"order = ["skills", "projects"]"#,
            r#"order = ["skills", "project"]"#,
        )
        .as_bytes(),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let line = toml.lines().position(|l| l.starts_with("order =")).unwrap();
    assert_contains!(run.stderr, format!("gen.toml:{}:20", line + 1));
    assert_contains!(
        run.stderr,
        "versions.data.order: \"project\" is not a section"
    );
    assert_eq!(site.output(), before);
}

/// The `id`s of a page's section headings (`<h2 id>`), in the page's order.
fn headings(html: &str) -> Vec<String> {
    html.split("<h2 id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// A version's `order` puts its sections first, in every language and every theme; the whole
/// resume keeps the theme's order.
#[test]
fn a_version_puts_its_sections_in_its_own_order() {
    let site = variants_site();
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    for theme in ["classic", "compact", "sidebar"] {
        site.write(
            "gen.toml",
            format!("theme = \"{theme}\"\n{toml}").as_bytes(),
        );
        let run = site.build(&[]);
        assert!(run.success(), "{theme}: {}", run.stderr);
        // The sidebar theme keeps skills in its sidebar, beside the main column.
        let (main, wanted): (&[&str], &[&str]) = if theme == "sidebar" {
            (
                &["about", "work", "projects"],
                &["projects", "about", "work"],
            )
        } else {
            (
                &["about", "work", "projects", "skills"],
                &["skills", "projects", "about", "work"],
            )
        };
        let pages = [
            ("", main),
            ("de/", main),
            ("v/backend/", main),
            ("v/data/", wanted),
            ("de/v/data/", wanted),
            ("ar/v/data/", wanted),
        ];
        for (page, order) in pages {
            let found = headings(&site.html(&format!("{page}index.html")));
            let found: Vec<&str> = found
                .iter()
                .map(String::as_str)
                .filter(|h| main.contains(h))
                .collect();
            assert_eq!(found, order, "{theme}: /{page}");
        }
    }
    // A copy of index.html from before `order` keeps the theme's order, and gen says so.
    let classic =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/index.html"))
            .unwrap();
    site.write("gen.toml", toml.as_bytes());
    site.write(
        "templates/index.html",
        classic.replace(" | in_order(site.order)", "").as_bytes(),
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "warning: versions.data.order: templates/index.html keeps the sections in its own order"
    );
    let found = headings(&site.html("v/data/index.html"));
    assert_eq!(found[..4], ["about", "work", "projects", "skills"]);
}

/// A version's resume.pdf holds its entries and no others: read back from the PDF's text.
#[cfg(feature = "pdf")]
#[test]
fn each_version_has_its_own_resume_pdf() {
    let site = variants_site();
    site.remove("content/resume.ar.yaml");
    site.remove("content/resume.de.yaml");
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        toml.replace("enabled = false", "enabled = true").as_bytes(),
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let text = |prefix: &str| site.html(&format!("{prefix}resume.txt"));
    let (main, backend, data) = (text(""), text("v/backend/"), text("v/data/"));
    for part in [
        "Ran the event pipeline",
        "Numbers & Co",
        "Built the billing service",
    ] {
        assert_contains!(main, part);
    }
    assert_contains!(backend, "Built the billing service");
    assert_contains!(backend, "Backend Engineer");
    assert!(!backend.contains("Ran the event pipeline") && !backend.contains("Numbers & Co"));
    assert_contains!(data, "Numbers & Co");
    assert!(!data.contains("Built the billing service"));
    // Its sections in its order, as a machine reads them back (a build warns otherwise).
    let at = |text: &str, heading: &str| {
        text.find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no {heading} in:\n{text}"))
    };
    assert!(
        at(&data, "SKILLS") < at(&data, "PROJECTS")
            && at(&data, "PROJECTS") < at(&data, "EXPERIENCE"),
        "{data}"
    );
    assert!(
        at(&main, "EXPERIENCE") < at(&main, "PROJECTS")
            && at(&main, "PROJECTS") < at(&main, "SKILLS"),
        "{main}"
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_contains!(
        site.html("v/backend/index.html"),
        "href=\"/v/backend/resume.pdf\""
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.html("v/backend/resume.json")).unwrap();
    assert_eq!(
        json["meta"]["pdf"],
        "https://ada.example/v/backend/resume.pdf"
    );
}

/// `gen import --language`: a whole resume in another language becomes a translation of only
/// the fields that differ, which builds that language's page.
#[test]
fn a_resume_in_another_language_is_imported_as_what_differs() {
    let site = variants_site();
    site.remove("content/resume.de.yaml");
    assert!(site.build(&[]).success());
    let mut german: serde_json::Value = serde_json::from_str(&site.html("resume.json")).unwrap();
    german["basics"]["label"] = "Softwareentwicklerin".into();
    german["work"][1]["position"] = "Dateningenieurin".into();
    let file = site.path("resume-de.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&german).unwrap()).unwrap();
    let import = |extra: &[&str]| {
        crate::support::run(
            std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
                .arg("import")
                .arg(&file)
                .arg("--root")
                .arg(site.root())
                .args(extra)
                .env("NO_COLOR", "1"),
        )
    };
    let run = import(&["--language", "de"]);
    assert!(run.success(), "{}", run.stderr);
    let written = std::fs::read_to_string(site.path("content/resume.de.yaml")).unwrap();
    assert_contains!(written, "label: Softwareentwicklerin");
    assert_contains!(written, "position: Dateningenieurin");
    for same in [
        "ada@ada.example",
        "Analytical Engines",
        "2021-03",
        "Staff Engineer",
    ] {
        assert!(
            !written.contains(same),
            "{same} is the main file's:\n{written}"
        );
    }
    let again = import(&["--language", "de"]);
    assert_eq!(again.code, Some(1));
    assert_contains!(again.stderr, "already exists");
    let own = import(&["--language", "en", "--force"]);
    assert_eq!(own.code, Some(1));
    assert_contains!(own.stderr, "the site's own language");
    let unknown = import(&["--language", "xx", "--force"]);
    assert_eq!(unknown.code, Some(1));
    assert_contains!(unknown.stderr, "not a language gen translates");

    let built = site.build(&[]);
    assert!(built.success(), "{}", built.stderr);
    let page = visible_text(&site.html("de/index.html"));
    assert_contains!(page, "Softwareentwicklerin");
    assert_contains!(page, "Dateningenieurin");
    assert_contains!(page, "Staff Engineer");
}

/// Editing one German field republishes and invalidates the German pages it shows on, and
/// nothing else: against moto, the bucket and the distribution as `gen publish` leaves them.
#[test]
fn a_german_edit_publishes_and_invalidates_only_german_paths() {
    use crate::publish::{invalidations, objects, publish, stack};
    let moto = testkit::Moto::start();
    let distribution = stack(&moto);
    let site = variants_site();
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    let before = objects(&moto);
    for key in [
        "de/",
        "de/index.html",
        "ar/v/data/",
        "v/backend/resume.json",
    ] {
        assert!(before.contains_key(key), "{key} not in {:?}", before.keys());
    }

    // A highlight tagged `backend`: on the German page and the German backend version.
    let de = std::fs::read_to_string(site.path("content/resume.de.yaml")).unwrap();
    site.write(
        "content/resume.de.yaml",
        de.replace("Abrechnungsdienst", "Rechnungsdienst")
            .as_bytes(),
    );
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    let expected = [
        "de/",
        "de/index.html",
        "de/resume.json",
        "de/v/backend/",
        "de/v/backend/index.html",
        "de/v/backend/resume.json",
    ];
    let after = objects(&moto);
    let changed: Vec<&str> = after
        .iter()
        .filter(|(key, object)| before.get(*key) != Some(object))
        .map(|(key, _)| key.as_str())
        .collect();
    assert_eq!(changed, expected);
    let mut got = invalidations(&moto, &distribution).pop().unwrap();
    got.sort();
    assert_eq!(got, expected.map(|key| format!("/{key}")));
}
