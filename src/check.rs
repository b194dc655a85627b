//! `gen check`: a smoke test of the live site, as a visitor's browser meets it. Each check is
//! one line, PASS, FAIL or SKIP, printed as it finishes:
//!
//! - the page answers 200 over HTTPS and is this build's page (its build id, see
//!   [`crate::build_id`], is the one in out/site/index.html, and the page is intact);
//! - plain `http://` redirects to `https://`;
//! - the security headers are there (HSTS of a year or more, CSP, `nosniff`, a referrer
//!   policy);
//! - an unknown path answers 404 with the site's own 404 page;
//! - the visitor counter answers a CORS preflight from the site's origin and not from
//!   another one, and one `POST` raises the count by exactly 1 while a `GET` only reads it;
//! - or, for the live counter (a `wss://` endpoint), one socket reads the count and a visit
//!   from a second socket is pushed to the first, raised by exactly 1.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderMap, HeaderName};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::build_id;

/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(20);
/// The largest answer read: a page, a 404 page or a count.
const MAX_BODY: usize = 8 << 20;
/// An origin that is not the site's, for the counter's CORS check.
const OTHER_ORIGIN: &str = "https://gen-check.invalid";
/// HSTS shorter than this (a year, in seconds) is a FAIL.
const MIN_HSTS_AGE: u64 = 31_536_000;

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

/// What the live site should be: this build's files.
#[derive(Debug)]
pub struct Expected {
    /// The build id of out/site/index.html, or why there is none.
    pub build_id: Result<String, String>,
    /// out/site/404.html, when the build has one.
    pub not_found_page: Option<Vec<u8>>,
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
                "{site} serves build {}, but out/site has build {id}: publish this build (gen deploy or gen publish); if you just did, CloudFront may still be invalidating, so try again in a minute",
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

/// The security headers on the page's answer.
fn header_checks(headers: &HeaderMap) -> Vec<(&'static str, (Outcome, String))> {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let missing = |name: &str| {
        (
            Outcome::Fail,
            format!("no {name} header on the page (the stack's response headers policy sets it)"),
        )
    };
    let hsts = match value("strict-transport-security") {
        None => missing("strict-transport-security"),
        Some(v) => match max_age(v) {
            Some(age) if age >= MIN_HSTS_AGE => (Outcome::Pass, v.to_owned()),
            _ => (
                Outcome::Fail,
                format!("{v:?}: max-age must be at least {MIN_HSTS_AGE} (a year)"),
            ),
        },
    };
    let csp = match value("content-security-policy") {
        None => missing("content-security-policy"),
        Some(v) if v.contains("default-src") => (Outcome::Pass, short(v)),
        Some(v) => (
            Outcome::Fail,
            format!(
                "{:?} has no default-src: anything not listed is allowed",
                short(v)
            ),
        ),
    };
    let nosniff = match value("x-content-type-options") {
        None => missing("x-content-type-options"),
        Some(v) if v.eq_ignore_ascii_case("nosniff") => (Outcome::Pass, v.to_owned()),
        Some(v) => (Outcome::Fail, format!("{v:?}, not nosniff")),
    };
    let referrer = match value("referrer-policy") {
        None => missing("referrer-policy"),
        Some(v) if v.eq_ignore_ascii_case("unsafe-url") => (
            Outcome::Fail,
            "unsafe-url sends full addresses to every site the page links to".to_owned(),
        ),
        Some(v) => (Outcome::Pass, v.to_owned()),
    };
    vec![
        ("HSTS", hsts),
        ("CSP", csp),
        ("X-Content-Type-Options", nosniff),
        ("Referrer-Policy", referrer),
    ]
}

/// HSTS's `max-age`, in seconds.
fn max_age(hsts: &str) -> Option<u64> {
    hsts.split(';').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| value.trim().trim_matches('"').parse().ok())?
    })
}

/// A long header value, cut for one line.
fn short(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
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
            format!("{missing} answered 404, but not with out/site/404.html"),
        ),
        Some(_) => (
            Outcome::Pass,
            format!("{missing} answered 404 with the site's 404 page"),
        ),
        None => (
            Outcome::Pass,
            format!("{missing} answered 404 (out/site has no 404.html to compare with)"),
        ),
    }
}

