//! The counter's HTTP contract, independent of any server or cloud:
//!
//! - `POST /visits` with an optional JSON body `{"path": "/"}` counts one visit and answers
//!   `200 {"path": "/", "count": N}`.
//! - `GET /visits?path=/` answers the same without counting.
//! - Only the site's own pages are counted: any other path is a 404 before a store is
//!   touched, so no one can add keys (or items, or cost) by inventing paths.
//! - Bad input is a 4xx with `{"error": "..."}` and never touches a count: a path that does
//!   not start with `/`, is over 256 bytes or holds a control character or `#`, malformed
//!   JSON (400); a body over 1 KiB (413); another method (405); another route or a path
//!   that is not a page (404). Error bodies never repeat what the client sent.
//! - A failing store is a 503 with `Retry-After` when it is throttled or unreachable, else 500.

use serde::Serialize;
use serde_json::Value;

use crate::store::{Store, StoreErrorKind};

/// The one route the counter answers.
pub const ROUTE: &str = "/visits";
/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024;
/// Largest accepted page path.
pub const MAX_PATH_BYTES: usize = 256;
/// Seconds a client should wait after a 503.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// An HTTP request as the counter sees it, whatever server or event carried it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The URL path, without the query.
    pub route: &'a str,
    /// The raw query string, without the `?`.
    pub query: Option<&'a str>,
    pub body: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Headers besides [`Response::FIXED_HEADERS`], which every response carries.
    pub headers: Vec<(&'static str, String)>,
    /// A JSON document.
    pub body: String,
}

impl Response {
    pub const CONTENT_TYPE: &'static str = "application/json";
    pub const CACHE_CONTROL: &'static str = "no-store";
    /// The headers of every response: JSON, never cached, never sniffed as anything else.
    pub const FIXED_HEADERS: [(&'static str, &'static str); 3] = [
        ("content-type", Self::CONTENT_TYPE),
        ("cache-control", Self::CACHE_CONTROL),
        ("x-content-type-options", "nosniff"),
    ];

    fn json(status: u16, value: &impl Serialize) -> Self {
        Self {
            status,
            headers: Vec::new(),
            // Serialising a struct of strings and integers cannot fail.
            body: serde_json::to_string(value).unwrap_or_default(),
        }
    }

    /// `{"error": message}` with `status`.
    pub fn error(status: u16, message: &str) -> Self {
        #[derive(Serialize)]
        struct Error<'a> {
            error: &'a str,
        }
        Self::json(status, &Error { error: message })
    }

    fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// The success body: the path and its count.
#[derive(Debug, Serialize)]
struct Count<'a> {
    path: &'a str,
    count: u64,
}

/// A request the counter understood: which path, and whether to count a visit.
#[derive(Debug, PartialEq, Eq)]
pub struct Visit {
    pub path: String,
    pub count_it: bool,
}

/// A request the counter refuses, with the status and message the client gets.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub message: String,
}

pub(crate) fn reject(status: u16, message: impl Into<String>) -> Rejection {
    Rejection {
        status,
        message: message.into(),
    }
}

/// Answers one request, counting only paths for which `is_page` holds. Never fails: every
/// outcome is a response.
pub async fn respond<S: Store>(
    store: &S,
    request: &Request<'_>,
    is_page: impl Fn(&str) -> bool,
) -> Response {
    let visit = match parse(request).and_then(|visit| match is_page(&visit.path) {
        true => Ok(visit),
        false => Err(reject(
            404,
            "not a page of this site; only the site's own pages are counted",
        )),
    }) {
        Ok(visit) => visit,
        Err(rejection) => {
            let response = Response::error(rejection.status, &rejection.message);
            return match rejection.status {
                405 => response.with_header("allow", "GET, POST".to_owned()),
                _ => response,
            };
        }
    };
    let result = match visit.count_it {
        true => store.increment(&visit.path).await,
        false => store.get(&visit.path).await,
    };
    match result {
        Ok(count) => Response::json(
            200,
            &Count {
                path: &visit.path,
                count,
            },
        ),
        Err(e) => match e.kind {
            StoreErrorKind::Throttled | StoreErrorKind::Unavailable => {
                Response::error(503, "the counter is busy; try again shortly")
                    .with_header("retry-after", RETRY_AFTER_SECONDS.to_string())
            }
            StoreErrorKind::Failed => Response::error(500, "the counter failed"),
        },
    }
}

/// Checks a request and works out what it asks for, without touching any store.
pub fn parse(request: &Request<'_>) -> Result<Visit, Rejection> {
    if request.route != ROUTE {
        return Err(reject(404, format!("no such route; use {ROUTE}")));
    }
    let count_it = match request.method {
        "POST" => true,
        "GET" => false,
        _ => return Err(reject(405, "method not allowed; use GET or POST")),
    };
    if request.body.len() > MAX_BODY_BYTES {
        return Err(reject(
            413,
            format!(
                "body is {} bytes; the limit is {MAX_BODY_BYTES}",
                request.body.len()
            ),
        ));
    }
    let from_query = query_param(request.query.unwrap_or(""), "path")?;
    let from_body = match count_it {
        true => body_path(request.body)?,
        false => None,
    };
    let path = match (from_body, from_query) {
        (Some(_), Some(_)) => {
            return Err(reject(
                400,
                "path is given in both the body and the query; give it once",
            ));
        }
        (Some(path), None) | (None, Some(path)) => path,
        (None, None) => "/".to_owned(),
    };
    check_path(&path)?;
    Ok(Visit { path, count_it })
}

/// The parameter `name` of a query string, percent-decoded.
pub(crate) fn query_param(query: &str, name: &str) -> Result<Option<String>, Rejection> {
    let mut found = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(key)? != name {
            continue;
        }
        if found.is_some() {
            return Err(reject(
                400,
                format!("{name} is given more than once in the query"),
            ));
        }
        found = Some(decode(value)?);
    }
    Ok(found)
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(component: &str) -> Result<String, Rejection> {
    let bad = || reject(400, "query is not valid percent-encoded UTF-8");
    let mut bytes = Vec::with_capacity(component.len());
    let mut rest = component.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = rest.get(..2).ok_or_else(bad)?;
                let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
                bytes.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                rest = &rest[2..];
            }
            _ => bytes.push(b),
        }
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

/// The `path` of a JSON body; an empty body means "no path given".
fn body_path(body: &[u8]) -> Result<Option<String>, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // serde_json's messages can quote the input: only the position is passed on.
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        reject(
            400,
            format!(
                "body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Object(fields) = value else {
        return Err(reject(
            400,
            format!(
                r#"body must be a JSON object like {{"path": "/"}}, not {}"#,
                kind(&value)
            ),
        ));
    };
    let mut path = None;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("path", Value::String(s)) => path = Some(s),
            ("path", other) => {
                return Err(reject(
                    400,
                    format!("path must be a string, not {}", kind(&other)),
                ));
            }
            (_, _) => {
                return Err(reject(
                    400,
                    "unknown field in the body; the only field is \"path\"",
                ));
            }
        }
    }
    Ok(path)
}

pub(crate) fn check_path(path: &str) -> Result<(), Rejection> {
    if !path.starts_with('/') {
        return Err(reject(400, "path must start with /"));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(reject(
            400,
            format!(
                "path is {} bytes; the limit is {MAX_PATH_BYTES}",
                path.len()
            ),
        ));
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(reject(
            400,
            format!("path contains the control character U+{:04X}", c as u32),
        ));
    }
    if path.contains('#') {
        return Err(reject(400, "path must not contain #"));
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
