//! `gen check`: a smoke test of the live site, as a visitor's browser meets it. Each check is
//! one line, PASS, FAIL or SKIP, printed as it finishes:
//!
//! - the page answers 200 over HTTPS and is this build's page (its build id, see
//!   [`crate::build_id`], is the one of the home page the site's sources render to, and the
//!   page is intact);
//! - plain `http://` redirects to `https://`;
//! - the security headers are there (HSTS of a year or more, CSP, `nosniff`, a referrer
//!   policy);
//! - an unknown path answers 404 with the site's own 404 page;
//! - the visitor counter answers a CORS preflight from the site's origin and not from
//!   another one, and one `POST` raises the count by exactly 1 while a `GET` only reads it;
//! - or, for the live counter (a `wss://` endpoint), one socket reads the count and a visit
//!   from a second socket is pushed to the first, raised by exactly 1.

use anyhow::{Result, anyhow, bail};
use hyper::{Method, StatusCode, Uri};
use url::Url;

use crate::build_id;
use crate::https::{Http, Response, origin};
use counter_http::{count_check, counter_endpoint, preflight, read_count};
use counter_live::live_check;
use headers::header_checks;

mod counter_http;
mod counter_live;
mod headers;
#[cfg(test)]
mod tests;

/// An origin that is not the site's, for the counter's CORS check.
const OTHER_ORIGIN: &str = "https://gen-check.invalid";

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// Not applicable to this site (no counter), or not asked for (`--no-count`).
    Skip,
}

/// One check's result, as printed: `PASS page: …`.
#[derive(Debug, Clone)]
pub struct Line {
    pub outcome: Outcome,
    pub name: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = match self.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        };
        write!(f, "{word} {}: {}", self.name, self.detail)
    }
}

/// What the live site should be: this build's files, rendered in memory.
#[derive(Debug)]
pub struct Expected {
    /// The build id of the home page, or why there is none.
    pub build_id: Result<String, String>,
    /// The build's 404.html, when it has one.
    pub not_found_page: Option<Vec<u8>>,
    /// The resume's page in each of the site's other languages: its path (`de/`) and bytes.
    pub languages: Vec<(String, Vec<u8>)>,
}

/// Runs every check of `site` (an `https://` address), handing each line to `report` as it
/// finishes; all the lines.
pub async fn run(
    site: &Uri,
    expected: &Expected,
    count: bool,
    report: &mut dyn FnMut(&Line),
) -> Result<Vec<Line>> {
    let http = Http::new()?;
    let mut lines = Vec::new();
    let mut say = |outcome, name, detail: String| {
        let line = Line {
            outcome,
            name,
            detail,
        };
        report(&line);
        lines.push(line);
    };

    let page = match http.send(Method::GET, site, &[]).await {
        Ok(page) => page,
        Err(e) => {
            say(
                Outcome::Fail,
                "page",
                format!("{site} did not answer: {e:#}"),
            );
            return Ok(lines);
        }
    };
    let (outcome, detail) = page_check(site, &page, expected);
    say(outcome, "page", detail);
    for (name, (outcome, detail)) in header_checks(&page.headers) {
        say(outcome, name, detail);
    }

    for (path, bytes) in &expected.languages {
        let (outcome, detail) = language_check(&http, site, path, bytes).await;
        say(outcome, "language", detail);
    }

    let (outcome, detail) = redirect_check(&http, site).await;
    say(outcome, "redirect", detail);

    let (outcome, detail) = not_found_check(&http, site, expected).await;
    say(outcome, "404", detail);

    let Some(counter) = counter_endpoint(site, &page.body) else {
        say(
            Outcome::Skip,
            "counter",
            "the page has no visitor counter".into(),
        );
        return Ok(lines);
    };
    if matches!(counter.scheme_str(), Some("ws" | "wss")) {
        let (outcome, detail) = live_check(&http, &counter, site.path(), count).await;
        say(outcome, "counter", detail);
        return Ok(lines);
    }
    let origin = origin(site);
    if origin != self::origin(&counter) {
        let (outcome, detail) = preflight(&http, &counter, &origin, true).await;
        say(outcome, "counter CORS", detail);
    }
    let (outcome, detail) = preflight(&http, &counter, OTHER_ORIGIN, false).await;
    say(outcome, "counter CORS", detail);
    let (outcome, detail) = if count {
        count_check(&http, &counter, site.path()).await
    } else {
        match read_count(&http, &counter, site.path(), Method::GET).await {
            Ok(n) => (
                Outcome::Skip,
                format!("reads {n} at {counter}; no visit counted (--no-count)"),
            ),
            Err(e) => (Outcome::Fail, format!("{e:#}")),
        }
    };
    say(outcome, "counter", detail);
    Ok(lines)
}

