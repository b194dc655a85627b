//! The visitor counter over HTTP: found in the page, asked for CORS preflights, read and counted.

use anyhow::{Context, Result, anyhow, bail};
use hyper::{Method, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::Outcome;
use crate::https::{Http, origin};

/// The counter's address, from the page's `data-endpoint`, made absolute.
pub(super) fn counter_endpoint(site: &Uri, page: &[u8]) -> Option<Uri> {
    let page = std::str::from_utf8(page).ok()?;
    let start = page.find("data-endpoint=\"")? + "data-endpoint=\"".len();
    let end = start + page[start..].find('"')?;
    let value = page[start..end].replace("&amp;", "&");
    if value.starts_with('/') {
        format!("{}{value}", origin(site)).parse().ok()
    } else {
        value.parse().ok()
    }
}

/// A CORS preflight for a `POST` from `origin`: answered (`allowed`) or refused.
pub(super) async fn preflight(
    http: &Http,
    counter: &Uri,
    origin: &str,
    allowed: bool,
) -> (Outcome, String) {
    let headers = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
    ];
    let answer = match http.send(Method::OPTIONS, counter, &headers).await {
        Ok(answer) => answer,
        Err(e) => return (Outcome::Fail, format!("{counter} did not answer: {e:#}")),
    };
    let allow = answer
        .headers
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok());
    let lets_in = allow.is_some_and(|a| a == "*" || a == origin);
    match (allowed, lets_in) {
        (true, true) if answer.status.is_success() => (
            Outcome::Pass,
            format!("a preflight from {origin} is allowed"),
        ),
        (true, _) => (
            Outcome::Fail,
            format!(
                "a preflight from the site's origin {origin} answered {} with access-control-allow-origin {allow:?}: browsers will not show the count",
                answer.status
            ),
        ),
        (false, false) => (
            Outcome::Pass,
            format!("a preflight from another origin ({origin}) is refused"),
        ),
        (false, true) => (
            Outcome::Fail,
            format!(
                "a preflight from another origin ({origin}) is allowed (access-control-allow-origin: {}): any site can count visits",
                allow.unwrap_or_default()
            ),
        ),
    }
}

/// One `POST` adds exactly one visit, and a `GET` reads without adding.
pub(super) async fn count_check(http: &Http, counter: &Uri, path: &str) -> (Outcome, String) {
    let counts = async {
        let before = read_count(http, counter, path, Method::GET).await?;
        let posted = read_count(http, counter, path, Method::POST).await?;
        let after = read_count(http, counter, path, Method::GET).await?;
        Ok::<_, anyhow::Error>((before, posted, after))
    };
    match counts.await {
        Err(e) => (Outcome::Fail, format!("{e:#}")),
        Ok((before, posted, after)) if posted == before + 1 && after == posted => (
            Outcome::Pass,
            format!("{counter}: POST {before} -> {posted}, then GET {after}"),
        ),
        Ok((before, posted, after)) => (
            Outcome::Fail,
            format!(
                "{counter}: GET {before}, POST {posted}, GET {after}; expected {before}, {}, {} (a real visit at the same moment does this too: run gen check again)",
                before + 1,
                before + 1
            ),
        ),
    }
}

/// The count the counter answers to `method` for the page at `path`.
pub(super) async fn read_count(
    http: &Http,
    counter: &Uri,
    path: &str,
    method: Method,
) -> Result<u64> {
    let separator = if counter.query().is_some() { '&' } else { '?' };
    let uri: Uri = format!("{counter}{separator}path={}", query_escape(path))
        .parse()
        .with_context(|| format!("the counter's address {counter}"))?;
    let answer = http
        .send(method.clone(), &uri, &[])
        .await
        .with_context(|| format!("{method} {uri}"))?;
    if !answer.status.is_success() {
        bail!(
            "{method} {uri} answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body).trim()
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&answer.body)
        .map_err(|e| anyhow!("{method} {uri} answered something that is not JSON: {e}"))?;
    json.get("count")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| anyhow!("{method} {uri} answered {json}, without a count"))
}

/// What a page path keeps as it is in a query string: `/` and the unreserved characters.
const QUERY_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A page path in a query string: `/` and unreserved characters as they are, the rest
/// percent-encoded (UTF-8).
pub(super) fn query_escape(path: &str) -> String {
    utf8_percent_encode(path, QUERY_PATH).to_string()
}
