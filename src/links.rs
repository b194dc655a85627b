//! Which link targets may reach the page: http(s) addresses, and mailto/tel in rich text.
//! Decisions about addresses are made on URLs parsed by the `url` crate.

use url::{Host, Url};

/// An absolute `http://` or `https://` address with a host and no spaces or control
/// characters, parsed.
pub fn web_url(text: &str) -> Option<Url> {
    absolute_url(text, &["http", "https"])
}

/// `text` as an absolute address the page's visitor counter can call: a [`web_url`], or a
/// `ws://` or `wss://` one (the live counter) written in full with a host.
pub fn counter_url(text: &str) -> Option<Url> {
    absolute_url(text, &["http", "https", "ws", "wss"])
}

/// `text` as an absolute address with one of `schemes`, written in full (`scheme://`), with a
/// host and no spaces or control characters.
fn absolute_url(text: &str, schemes: &[&str]) -> Option<Url> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let url = Url::parse(text).ok()?;
    let written_in_full = text
        .get(url.scheme().len()..)
        .is_some_and(|rest| rest.starts_with("://"));
    let allowed = schemes.contains(&url.scheme()) && url.host().is_some();
    (allowed && written_in_full).then_some(url)
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

/// An address as written, read: kept, completed, or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Kept,
    /// Completed or repaired: `example.com` → `https://example.com`.
    Read(String),
    Refused,
}

/// Reads an address where a web link belongs: a web address is kept; one without its scheme
/// (`www.example.com`, `twitter.com/ada`, `//example.com`) or with it twice
/// (`https://https://…`) is completed; `mailto:`/`tel:` links are kept when `rich` allows them;
/// anything else (`javascript:`, `data:`, a bare word) is refused.
pub fn read_web_address(text: &str, rich: bool) -> Reading {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    // The last of repeated schemes: `https://https://example.com`.
    let repeated = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme).map(|rest| (scheme, rest)))
        .filter(|(_, rest)| rest.starts_with("http://") || rest.starts_with("https://"));
    if let Some((scheme, _)) = repeated {
        let rest = &text[scheme.len()..];
        return match read_web_address(rest, false) {
            Reading::Kept => Reading::Read(rest.to_owned()),
            other => other,
        };
    }
    if is_web_url(text) || (rich && is_allowed_link(text)) {
        return Reading::Kept;
    }
    let bare = text.strip_prefix("//").unwrap_or(text);
    let first = bare.split(['/', '?', '#']).next().unwrap_or_default();
    let looks_like_host = first.contains('.')
        && !first.starts_with('.')
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    let completed = format!("https://{bare}");
    if looks_like_host && web_url(&completed).is_some_and(|u| u.domain().is_some()) {
        return Reading::Read(completed);
    }
    Reading::Refused
}

/// The file extension and bytes of a `data:` URL holding a raster image (PNG, JPEG, GIF,
/// WebP or AVIF) in base64; `None` for anything else, or for base64 that does not decode.
pub fn data_image(text: &str) -> Option<(&'static str, Vec<u8>)> {
    use base64::Engine;
    let (header, payload) = text.trim().split_once(',')?;
    let header = header.to_ascii_lowercase();
    let kind = header
        .strip_prefix("data:image/")?
        .strip_suffix(";base64")?;
    let extension = match kind {
        "png" => "png",
        "jpeg" | "jpg" => "jpg",
        "gif" => "gif",
        "webp" => "webp",
        "avif" => "avif",
        _ => return None,
    };
    let payload: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .ok()?;
    Some((extension, bytes))
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
    fn addresses_as_people_write_them() {
        let read = |t: &str| read_web_address(t, true);
        assert_eq!(read("https://example.com"), Reading::Kept);
        assert_eq!(read("mailto:ada@example.com"), Reading::Kept);
        assert_eq!(
            read_web_address("mailto:ada@example.com", false),
            Reading::Refused
        );
        for (text, read_as) in [
            ("example.com", "https://example.com"),
            ("www.example.com", "https://www.example.com"),
            ("twitter.com/ada", "https://twitter.com/ada"),
            ("//cdn.example/p.png", "https://cdn.example/p.png"),
            ("https://https://example.com/x", "https://example.com/x"),
            ("http://https://example.com", "https://example.com"),
            ("bücher.example/a%20b", "https://bücher.example/a%20b"),
        ] {
            assert_eq!(read(text), Reading::Read(read_as.into()), "{text}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "vbscript:x",
            "data:text/html,<script>",
            "ftp://example.com",
            "my website",
            "localhost",
            "https://",
            "127.0.0.1.evil:x",
        ] {
            assert_eq!(read(bad), Reading::Refused, "{bad}");
        }
    }

    #[test]
    fn data_images() {
        assert_eq!(
            data_image("data:image/png;base64,iVBORw0KGgo="),
            Some(("png", b"\x89PNG\r\n\x1a\n".to_vec()))
        );
        assert!(data_image("DATA:image/jpeg;base64,/9j/").is_some());
        assert!(data_image("data:image/svg+xml;base64,PHN2Zz4=").is_none());
        assert!(data_image("data:text/html;base64,PHNjcmlwdD4=").is_none());
        assert!(data_image("data:image/png;base64,not base64!").is_none());
    }

    #[test]
    fn site_paths() {
        assert!(is_site_path("photo.jpg"));
        assert!(is_site_path("img/me.png"));
        assert!(!is_site_path("javascript:alert(1)"));
        assert!(!is_site_path("//evil.example/x.png"));
    }
}
