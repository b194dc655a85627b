//! The security headers on the page's answer: HSTS, CSP, `nosniff` and a referrer policy.

use hyper::header::HeaderMap;

use super::Outcome;

/// HSTS shorter than this (a year, in seconds) is a FAIL.
const MIN_HSTS_AGE: u64 = 31_536_000;

/// The security headers on the page's answer.
pub(super) fn header_checks(headers: &HeaderMap) -> Vec<(&'static str, (Outcome, String))> {
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
pub(super) fn max_age(hsts: &str) -> Option<u64> {
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
