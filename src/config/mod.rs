//! `gen.toml`: the site's settings.

mod names;
pub mod stack;
pub mod versions;

use serde::Deserialize;
use toml::Spanned;

pub use stack::{Backend, CounterMode, Domain, StackSettings};

use crate::diagnostic::{Diagnostic, SourceFile, line_column};
use crate::links;

/// Site settings. Every key is optional; unknown keys are errors so typos surface.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the site is published, e.g. `https://ada.example.com/`; always ends with `/`.
    pub base_url: Option<String>,
    /// The page's language (BCP 47), `en` unless set.
    #[serde(default = "default_language")]
    pub language: String,
    /// The built-in theme (`gen themes`); the site's own `templates/` override it file by file.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// `[labels]`: the page's words, any of them in place of the language's (`work =
    /// "Berufserfahrung"`).
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The page title; `name — label` from the resume unless set.
    pub title: Option<String>,
    /// The search-result description; the start of `basics.summary` unless set.
    pub description: Option<String>,
    /// Every warning about the resume is an error (as `--strict`): for CI.
    #[serde(default)]
    pub strict: bool,
    /// Raw HTML in posts is kept as HTML: for sites whose every author is trusted.
    #[serde(default)]
    pub unsafe_html: bool,
    /// `[pdf]`: resume.pdf.
    #[serde(default)]
    pub pdf: PdfSettings,
    /// `[versions.NAME]`: tailored versions of the resume, each at `/v/NAME/`.
    #[serde(default)]
    pub versions: std::collections::BTreeMap<String, versions::Version>,
    /// The sections the page being made puts first: its version's `order`, set page by page.
    #[serde(skip)]
    pub order: Vec<String>,
    #[serde(default, rename = "infra")]
    raw_infra: stack::RawInfra,
    #[serde(default, rename = "domain")]
    raw_domain: Option<stack::RawDomain>,
    #[serde(default, rename = "counter")]
    raw_counter: stack::RawCounter,
    #[serde(default, rename = "backend")]
    raw_backend: stack::RawBackend,
    #[serde(default, rename = "headers")]
    raw_headers: stack::RawHeaders,
    #[serde(default, rename = "alerts")]
    raw_alerts: stack::RawAlerts,
    #[serde(default, rename = "ci")]
    raw_ci: stack::RawCi,
    /// `[infra]`, `[domain]`, `[counter]`, `[backend]`, `[headers]`, `[alerts]` and `[ci]`, checked.
    #[serde(skip)]
    pub stack: StackSettings,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    crate::themes::DEFAULT.into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: None,
            language: default_language(),
            theme: default_theme(),
            labels: Default::default(),
            strict: false,
            unsafe_html: false,
            pdf: PdfSettings::default(),
            versions: Default::default(),
            order: Vec::new(),
            title: None,
            description: None,
            raw_infra: Default::default(),
            raw_domain: None,
            raw_counter: Default::default(),
            raw_backend: Default::default(),
            raw_headers: Default::default(),
            raw_alerts: Default::default(),
            raw_ci: Default::default(),
            stack: StackSettings::default(),
        }
    }
}

/// `[pdf]`: whether the build writes resume.pdf, and how it looks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfSettings {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `a4` or `letter`; unless set, letter for the United States and Canada, A4 elsewhere.
    pub paper: Option<Paper>,
    /// The space around the text on every side: `16mm`, `0.6in`, `1.5cm`, `45pt`.
    pub margins: Option<String>,
    /// Font files (OpenType or TrueType, paths from the site's folder) for scripts the built-in
    /// fonts lack: CJK, Hangul, Arabic, Hebrew, Devanagari...
    #[serde(default)]
    pub fonts: Vec<String>,
    /// The files `fonts` names, as read.
    #[serde(skip)]
    pub font_files: std::sync::Arc<Vec<(String, Vec<u8>)>>,
}

impl Default for PdfSettings {
    fn default() -> Self {
        PdfSettings {
            enabled: true,
            paper: None,
            margins: None,
            fonts: Vec::new(),
            font_files: Default::default(),
        }
    }
}

fn yes() -> bool {
    true
}

/// A paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// Typst's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// The margin when `margins` is not set.
const DEFAULT_MARGIN_MM: f64 = 16.0;

impl PdfSettings {
    /// The paper: as set, or from the language's region.
    pub fn paper(&self, language: &str) -> Paper {
        self.paper.unwrap_or_else(|| {
            let region = language.split('-').nth(1).unwrap_or_default();
            match region.to_ascii_uppercase().as_str() {
                "US" | "CA" => Paper::Letter,
                _ => Paper::A4,
            }
        })
    }

    /// The margins in millimetres.
    pub fn margin_mm(&self) -> f64 {
        self.margins
            .as_deref()
            .and_then(millimetres)
            .unwrap_or(DEFAULT_MARGIN_MM)
    }
}

/// `16mm`, `0.6in`, `1.5cm` or `45pt` in millimetres, when between 0 and 60 mm.
fn millimetres(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let number: f64 = text[..split].trim().parse().ok()?;
    let mm = match &text[split..] {
        "mm" => number,
        "cm" => number * 10.0,
        "in" => number * 25.4,
        "pt" => number * 25.4 / 72.0,
        _ => return None,
    };
    (0.0..=60.0).contains(&mm).then_some(mm)
}

