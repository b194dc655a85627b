//! A pull request's preview (`--preview N`): the site as it is served from `/_preview/pr-N/`
//! of the site's own bucket and distribution, every address under that folder.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::RenderOptions;
use crate::config::Config;
use crate::site::{Site, preview_prefix};

impl RenderOptions {
    /// The path every page's links start from: `/`, or a preview's `/_preview/pr-7/`.
    pub fn root(&self) -> String {
        match self.preview {
            Some(number) => format!("/{}", preview_prefix(number)),
            None => "/".into(),
        }
    }
}

/// The settings a render with `options` uses: a preview's absolute addresses (canonical,
/// alternates, feed) are under its folder too.
pub(super) fn config<'a>(config: &'a Config, options: &RenderOptions) -> Cow<'a, Config> {
    match options.preview {
        Some(number) => {
            let mut previewed = config.clone();
            previewed.base_url =
                (config.base_url.as_ref()).map(|base| format!("{base}{}", preview_prefix(number)));
            Cow::Owned(previewed)
        }
        None => Cow::Borrowed(config),
    }
}

/// The preview's banner, after the theme's styles (every theme's, and a copy of one in
/// `templates/`): the site's own pages carry none of it.
pub(super) fn css(options: &RenderOptions) -> &'static str {
    match options.preview {
        Some(_) => BANNER_CSS,
        None => "",
    }
}

const BANNER_CSS: &str = "
.preview-banner {
  margin: 0 0 1.25rem;
  padding: 0.5rem 1rem;
  border: 1px solid #b45309;
  border-radius: 6px;
  background: #fef3c7;
  color: #713f12;
  font-weight: 600;
  text-align: center;
}
.preview-banner p { margin: 0; }
@media (prefers-color-scheme: dark) {
  .preview-banner { border-color: #d97706; background: #3b2606; color: #fde68a; }
}
";

/// Leaves out of a preview what would make it a site of its own to search engines.
pub(super) fn trim(site: &mut Site, options: &RenderOptions) {
    if options.preview.is_some() {
        site.files
            .retain(|file| !matches!(file.path.as_str(), "sitemap.xml" | "robots.txt"));
    }
}

/// The HTML templates that link from the site's root (`href="/…"` or `src="/…"`, not a
/// `//host`): pages copied into templates/ before previews, whose links leave a preview's
/// folder. gen's own themes start every link with `{{ site.root }}`.
pub fn rooted_templates(templates: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    let from_root = |text: &[u8]| {
        ["href=\"/", "src=\"/"].iter().any(|link| {
            (text.windows(link.len() + 1))
                .any(|w| w.starts_with(link.as_bytes()) && w[link.len()] != b'/')
        })
    };
    (templates.iter())
        .filter(|(name, text)| name.ends_with(".html") && from_root(text))
        .map(|(name, _)| name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_html_templates_linking_from_the_root_are_named() {
        let templates: BTreeMap<String, Vec<u8>> = [
            ("404.html", r#"<a href="/">home</a>"#),
            ("post.html", r#"<img src="/photo.jpg">"#),
            (
                "index.html",
                r#"<a href="{{ site.root }}posts/">x</a> <a href="//cdn.example/">"#,
            ),
            ("style.css", r#"a[href="/"] { color: red }"#),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text.as_bytes().to_vec()))
        .collect();
        assert_eq!(rooted_templates(&templates), ["404.html", "post.html"]);
    }
}