/// The counter's address, from the page's `data-endpoint`, made absolute.
fn counter_endpoint(site: &Uri, page: &[u8]) -> Option<Uri> {
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
async fn preflight(http: &Http, counter: &Uri, origin: &str, allowed: bool) -> (Outcome, String) {
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
async fn count_check(http: &Http, counter: &Uri, path: &str) -> (Outcome, String) {
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

/// How long a pushed count may take: the stream's batching window, the broadcast function's
/// start and its post, with room for a cold start.
const PUSH_TIMEOUT: Duration = Duration::from_secs(20);

type Socket = tokio_tungstenite::WebSocketStream<hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>>;

/// The live counter: a socket following the page reads its count; with `count`, a second
/// socket's visit must reach the first as a pushed count, one more, as the second one reads.
async fn live_check(http: &Http, counter: &Uri, path: &str, count: bool) -> (Outcome, String) {
    let result = async {
        let mut follower = open_socket(http, counter, path, false).await?;
        let before = read_live(&mut follower, path, true).await?;
        if !count {
            return Ok::<_, anyhow::Error>((
                Outcome::Skip,
                format!("reads {before} at {counter}; no visit counted (--no-count)"),
            ));
        }
        let started = std::time::Instant::now();
        let mut visitor = open_socket(http, counter, path, true).await?;
        let pushed = tokio::time::timeout(PUSH_TIMEOUT, read_live(&mut follower, path, false))
            .await
            .map_err(|_| {
                anyhow!(
                    "{counter}: a visit from a second socket was not pushed to the first within {} s \
                     (the stream, the broadcast function or its permission to post)",
                    PUSH_TIMEOUT.as_secs()
                )
            })??;
        let waited = started.elapsed().as_millis();
        let after = read_live(&mut visitor, path, true).await?;
        let _ = follower.close(None).await;
        let _ = visitor.close(None).await;
        Ok(if pushed == before + 1 && after == before + 1 {
            (
                Outcome::Pass,
                format!(
                    "{counter}: read {before}; a second socket's visit was pushed to the first as {pushed} in {waited} ms"
                ),
            )
        } else {
            (
                Outcome::Fail,
                format!(
                    "{counter}: read {before}, pushed {pushed}, read {after}; expected {}, {0} (a real visit at the same moment does this too: run gen check again)",
                    before + 1
                ),
            )
        })
    };
    match tokio::time::timeout(PUSH_TIMEOUT + TIMEOUT, result).await {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => (Outcome::Fail, format!("{e:#}")),
        Err(_) => (
            Outcome::Fail,
            format!("{counter} did not finish its checks in time"),
        ),
    }
}

/// Opens a WebSocket to the live counter for the page at `path`, counting a visit when
/// `visit` is set.
async fn open_socket(http: &Http, counter: &Uri, path: &str, visit: bool) -> Result<Socket> {
    use tokio_tungstenite::tungstenite::handshake::client::generate_key;
    use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
    use tokio_tungstenite::tungstenite::protocol::Role;

    let scheme = match counter.scheme_str() {
        Some("wss") => "https",
        _ => "http",
    };
    let authority = counter
        .authority()
        .with_context(|| format!("the counter's address {counter} has no host"))?;
    let separator = if counter.query().is_some() { '&' } else { '?' };
    let uri: Uri = format!(
        "{scheme}://{authority}{}{separator}path={}{}",
        counter.path_and_query().map_or("/", |p| p.as_str()),
        query_escape(path),
        if visit { "&visit=1" } else { "" }
    )
    .parse()
    .with_context(|| format!("the counter's address {counter}"))?;
    let key = generate_key();
    let request = Request::get(uri)
        .header(
            "user-agent",
            concat!("gen-check/", env!("CARGO_PKG_VERSION")),
        )
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", &key)
        .body(Full::new(Bytes::new()))?;
    let response = tokio::time::timeout(TIMEOUT, http.client.request(request))
        .await
        .map_err(|_| anyhow!("{counter} did not answer within {} s", TIMEOUT.as_secs()))?
        .with_context(|| format!("{counter} did not answer"))?;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        bail!(
            "{counter} answered {} instead of opening a WebSocket",
            response.status()
        );
    }
    let accepted = response
        .headers()
        .get("sec-websocket-accept")
        .and_then(|v| v.to_str().ok());
    if accepted != Some(derive_accept_key(key.as_bytes()).as_str()) {
        bail!("{counter} opened a connection that is not this WebSocket (Sec-WebSocket-Accept)");
    }
    let upgraded = hyper::upgrade::on(response)
        .await
        .with_context(|| format!("{counter}: the WebSocket did not open"))?;
    Ok(tokio_tungstenite::WebSocketStream::from_raw_socket(
        hyper_util::rt::TokioIo::new(upgraded),
        Role::Client,
        None,
    )
    .await)
}

/// The next count for `path` on `socket`, asking for it first when `ask`; an `{"error"}`
/// answer or a closed socket is an error.
async fn read_live(socket: &mut Socket, path: &str, ask: bool) -> Result<u64> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    if ask {
        let message = serde_json::json!({ "action": counter::live::ACTION_READ, "path": path });
        socket
            .send(Message::text(message.to_string()))
            .await
            .context("sending a read on the counter's WebSocket")?;
    }
    let wait = if ask { TIMEOUT } else { PUSH_TIMEOUT };
    loop {
        let message = tokio::time::timeout(wait, socket.next())
            .await
            .map_err(|_| {
                anyhow!(
                    "the counter's WebSocket sent no count within {} s",
                    wait.as_secs()
                )
            })?;
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None => bail!("the counter closed its WebSocket"),
            Some(Err(e)) => bail!("the counter's WebSocket failed: {e}"),
            Some(Ok(_)) => continue,
        };
        let value: serde_json::Value = serde_json::from_str(text.as_str())
            .with_context(|| "the counter's WebSocket sent a message that is not JSON")?;
        if let Some(error) = value.get("error").and_then(|e| e.as_str()) {
            bail!("the counter refused: {error}");
        }
        if value["path"] == path
            && let Some(count) = value["count"].as_u64()
        {
            return Ok(count);
        }
    }
}

