//! resume.pdf as applicant-tracking systems read it. gen checks its own PDF on every build
//! (`resume.pdf: N pages, F/F fields machine-readable`); these tests read it independently,
//! as such a system does (`testkit::resume_reader`: poppler's `pdftotext -layout`, then lines →
//! sections → entries, anchored on each entry's date line, with the title and the
//! organisation on the two lines above it). It must recover the name, the email, the phone and
//! every job.

use std::path::Path;

use serde_json::Value;

use testkit::resume_reader::{ENGLISH_HEADINGS, Reading, expected_jobs, read, same_text};

use crate::pdf::poppler;
use crate::sample::SAMPLE;
use crate::support::{Run, TestSite};

const LENIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lenient");

/// gen's own check, from its output: pages, fields read and fields in all.
fn machine_readable(run: &Run) -> (usize, usize, usize) {
    let line = run
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("read resume.pdf: "))
        .unwrap_or_else(|| panic!("no resume.pdf line in:\n{}", run.stderr));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

/// Everything the reader and gen's check must agree on, for one built site.
fn assert_reads_right(
    case: &str,
    site: &TestSite,
    run: &Run,
    headings: &[String],
    experience: &str,
) -> (Reading, String) {
    assert!(run.success(), "{case}: {}", run.stderr);
    let (pages, found, total) = machine_readable(run);
    assert!(pages >= 1, "{case}: {}", run.stderr);
    assert_eq!(found, total, "{case}: {}", run.stderr);
    assert!(
        !run.stderr.contains("resume.pdf's text"),
        "{case}: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("not PDF/UA-1"),
        "{case}: {}",
        run.stderr
    );
    let pdf = site.path("out/site/resume.pdf");
    let text = poppler("pdftotext", &["-layout"], &pdf);
    assert!(
        !text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)),
        "{case}: a ligature code point in the PDF's text:\n{text}"
    );
    let resume: Value =
        serde_json::from_slice(&std::fs::read(site.path("out/site/resume.json")).unwrap()).unwrap();
    let reading = read(&text, headings, experience);
    let basics = &resume["basics"];
    if let Some(name) = basics["name"].as_str().filter(|n| !n.trim().is_empty()) {
        assert_eq!(reading.name, name.trim(), "{case}: the first line:\n{text}");
    }
    if let Some(email) = basics["email"].as_str().filter(|e| !e.is_empty()) {
        assert_eq!(reading.email.as_deref(), Some(email), "{case}:\n{text}");
    }
    if let Some(phone) = basics["phone"].as_str().filter(|p| !p.is_empty()) {
        assert_eq!(reading.phone.as_deref(), Some(phone), "{case}:\n{text}");
    }
    let expected: Vec<_> = expected_jobs(&resume);
    let dated: Vec<_> = expected
        .iter()
        .filter(|(title, org, dates)| !title.is_empty() && !org.is_empty() && !dates.is_empty())
        .cloned()
        .collect();
    if dated.len() == expected.len() && experience.starts_with("EXPERIENCE") {
        assert_eq!(reading.jobs, dated, "{case}: the jobs as read:\n{text}");
    }
    // Every section the resume has, headed in the template's order.
    let has = |key: &str| match &resume[key] {
        Value::Array(items) => !items.is_empty(),
        Value::String(text) => !text.trim().is_empty(),
        _ => false,
    };
    let mut sections = Vec::new();
    if resume["basics"]["summary"]
        .as_str()
        .is_some_and(|s| !s.trim().is_empty())
    {
        sections.push("SUMMARY");
    }
    for (key, heading) in [
        ("work", "EXPERIENCE"),
        ("projects", "PROJECTS"),
        ("skills", "SKILLS"),
        ("education", "EDUCATION"),
        ("volunteer", "VOLUNTEERING"),
    ] {
        if has(key) {
            sections.push(heading);
        }
    }
    match (has("awards"), has("certificates")) {
        (true, true) => sections.push("AWARDS AND CERTIFICATES"),
        (true, false) => sections.push("AWARDS"),
        (false, true) => sections.push("CERTIFICATES"),
        (false, false) => {}
    }
    for (key, heading) in [
        ("publications", "PUBLICATIONS"),
        ("languages", "LANGUAGES"),
        ("interests", "INTERESTS"),
        ("references", "REFERENCES"),
    ] {
        if has(key) {
            sections.push(heading);
        }
    }
    if headings.iter().any(|h| h == "SUMMARY") {
        assert_eq!(
            reading.headings, sections,
            "{case}: the headings as read:\n{text}"
        );
    }
    (reading, text)
}

