//! Who may talk to the preview: requests addressed to this machine (no DNS rebinding), and
//! counter calls from the preview's own pages only (no cross-site visits).

use hyper::header;
use url::{Host, Url};

/// The request's `Host` as the authority of a URL (`http://HOST/`), or `None` when it is
/// missing or anything but a host and an optional port.
fn host_url(headers: &hyper::HeaderMap) -> Option<Url> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    if host.contains(['@', '/', '?', '#', '\\']) {
        return None;
    }
    Url::parse(&format!("http://{host}/")).ok()
}

/// Whether the request's `Host` is one the preview answers: a loopback name, an IP address
/// (a DNS-rebinding page always sends its own host name) or one of `allowed`.
pub(super) fn allowed_host(headers: &hyper::HeaderMap, allowed: &[String]) -> bool {
    match host_url(headers).as_ref().and_then(Url::host) {
        Some(Host::Domain(name)) => {
            name == "localhost" || name.ends_with(".localhost") || allowed.iter().any(|a| a == name)
        }
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => true,
        None => false,
    }
}

/// Whether a browser says the request comes from another site's page: `Sec-Fetch-Site`
/// other than `same-origin` or `none` (typed in), or an `Origin` that is not this request's
/// `Host`.
pub(super) fn cross_site(headers: &hyper::HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    let Some(origin) = value("origin") else {
        return false;
    };
    let authority = |url: &Url| {
        (
            url.host_str().map(str::to_owned),
            url.port_or_known_default(),
        )
    };
    match (Url::parse(origin), host_url(headers)) {
        (Ok(origin), Some(host)) => authority(&origin) != authority(&host),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    #[test]
    fn allowed_hosts() {
        let allowed = ["laptop.local".to_owned()];
        let host = |h: &str| {
            let mut headers = hyper::HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(h).unwrap());
            allowed_host(&headers, &allowed)
        };
        for ok in [
            "127.0.0.1:8000",
            "localhost",
            "LOCALHOST:1",
            "[::1]:8000",
            "app.localhost:3",
            "10.0.0.2:8000",
            "[fe80::1]:8000",
            "Laptop.Local:8000",
        ] {
            assert!(host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "127.0.0.1.evil.example",
            "laptop.local.evil.example",
            "10.0.0.2.nip.io:8000",
        ] {
            assert!(!host(bad), "{bad}");
        }
        assert!(!allowed_host(&hyper::HeaderMap::new(), &allowed));
    }

    #[test]
    fn cross_site_requests() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut headers = hyper::HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, HeaderValue::from_str(value).unwrap());
            }
            headers
        };
        let host = ("host", "127.0.0.1:8000");
        for same in [
            vec![host],
            vec![host, ("sec-fetch-site", "same-origin")],
            vec![host, ("sec-fetch-site", "none")],
            vec![host, ("origin", "http://127.0.0.1:8000")],
        ] {
            assert!(!cross_site(&headers(&same)), "{same:?}");
        }
        for cross in [
            vec![host, ("sec-fetch-site", "cross-site")],
            vec![host, ("sec-fetch-site", "same-site")],
            vec![host, ("origin", "https://evil.example")],
            vec![host, ("origin", "http://127.0.0.1:3000")],
            vec![host, ("origin", "null")],
        ] {
            assert!(cross_site(&headers(&cross)), "{cross:?}");
        }
    }
}
