//! Which link targets may reach the page: http(s) addresses, and mailto/tel in rich text.
//! Decisions about addresses are made on URLs parsed by the `url` crate.

use url::{Host, Url};

/// An absolute `http://` or `https://` address with a host and no spaces or control
/// characters, parsed.
pub fn web_url(text: &str) -> Option<Url> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let url = Url::parse(text).ok()?;
    let written_in_full = text
        .get(url.scheme().len()..)
        .is_some_and(|rest| rest.starts_with("://"));
    let web = matches!(url.scheme(), "http" | "https") && url.host().is_some();
    (web && written_in_full).then_some(url)
}

/// Whether `text` is a [`web_url`].
pub fn is_web_url(text: &str) -> bool {
    web_url(text).is_some()
}

/// Whether the URL's host is this machine's loopback interface (`localhost`, `127.0.0.0/8`,
/// `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A link target allowed in Markdown text: a web address, `mailto:` or `tel:`.
pub fn is_allowed_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    is_web_url(url.trim())
        || ((lower.starts_with("mailto:") || lower.starts_with("tel:"))
            && !url.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// A path inside the site: relative, no scheme, no protocol-relative `//host`.
pub fn is_site_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with("//")
        && !path.contains(':')
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://example.com"));
        assert!(is_web_url("HTTP://example.com/a?b#c"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "example.com",
            "//example.com",
            "https://a b",
            "data:text/html,x",
            " https://x",
            "https:example.com",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn rich_text_links() {
        assert!(is_allowed_link("mailto:a@b.c"));
        assert!(is_allowed_link("tel:+15550100"));
        assert!(!is_allowed_link("JavaScript:alert(1)"));
        assert!(!is_allowed_link("vbscript:x"));
        assert!(!is_allowed_link("/relative"));
    }

    #[test]
    fn site_paths() {
        assert!(is_site_path("photo.jpg"));
        assert!(is_site_path("img/me.png"));
        assert!(!is_site_path("javascript:alert(1)"));
        assert!(!is_site_path("//evil.example/x.png"));
    }
}