fn english_headings() -> Vec<String> {
    ENGLISH_HEADINGS.iter().map(|h| h.to_string()).collect()
}

#[test]
fn the_official_sample_reads_right_to_gen_and_to_an_independent_reader() {
    let site = TestSite::new();
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    let run = site.build(&[]);
    let headings = english_headings();
    let (reading, _) = assert_reads_right("sample", &site, &run, &headings, "EXPERIENCE");
    // Written out here, as a recruiter's system must find them.
    assert_eq!(reading.name, "Richard Hendriks");
    assert_eq!(reading.email.as_deref(), Some("richard.hendriks@mail.com"));
    assert_eq!(reading.phone.as_deref(), Some("(912) 555-4321"));
    assert_eq!(
        reading.jobs,
        [(
            "CEO/President".to_owned(),
            "Pied Piper".to_owned(),
            "Dec 2013 – Dec 2014".to_owned()
        )]
    );
    assert_eq!(
        reading.headings,
        [
            "SUMMARY",
            "EXPERIENCE",
            "PROJECTS",
            "SKILLS",
            "EDUCATION",
            "VOLUNTEERING",
            "AWARDS",
            "PUBLICATIONS",
            "LANGUAGES",
            "INTERESTS",
            "REFERENCES"
        ]
    );
    let (pages, found, total) = machine_readable(&run);
    assert_eq!((pages, found), (2, total));

    // Tagged for assistive technology and text extraction, and archival: PDF/UA-1 with
    // PDF/A-2a, as its XMP metadata declares.
    let pdf = std::fs::read(site.path("out/site/resume.pdf")).unwrap();
    let xmp = String::from_utf8_lossy(&pdf);
    assert_contains!(xmp, "<pdfuaid:part>1</pdfuaid:part>");
    assert_contains!(xmp, "<pdfaid:part>2</pdfaid:part>");
    assert_contains!(xmp, "<pdfaid:conformance>A</pdfaid:conformance>");

    // resume.txt: the same content as plain text, in the same order, linked beside the PDF.
    let plain = std::fs::read_to_string(site.path("out/site/resume.txt")).unwrap();
    assert!(
        plain.starts_with(
            "Richard Hendriks\nProgrammer\n2712 Broadway St, San Francisco, California CA 94115, US | richard.hendriks@mail.com | (912) 555-4321 | richardhendricks.example.com | Twitter: neutralthoughts | soundcloud.example.com/dandymusicnl\n\nSUMMARY\nRichard hails from Tulsa."
        ),
        "{plain}"
    );
    assert_contains!(
        plain,
        "\nEXPERIENCE\n\nCEO/President\nPied Piper\nDec 2013 – Dec 2014\nPalo Alto, CA\nAwesome compression company\nPied Piper is a multi-platform"
    );
    assert_contains!(plain, "\n- Successfully won Techcrunch Disrupt\n");
    assert_contains!(
        plain,
        "\nSKILLS\nWeb Development (Master): HTML, CSS, Javascript\nCompression (Master): Mpeg, MP4, GIF\n"
    );
    assert!(
        plain.ends_with("\nUpdated Dec 2017 · Version v1.0.0\n"),
        "{plain}"
    );
    assert_contains!(
        site.html("index.html"),
        "<a href=\"/resume.txt\" type=\"text/plain\">Plain text</a>"
    );
}