/// The count the counter answers to `method` for the page at `path`.
async fn read_count(http: &Http, counter: &Uri, path: &str, method: Method) -> Result<u64> {
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

/// A page path in a query string: `/` and unreserved characters as they are.
fn query_escape(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `scheme://host[:port]` of `uri`.
fn origin(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("https");
    match uri.authority() {
        Some(authority) => format!("{scheme}://{authority}"),
        None => format!("{scheme}://"),
    }
}

fn with_scheme(uri: &Uri, scheme: &str) -> Result<Uri> {
    let authority = uri.authority().ok_or_else(|| anyhow!("no host"))?;
    Ok(format!("{scheme}://{authority}{}", uri.path()).parse()?)
}

/// `relative` (no leading slash) under the site's folder.
fn join(site: &Uri, relative: &str) -> Result<Uri> {
    let base = site.path();
    let folder = &base[..base.rfind('/').map_or(0, |i| i + 1)];
    let folder = if folder.is_empty() { "/" } else { folder };
    Ok(format!("{}{folder}{relative}", origin(site)).parse()?)
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

/// GETs a small text file over HTTPS (`gen ci github`'s one request), following up to five
/// redirects, as GitHub's release downloads redirect to their storage; never down to HTTP.
pub async fn fetch_text(url: &str) -> Result<String> {
    let http = Http::new()?;
    let mut uri: Uri = url
        .parse()
        .map_err(|e| anyhow!("{url:?} is not a web address: {e}"))?;
    for _ in 0..=5 {
        if uri.scheme_str() != Some("https") {
            bail!("{uri} is not an https:// address");
        }
        let response = http.send(Method::GET, &uri, &[]).await?;
        if response.status.is_redirection() {
            let location = response
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| anyhow!("{uri} answered {} without a Location", response.status))?;
            uri = if location.starts_with('/') {
                format!("{}{location}", origin(&uri)).parse()?
            } else {
                location
                    .parse()
                    .map_err(|e| anyhow!("{uri} redirects to {location:?}: {e}"))?
            };
            continue;
        }
        if !response.status.is_success() {
            bail!("{uri} answered {}", response.status);
        }
        return String::from_utf8(response.body.to_vec())
            .map_err(|_| anyhow!("{uri} answered with something other than text"));
    }
    bail!("{url} redirects more than five times")
}

/// An answer, read whole.
struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// HTTPS and HTTP requests, with the system's trusted certificates (or those `SSL_CERT_FILE`
/// names), no redirects followed.
struct Http {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Http {
    fn new() -> Result<Http> {
        let provider = rustls::crypto::ring::default_provider();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .context("loading the system's trusted certificates")?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Http {
            client: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    async fn send(&self, method: Method, uri: &Uri, headers: &[(&str, &str)]) -> Result<Response> {
        let mut request = Request::builder().method(method).uri(uri.clone()).header(
            "user-agent",
            concat!("gen-check/", env!("CARGO_PKG_VERSION")),
        );
        for (name, value) in headers {
            request = request.header(HeaderName::from_bytes(name.as_bytes())?, *value);
        }
        let request = request.body(Full::new(Bytes::new()))?;
        let answer = async {
            let response = self.client.request(request).await?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_BODY)
                .collect()
                .await
                .map_err(|e| anyhow!("reading the answer: {e}"))?
                .to_bytes();
            Ok::<_, anyhow::Error>(Response {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(TIMEOUT, answer)
            .await
            .map_err(|_| anyhow!("no answer within {} s", TIMEOUT.as_secs()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_https_sites() {
        assert_eq!(
            site_address("https://ada.example").unwrap().to_string(),
            "https://ada.example/"
        );
        assert_eq!(
            site_address("https://ada.example/cv/").unwrap().to_string(),
            "https://ada.example/cv/"
        );
        assert!(
            site_address("http://ada.example/")
                .unwrap_err()
                .to_string()
                .contains("use https://")
        );
        assert!(site_address("ada.example").is_err());
    }

    #[test]
    fn hsts_max_age_is_read_in_any_case_and_order() {
        assert_eq!(
            max_age("max-age=63072000; includeSubDomains"),
            Some(63_072_000)
        );
        assert_eq!(max_age("includeSubDomains; Max-Age=\"300\""), Some(300));
        assert_eq!(max_age("includeSubDomains"), None);
    }

    /// The live check against gen serve's own `/visits` socket (the same protocol as the
    /// deployed one), in-process on loopback: a pushed visit passes, a page the site does not
    /// have fails with the refusal, and `--no-count` only reads.
    #[test]
    fn the_live_counter_check_follows_a_pushed_visit() {
        use crate::serve::{Server, ServerSettings, Snapshot};
        use crate::site::{CachePolicy, Site};
        use std::sync::Arc;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut site = Site::default();
        site.add(
            "index.html",
            "<!doctype html><title>x</title>",
            CachePolicy::Revalidate,
        );
        let (_keep, state) = tokio::sync::watch::channel(Arc::new(Snapshot {
            build: "t-1".into(),
            site: Arc::new(site),
            problems: Vec::new(),
            replaced: Vec::new(),
        }));
        let store = counter::FileStore::open(dir.path().join("visits.json")).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = Server::new(state, store, ServerSettings::default());
        runtime.spawn(server.run(listener));

        runtime.block_on(async {
            let http = Http::new().unwrap();
            let counter: Uri = format!("ws://127.0.0.1:{port}/visits").parse().unwrap();
            let (outcome, detail) = live_check(&http, &counter, "/", true).await;
            assert_eq!(outcome, Outcome::Pass, "{detail}");
            assert!(
                detail.contains("read 0; a second socket's visit was pushed to the first as 1"),
                "{detail}"
            );
            let (outcome, detail) = live_check(&http, &counter, "/", false).await;
            assert_eq!(
                (outcome, detail.as_str()),
                (
                    Outcome::Skip,
                    format!("reads 1 at {counter}; no visit counted (--no-count)").as_str()
                )
            );
            let (outcome, detail) = live_check(&http, &counter, "/missing/", true).await;
            assert_eq!(outcome, Outcome::Fail, "{detail}");
            assert!(
                detail.contains("answered 404 Not Found instead of opening a WebSocket"),
                "{detail}"
            );
        });
    }

    #[test]
    fn the_counter_is_found_in_the_page_and_made_absolute() {
        let site: Uri = "https://ada.example/".parse().unwrap();
        let page = br#"<p id="visits" data-endpoint="https://api.example/visits">"#;
        assert_eq!(
            counter_endpoint(&site, page).unwrap().to_string(),
            "https://api.example/visits"
        );
        let same_origin = br#"<p data-endpoint="/visits">"#;
        assert_eq!(
            counter_endpoint(&site, same_origin).unwrap().to_string(),
            "https://ada.example/visits"
        );
        assert!(counter_endpoint(&site, b"<p>no counter</p>").is_none());
        let live =
            br#"<p data-endpoint="wss://abc.execute-api.us-east-1.amazonaws.com/live" data-live>"#;
        assert_eq!(
            counter_endpoint(&site, live).unwrap().scheme_str(),
            Some("wss")
        );
        assert_eq!(query_escape("/a b/é"), "/a%20b/%C3%A9");
    }
}
