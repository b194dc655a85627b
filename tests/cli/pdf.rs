//! resume.pdf, read back with poppler's tools (`pdftotext`, `pdfinfo`, `pdffonts`) as a
//! recruiter's viewer would.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::sample::{SAMPLE, leaves, sample_site};
use crate::support::{TestSite, run};

/// A poppler tool's output for `pdf`.
pub(crate) fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} (Debian poppler-utils, installed by scripts/test): {e}")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text with every run of white space as one space.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `2013-12-01` → `Dec 2013`, as the page and the PDF show dates.
fn short(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match date.get(5..7).and_then(|m| m.parse::<usize>().ok()) {
        Some(month) => format!("{} {}", MONTHS[month - 1], &date[..4]),
        None => date[..4].to_owned(),
    }
}

#[test]
fn the_sample_pdf_has_every_field_its_metadata_embedded_fonts_links_and_the_same_bytes() {
    let site = sample_site();
    let pdf = site.path("out/site/resume.pdf");
    let text = squeezed(&poppler("pdftotext", &[], &pdf));
    let links = poppler("pdfinfo", &["-url"], &pdf);
    let sample: Value = serde_json::from_str(SAMPLE).unwrap();
    let mut fields = Vec::new();
    leaves(&sample, String::new(), &mut fields);
    let mut missing = Vec::new();
    for (path, value) in &fields {
        let key = path.rsplit('.').next().unwrap();
        let found = if path == "$schema" {
            true // describes the file, not the person
        } else if key == "url" || key == "canonical" {
            links.contains(value.as_str())
        } else if key == "network" {
            // A profile shows its address when that names the user, else `Network: username`.
            let url = path.replace(".network", ".url");
            let url = fields
                .iter()
                .find(|(p, _)| *p == url)
                .map(|(_, u)| u.as_str());
            text.contains(&format!("{value}: "))
                || url.is_some_and(|u| text.contains(u.trim_start_matches("https://")))
        } else if [
            "startDate",
            "endDate",
            "date",
            "releaseDate",
            "lastModified",
        ]
        .contains(&key)
        {
            text.contains(&short(value))
        } else {
            text.contains(&squeezed(value))
        };
        if !found {
            missing.push(format!("{path} = {value:?}"));
        }
    }
    assert!(
        missing.is_empty(),
        "not in resume.pdf:\n{}\n\n{text}",
        missing.join("\n")
    );
    assert!(
        links.contains("mailto:richard.hendriks@mail.com"),
        "{links}"
    );
    // Title, organisation, dates: each on its line, in that order.
    assert!(
        text.contains("CEO/President Pied Piper Dec 2013 – Dec 2014 Palo Alto, CA"),
        "{text}"
    );

    let info = poppler("pdfinfo", &[], &pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no {name} in:\n{info}"))
            .trim()
            .to_owned()
    };
    assert!(field("Pages").parse::<u32>().unwrap() <= 2, "{info}");
    assert_eq!(field("Title"), "Richard Hendriks – Resume");
    assert_eq!(field("Author"), "Richard Hendriks");
    assert!(field("Keywords").contains("HTML"), "{info}");
    assert!(
        field("CreationDate").contains("2017"),
        "the resume's date, not the clock: {info}"
    );
    assert!(field("Page size").starts_with("595.")); // A4 for language "en"

    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: `emb` is the 4th column from the end but 3.
        assert_eq!(columns[columns.len() - 5], "yes", "not embedded: {row}");
    }

    // The page links to it, resume.json names it, and the same input gives the same bytes.
    let html = site.html("index.html");
    assert!(
        html.contains("<a href=\"/resume.pdf\" type=\"application/pdf\">Download PDF</a>"),
        "{html}"
    );
    let json: Value = serde_json::from_slice(&site.output()["resume.json"]).unwrap();
    assert_eq!(
        json["meta"]["pdf"],
        "https://richard.example.com/resume.pdf"
    );
    let first = std::fs::read(&pdf).unwrap();
    assert!(site.build(&[]).success());
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        first,
        "a second build changed resume.pdf"
    );

    // The first page as an image, for a person to look at (target/pdf-first-page.png).
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-first-page");
    let shown = run(Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png));
    assert!(shown.success(), "{}", shown.stderr);
}

