//! The themes built into gen. `classic` is the files of `templates/`; every other theme is
//! those files with some of its own (`themes/<name>/`) in their place. A site's own
//! `templates/` overrides its theme file by file.

use std::collections::BTreeMap;

/// A built-in theme.
#[derive(Debug)]
pub struct Theme {
    pub name: &'static str,
    /// One line on its look, for `gen themes`.
    pub description: &'static str,
    /// The files it has instead of classic's.
    own: &'static [(&'static str, &'static [u8])],
}

/// The theme a site has unless gen.toml sets `theme`.
pub const DEFAULT: &str = "classic";

/// Every built-in theme, the default first.
pub const THEMES: &[Theme] = &[
    Theme {
        name: "classic",
        description: "one centred column, system fonts, a round photo beside the name, tags as pills",
        own: &[],
    },
    Theme {
        name: "sidebar",
        description: "two columns: photo, contact, skills and languages in a tinted sidebar beside the experience",
        own: &[
            ("index.html", include_bytes!("../themes/sidebar/index.html")),
            ("style.css", include_bytes!("../themes/sidebar/style.css")),
        ],
    },
    Theme {
        name: "compact",
        description: "dense and print-first: serif type, a rule under the name, dates in a margin column, one page on paper",
        own: &[
            ("index.html", include_bytes!("../themes/compact/index.html")),
            ("style.css", include_bytes!("../themes/compact/style.css")),
        ],
    },
];

/// classic's files, which every theme starts from.
const BASE: &[(&str, &[u8])] = &[
    ("_base.html", include_bytes!("../templates/_base.html")),
    (
        "_profile.html",
        include_bytes!("../templates/_profile.html"),
    ),
    ("_visits.html", include_bytes!("../templates/_visits.html")),
    (
        "_languages.html",
        include_bytes!("../templates/_languages.html"),
    ),
    ("index.html", include_bytes!("../templates/index.html")),
    ("404.html", include_bytes!("../templates/404.html")),
    ("post.html", include_bytes!("../templates/post.html")),
    ("posts.html", include_bytes!("../templates/posts.html")),
    ("resume.typ", include_bytes!("../templates/resume.typ")),
    ("style.css", include_bytes!("../templates/style.css")),
    ("counter.js", include_bytes!("../templates/counter.js")),
    ("favicon.svg", include_bytes!("../templates/favicon.svg")),
    ("robots.txt", include_bytes!("../templates/robots.txt")),
    ("sitemap.xml", include_bytes!("../templates/sitemap.xml")),
];

/// The built-in theme called `name`.
pub fn find(name: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|t| t.name == name)
}

/// The names of the built-in themes, for messages: `"classic", "sidebar" or "compact"`.
pub fn names() -> String {
    let quoted: Vec<String> = THEMES.iter().map(|t| format!("{:?}", t.name)).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl Theme {
    /// Its file called `name` (relative to `templates/`), if it has one.
    pub fn file(&self, name: &str) -> Option<&'static [u8]> {
        self.own
            .iter()
            .chain(BASE)
            .find(|(path, _)| *path == name)
            .map(|(_, bytes)| *bytes)
    }

    /// Every file of the theme, by path relative to `templates/`.
    pub fn files(&self) -> Files {
        BASE.iter()
            .chain(self.own)
            .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
            .collect()
    }
}

/// Theme files by path relative to `templates/`.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What a site's templates/ holds that it need not: copies of built-in theme files, as
/// `gen init` made them before themes stayed in gen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copies {
    /// Files that are another built-in theme's, unchanged, and so hide a different file of the
    /// site's theme (a theme copied, then switched in gen.toml), with that theme's name.
    pub hiding: Vec<(String, &'static str)>,
    /// Files that are the site's theme's own, unchanged: deleting them changes nothing today,
    /// and lets the site follow the theme as gen updates it.
    pub unchanged: Vec<String>,
}

/// A site's theme files: `theme`'s, with the site's own (`site`, from `templates/`) in their
/// place; and the site's files that are unchanged copies of built-in themes' ([`Copies`]).
pub fn overlay(theme: &Theme, site: Files) -> (Files, Copies) {
    let mut copies = Copies::default();
    for (name, bytes) in &site {
        let Some(own) = theme.file(name) else {
            continue;
        };
        if own == bytes.as_slice() {
            copies.unchanged.push(name.clone());
            continue;
        }
        if let Some(other) = THEMES
            .iter()
            .find(|t| t.name != theme.name && t.file(name) == Some(bytes.as_slice()))
        {
            copies.hiding.push((name.clone(), other.name));
        }
    }
    let mut files = theme.files();
    files.extend(site);
    (files, copies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_differs_from_classic_where_it_has_its_own() {
        for theme in THEMES {
            for (name, bytes) in theme.own {
                let classic = BASE.iter().find(|(p, _)| p == name).map(|(_, b)| *b);
                assert!(
                    classic != Some(*bytes),
                    "{}/{name} is classic's",
                    theme.name
                );
            }
        }
        assert_eq!(THEMES[0].name, DEFAULT);
        assert_eq!(names(), "\"classic\", \"sidebar\" or \"compact\"");
    }

    #[test]
    fn a_site_file_wins_and_an_unchanged_copy_of_another_theme_is_named() {
        let sidebar = find("sidebar").unwrap();
        let classic = find("classic").unwrap();
        let site = BTreeMap::from([
            (
                "style.css".to_owned(),
                classic.file("style.css").unwrap().to_vec(),
            ),
            ("index.html".to_owned(), b"mine".to_vec()),
            (
                "404.html".to_owned(),
                classic.file("404.html").unwrap().to_vec(),
            ),
        ]);
        let (files, copies) = overlay(sidebar, site);
        assert_eq!(files["index.html"], b"mine");
        assert_eq!(files["style.css"], classic.file("style.css").unwrap());
        assert_eq!(copies.hiding, vec![("style.css".to_owned(), "classic")]);
        // classic's 404.html is sidebar's too: a copy the site can delete.
        assert_eq!(copies.unchanged, ["404.html"]);
        assert!(files.contains_key("counter.js"));
    }
}
