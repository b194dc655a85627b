//! resume.pdf's machine-readability check, measured (run by `bench/pdf.sh`):
//!
//! - `pdf-bench cost SITE`: the median time, over many renders in memory, of a build of SITE
//!   with resume.pdf, of the same build without it, and of the check alone (the PDF's text
//!   extracted and every field looked for), in release.
//! - `pdf-bench fields NAME=SITE...`: for each built site, how many of the fields an
//!   applicant-tracking system fills in (name, email, phone, each job's title, organisation
//!   and dates) the structural reader of the tests recovers from its resume.pdf.

// A bench that cannot go on stops with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use resume_gen::build::{Input, RenderOptions};
use resume_gen::render::PdfReader;
use testkit::resume_reader::{read, recovered};

const RUNS: usize = 30;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("cost") if args.len() == 2 => cost(Path::new(&args[1])),
        Some("fields") => fields(&args[1..]),
        _ => bail!("usage: pdf-bench cost SITE | pdf-bench fields NAME=SITE..."),
    }
}

/// The median of `RUNS` timed calls of `work`, after one to warm up.
fn median(mut work: impl FnMut()) -> Duration {
    work();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn cost(site: &Path) -> Result<()> {
    let input = Input::read(site)?;
    let options = RenderOptions::default();
    let built = input.render(&options)?;
    let pdf = built
        .site
        .get("resume.pdf")
        .context("the site builds no resume.pdf")?
        .bytes
        .clone();
    let with = median(|| {
        input.render(&options).unwrap();
    });
    let mut without_pdf = Input::read(site)?;
    without_pdf.config.pdf.enabled = false;
    let page_only = median(|| {
        without_pdf.render(&options).unwrap();
    });
    let reader = PdfReader::new(&input.sources, &input.config)?;
    let (readability, warnings) = reader.read(&pdf);
    let check = median(|| {
        reader.read(&pdf);
    });
    let pdf_time = with.saturating_sub(page_only);
    println!(
        "{} ({} warnings)",
        readability.context("the PDF's text could not be read")?,
        warnings.len()
    );
    println!(
        "build in memory, median of {RUNS}: {:.1} ms with the check, {:.1} ms without it",
        ms(with),
        ms(with.saturating_sub(check))
    );
    println!(
        "resume.pdf (typesetting, export, check): {:.1} ms; the page without it: {:.1} ms",
        ms(pdf_time),
        ms(page_only)
    );
    println!(
        "the check (text extraction + matching): {:.2} ms = {:.1} % of resume.pdf's time (limits: 10 ms, 25 %)",
        ms(check),
        100.0 * check.as_secs_f64() / pdf_time.saturating_sub(check).as_secs_f64()
    );
    Ok(())
}

/// English section headings, as the built-in template shows them (before: as it showed them).
const HEADINGS: &[&str] = &[
    "ABOUT",
    "SUMMARY",
    "EXPERIENCE",
    "PROJECTS",
    "SKILLS",
    "EDUCATION",
    "VOLUNTEERING",
    "AWARDS AND CERTIFICATES",
    "AWARDS",
    "CERTIFICATES",
    "PUBLICATIONS",
    "LANGUAGES",
    "INTERESTS",
    "REFERENCES",
];

fn fields(sites: &[String]) -> Result<()> {
    let headings: Vec<String> = HEADINGS.iter().map(|h| h.to_string()).collect();
    let (mut found, mut total) = (0, 0);
    for named in sites {
        let (name, site) = named.split_once('=').context("NAME=SITE")?;
        let out = Path::new(site).join("out/site");
        let text = Command::new("pdftotext")
            .arg("-layout")
            .arg(out.join("resume.pdf"))
            .arg("-")
            .output()
            .context("pdftotext (poppler-utils)")?;
        let text = String::from_utf8_lossy(&text.stdout);
        let resume: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("resume.json"))?)?;
        let (f, t) = recovered(&read(&text, &headings, "EXPERIENCE"), &resume);
        println!("{name:<32} {f:>3}/{t:<3}");
        found += f;
        total += t;
    }
    println!(
        "{:<32} {found:>3}/{total:<3} ({:.0} %)",
        "all",
        100.0 * found as f64 / total.max(1) as f64
    );
    Ok(())
}