#[test]
fn every_lenient_fixture_that_builds_a_pdf_reads_right() {
    let mut dirs: Vec<_> = std::fs::read_dir(LENIENT)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let headings = english_headings();
    let mut checked = 0;
    for dir in &dirs {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let resume = ["resume.yaml", "resume.json"]
            .iter()
            .find_map(|f| std::fs::read(dir.join(f)).ok())
            .unwrap();
        let site = TestSite::new();
        site.write("content/resume.yaml", &resume);
        let run = site.build(&[]);
        if !run.success() || !site.path("out/site/resume.pdf").is_file() {
            continue;
        }
        assert_reads_right(&case, &site, &run, &headings, "EXPERIENCE");
        checked += 1;
    }
    assert!(checked >= 45, "only {checked} fixtures built a PDF");
}

#[test]
fn a_long_history_keeps_every_job_in_order_across_pages() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        &std::fs::read(Path::new(LENIENT).join("long-history/resume.yaml")).unwrap(),
    );
    let run = site.build(&[]);
    let (reading, text) = assert_reads_right(
        "long-history",
        &site,
        &run,
        &english_headings(),
        "EXPERIENCE",
    );
    assert_eq!(reading.jobs.len(), 28, "{text}");
    assert_eq!(
        reading.jobs[27],
        (
            "Engineer".to_owned(),
            "Company 27".to_owned(),
            "Jan 2013 – Present".to_owned()
        )
    );
    let (pages, _, _) = machine_readable(&run);
    assert!(pages >= 2, "{}", run.stderr);
}

/// A section heading of `language` as the PDF shows it: its label in upper case.
fn headings_of(language: &str) -> Vec<String> {
    let path = format!(
        "{}/src/locale/labels/{language}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let labels: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    [
        "summary",
        "work",
        "projects",
        "skills",
        "education",
        "volunteer",
        "awards",
        "certificates",
        "awards_and_certificates",
        "publications",
        "languages",
        "interests",
        "references",
    ]
    .iter()
    .map(|key| labels[*key].as_str().unwrap().to_uppercase())
    .collect()
}

#[test]
fn the_sample_reads_right_in_german_russian_japanese_and_arabic() {
    // The job's dates as CLDR writes them in each language.
    let cases = [
        ("de", None, "Dez. 2013 – Dez. 2014"),
        ("ru", None, "дек. 2013 г. – дек. 2014 г."),
        (
            "ja",
            Some("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
            "2013年12月～2014年12月",
        ),
        (
            "ar",
            Some("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
            "ديسمبر 2013 – ديسمبر 2014",
        ),
    ];
    for (language, font, dates) in cases {
        let site = TestSite::new();
        site.write("content/resume.yaml", SAMPLE.as_bytes());
        let mut settings = format!("language = \"{language}\"\n");
        if let Some(font) = font {
            // Debian's fonts-ipafont-gothic and fonts-dejavu-core, installed by scripts/test.
            let bytes = std::fs::read(font).unwrap_or_else(|e| panic!("{font}: {e}"));
            site.write("fonts/script.ttf", &bytes);
            settings.push_str("[pdf]\nfonts = [\"fonts/script.ttf\"]\n");
        }
        site.write("gen.toml", settings.as_bytes());
        let run = site.build(&[]);
        assert!(run.success(), "{language}: {}", run.stderr);
        assert!(
            !run.stderr.contains("warning"),
            "{language}: {}",
            run.stderr
        );
        let (_, found, total) = machine_readable(&run);
        assert_eq!(found, total, "{language}: {}", run.stderr);

        let headings = headings_of(language);
        let text = poppler("pdftotext", &["-layout"], &site.path("out/site/resume.pdf"));
        let reading = read(&text, &headings, &headings[1]);
        assert_eq!(reading.name, "Richard Hendriks", "{language}:\n{text}");
        assert_eq!(
            reading.email.as_deref(),
            Some("richard.hendriks@mail.com"),
            "{language}"
        );
        assert_eq!(
            reading.phone.as_deref(),
            Some("(912) 555-4321"),
            "{language}:\n{text}"
        );
        // Summary, experience, projects, skills, education: each found as a heading, in order.
        assert_eq!(reading.headings[..5], headings[..5], "{language}:\n{text}");
        assert_eq!(reading.jobs.len(), 1, "{language}:\n{text}");
        let (title, org, read_dates) = &reading.jobs[0];
        assert_eq!(
            (title.as_str(), org.as_str()),
            ("CEO/President", "Pied Piper"),
            "{language}"
        );
        assert!(
            same_text(read_dates, dates),
            "{language}: {read_dates:?} is not {dates:?}"
        );
        assert!(
            !text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)),
            "{language}: a ligature code point:\n{text}"
        );
    }
}

