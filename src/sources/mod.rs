//! Reads a site's inputs from disk into memory: `gen.toml`, `content/resume.yaml`, `templates/`.
//! Everything after this works on memory only.

mod posts;
mod translations;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, SourceFile, line_column};
use crate::resume;

use posts::read_posts;
pub use posts::{KnownPosts, PostSource};
use translations::read_translations;
pub use translations::{Translation, translation_tag};

pub const CONFIG_FILE: &str = "gen.toml";
pub const CONTENT_DIR: &str = "content";
pub const RESUME_FILE: &str = "content/resume.yaml";
pub const TEMPLATES_DIR: &str = "templates";
pub const POSTS_DIR: &str = "content/posts";

/// A theme file or a post's file larger than this is refused: the page has to stay fast.
const MAX_THEME_FILE: u64 = 16 * 1024 * 1024;

/// A photo file larger than this is refused before it is read: a phone's is 2 to 8 MiB.
const MAX_PHOTO_FILE: u64 = 32 * 1024 * 1024;

/// gen.toml larger than this is refused: a site's settings are a few hundred bytes.
const MAX_CONFIG_FILE: u64 = 1024 * 1024;

/// The inputs of one build, as read from disk.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The site's folder, resolved: what gen's cache folder keeps for this site is named by it.
    pub root: PathBuf,
    /// `gen.toml`, when the site has one.
    pub config: Option<SourceFile>,
    pub resume: SourceFile,
    /// The resume, parsed and checked once for the whole build.
    pub loaded: Arc<Result<resume::Loaded, crate::diagnostic::Diagnostics>>,
    /// When the resume was last saved: resume.pdf's date when the resume gives none.
    pub resume_modified: Option<std::time::SystemTime>,
    /// Theme files by path relative to `templates/`, with `/` separators: the site's own, and
    /// once [`Sources::apply_theme`] ran, its built-in theme's in the others' place.
    pub templates: BTreeMap<String, Vec<u8>>,
    /// The site's theme files that are unchanged copies of built-in themes' files.
    pub theme_copies: crate::themes::Copies,
    /// The photo the resume names by a path in content/ (`basics.image: photo.jpg`).
    pub photo: Option<Photo>,
    /// The posts in `content/posts/`, in file-name order.
    pub posts: Vec<Arc<PostSource>>,
    /// The resume's translations (`content/resume.<tag>.yaml`), by tag.
    pub translations: Vec<Translation>,
}

/// The photo a resume names by a path in content/, as read.
#[derive(Debug, Clone)]
pub struct Photo {
    /// `basics.image` as written.
    pub image: String,
    /// The file's bytes, or why there are none: `None` when there is no such file in
    /// content/, `Some(reason)` when it could not be read.
    pub bytes: Result<Vec<u8>, Option<String>>,
}

/// The file `basics.image` names, when it is a path (not a web or `data:` address): relative
/// to content/, the resume's folder. A resume that does not parse has none; its build fails
/// on the resume first.
fn read_photo(
    site: &Path,
    loaded: &Result<resume::Loaded, crate::diagnostic::Diagnostics>,
) -> Option<Photo> {
    let basics = loaded.as_ref().ok()?.resume.data.basics.as_ref()?;
    let image = basics.image.as_deref()?.trim().to_owned();
    if image.is_empty() || image.contains(':') || image.starts_with("//") {
        return None;
    }
    let shown = format!("{CONTENT_DIR}/{}", image.trim_start_matches('/'));
    let bytes = std::fs::canonicalize(site.join(CONTENT_DIR))
        .and_then(|content| {
            let path = std::fs::canonicalize(content.join(image.trim_start_matches('/')))?;
            Ok((content, path))
        })
        .map_err(|_| None)
        .and_then(|(content, path)| {
            // Only files inside content/: every photo is published.
            if !path.starts_with(&content) {
                return Err(Some(format!(
                    "{shown} leads outside content/ (the photo is published: copy it into content/)"
                )));
            }
            crate::files::read_limited(&path, &shown, MAX_PHOTO_FILE, |size| {
                crate::files::too_large(&shown, size, MAX_PHOTO_FILE, "a photo")
            })
            .map_err(|e| Some(format!("{e:#}")))
        });
    Some(Photo { image, bytes })
}