/// Where gen.toml's checked values are, for an error at their place; other keys are ignored.
#[derive(Debug, Default, Deserialize)]
struct Places {
    base_url: Option<Spanned<toml::Value>>,
    language: Option<Spanned<toml::Value>>,
    theme: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pdf: PdfPlaces,
    #[serde(default)]
    labels: std::collections::BTreeMap<Spanned<String>, toml::Value>,
    #[serde(default)]
    versions: std::collections::BTreeMap<Spanned<String>, versions::Places>,
}

/// Where `[pdf]`'s checked values are.
#[derive(Debug, Default, Deserialize)]
struct PdfPlaces {
    margins: Option<Spanned<toml::Value>>,
}

/// Parses and checks `gen.toml` when there is one; the defaults otherwise.
pub fn parse_or_default(source: Option<&SourceFile>) -> Result<Config, Diagnostic> {
    source.map_or_else(|| Ok(Config::default()), parse)
}

/// Parses and checks `gen.toml`.
pub fn parse(source: &SourceFile) -> Result<Config, Diagnostic> {
    let located = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = line_column(&source.text, span.map_or(0, |s| s.start));
        Diagnostic::at(source, line, column, message)
    };
    let mut config: Config = toml::from_str(&source.text)
        .map_err(|e| located(e.span(), e.message().trim().to_owned()))?;
    // Where the values checked below are, read by the TOML parser itself.
    let places: Places = toml::from_str(&source.text).unwrap_or_default();
    let value_span = |key: &str| match key {
        "base_url" => places.base_url.as_ref().map(Spanned::span),
        "language" => places.language.as_ref().map(Spanned::span),
        "theme" => places.theme.as_ref().map(Spanned::span),
        "margins" => places.pdf.margins.as_ref().map(Spanned::span),
        _ => None,
    };
    if let Some(url) = &config.base_url {
        let Some(parsed) = links::web_url(url) else {
            return Err(located(
                value_span("base_url"),
                format!("base_url: {url:?} is not a web address (use https://your.domain/)"),
            ));
        };
        if parsed.query().is_some()
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(located(
                value_span("base_url"),
                format!(
                    "base_url: {url:?} is not a site's address: give it without a user, `?` or `#` \
                     (use https://your.domain/)"
                ),
            ));
        }
        // Kept as written (an IDN host or a path in any script stays so in every page and
        // the feed's ids), so characters a URL may not hold as they are refused here.
        if let Some(bad) = url
            .chars()
            .find(|c| matches!(c, '"' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^'))
        {
            return Err(located(
                value_span("base_url"),
                format!(
                    "base_url: {url:?} holds `{bad}`, which a web address may not hold as it is \
                     (write it percent-encoded: %{:02X})",
                    u32::from(bad)
                ),
            ));
        }
        if !url.ends_with('/') {
            config.base_url = Some(format!("{url}/"));
        }
    }
    let language_ok = !config.language.is_empty()
        && config.language.len() <= 35
        && config
            .language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !language_ok {
        return Err(located(
            value_span("language"),
            format!(
                "language: {:?} is not a language tag (use e.g. \"en\" or \"pt-BR\")",
                config.language
            ),
        ));
    }
    if crate::themes::find(&config.theme).is_none() {
        return Err(located(
            value_span("theme"),
            format!(
                "theme: {:?} is not a theme of gen's; choose {} (`gen themes` describes them)",
                config.theme,
                crate::themes::names()
            ),
        ));
    }
    let keys = crate::locale::keys();
    if let Some(unknown) = config.labels.keys().find(|k| !keys.contains(k)) {
        let span = places
            .labels
            .keys()
            .find(|key| key.get_ref() == unknown)
            .map(Spanned::span);
        return Err(located(
            span,
            format!(
                "labels: {unknown:?} is not a label; the labels are {}",
                keys.join(", ")
            ),
        ));
    }
    versions::check(&mut config.versions, &places.versions)
        .map_err(|(span, message)| located(Some(span), message))?;
    if let Some(margins) = &config.pdf.margins
        && millimetres(margins).is_none()
    {
        return Err(located(
            value_span("margins"),
            format!(
                "margins: {margins:?} is not a margin (use e.g. \"16mm\", \"0.6in\", \"1.5cm\" or \"45pt\", at most 60mm)"
            ),
        ));
    }
    config.stack = stack::check(stack::RawStack {
        infra: &config.raw_infra,
        domain: config.raw_domain.as_ref(),
        counter: &config.raw_counter,
        backend: &config.raw_backend,
        headers: &config.raw_headers,
        alerts: &config.raw_alerts,
        ci: &config.raw_ci,
    })
    .map_err(|(span, message)| located(Some(span), message))?;
    if let (Some(url), Some(domain)) = (&config.base_url, &config.stack.domain) {
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next());
        if host != Some(domain.name.as_str()) {
            return Err(located(
                value_span("base_url"),
                format!(
                    "base_url: {url:?} is not on domain.name {:?}; make them agree",
                    domain.name
                ),
            ));
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests;
