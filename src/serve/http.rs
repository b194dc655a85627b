//! The preview's HTTP server: the current snapshot's files from memory (with the live-reload
//! script added to pages), the build events as Server-Sent Events, and the local counter.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use http_body_util::channel::Channel;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{broadcast, watch};

use super::{Snapshot, guard, socket};
use crate::site::Site;

type Body = BoxBody<Bytes, Infallible>;

/// The live-reload client, served at [`LIVE_SCRIPT`].
const LIVE_JS: &str = include_str!("live.js");
const LIVE_SCRIPT: &str = "/_gen/live.js";
const EVENTS: &str = "/_gen/events";
/// Idle event streams send a comment this often, so a closed tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Counter requests bigger than this are not read; the counter answers 413 above 1 KiB.
const MAX_REQUEST_BODY: usize = 64 * 1024;

/// A client has this long to send a request's headers: a half-sent request (slowloris)
/// cannot hold a connection open.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How the server was asked to listen.
#[derive(Debug, Clone, Default)]
pub struct ServerSettings {
    /// Host names answered besides loopback names and IP addresses (`--allow-host`),
    /// lowercase. Any other `Host` is refused, so a page of another site cannot reach the
    /// preview through DNS rebinding, whatever address it listens on.
    pub allowed_hosts: Vec<String>,
}

/// Answers the browser from the latest snapshot.
pub struct Server {
    state: watch::Receiver<Arc<Snapshot>>,
    counter: Arc<counter::FileStore>,
    settings: ServerSettings,
    /// Each new count, for the open live-counter sockets: `(path, count)`.
    counts: broadcast::Sender<(Arc<str>, u64)>,
}

impl Server {
    pub fn new(
        state: watch::Receiver<Arc<Snapshot>>,
        counter: counter::FileStore,
        settings: ServerSettings,
    ) -> Server {
        Server {
            state,
            counter: Arc::new(counter),
            settings,
            counts: broadcast::channel(64).0,
        }
    }

    /// Accepts connections until the process ends.
    pub async fn run(self, listener: std::net::TcpListener) -> Result<()> {
        listener
            .set_nonblocking(true)
            .context("setting up the listener")?;
        let listener =
            tokio::net::TcpListener::from_std(listener).context("setting up the listener")?;
        let server = Arc::new(self);
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let server = server.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let server = server.clone();
                    async move { Ok::<_, Infallible>(server.handle(request).await) }
                });
                // A browser closing a connection mid-request is not worth reporting.
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades()
                    .await;
            });
        }
    }

    async fn handle(&self, request: Request<Incoming>) -> Response<Body> {
        if !guard::allowed_host(request.headers(), &self.settings.allowed_hosts) {
            return text(
                StatusCode::FORBIDDEN,
                "this preview answers only loopback names and IP addresses (http://127.0.0.1:PORT); pass --allow-host NAME to answer another name\n",
            );
        }
        let path = request.uri().path().to_owned();
        match path.as_str() {
            LIVE_SCRIPT => asset(request.method(), LIVE_JS, "text/javascript; charset=utf-8"),
            EVENTS => self.events(),
            counter::api::ROUTE if socket::is_upgrade(&request) => self.socket(request),
            counter::api::ROUTE => self.count(request).await,
            _ => {
                let snapshot = self.state.borrow().clone();
                page(&snapshot, request.method(), &path)
            }
        }
    }

    /// The build events: the current state at once, then every change.
    fn events(&self) -> Response<Body> {
        let (mut sender, body) = Channel::<Bytes, Infallible>::new(4);
        let mut state = self.state.clone();
        tokio::spawn(async move {
            let first = event(&state.borrow_and_update());
            if sender.send_data(first).await.is_err() {
                return;
            }
            loop {
                let frame = tokio::select! {
                    changed = state.changed() => match changed {
                        Ok(()) => event(&state.borrow_and_update()),
                        Err(_) => return,
                    },
                    () = tokio::time::sleep(KEEP_ALIVE) => Bytes::from_static(b": keep-alive\n\n"),
                };
                if sender.send_data(frame).await.is_err() {
                    return;
                }
            }
        });
        let mut response = Response::new(BoxBody::new(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// The local live counter: the WebSocket `/visits` of `[counter] mode = "websocket"`,
    /// speaking what API Gateway and the counter's Lambda speak, to the preview's own pages.
    fn socket(&self, request: Request<Incoming>) -> Response<Body> {
        if guard::cross_site(request.headers()) {
            return counter_response(counter::Response::error(
                403,
                "only the preview's own pages may call its counter",
            ));
        }
        let snapshot = self.state.borrow().clone();
        let is_page = |path: &str| snapshot.site.page(path).is_some();
        let visit = match counter::live::connect_query(request.uri().query(), is_page) {
            Ok(visit) => visit,
            Err(rejection) => {
                return counter_response(counter::Response::error(
                    rejection.status,
                    &rejection.message,
                ));
            }
        };
        let live = socket::Live {
            store: Arc::clone(&self.counter),
            state: self.state.clone(),
            counts: self.counts.clone(),
        };
        match socket::accept(request, visit, live) {
            Ok(response) => response.map(|()| BoxBody::new(Full::new(Bytes::new()))),
            Err(message) => counter_response(counter::Response::error(400, message)),
        }
    }

    /// The local visitor counter: the same answers as the deployed one, for the pages of the
    /// current build only, and only to the preview's own pages (no other site can count).
    async fn count(&self, request: Request<Incoming>) -> Response<Body> {
        if guard::cross_site(request.headers()) {
            return counter_response(counter::Response::error(
                403,
                "only the preview's own pages may call its counter",
            ));
        }
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return counter_response(counter::Response::error(413, "body too large")),
        };
        let request = counter::Request {
            method: parts.method.as_str(),
            route: parts.uri.path(),
            query: parts.uri.query(),
            body: &body,
        };
        let snapshot = self.state.borrow().clone();
        let is_page = |path: &str| snapshot.site.page(path).is_some();
        counter_response(counter::respond(self.counter.as_ref(), &request, is_page).await)
    }
}

/// `event: state` with the build's name, its problems and the files it replaced, as one SSE
/// frame.
fn event(snapshot: &Snapshot) -> Bytes {
    let data = serde_json::json!({
        "build": snapshot.build,
        "problems": snapshot.problems,
        "replaced": snapshot.replaced,
    });
    Bytes::from(format!("retry: 300\nevent: state\ndata: {data}\n\n"))
}

/// A file of the site, a folder (`/`, `/posts/`) being its `index.html`, and `404.html`
/// (status 404) for anything else, as CloudFront and the bucket answer. Pages get the live-reload script.
fn page(snapshot: &Snapshot, method: &Method, path: &str) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let site: &Site = &snapshot.site;
    let key = match percent_decode(path) {
        Some(p) if p.ends_with('/') => format!("{}index.html", p.trim_start_matches('/')),
        Some(p) => p.trim_start_matches('/').to_owned(),
        None => String::new(),
    };
    let (status, file) = match site.get(&key) {
        Some(file) => (StatusCode::OK, Some(file)),
        None => (StatusCode::NOT_FOUND, site.get(crate::site::NOT_FOUND_PAGE)),
    };
    let (bytes, content_type) = match file {
        Some(file) if file.content_type.starts_with("text/html") => (
            Bytes::from(with_live_script(&file.bytes, &snapshot.build)),
            file.content_type,
        ),
        Some(file) => (file.bytes.clone(), file.content_type),
        None => (
            Bytes::from(with_live_script(NOT_FOUND_PAGE.as_bytes(), &snapshot.build)),
            "text/html; charset=utf-8",
        ),
    };
    let mut response = Response::new(match method == Method::HEAD {
        true => BoxBody::new(Full::new(Bytes::new())),
        false => BoxBody::new(Full::new(bytes.clone())),
    });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    preview_headers(headers);
    response
}

