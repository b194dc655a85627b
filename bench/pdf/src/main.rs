//! resume.pdf's machine-readability check, measured (run by `bench/pdf.sh`):
//!
//! - `pdf-bench cost GEN SITE`: the check alone (resume.pdf's text extracted and every field
//!   looked for), timed in process, next to `gen build` of SITE in a new process with
//!   resume.pdf and without it (the PDF's time, as a user waits for it).
//! - `pdf-bench fields NAME=SITE...`: for each built site, how many of the fields an
//!   applicant-tracking system fills in (name, email, phone, each job's title, organisation
//!   and dates) the structural reader of the tests recovers from its resume.pdf.

// A bench that cannot go on stops with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use resume_gen::input::{Input, RenderOptions};
use resume_gen::render::PdfReader;
use testkit::resume_reader::{ENGLISH_HEADINGS, read, recovered};

const RUNS: usize = 30;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("cost") if args.len() == 3 => cost(Path::new(&args[1]), Path::new(&args[2])),
        Some("fields") => fields(&args[1..]),
        _ => bail!("usage: pdf-bench cost GEN SITE | pdf-bench fields NAME=SITE..."),
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

/// The median wall time of `gen build` of `site` in a new process, as a user runs it.
fn build_time(binary: &Path, site: &Path) -> Duration {
    median(|| {
        let status = Command::new(binary)
            .arg("build")
            .arg("--root")
            .arg(site)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    })
}

fn cost(binary: &Path, site: &Path) -> Result<()> {
    let input = Input::read(site)?;
    let built = input.render(&RenderOptions::default())?;
    let pdf = built
        .site
        .get("resume.pdf")
        .context("the site builds no resume.pdf")?
        .bytes
        .clone();
    let reader = PdfReader::new(&input.sources, &input.config)?;
    let start = Instant::now();
    let (readability, warnings) = reader.read(&pdf);
    let first = start.elapsed();
    let check = median(|| {
        reader.read(&pdf);
    });
    println!(
        "{} ({} warnings)",
        readability.context("the PDF's text could not be read")?,
        warnings.len()
    );

    // The same site without resume.pdf, for the PDF's share of a build.
    let settings = site.join("gen.toml");
    let kept = std::fs::read_to_string(&settings)?;
    let with = build_time(binary, site);
    std::fs::write(&settings, format!("{kept}\n[pdf]\nenabled = false\n"))?;
    let without = build_time(binary, site);
    std::fs::write(&settings, kept)?;
    let pdf_time = with.saturating_sub(without);
    let typeset = pdf_time.saturating_sub(check);
    println!(
        "gen build (new process), median of {RUNS}: {:.1} ms with resume.pdf and its check, {:.1} ms without resume.pdf",
        ms(with),
        ms(without)
    );
    println!(
        "resume.pdf: {:.1} ms, of which the check {:.2} ms (median of {RUNS}; {:.2} ms the first time) and typesetting and export {:.1} ms",
        ms(pdf_time),
        ms(check),
        ms(first),
        ms(typeset)
    );
    println!(
        "the check costs {:.1} % of resume.pdf's typesetting (limits: under 10 ms and under 25 %)",
        100.0 * check.as_secs_f64() / typeset.as_secs_f64()
    );
    Ok(())
}

fn fields(sites: &[String]) -> Result<()> {
    // The built-in template before the check headed the summary ABOUT.
    let headings: Vec<String> = std::iter::once("ABOUT")
        .chain(ENGLISH_HEADINGS.iter().copied())
        .map(String::from)
        .collect();
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
