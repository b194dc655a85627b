//! The live counter's WebSocket contract (`[counter] mode = "websocket"`), independent of any
//! server: what a page sends and receives, with the same checks as the HTTP API. API Gateway
//! WebSockets (the Lambda) and `gen serve`'s local `/visits` socket both speak it.
//!
//! - The page connects with `?path=/cv/` (percent-encoded; `/` when absent) and `&visit=1`
//!   when this connection counts a visit (the first view of the page in a browser session).
//!   A path that is not one of the site's pages, or a bad query, refuses the connection.
//! - It sends `{"action": "read", "path": "/cv/"}` and is answered `{"path": "/cv/",
//!   "count": N}`.
//! - Every later change of that page's count arrives as the same `{"path", "count"}` message.
//! - A message the counter refuses is answered `{"error": "..."}`, which never repeats what
//!   the client sent.

use serde::Serialize;
use serde_json::Value;

use crate::api::{MAX_BODY_BYTES, Rejection, Visit, check_path, query_param, reject};

/// The one action a page sends.
pub const ACTION_READ: &str = "read";

/// Checks a connection's query parameters (already percent-decoded, as API Gateway passes
/// them): `path` (default `/`) and `visit` (`1` counts a visit, `0` or absent does not).
pub fn connect(
    path: Option<&str>,
    visit: Option<&str>,
    is_page: impl Fn(&str) -> bool,
) -> Result<Visit, Rejection> {
    let count_it = match visit {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(reject(400, "visit must be 1 or 0")),
    };
    let path = path.unwrap_or("/").to_owned();
    check_path(&path)?;
    page(&path, &is_page)?;
    Ok(Visit { path, count_it })
}

/// [`connect`] for a raw query string (without the `?`), as a plain HTTP server sees it.
pub fn connect_query(
    query: Option<&str>,
    is_page: impl Fn(&str) -> bool,
) -> Result<Visit, Rejection> {
    let query = query.unwrap_or("");
    let path = query_param(query, "path")?;
    let visit = query_param(query, "visit")?;
    connect(path.as_deref(), visit.as_deref(), is_page)
}

/// Checks one message from a page and returns the path it reads.
pub fn read(body: &[u8], is_page: impl Fn(&str) -> bool) -> Result<String, Rejection> {
    if body.len() > MAX_BODY_BYTES {
        return Err(reject(
            413,
            format!(
                "message is {} bytes; the limit is {MAX_BODY_BYTES}",
                body.len()
            ),
        ));
    }
    let shape = || {
        reject(
            400,
            format!(r#"send a JSON object like {{"action": "{ACTION_READ}", "path": "/"}}"#),
        )
    };
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(shape());
    };
    let mut path = None;
    let mut action = None;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("action", Value::String(a)) => action = Some(a),
            ("path", Value::String(p)) => path = Some(p),
            _ => return Err(shape()),
        }
    }
    if action.as_deref() != Some(ACTION_READ) {
        return Err(shape());
    }
    let path = path.unwrap_or_else(|| "/".to_owned());
    check_path(&path)?;
    page(&path, &is_page)?;
    Ok(path)
}

fn page(path: &str, is_page: &impl Fn(&str) -> bool) -> Result<(), Rejection> {
    match is_page(path) {
        true => Ok(()),
        false => Err(reject(
            404,
            "not a page of this site; only the site's own pages are counted",
        )),
    }
}

/// The message every open page of `path` gets: `{"path": "/", "count": N}`.
pub fn update(path: &str, count: u64) -> String {
    #[derive(Serialize)]
    struct Update<'a> {
        path: &'a str,
        count: u64,
    }
    // Serialising a string and an integer cannot fail.
    serde_json::to_string(&Update { path, count }).unwrap_or_default()
}

/// `{"error": message}`.
pub fn error(message: &str) -> String {
    crate::api::Response::error(400, message).body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(path: &str) -> bool {
        ["/", "/cv/"].contains(&path)
    }

    #[test]
    fn connections_name_a_page_and_whether_to_count() {
        let visit = connect(Some("/cv/"), Some("1"), pages).unwrap();
        assert_eq!((visit.path.as_str(), visit.count_it), ("/cv/", true));
        let visit = connect(None, None, pages).unwrap();
        assert_eq!((visit.path.as_str(), visit.count_it), ("/", false));
        let visit = connect_query(Some("path=%2Fcv%2F&visit=0"), pages).unwrap();
        assert_eq!((visit.path.as_str(), visit.count_it), ("/cv/", false));

        for (path, visit, status) in [
            (Some("/nope"), None, 404),
            (Some("cv"), None, 400),
            (Some("/#x"), None, 400),
            (Some("/"), Some("yes"), 400),
        ] {
            assert_eq!(connect(path, visit, pages).unwrap_err().status, status);
        }
        assert_eq!(
            connect_query(Some("path=/&path=/cv/"), pages)
                .unwrap_err()
                .message,
            "path is given more than once in the query"
        );
        assert_eq!(
            connect_query(Some("visit=1&visit=1"), pages)
                .unwrap_err()
                .message,
            "visit is given more than once in the query"
        );
    }

    #[test]
    fn messages_read_a_page() {
        assert_eq!(
            read(br#"{"action":"read","path":"/cv/"}"#, pages).unwrap(),
            "/cv/"
        );
        assert_eq!(read(br#"{"action":"read"}"#, pages).unwrap(), "/");
        for (body, status) in [
            (&br#"{"action":"write","path":"/"}"#[..], 400),
            (br#"{"path":"/"}"#, 400),
            (br#"{"action":"read","path":"/","extra":1}"#, 400),
            (br#"{"action":"read","path":3}"#, 400),
            (b"not json", 400),
            (b"[]", 400),
            (br#"{"action":"read","path":"/elsewhere"}"#, 404),
        ] {
            assert_eq!(read(body, pages).unwrap_err().status, status, "{body:?}");
        }
        let big = format!(r#"{{"action":"read","path":"/{}"}}"#, "a".repeat(2000));
        assert_eq!(read(big.as_bytes(), pages).unwrap_err().status, 413);
    }

    #[test]
    fn updates_and_errors_are_json() {
        assert_eq!(update("/cv/", 7), r#"{"path":"/cv/","count":7}"#);
        assert_eq!(error("no"), r#"{"error":"no"}"#);
    }
}
