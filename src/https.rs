//! A small HTTPS client for gen's few requests to the web: `gen check`'s smoke test of the
//! live site (plain HTTP too, for its redirect check) and `gen ci github`'s one download.
//! hyper's client, with rustls and the system's trusted certificates as the AWS SDK uses them,
//! a time limit on every request and a size limit on every answer.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How long one request may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// The largest answer read: a page, a 404 page or a count.
const MAX_BODY: usize = 8 << 20;
/// The `user-agent` of every request.
pub const USER_AGENT: &str = concat!("gen-check/", env!("CARGO_PKG_VERSION"));

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

/// `scheme://host[:port]` of `uri`, as it was written (no case or default port changed).
pub fn origin(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("https");
    match uri.authority() {
        Some(authority) => format!("{scheme}://{authority}"),
        None => format!("{scheme}://"),
    }
}

/// An answer, read whole.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// HTTPS and HTTP requests, with the system's trusted certificates (or those `SSL_CERT_FILE`
/// names), no redirects followed.
pub struct Http {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Result<Http> {
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

    /// Sends a request without a body and reads the answer whole, within [`TIMEOUT`].
    pub async fn send(
        &self,
        method: Method,
        uri: &Uri,
        headers: &[(&str, &str)],
    ) -> Result<Response> {
        let mut request = Request::builder()
            .method(method)
            .uri(uri.clone())
            .header("user-agent", USER_AGENT);
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

    /// Sends `request` as it is, with no time limit (the caller sets one), and hands back the
    /// answer with its body unread: a WebSocket upgrade takes the connection over.
    pub async fn request(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<hyper::Response<Incoming>, hyper_util::client::legacy::Error> {
        self.client.request(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_and_authority_as_written() {
        let origin_of = |text: &str| origin(&text.parse().unwrap());
        assert_eq!(
            origin_of("https://ada.example/cv/?x=1"),
            "https://ada.example"
        );
        assert_eq!(
            origin_of("https://Ada.Example:443/"),
            "https://Ada.Example:443"
        );
        assert_eq!(
            origin_of("wss://127.0.0.1:8443/live"),
            "wss://127.0.0.1:8443"
        );
    }
}
