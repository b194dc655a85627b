use super::*;
use crate::block_on;
use crate::store::StoreError;
use crate::{MemoryStore, Store};

fn call(store: &impl Store, method: &str, target: &str, body: &[u8]) -> Response {
    let (route, query) = match target.split_once('?') {
        Some((route, query)) => (route, Some(query)),
        None => (target, None),
    };
    let request = Request {
        method,
        route,
        query,
        body,
    };
    block_on(respond(store, &request, |path| {
        !path.starts_with("/not-a-page")
    }))
}

#[test]
fn requests_get_exact_answers() {
    let long = format!("/{}", "a".repeat(255));
    let too_long = format!("/{}", "a".repeat(256));
    let big_body = format!(r#"{{"path": "/{}"}}"#, " ".repeat(1024));
    let long_body = format!(r#"{{"path": "{long}"}}"#);
    let too_long_query = format!("/visits?path={too_long}");
    let long_json = format!(r#"{{"path":"{long}","count":1}}"#);
    let ok = |path: &str, count: u64| format!(r#"{{"path":"{path}","count":{count}}}"#);
    let cases: Vec<(&str, &str, &[u8], u16, String)> = vec![
        // Counting and reading.
        ("GET", "/visits", b"", 200, ok("/", 0)),
        ("POST", "/visits", b"", 200, ok("/", 1)),
        ("POST", "/visits", b"  \n", 200, ok("/", 2)),
        ("POST", "/visits", b"{}", 200, ok("/", 3)),
        ("GET", "/visits?path=/", b"", 200, ok("/", 3)),
        ("GET", "/visits?path=%2F", b"", 200, ok("/", 3)),
        (
            "POST",
            "/visits",
            br#"{"path": "/cv/"}"#,
            200,
            ok("/cv/", 1),
        ),
        ("GET", "/visits?path=/cv/", b"", 200, ok("/cv/", 1)),
        ("GET", "/visits?path=/cv", b"", 200, ok("/cv", 0)),
        ("POST", "/visits?path=/q", b"", 200, ok("/q", 1)),
        ("GET", "/visits?x=1&path=/q&y", b"", 200, ok("/q", 1)),
        ("GET", "/visits?path=/a+b", b"", 200, ok("/a b", 0)),
        (
            "POST",
            "/visits",
            "{\"path\": \"/caf\u{e9}\"}".as_bytes(),
            200,
            ok("/caf\u{e9}", 1),
        ),
        (
            "GET",
            "/visits?path=/caf%C3%A9",
            b"",
            200,
            ok("/caf\u{e9}", 1),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/\u00e9"}"#,
            200,
            ok("/\u{e9}", 1),
        ),
        (
            "GET",
            "/visits",
            b"ignored, GET has no body",
            200,
            ok("/", 3),
        ),
        ("POST", "/visits", long_body.as_bytes(), 200, long_json),
        // Routes and methods.
        (
            "GET",
            "/",
            b"",
            404,
            r#"{"error":"no such route; use /visits"}"#.into(),
        ),
        (
            "GET",
            "/visits/",
            b"",
            404,
            r#"{"error":"no such route; use /visits"}"#.into(),
        ),
        (
            "GET",
            "/VISITS",
            b"",
            404,
            r#"{"error":"no such route; use /visits"}"#.into(),
        ),
        (
            "PUT",
            "/visits",
            b"",
            405,
            r#"{"error":"method not allowed; use GET or POST"}"#.into(),
        ),
        (
            "DELETE",
            "/visits",
            b"",
            405,
            r#"{"error":"method not allowed; use GET or POST"}"#.into(),
        ),
        (
            "get",
            "/visits",
            b"",
            405,
            r#"{"error":"method not allowed; use GET or POST"}"#.into(),
        ),
        (
            "HEAD",
            "/visits",
            b"",
            405,
            r#"{"error":"method not allowed; use GET or POST"}"#.into(),
        ),
        (
            "P\u{7f}ST",
            "/visits",
            b"",
            405,
            r#"{"error":"method not allowed; use GET or POST"}"#.into(),
        ),
        // Sizes.
        (
            "POST",
            "/visits",
            big_body.as_bytes(),
            413,
            r#"{"error":"body is 1037 bytes; the limit is 1024"}"#.into(),
        ),
        (
            "GET",
            "/visits",
            &[b' '; 1025],
            413,
            r#"{"error":"body is 1025 bytes; the limit is 1024"}"#.into(),
        ),
        (
            "GET",
            &too_long_query,
            b"",
            400,
            r#"{"error":"path is 257 bytes; the limit is 256"}"#.into(),
        ),
        // Paths.
        (
            "GET",
            "/visits?path=",
            b"",
            400,
            r#"{"error":"path must start with /"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=cv",
            b"",
            400,
            r#"{"error":"path must start with /"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": ""}"#,
            400,
            r#"{"error":"path must start with /"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "https://x/"}"#,
            400,
            r#"{"error":"path must start with /"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/a%00",
            b"",
            400,
            r#"{"error":"path contains the control character U+0000"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/a\nb"}"#,
            400,
            r#"{"error":"path contains the control character U+000A"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/\u007f"}"#,
            400,
            r#"{"error":"path contains the control character U+007F"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/\u0085"}"#,
            400,
            r#"{"error":"path contains the control character U+0085"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/a%23b",
            b"",
            400,
            r#"{"error":"path must not contain #"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/a%2",
            b"",
            400,
            r#"{"error":"query is not valid percent-encoded UTF-8"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/a%zz",
            b"",
            400,
            r#"{"error":"query is not valid percent-encoded UTF-8"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/%FF",
            b"",
            400,
            r#"{"error":"query is not valid percent-encoded UTF-8"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/a&path=/b",
            b"",
            400,
            r#"{"error":"path is given more than once in the query"}"#.into(),
        ),
        (
            "POST",
            "/visits?path=/a",
            br#"{"path": "/b"}"#,
            400,
            r#"{"error":"path is given in both the body and the query; give it once"}"#.into(),
        ),
        // Only the site's pages are counted; the answer does not repeat the path.
        (
            "POST",
            "/visits?path=/not-a-page",
            b"",
            404,
            r#"{"error":"not a page of this site; only the site's own pages are counted"}"#.into(),
        ),
        (
            "GET",
            "/visits?path=/not-a-page/%3Cb%3E",
            b"",
            404,
            r#"{"error":"not a page of this site; only the site's own pages are counted"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/not-a-page"}"#,
            404,
            r#"{"error":"not a page of this site; only the site's own pages are counted"}"#.into(),
        ),
        // JSON bodies.
        (
            "POST",
            "/visits",
            b"{",
            400,
            r#"{"error":"body is not valid JSON (line 1, column 1)"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"path=/",
            400,
            r#"{"error":"body is not valid JSON (line 1, column 1)"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"\xff\xfe",
            400,
            r#"{"error":"body is not valid JSON (line 1, column 1)"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/"} x"#,
            400,
            r#"{"error":"body is not valid JSON (line 1, column 15)"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"null",
            400,
            r#"{"error":"body must be a JSON object like {\"path\": \"/\"}, not null"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"[\"/\"]",
            400,
            r#"{"error":"body must be a JSON object like {\"path\": \"/\"}, not an array"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"\"/\"",
            400,
            r#"{"error":"body must be a JSON object like {\"path\": \"/\"}, not a string"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            b"7",
            400,
            r#"{"error":"body must be a JSON object like {\"path\": \"/\"}, not a number"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": 7}"#,
            400,
            r#"{"error":"path must be a string, not a number"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": null}"#,
            400,
            r#"{"error":"path must be a string, not null"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": ["/"]}"#,
            400,
            r#"{"error":"path must be a string, not an array"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": true}"#,
            400,
            r#"{"error":"path must be a string, not a boolean"}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"pth": "/"}"#,
            400,
            r#"{"error":"unknown field in the body; the only field is \"path\""}"#.into(),
        ),
        (
            "POST",
            "/visits",
            br#"{"path": "/\ud800"}"#,
            400,
            r#"{"error":"body is not valid JSON (line 1, column 18)"}"#.into(),
        ),
    ];
    let store = MemoryStore::new();
    let mut failures = Vec::new();
    for (method, target, body, status, expected) in &cases {
        let response = call(&store, method, target, body);
        if response.status != *status || response.body != *expected {
            failures.push(format!(
                "{method} {target} {:?}\n  expected {status} {expected}\n  got      {} {}",
                String::from_utf8_lossy(&body[..body.len().min(40)]),
                response.status,
                response.body
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_405_names_the_allowed_methods() {
    let response = call(&MemoryStore::new(), "PATCH", "/visits", b"");
    assert_eq!(response.headers, [("allow", "GET, POST".to_owned())]);
}

/// A store whose every call fails the same way.
struct Broken(StoreErrorKind);

impl Store for Broken {
    async fn increment(&self, _: &str) -> Result<u64, StoreError> {
        Err(StoreError::new(self.0, "boom"))
    }
    async fn get(&self, _: &str) -> Result<u64, StoreError> {
        Err(StoreError::new(self.0, "boom"))
    }
}

#[test]
fn store_failures_are_5xx_without_details() {
    let throttled = call(&Broken(StoreErrorKind::Throttled), "POST", "/visits", b"");
    assert_eq!(throttled.status, 503);
    assert_eq!(throttled.headers, [("retry-after", "1".to_owned())]);
    assert_eq!(
        throttled.body,
        r#"{"error":"the counter is busy; try again shortly"}"#
    );

    let unreachable = call(&Broken(StoreErrorKind::Unavailable), "GET", "/visits", b"");
    assert_eq!(unreachable.status, 503);

    let failed = call(&Broken(StoreErrorKind::Failed), "GET", "/visits", b"");
    assert_eq!(failed.status, 500);
    assert!(failed.headers.is_empty());
    assert_eq!(failed.body, r#"{"error":"the counter failed"}"#);
}

#[test]
fn client_errors_never_reach_the_store() {
    // A broken store would turn any call into a 5xx: bad requests must be answered first.
    let store = Broken(StoreErrorKind::Failed);
    for (method, target, body) in [
        ("PUT", "/visits", &b""[..]),
        ("POST", "/visits", b"{"),
        ("GET", "/visits?path=x", b""),
        ("GET", "/nope", b""),
        ("POST", "/visits", &[b'x'; 2000]),
        ("POST", "/visits?path=/not-a-page", b""),
    ] {
        let status = call(&store, method, target, body).status;
        assert!((400..500).contains(&status), "{method} {target}: {status}");
    }
}