/// `gen.toml` of the site at `root`, when it has one.
pub fn read_config_file(root: &Path) -> Result<Option<SourceFile>> {
    let path = root.join(CONFIG_FILE);
    match crate::files::read_limited(&path, CONFIG_FILE, MAX_CONFIG_FILE, |size| {
        crate::files::too_large(CONFIG_FILE, size, MAX_CONFIG_FILE, "gen.toml")
    }) {
        Ok(bytes) => Ok(Some(text_file(CONFIG_FILE, bytes)?)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Sources {
    /// Puts the built-in `theme`'s files in place of those the site does not have.
    pub fn apply_theme(&mut self, theme: &crate::themes::Theme) {
        let (files, copies) = crate::themes::overlay(theme, std::mem::take(&mut self.templates));
        self.templates = files;
        self.theme_copies = copies;
    }

    /// The site's settings, checked; the defaults when it has no `gen.toml`.
    pub fn config(&self) -> Result<Config, Diagnostic> {
        config::parse_or_default(self.config.as_ref())
    }

    /// Reads the inputs of the site rooted at `root`; posts a preview knows unchanged since
    /// its last read come from `known`.
    pub fn read(root: &Path, known: Option<&mut KnownPosts>) -> Result<Sources> {
        let config = read_config_file(root)?;
        let site = std::fs::canonicalize(root)
            .with_context(|| format!("resolving {}", display_root(root)))?;
        // content/ itself may be a link, as long as it stays inside the site: its photo and
        // its posts' files are published.
        let content = root.join(CONTENT_DIR);
        if std::fs::symlink_metadata(&content).is_ok() {
            check_link(&site, &content, CONTENT_DIR)?;
        }
        let resume = match read_text(&root.join(RESUME_FILE), RESUME_FILE.to_owned()) {
            Err(e) if is_not_found(&e) => return Err(not_a_site(root)),
            read => read?,
        };
        let resume_modified = std::fs::metadata(root.join(RESUME_FILE))
            .and_then(|m| m.modified())
            .ok();
        // The site's own theme files, when it has any: its theme (gen.toml's `theme`) gives
        // the rest.
        let templates_dir = root.join(TEMPLATES_DIR);
        let mut templates = BTreeMap::new();
        if std::fs::symlink_metadata(&templates_dir).is_ok() {
            check_link(&site, &templates_dir, TEMPLATES_DIR)?;
        }
        // Links below them may lead only into these two folders: a link to the site's
        // Terraform state or to out/ would publish it.
        let published: Vec<PathBuf> = [&content, &templates_dir]
            .iter()
            .filter_map(|dir| std::fs::canonicalize(dir).ok())
            .collect();
        if templates_dir.is_dir() {
            read_theme(&published, &templates_dir, &mut templates)?;
        }
        let loaded = Arc::new(resume::parse(&resume));
        let photo = read_photo(&site, &loaded);
        let posts = read_posts(&published, &root.join(POSTS_DIR), known)?;
        let translations = read_translations(&content)?;
        Ok(Sources {
            translations,
            root: site,
            config,
            resume,
            loaded,
            resume_modified,
            templates,
            theme_copies: Default::default(),
            posts,
            photo,
        })
    }
}

/// Whether `error` says a file is not there.
fn is_not_found(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

/// The error for a folder without a resume: probably not the site the user meant.
pub fn not_a_site(root: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{RESUME_FILE} not found in {}: run `gen init` to create a site there, or pass --root",
        display_root(root)
    )
}

fn display_root(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        "the current folder".into()
    } else {
        root.display().to_string()
    }
}

/// Decodes a text file, locating the first byte that is not UTF-8.
pub fn text_file(name: &str, bytes: Vec<u8>) -> Result<SourceFile> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile {
            name: name.to_owned(),
            text: text
                .strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        }),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(&bytes[..offset]).into_owned();
            let (line, column) = line_column(&valid, offset);
            let source = SourceFile {
                name: name.to_owned(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            };
            Err(Diagnostic::at(
                &source,
                line,
                column,
                format!(
                    "byte 0x{:02X} is not UTF-8 text (save the file as UTF-8)",
                    bytes[offset]
                ),
            )
            .into())
        }
    }
}

