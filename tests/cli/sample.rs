//! The official JSON Resume sample: every field reaches the page.

use serde_json::Value;

use crate::support::{TestSite, unescape, visible_text};

pub(crate) const SAMPLE: &str = include_str!("../fixtures/sample.resume.json");

/// The official sample, built with a base URL.
pub(crate) fn sample_site() -> TestSite {
    let site = TestSite::new();
    site.write("content/resume.yaml", SAMPLE.as_bytes());
    site.write("gen.toml", b"base_url = \"https://richard.example.com/\"\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    site
}

/// Every string in the sample, with where it came from.
pub(crate) fn leaves(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) if !s.is_empty() => out.push((path, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                leaves(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    },
                    out,
                );
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_of_the_official_sample_is_on_the_page() {
    let site = sample_site();
    let html = site.html("index.html");
    let text = visible_text(&html);
    let raw = unescape(&html);
    let sample: Value = serde_json::from_str(SAMPLE).unwrap();
    let mut fields = Vec::new();
    leaves(&sample, String::new(), &mut fields);
    let mut missing = Vec::new();
    for (path, value) in &fields {
        let key = path.rsplit('.').next().unwrap();
        let found = if path == "$schema" {
            true // describes the file, not the person: kept in resume.json
        } else if key == "url" || key == "canonical" {
            raw.contains(&format!("href=\"{value}\""))
        } else if [
            "startDate",
            "endDate",
            "date",
            "releaseDate",
            "lastModified",
        ]
        .iter()
        .any(|k| key.starts_with(k))
        {
            raw.contains(&format!("datetime=\"{value}\""))
        } else {
            text.contains(value.as_str())
        };
        if !found {
            missing.push(format!("{path} = {value:?}"));
        }
    }
    assert!(
        missing.is_empty(),
        "not on the page:\n{}",
        missing.join("\n")
    );
    // Spot checks of how fields read, in the reader's terms.
    for expected in [
        "Richard Hendriks",
        "Programmer",
        "CEO/President Dec 2013 – Dec 2014 Pied Piper · Palo Alto, CA",
        "Teacher Jan 2012 – Jan 2013 CoderDojo",
        "Bachelor, Information Technology Jun 2011 – Jan 2014 University of Oklahoma · Score: 4.0",
        "Web Development Master HTML CSS Javascript",
        "Digital Compression Pioneer Award Nov 2014 Techcrunch",
        "Miss Direction Aug 2016 Smoogle · application · Team lead, Designer",
        "English Native speaker",
        "Wildlife: Ferrets, Unicorns",
        "2712 Broadway St, San Francisco, California CA 94115, US",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}

#[test]
fn head_has_title_description_canonical_open_graph_and_person() {
    let site = sample_site();
    let html = site.html("index.html");
    assert!(html.contains("<title>Richard Hendriks — Programmer</title>"));
    assert!(html.contains("<meta name=\"description\" content=\"Richard hails from Tulsa."));
    assert!(html.contains("<link rel=\"canonical\" href=\"https://richard.example.com/\">"));
    assert!(html.contains("<meta property=\"og:type\" content=\"profile\">"));
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let person: Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["name"], "Richard Hendriks");
    assert_eq!(
        person["sameAs"][1],
        "https://soundcloud.example.com/dandymusicnl"
    );
}

#[test]
fn site_files_are_all_there() {
    let site = sample_site();
    let files = site.output();
    for name in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "favicon.svg",
        "resume.json",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing from {:?}",
            files.keys()
        );
    }
    assert!(
        site.html("robots.txt")
            .contains("Sitemap: https://richard.example.com/sitemap.xml")
    );
    assert!(
        site.html("sitemap.xml")
            .contains("<loc>https://richard.example.com/</loc>")
    );
    let json: Value = serde_json::from_slice(&files["resume.json"]).unwrap();
    let mut sample: Value = serde_json::from_str(SAMPLE).unwrap();
    // The additions: where the PDF of the same resume is, and its plain text.
    sample["meta"]["pdf"] = "https://richard.example.com/resume.pdf".into();
    sample["meta"]["text"] = "https://richard.example.com/resume.txt".into();
    assert_eq!(
        json, sample,
        "resume.json is the resume as JSON Resume JSON"
    );
    assert!(
        !site.html("index.html").contains("counter."),
        "no counter script without a counter URL"
    );
}

#[test]
fn no_sitemap_without_base_url() {
    let site = TestSite::new();
    site.write("gen.toml", b"");
    assert!(site.build(&[]).success());
    assert!(!site.output().contains_key("sitemap.xml"));
    assert!(!site.html("index.html").contains("rel=\"canonical\""));
}

#[test]
fn rendered_sample_snapshot() {
    let site = sample_site();
    insta::assert_snapshot!("sample_index_html", site.html("index.html"));
    insta::assert_snapshot!("sample_404_html", site.html("404.html"));
}
