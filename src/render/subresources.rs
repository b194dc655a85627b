//! What the page loads besides itself: its stylesheet (inline when small, else a file), the
//! counter's script, and the Content-Security-Policy that allows exactly those.

use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::theme::theme_text;
use super::{INLINE_CSS_LIMIT, RenderOptions, css};
use crate::site::fingerprinted;
use crate::site::{CachePolicy, Site};
use crate::sources::{Sources, TEMPLATES_DIR};

#[derive(Debug, Clone, Serialize, Default)]
pub(super) struct Stylesheet {
    inline: Option<String>,
    href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct CounterContext {
    url: String,
    script: String,
    /// The page keeps a WebSocket open and shows each new count (`data-live`).
    live: bool,
}

/// `style.css`, minified: inlined in the page when small, else a fingerprinted file.
pub(super) fn stylesheet(sources: &Sources, site: &mut Site, extra: &str) -> Result<Stylesheet> {
    let Some(bytes) = sources.templates.get("style.css") else {
        return Ok(Stylesheet::default());
    };
    let mut source = theme_text("style.css", bytes)?;
    // Appended: a line in an error is still the theme's line.
    source.text.push_str(extra);
    let css = css::minify(&source)?;
    if css.len() <= INLINE_CSS_LIMIT {
        return Ok(Stylesheet {
            inline: Some(css),
            href: None,
        });
    }
    let path = fingerprinted("style.css", css.as_bytes());
    site.add(path.clone(), css, CachePolicy::Immutable);
    Ok(Stylesheet {
        inline: None,
        href: Some(path),
    })
}

/// The counter's script, fingerprinted, when the page has a counter to call.
pub(super) fn counter(
    sources: &Sources,
    options: &RenderOptions,
    site: &mut Site,
) -> Result<Option<CounterContext>> {
    // A preview counts nothing: its visits are not the site's.
    let Some(url) = options
        .counter_url
        .as_ref()
        .filter(|_| options.preview.is_none())
    else {
        return Ok(None);
    };
    let script = sources.templates.get("counter.js").with_context(|| {
        format!(
            "{TEMPLATES_DIR}/counter.js is missing: the page needs it to show the visitor counter"
        )
    })?;
    let path = fingerprinted("counter.js", script);
    site.add(path.clone(), script.clone(), CachePolicy::Immutable);
    let socket = crate::links::counter_url(url).is_some_and(|u| matches!(u.scheme(), "ws" | "wss"));
    Ok(Some(CounterContext {
        url: url.clone(),
        script: path,
        live: options.counter_live || socket,
    }))
}

/// Allows exactly what the page uses: its own inline style (by hash) or stylesheet, its
/// scripts, images, and the counter API.
pub(super) fn content_security_policy(
    stylesheet: &Stylesheet,
    counter: Option<&CounterContext>,
    live_reload: bool,
) -> String {
    let style = match &stylesheet.inline {
        Some(css) => format!("'sha256-{}'", BASE64.encode(Sha256::digest(css.as_bytes()))),
        None => "'self'".into(),
    };
    // `connect-src 'self'` lets crawlers' tools fetch /robots.txt from the page's context.
    let mut policy = format!(
        "default-src 'none'; img-src 'self' https: data:; style-src {style}; base-uri 'none'; form-action 'none'; connect-src 'self'"
    );
    if let Some(origin) = counter.and_then(|c| origin(&c.url)) {
        policy.push_str(&format!(" {origin}"));
    }
    if counter.is_some() || live_reload {
        policy.push_str("; script-src 'self'");
    }
    policy
}

/// `https://api.example.com/visits` → `https://api.example.com`; none for a path on the
/// page's own origin (`/visits`).
fn origin(url: &str) -> Option<String> {
    crate::links::counter_url(url).map(|url| url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_of_counter_url() {
        assert_eq!(
            origin("https://abc.execute-api.us-east-1.amazonaws.com/visits"),
            Some("https://abc.execute-api.us-east-1.amazonaws.com".to_owned())
        );
        assert_eq!(
            origin("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080".to_owned())
        );
        assert_eq!(origin("/visits"), None);
        assert_eq!(
            origin("wss://abc.execute-api.us-east-1.amazonaws.com/live"),
            Some("wss://abc.execute-api.us-east-1.amazonaws.com".to_owned())
        );
    }
}
