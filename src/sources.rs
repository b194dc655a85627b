//! Reads a site's inputs from disk into memory: `gen.toml`, `content/resume.yaml`, `templates/`.
//! Everything after this works on memory only.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, SourceFile, line_column};
use crate::resume;

pub const CONFIG_FILE: &str = "gen.toml";
pub const CONTENT_DIR: &str = "content";
pub const RESUME_FILE: &str = "content/resume.yaml";
pub const TEMPLATES_DIR: &str = "templates";

/// A theme file larger than this is refused: the page has to stay fast.
const MAX_THEME_FILE: u64 = 16 * 1024 * 1024;

/// The inputs of one build, as read from disk.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `gen.toml`, when the site has one.
    pub config: Option<SourceFile>,
    pub resume: SourceFile,
    /// Theme files by path relative to `templates/`, with `/` separators.
    pub templates: BTreeMap<String, Vec<u8>>,
    /// The posts in `content/posts/`, in file-name order.
    pub posts: Vec<PostSource>,
}

/// One post as read: `content/posts/<name>.md`, or `content/posts/<name>/index.md` with the
/// files beside it.
#[derive(Debug, Clone)]
pub struct PostSource {
    pub file: SourceFile,
    /// The file's or folder's name, the post's slug unless its front matter sets one.
    pub name: String,
    /// The files beside a folder post's `index.md`, by path relative to its folder.
    pub assets: BTreeMap<String, Vec<u8>>,
}

pub const POSTS_DIR: &str = "content/posts";

/// `gen.toml` of the site at `root`, when it has one.
fn read_config_file(root: &Path) -> Result<Option<SourceFile>> {
    let path = root.join(CONFIG_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(text_file(CONFIG_FILE, bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

impl Sources {
    /// The site's settings, checked; the defaults when it has no `gen.toml`.
    pub fn config(&self) -> Result<Config, Diagnostic> {
        config::parse_or_default(self.config.as_ref())
    }

    /// Reads the inputs of the site rooted at `root`.
    pub fn read(root: &Path) -> Result<Sources> {
        let config = read_config_file(root)?;
        let resume = match read_text(&root.join(RESUME_FILE), RESUME_FILE.to_owned()) {
            Err(e)
                if e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
            {
                return Err(not_a_site(root));
            }
            read => read?,
        };
        let templates_dir = root.join(TEMPLATES_DIR);
        if !templates_dir.is_dir() {
            bail!(
                "{TEMPLATES_DIR}/ not found in {}: the site needs a theme (run `gen init` in a new folder and copy its templates/)",
                display_root(root)
            );
        }
        let site = std::fs::canonicalize(root)
            .with_context(|| format!("resolving {}", display_root(root)))?;
        check_link(&site, &templates_dir, TEMPLATES_DIR)?;
        let mut templates = BTreeMap::new();
        read_theme(&site, &templates_dir, &mut templates)?;
        let posts = read_posts(&site, &root.join(POSTS_DIR))?;
        Ok(Sources {
            config,
            resume,
            templates,
            posts,
        })
    }
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
/// folder `site`: every theme file is published, so a link to `~/.aws/credentials` would be.
fn check_link(site: &Path, path: &Path, shown: &str) -> Result<()> {
    let is_link = std::fs::symlink_metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .file_type()
        .is_symlink();
    if !is_link {
        return Ok(());
    }
    let target = std::fs::read_link(path).unwrap_or_default();
    let Ok(resolved) = std::fs::canonicalize(path) else {
        bail!(
            "{shown}: a link to {}, which does not exist: remove the link or restore its file",
            target.display()
        );
    };
    if !resolved.starts_with(site) {
        bail!(
            "{shown}: a link to {}, outside the site's folder; gen publishes every file of the \
             theme, so it follows links only inside the site: copy the file in instead",
            resolved.display()
        );
    }
    Ok(())
}

/// Reads every theme file below `dir` into `out`, keyed by its path relative to `dir`.
fn read_theme(site: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    read_folder(site, dir, TEMPLATES_DIR, out)
}

/// Reads every file below `dir` (shown as `shown`) into `out`, keyed by its path relative to
/// `dir`, leaving out scratch files. Each symbolic link is checked (`check_link`) before
/// walkdir follows it.
fn read_folder(
    site: &Path,
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
                    check_link(site, path, &shown(shown_dir, dir, path)?)?;
                }
                return Err(e).with_context(|| format!("reading {}", dir.display()));
            }
        };
        let path = entry.path();
        let shown = shown(shown_dir, dir, path)?;
        if entry.path_is_symlink() {
            check_link(site, path, &shown)?;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let size = entry
            .metadata()
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        if size > MAX_THEME_FILE {
            bail!(
                "{}: {} MiB is too large for a theme file",
                path.display(),
                size >> 20
            );
        }
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let relative = shown[shown_dir.len() + 1..].to_owned();
        out.insert(relative, bytes);
    }
    Ok(())
}

/// The posts in `dir` (`content/posts/`), when it exists.
fn read_posts(site: &Path, dir: &Path) -> Result<Vec<PostSource>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    check_link(site, dir, POSTS_DIR)?;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {POSTS_DIR}"))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {POSTS_DIR}"))?;
    entries.sort_by_key(|e| e.file_name());
    // Many small files: read on every core.
    crate::parallel::map(&entries, |entry| read_post_entry(site, entry))
        .into_iter()
        .filter_map(Result::transpose)
        .collect()
}

/// The post at one entry of `content/posts/`, if it is one.
fn read_post_entry(site: &Path, entry: &std::fs::DirEntry) -> Result<Option<PostSource>> {
    let path = entry.path();
    let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
        bail!(
            "{}: file names in {POSTS_DIR}/ must be UTF-8",
            path.display()
        );
    };
    if is_scratch_file(&name) {
        return Ok(None);
    }
    let shown = format!("{POSTS_DIR}/{name}");
    check_link(site, &path, &shown)?;
    if path.is_dir() {
        let index = path.join("index.md");
        if !index.is_file() {
            return Ok(None);
        }
        let mut assets = BTreeMap::new();
        read_folder(site, &path, &shown, &mut assets)?;
        assets.remove("index.md");
        return Ok(Some(PostSource {
            file: read_text(&index, format!("{shown}/index.md"))?,
            name,
            assets,
        }));
    }
    Ok(match name.strip_suffix(".md") {
        Some(stem) => Some(PostSource {
            file: read_text(&path, shown)?,
            name: stem.to_owned(),
            assets: BTreeMap::new(),
        }),
        None => None,
    })
}

/// A text file of the site (the resume, a post), refused over the resume's size limit before
/// it is read.
fn read_text(path: &Path, shown: String) -> Result<SourceFile> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {shown}"))?
        .len();
    if size > resume::MAX_BYTES as u64 {
        return Err(resume::too_large(&shown, size).into());
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {shown}"))?;
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