/// The page answered 200 and is this build's, intact.
fn page_check(site: &Uri, page: &Response, expected: &Expected) -> (Outcome, String) {
    if page.status != StatusCode::OK {
        return (
            Outcome::Fail,
            format!("{site} answered {}, not 200", page.status),
        );
    }
    let live = match build_id::read(&page.body) {
        None => {
            return (
                Outcome::Fail,
                format!(
                    "{site} answered 200 with a page without a build id (<meta name=\"generator\" content=\"gen … build …\">): an older gen built it, or the theme's templates/_base.html leaves out {{{{ site.generator }}}}"
                ),
            );
        }
        Some(stamp) => stamp,
    };
    if !live.intact {
        return (
            Outcome::Fail,
            format!(
                "{site} answered 200, but the page is not what build {} wrote: something between the bucket and the browser changed it",
                live.id
            ),
        );
    }
    match &expected.build_id {
        Ok(id) if *id == live.id => (
            Outcome::Pass,
            format!("{site} answered 200 with this build's page (build {id})"),
        ),
        Ok(id) => (
            Outcome::Fail,
            format!(
                "{site} serves build {}, but this site's sources build {id}: publish this build (gen deploy or gen publish); if you just did, CloudFront may still be invalidating, so try again in a minute",
                live.id
            ),
        ),
        Err(why) => (
            Outcome::Fail,
            format!(
                "{site} serves build {}, and there is no local build to compare it with: {why}",
                live.id
            ),
        ),
    }
}

/// The resume's page in another language answers 200 with this build's bytes.
async fn language_check(http: &Http, site: &Uri, path: &str, bytes: &[u8]) -> (Outcome, String) {
    let page = match join(site, path) {
        Ok(page) => page,
        Err(e) => return (Outcome::Fail, format!("{e:#}")),
    };
    match http.send(Method::GET, &page, &[]).await {
        Ok(answer) if answer.status != StatusCode::OK => (
            Outcome::Fail,
            format!(
                "{page} answered {}, not 200: publish this build (gen deploy or gen publish)",
                answer.status
            ),
        ),
        Ok(answer) if answer.body != bytes => (
            Outcome::Fail,
            format!(
                "{page} answered 200, but not with this build's page: publish this build (gen deploy or gen publish), or wait a minute for CloudFront"
            ),
        ),
        Ok(_) => (
            Outcome::Pass,
            format!("{page} answered 200 with this build's page"),
        ),
        Err(e) => (Outcome::Fail, format!("{page} did not answer: {e:#}")),
    }
}

/// `http://` (same host and port) answers with a redirect to the `https://` address.
async fn redirect_check(http: &Http, site: &Uri) -> (Outcome, String) {
    let Ok(plain) = with_scheme(site, "http") else {
        return (Outcome::Fail, format!("{site} has no host"));
    };
    let answer = match http.send(Method::GET, &plain, &[]).await {
        Ok(answer) => answer,
        Err(e) => return (Outcome::Fail, format!("{plain} did not answer: {e:#}")),
    };
    let location = answer
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secure = site.to_string();
    if answer.status.is_redirection() && location == secure {
        (
            Outcome::Pass,
            format!("{plain} answered {} to {location}", answer.status),
        )
    } else if answer.status.is_redirection() {
        (
            Outcome::Fail,
            format!(
                "{plain} answered {} to {location:?}, not to {secure}",
                answer.status
            ),
        )
    } else {
        (
            Outcome::Fail,
            format!(
                "{plain} answered {}, not a redirect to {secure}: the site is readable unencrypted (CloudFront's viewer protocol policy should be redirect-to-https)",
                answer.status
            ),
        )
    }
}

/// A path that is no page answers 404 with the site's own 404 page.
async fn not_found_check(http: &Http, site: &Uri, expected: &Expected) -> (Outcome, String) {
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let Ok(missing) = join(site, &format!("gen-check-{nonce:x}/")) else {
        return (Outcome::Fail, format!("{site} has no host"));
    };
    let answer = match http.send(Method::GET, &missing, &[]).await {
        Ok(answer) => answer,
        Err(e) => return (Outcome::Fail, format!("{missing} did not answer: {e:#}")),
    };
    if answer.status != StatusCode::NOT_FOUND {
        return (
            Outcome::Fail,
            format!(
                "{missing} answered {}, not 404: search engines would index missing pages",
                answer.status
            ),
        );
    }
    match &expected.not_found_page {
        Some(page) if answer.body != page.as_slice() => (
            Outcome::Fail,
            format!("{missing} answered 404, but not with this build's 404.html"),
        ),
        Some(_) => (
            Outcome::Pass,
            format!("{missing} answered 404 with the site's 404 page"),
        ),
        None => (
            Outcome::Pass,
            format!("{missing} answered 404 (this build has no 404.html to compare with)"),
        ),
    }
}

/// `uri` with another scheme: the same host, port and path, no query.
fn with_scheme(uri: &Uri, scheme: &str) -> Result<Uri> {
    let authority = uri.authority().ok_or_else(|| anyhow!("no host"))?;
    Ok(format!("{scheme}://{authority}{}", uri.path()).parse()?)
}

/// `relative` (no leading slash) under the site's folder, resolved as a link in the page is;
/// the origin stays as the user wrote it, as every other line shows it.
fn join(site: &Uri, relative: &str) -> Result<Uri> {
    let joined = Url::parse(&site.to_string())?.join(relative)?;
    Ok(format!("{}{}", origin(site), joined.path()).parse()?)
}

/// The address `gen check` checks, from what the user typed: `https://`, with a host.
pub fn site_address(text: &str) -> Result<Uri> {
    let uri: Uri = text
        .parse()
        .map_err(|e| anyhow!("{text:?} is not a web address: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("https"), Some(_)) => {}
        (Some("http"), Some(_)) => bail!(
            "gen check checks the site over HTTPS, as visitors see it: use https:// (it checks that http:// redirects there)"
        ),
        _ => bail!("{text:?} is not an https:// address of a site"),
    }
    if uri.path().is_empty() || uri.path() == "/" {
        return Ok(format!("{}/", origin(&uri)).parse()?);
    }
    Ok(uri)
}