#[test]
fn a_long_resume_grows_keeps_every_highlight_and_never_parts_a_title_from_its_first_line() {
    let mut yaml = String::from("basics:\n  name: Long Career\n  label: Engineer\nwork:\n");
    for job in 1..=28 {
        yaml.push_str(&format!(
            "  - name: Company {job}\n    position: Role number {job}\n    startDate: {}-01-01\n    endDate: {}-12-31\n    summary: Built and ran the systems of team {job}, from design to operations.\n    highlights:\n      - First result of job {job} that mattered\n      - Second result of job {job}, with numbers\n      - Third result of job {job}, shipped on time\n",
            1990 + job % 30,
            1990 + job % 30
        ));
    }
    let site = TestSite::new();
    site.write("content/resume.yaml", yaml.as_bytes());
    let built = site.build(&[]);
    assert!(built.success(), "{}", built.stderr);
    let pdf = site.path("out/site/resume.pdf");
    let pages: usize = poppler("pdfinfo", &[], &pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages > 2, "{pages} pages for 28 jobs");
    let all = squeezed(&poppler("pdftotext", &[], &pdf));
    for job in 1..=28 {
        for which in [
            "First result of job",
            "Second result of job",
            "Third result of job",
        ] {
            assert!(
                all.contains(&format!("{which} {job}")),
                "{which} {job} lost"
            );
        }
    }
    // Each title is on the page of its entry's first line.
    let page_text: Vec<String> = (1..=pages)
        .map(|n| {
            let n = n.to_string();
            squeezed(&poppler("pdftotext", &["-f", &n, "-l", &n], &pdf))
        })
        .collect();
    for job in 1..=28 {
        let title = format!("Role number {job} ");
        let first = format!("team {job},");
        let title_page = page_text.iter().position(|t| t.contains(&title));
        let first_page = page_text.iter().position(|t| t.contains(&first));
        assert!(title_page.is_some(), "job {job}'s title is missing");
        assert_eq!(
            title_page, first_page,
            "job {job} is parted from its first line"
        );
    }
}

#[test]
fn resume_text_is_printed_as_written_never_run_as_typst() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        "basics:\n  name: \"#import \\\"/data.json\\\": *\"\n  label: \"] #{panic()} [\"\n  summary: \"$x^2$ and #set page(fill: red) and \\\\ #read(\\\"/resume.typ\\\")\"\nskills:\n  - name: \"#let x = 1\"\n    keywords: [\"*bold*\", \"_emph_\", \"<label>\", \"@ref\"]\n"
            .as_bytes(),
    );
    let built = site.build(&[]);
    assert!(built.success(), "{}", built.stderr);
    let text = squeezed(&poppler(
        "pdftotext",
        &[],
        &site.path("out/site/resume.pdf"),
    ));
    for literal in [
        "#import \"/data.json\": *",
        "] #{panic()} [",
        "$x^2$ and #set page(fill: red) and \\ #read(\"/resume.typ\")",
        "#let x = 1",
        "*bold*, _emph_, <label>, @ref",
    ] {
        assert!(
            text.contains(literal),
            "{literal:?} not printed as written in:\n{text}"
        );
    }
}

#[test]
fn a_template_error_is_located_and_the_old_site_kept() {
    let site = sample_site();
    let before = site.output();
    let template = crate::support::starter("templates/resume.typ");
    site.write(
        "templates/resume.typ",
        template
            .replacen(
                "#let r = data.resume",
                "#let r = data.resume\n#let broken = (1 +",
                1,
            )
            .as_bytes(),
    );
    let built = site.build(&[]);
    assert!(!built.success());
    let line = template
        .lines()
        .position(|l| l == "#let r = data.resume")
        .unwrap()
        + 2;
    assert!(
        built
            .stderr
            .contains(&format!("templates/resume.typ:{line}:")),
        "{}",
        built.stderr
    );
    assert_eq!(site.output(), before, "a failed build changed out/site");
}