/// Whether a file in the theme folder is an editor's or the system's, not part of the theme.
pub fn is_scratch_file(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Refuses a symbolic link at `path` (shown as `shown`) that leads outside the site's
/// folder `site`: content/ and templates/ themselves, whose files are published.
fn check_link(site: &Path, path: &Path, shown: &str) -> Result<()> {
    check_link_into(&[site.to_path_buf()], "the site's folder", path, shown)
}

/// Refuses a symbolic link at `path` (shown as `shown`), below content/ or templates/, that
/// leads outside both (`published`, resolved): a link to `~/.aws/credentials`, the site's
/// Terraform state or out/ would publish it.
fn check_inner_link(published: &[PathBuf], path: &Path, shown: &str) -> Result<()> {
    check_link_into(published, "content/ and templates/", path, shown)
}

/// Refuses a symbolic link at `path` that leads outside every folder of `roots` (`named`).
fn check_link_into(roots: &[PathBuf], named: &str, path: &Path, shown: &str) -> Result<()> {
    let is_link = std::fs::symlink_metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .file_type()
        .is_symlink();
    if !is_link {
        return Ok(());
    }
    let Ok(resolved) = std::fs::canonicalize(path) else {
        let target = std::fs::read_link(path).unwrap_or_default();
        bail!(
            "{shown}: a link to {}, which does not exist: remove the link or restore its file",
            target.display()
        );
    };
    if !roots.iter().any(|root| resolved.starts_with(root)) {
        bail!(
            "{shown}: a link to {}, outside {named}; gen publishes files it reads there, so it \
             follows links only into {named}: copy the file in instead",
            resolved.display()
        );
    }
    Ok(())
}

/// Reads every theme file below `dir` into `out`, keyed by its path relative to `dir`.
fn read_theme(
    published: &[PathBuf],
    dir: &Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    read_folder(published, dir, TEMPLATES_DIR, out)
}

/// Reads every file below `dir` (shown as `shown`) into `out`, keyed by its path relative to
/// `dir`, leaving out scratch files. Each symbolic link is checked (`check_link`) before
/// walkdir follows it.
fn read_folder(
    published: &[PathBuf],
    dir: &Path,
    shown_dir: &str,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_str().is_some_and(is_scratch_file));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // A link to nothing: say so in the site's words, not walkdir's.
                if let Some(path) = e.path() {
                    check_inner_link(published, path, &shown(shown_dir, dir, path)?)?;
                }
                return Err(e).with_context(|| format!("reading {}", dir.display()));
            }
        };
        let path = entry.path();
        let shown = shown(shown_dir, dir, path)?;
        if entry.path_is_symlink() {
            check_inner_link(published, path, &shown)?;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let what = if shown_dir == TEMPLATES_DIR {
            "a theme file"
        } else {
            "a post's file"
        };
        let bytes = crate::files::read_limited(path, &shown, MAX_THEME_FILE, |size| {
            crate::files::too_large(&shown, size, MAX_THEME_FILE, what)
        })?;
        let relative = shown[shown_dir.len() + 1..].to_owned();
        out.insert(relative, bytes);
    }
    Ok(())
}

/// A text file of the site (the resume, a post), refused over the resume's size limit before
/// it is read.
fn read_text(path: &Path, shown: String) -> Result<SourceFile> {
    let what = if shown == RESUME_FILE {
        "the resume"
    } else if shown.starts_with(&format!("{CONTENT_DIR}/resume.")) {
        "the translation"
    } else {
        "the post"
    };
    let bytes = crate::files::read_limited(path, &shown, resume::MAX_BYTES as u64, |size| {
        resume::too_large(&shown, what, size).into()
    })?;
    text_file(&shown, bytes)
}

/// `shown_dir/…` for a path below the folder `dir`, with `/` separators.
fn shown(shown_dir: &str, dir: &Path, path: &Path) -> Result<String> {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let mut shown = shown_dir.to_owned();
    for part in relative.components() {
        let Some(name) = part.as_os_str().to_str() else {
            bail!(
                "{}: file names in {shown_dir}/ must be UTF-8",
                path.display()
            );
        };
        shown.push('/');
        shown.push_str(name);
    }
    Ok(shown)
}
