//! The checks' unit tests: addresses, headers, the counter's discovery and the live counter.

use super::counter_http::query_escape;
use super::headers::max_age;
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
fn the_404_probe_is_under_the_site_folder_with_the_origin_as_written() {
    let probe = |site: &str| {
        join(&site.parse().unwrap(), "gen-check-1f/")
            .unwrap()
            .to_string()
    };
    assert_eq!(
        probe("https://ada.example/"),
        "https://ada.example/gen-check-1f/"
    );
    assert_eq!(
        probe("https://ada.example/cv/index.html?x=1"),
        "https://ada.example/cv/gen-check-1f/"
    );
    assert_eq!(
        probe("https://Ada.Example:443/cv/"),
        "https://Ada.Example:443/cv/gen-check-1f/"
    );
    assert_eq!(
        probe("https://127.0.0.1:8443/"),
        "https://127.0.0.1:8443/gen-check-1f/"
    );
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