/// A template is a program: one that takes too much memory or too long is stopped at gen's
/// budget, with a located error, the old site kept; a preview goes on and shows the error. A
/// template that reads outside the theme is told about the theme, not about Typst's options.
#[test]
fn a_template_past_its_memory_or_time_budget_is_stopped_and_located() {
    let site = sample_site();
    let before = site.output();
    let cases = [
        (
            "#range(300000000).len()\n",
            "needed more than 2048 MiB, gen's limit",
        ),
        (
            "#for i in range(100000) { for j in range(100000) { } }\n",
            "took more than 20 s, gen's limit",
        ),
    ];
    for (template, expected) in cases {
        site.write("templates/resume.typ", template.as_bytes());
        let started = std::time::Instant::now();
        let built = site.build(&[]);
        assert_eq!(built.code, Some(1), "{template}: {}", built.stderr);
        assert_contains!(
            built.stderr,
            &format!("templates/resume.typ:1:1: typesetting resume.pdf {expected}")
        );
        assert!(!built.stderr.contains("panicked"), "{}", built.stderr);
        assert!(started.elapsed() < std::time::Duration::from_secs(40));
        assert_eq!(site.output(), before, "{template}: out/site changed");
    }
    site.write("templates/resume.typ", b"#read(\"../../etc/passwd\")\n");
    let built = site.build(&[]);
    assert_eq!(built.code, Some(1), "{}", built.stderr);
    assert_contains!(
        built.stderr,
        "a template reads only the theme's files, in templates/"
    );
    assert!(!built.stderr.contains("--root"), "{}", built.stderr);

    // The preview shows the error and goes on: the next good save is served.
    site.remove("templates/resume.typ");
    let serve = crate::serve::Serve::start(&site, &["--port", "0"]);
    let mut events = serve.events();
    let first = events.expect();
    assert_eq!(first["problems"], serde_json::json!([]));
    site.write("templates/resume.typ", cases[0].0.as_bytes());
    let broken = events.until("a problem", |s| s["problems"] != serde_json::json!([]));
    assert_contains!(
        broken["problems"].to_string(),
        "typesetting resume.pdf needed more than 2048 MiB"
    );
    site.remove("templates/resume.typ");
    let good = events.until("a good build", |s| s["problems"] == serde_json::json!([]));
    assert_eq!(
        good["build"], first["build"],
        "the same site as before: {good}"
    );
    assert!(serve.get("/resume.pdf").body.starts_with("%PDF"));
}

#[test]
fn characters_the_fonts_lack_are_a_located_warning_and_the_pdf_is_still_made() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        "basics:\n  name: Ada Lovelace\n  label: Инженер · Μηχανικός\n  summary: 山田太郎 の 履歴書\n".as_bytes(),
    );
    let built = site.build(&[]);
    assert!(built.success(), "{}", built.stderr);
    assert!(
        built.stderr.contains(
            "content/resume.yaml:4:12: warning: basics.summary: the PDF's fonts cannot show"
        ),
        "{}",
        built.stderr
    );
    assert!(built.stderr.contains("[pdf] fonts"), "{}", built.stderr);
    assert!(
        !built.stderr.contains("basics.label"),
        "Cyrillic and Greek are in the fonts: {}",
        built.stderr
    );
    let text = poppler("pdftotext", &[], &site.path("out/site/resume.pdf"));
    assert!(text.contains("Инженер · Μηχανικός"), "{text}");
    let strict = site.build(&["--strict"]);
    assert!(!strict.success());
    assert!(
        strict.stderr.contains("content/resume.yaml:4:12:"),
        "{}",
        strict.stderr
    );
}

