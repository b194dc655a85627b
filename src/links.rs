//! Which link targets may reach the page: http(s) addresses, and mailto/tel in rich text.

/// An absolute `http://` or `https://` address with a host and no spaces or control characters.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
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