/// The sample built with the built-in template changed by `edit` (pairs of text to find and
/// its replacement) and `files` beside it; the build's warnings, and whether `--strict` left
/// the previous out/site as it was.
fn restyled(resume: &str, edit: &[(&str, &str)], files: &[(&str, &str)]) -> (String, bool) {
    let mut template = include_str!("../../templates/resume.typ").to_owned();
    for (find, replace) in edit {
        assert!(template.contains(find), "the template has no {find:?}");
        template = template.replacen(find, replace, 1);
    }
    let site = TestSite::new();
    site.write("content/resume.yaml", resume.as_bytes());
    assert!(site.build(&[]).success());
    let before = site.output();
    site.write("templates/resume.typ", template.as_bytes());
    for (path, text) in files {
        site.write(path, text.as_bytes());
    }
    let strict = site.build(&["--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.stderr);
    let kept = site.output() == before;
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    (run.stderr, kept)
}

#[test]
fn a_template_that_draws_the_name_as_an_image_is_told_where_the_name_is() {
    let (stderr, kept) = restyled(
        SAMPLE,
        &[(
            r#"#heading(level: 1, bookmarked: false, outlined: false)[#text(22pt, weight: "bold", if name == none { t.resume } else { name })]"#,
            r#"#image("/name.svg", height: 22pt)"#,
        )],
        &[(
            "templates/name.svg",
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="24"><path d="M0 0h200v24H0z"/></svg>"#,
        )],
    );
    assert!(kept, "--strict changed out/site");
    // An image without alternative text: no PDF/UA-1, and the build says why.
    assert_contains!(
        stderr,
        "templates/resume.typ:1:1: warning: resume.pdf is tagged but not PDF/UA-1"
    );
    assert_contains!(
        stderr,
        "content/resume.yaml:4:13: warning: basics.name: \"Richard Hendriks\" is not found in resume.pdf's text: the template hides it or draws it as a graphic"
    );
}

#[test]
fn a_template_with_contact_details_only_in_the_footer_is_told_they_are_missed() {
    let resume = "basics:\n  name: Ada Lovelace\n  email: ada@example.com\n  phone: +44 20 7946 0000\nwork:\n  - name: Analytical Engines\n    position: Programmer\n    startDate: 1842-01\n";
    let (stderr, kept) = restyled(
        resume,
        &[
            (
                "#show link: set text(fill: accent)",
                "#show link: set text(fill: accent)\n#set page(footer: text(8pt)[#b.email | #b.phone])",
            ),
            (
                "#block(above: 0.7em, text(9.5pt, contact.join(text(fill: luma(150))[ | ])))",
                "",
            ),
        ],
        &[],
    );
    assert!(kept, "--strict changed out/site");
    assert_contains!(
        stderr,
        "content/resume.yaml:3:10: warning: basics.email: \"ada@example.com\" is in resume.pdf's text, but not on page 1 between the name and the first section: parsers look for contact details there (a header, a footer or a link's address is missed)"
    );
    assert_contains!(
        stderr,
        "content/resume.yaml:4:10: warning: basics.phone: \"+44 20 7946 0000\" is in resume.pdf's text, but not on page 1"
    );
    assert_contains!(
        stderr,
        "read resume.pdf: 1 page, 5/7 fields machine-readable"
    );
}

#[test]
fn a_template_that_hides_an_organisation_is_told_which_one() {
    let (stderr, kept) = restyled(
        SAMPLE,
        &[(
            r#"org: if named { linked(field(w, "url"), w.name) },"#,
            "org: none,",
        )],
        &[],
    );
    assert!(kept, "--strict changed out/site");
    assert_contains!(
        stderr,
        "content/resume.yaml:33:15: warning: work[0].name: \"Pied Piper\" is in resume.pdf's text, but not after \"CEO/President\" where it belongs"
    );
    assert_contains!(
        stderr,
        "read resume.pdf: 2 pages, 82/83 fields machine-readable"
    );
}