#[test]
fn gen_toml_turns_the_pdf_off_and_sets_its_paper() {
    let site = TestSite::new();
    site.write("gen.toml", b"language = \"en-US\"\n");
    assert!(site.build(&[]).success());
    let pdf = site.path("out/site/resume.pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("612 x 792"), "letter for en-US: {info}");

    site.write("gen.toml", b"[pdf]\npaper = \"a4\"\nmargins = \"1in\"\n");
    assert!(site.build(&[]).success());
    assert!(poppler("pdfinfo", &[], &pdf).contains("595.276 x 841.89"));

    site.write("gen.toml", b"[pdf]\nmargins = \"wide\"\n");
    let bad = site.build(&[]);
    assert!(!bad.success());
    assert!(
        bad.stderr
            .contains("gen.toml:2:11: margins: \"wide\" is not a margin"),
        "{}",
        bad.stderr
    );

    site.write("gen.toml", b"[pdf]\nfonts = [\"fonts/missing.otf\"]\n");
    let bad = site.build(&[]);
    assert!(
        bad.stderr
            .contains("gen.toml:2:11: [pdf] fonts: cannot read fonts/missing.otf"),
        "{}",
        bad.stderr
    );

    site.write("gen.toml", b"[pdf]\nenabled = false\n");
    assert!(site.build(&[]).success());
    assert!(!pdf.exists());
    assert!(!site.html("index.html").contains("resume.pdf"));
}

/// The entries of one folder of gen's cache, with when each was last written.
fn entries(folder: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let mut found: Vec<_> = std::fs::read_dir(folder)
        .map(|dir| {
            dir.map(|e| e.unwrap().path())
                .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
                .map(|path| {
                    let written = std::fs::metadata(&path).unwrap().modified().unwrap();
                    (path, written)
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Sets when `path` was last written to an hour ago, so a later write shows.
fn age(path: &Path) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    file.set_modified(hour_ago).unwrap();
}

/// resume.pdf is kept in gen's cache folder by a hash of everything it is typeset from: a
/// build with nothing changed takes it (the entry is not written again) and writes the same
/// bytes, a damaged entry is typeset again, and an edit typesets a new one.
#[test]
fn a_kept_pdf_is_taken_when_nothing_changed_and_typeset_again_when_damaged_or_edited() {
    let site = TestSite::new();
    assert!(site.build(&[]).success());
    let pdf = std::fs::read(site.path("out/site/resume.pdf")).unwrap();
    let folder = site.cache().join("gen/pdf");
    let kept = entries(&folder);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let entry = &kept[0].0;

    age(entry);
    let aged = entries(&folder);
    std::fs::remove_dir_all(site.path("out")).unwrap();
    assert!(site.build(&[]).success());
    assert_eq!(
        entries(&folder),
        aged,
        "taken, not typeset and written again"
    );
    assert_eq!(
        std::fs::read(site.path("out/site/resume.pdf")).unwrap(),
        pdf
    );

    let mut damaged = std::fs::read(entry).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    std::fs::write(entry, &damaged).unwrap();
    age(entry);
    std::fs::remove_dir_all(site.path("out")).unwrap();
    assert!(site.build(&[]).success());
    assert_eq!(
        std::fs::read(site.path("out/site/resume.pdf")).unwrap(),
        pdf
    );
    let again = entries(&folder);
    assert_eq!(again.len(), 1);
    assert!(
        again[0].1 > aged[0].1,
        "a damaged entry is typeset and written again"
    );
    assert_ne!(std::fs::read(entry).unwrap(), damaged);

    let resume = std::fs::read_to_string(site.path("content/resume.yaml")).unwrap();
    site.write(
        "content/resume.yaml",
        resume.replacen("  name: ", "  name: Dr. ", 1).as_bytes(),
    );
    assert!(site.build(&[]).success());
    assert_eq!(
        entries(&folder).len(),
        2,
        "an edited resume is typeset anew"
    );
    assert_ne!(
        std::fs::read(site.path("out/site/resume.pdf")).unwrap(),
        pdf
    );
}