/// Shown for a miss when the site has no 404.html yet (or has not built at all).
const NOT_FOUND_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><p>Not found.</p></body></html>\n";

/// Adds the live-reload script to a page, before `</head>` (or first in the page when it
/// has no head). Only in answers of `gen serve`; the built site never has it.
fn with_live_script(html: &[u8], build: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\" data-build=\"{build}\" defer></script>");
    let at = find_ascii_case_insensitive(html, b"</head>").unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// `/caf%C3%A9.html` → `/café.html`; `None` for a path that is not UTF-8 once decoded.
fn percent_decode(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// No caching in a preview, and the same protections the deployed site's headers give.
fn preview_headers(headers: &mut hyper::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(crate::infra::PERMISSIONS_POLICY),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
}

fn asset(method: &Method, body: &'static str, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(match method == Method::HEAD {
        true => BoxBody::new(Full::new(Bytes::new())),
        false => BoxBody::new(Full::new(Bytes::from_static(body.as_bytes()))),
    });
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    preview_headers(headers);
    response
}

fn text(status: StatusCode, message: &'static str) -> Response<Body> {
    let mut response = Response::new(BoxBody::new(Full::new(Bytes::from_static(
        message.as_bytes(),
    ))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn counter_response(answer: counter::Response) -> Response<Body> {
    let mut response = Response::new(BoxBody::new(Full::new(Bytes::from(answer.body))));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in counter::Response::FIXED_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    for (name, value) in answer.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// The address a browser should open for a listener bound to `addr`.
pub fn browser_url(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => {
            format!("http://127.0.0.1:{}/", v4.port())
        }
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => format!("http://[::1]:{}/", v6.port()),
        SocketAddr::V6(v6) => format!("http://[{}]:{}/", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => format!("http://{v4}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_script_goes_before_head_end() {
        let html = with_live_script(b"<html><HEAD><title>x</title></HEAD><body></body>", "a-1");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<html><HEAD><title>x</title><script src=\"/_gen/live.js\" data-build=\"a-1\" defer></script></HEAD><body></body>"
        );
        let bare = with_live_script(b"<p>hi</p>", "a-2");
        assert!(bare.starts_with(b"<script src=\"/_gen/live.js\""));
    }

    #[test]
    fn decodes_paths() {
        assert_eq!(
            percent_decode("/caf%C3%A9.html").as_deref(),
            Some("/café.html")
        );
        assert_eq!(percent_decode("/a%2").as_deref(), Some("/a%2"));
        assert_eq!(percent_decode("/%zz").as_deref(), Some("/%zz"));
        assert_eq!(percent_decode("/%FF"), None);
    }
}
