//! The posts in `content/posts/`, read into [`PostSource`]s; a preview keeps them between
//! reads in [`KnownPosts`], so an edit reads one post again, not every post.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::{POSTS_DIR, check_inner_link, is_scratch_file, read_folder, read_text};
use crate::diagnostic::SourceFile;

/// One post as read: `content/posts/<name>.md`, or `content/posts/<name>/index.md` with the
/// files beside it.
#[derive(Debug, Clone)]
pub struct PostSource {
    pub file: SourceFile,
    /// The file's or folder's name, the post's slug unless its front matter sets one.
    pub name: String,
    /// The files beside a folder post's `index.md`, by path relative to its folder.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// A hash of all the above: the same hash, the same post source.
    pub hash: u64,
}

impl PostSource {
    pub fn new(file: SourceFile, name: String, assets: BTreeMap<String, Vec<u8>>) -> PostSource {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&file.name, &file.text, &name, &assets).hash(&mut hasher);
        PostSource {
            hash: hasher.finish(),
            file,
            name,
            assets,
        }
    }
}

/// Posts a preview keeps between reads of the same site. The watcher names each changed
/// path; an entry of `content/posts/` no change named since the last read is taken from
/// here instead of being read again, so an edit reads one post, not every post.
#[derive(Debug, Default)]
pub struct KnownPosts {
    /// The last read's posts by a hash of their entry's name.
    entries: HashMap<u64, Arc<PostSource>>,
    /// Entries changed since; `None` until a read succeeded, or after a change to the posts
    /// folder itself or a lost event: then every entry is read again.
    changed: Option<HashSet<u64>>,
}

impl KnownPosts {
    /// Notes a changed path, relative to the site's root.
    pub fn changed(&mut self, relative: &Path) {
        let Ok(below) = relative.strip_prefix(POSTS_DIR) else {
            // The folders above the posts: the posts folder may have been replaced.
            if Path::new(POSTS_DIR).starts_with(relative) {
                self.forget();
            }
            return;
        };
        match (below.components().next(), &mut self.changed) {
            (Some(entry), Some(changed)) => {
                changed.insert(entry_key(entry.as_os_str()));
            }
            (None, _) => self.forget(),
            (Some(_), None) => {}
        }
    }

    /// Reads every post again next time (the watcher lost events).
    pub fn forget(&mut self) {
        self.changed = None;
    }

    /// The post at `name` kept from the last read, unless a change named it since.
    fn kept(&self, name: &std::ffi::OsStr) -> Option<&Arc<PostSource>> {
        let key = entry_key(name);
        match &self.changed {
            Some(changed) if !changed.contains(&key) => self.entries.get(&key),
            _ => None,
        }
    }
}

/// The key of an entry of `content/posts/` among known posts.
fn entry_key(name: &std::ffi::OsStr) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

/// The posts in `dir` (`content/posts/`), when it exists: those `known` has unchanged kept,
/// the others read on every core.
pub(super) fn read_posts(
    published: &[PathBuf],
    dir: &Path,
    known: Option<&mut KnownPosts>,
) -> Result<Vec<Arc<PostSource>>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    check_inner_link(published, dir, POSTS_DIR)?;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {POSTS_DIR}"))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {POSTS_DIR}"))?;
    entries.sort_by_key(|e| e.file_name());
    let kept = |entry: &std::fs::DirEntry| {
        // A link is followed again each time: what it leads to may have changed unseen.
        if entry.file_type().ok()?.is_symlink() {
            return None;
        }
        known.as_deref()?.kept(&entry.file_name()).cloned()
    };
    let read: Vec<(u64, Arc<PostSource>)> = crate::parallel::map(&entries, |entry| {
        let post = match kept(entry) {
            Some(post) => Some(post),
            None => read_post_entry(published, entry)?.map(Arc::new),
        };
        Ok(post.map(|p| (entry_key(&entry.file_name()), p)))
    })
    .into_iter()
    .filter_map(Result::transpose)
    .collect::<Result<_>>()?;
    if let Some(known) = known {
        known.entries = read.iter().map(|(k, p)| (*k, Arc::clone(p))).collect();
        known.changed = Some(HashSet::new());
    }
    Ok(read.into_iter().map(|(_, post)| post).collect())
}

/// The post at one entry of `content/posts/`, if it is one.
fn read_post_entry(published: &[PathBuf], entry: &std::fs::DirEntry) -> Result<Option<PostSource>> {
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
    check_inner_link(published, &path, &shown)?;
    if path.is_dir() {
        let index = path.join("index.md");
        if !index.is_file() {
            return Ok(None);
        }
        let mut assets = BTreeMap::new();
        read_folder(published, &path, &shown, &mut assets)?;
        assets.remove("index.md");
        let file = read_text(&index, format!("{shown}/index.md"))?;
        return Ok(Some(PostSource::new(file, name, assets)));
    }
    Ok(match name.strip_suffix(".md") {
        Some(stem) => Some(PostSource::new(
            read_text(&path, shown)?,
            stem.to_owned(),
            BTreeMap::new(),
        )),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(posts: &[Arc<PostSource>]) -> Vec<(String, String)> {
        posts
            .iter()
            .map(|p| (p.name.clone(), p.file.text.clone()))
            .collect()
    }

    #[test]
    fn known_posts_are_read_again_only_when_a_change_names_them() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().canonicalize().unwrap();
        let posts = site.join(POSTS_DIR);
        std::fs::create_dir_all(posts.join("folder")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(posts.join(name), text).unwrap();
        write("a.md", "a1");
        write("b.md", "b1");
        write("folder/index.md", "f1");
        let mut known = KnownPosts::default();
        let roots = [site.clone()];
        let read =
            |known: &mut KnownPosts| texts(&read_posts(&roots, &posts, Some(known)).unwrap());
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect()
        };
        assert_eq!(
            read(&mut known),
            pairs(&[("a", "a1"), ("b", "b1"), ("folder", "f1")])
        );

        // Edits no change named are not read (the watcher names every edit it sees); a new
        // post is read, a deleted one is gone.
        write("a.md", "a2");
        write("folder/index.md", "f2");
        write("c.md", "c1");
        std::fs::remove_file(posts.join("b.md")).unwrap();
        assert_eq!(
            read(&mut known),
            pairs(&[("a", "a1"), ("c", "c1"), ("folder", "f1")])
        );

        // A change names a post, or a file of a folder post: those are read again.
        known.changed(Path::new("content/posts/a.md"));
        known.changed(Path::new("content/posts/folder/index.md"));
        assert_eq!(
            read(&mut known),
            pairs(&[("a", "a2"), ("c", "c1"), ("folder", "f2")])
        );

        // Lost events, or the posts folder itself changed: everything is read again.
        write("c.md", "c2");
        known.changed(Path::new("content/resume.yaml"));
        assert_eq!(read(&mut known)[1], pairs(&[("c", "c1")])[0]);
        known.changed(Path::new("content"));
        assert_eq!(read(&mut known)[1], pairs(&[("c", "c2")])[0]);
        write("c.md", "c3");
        known.forget();
        assert_eq!(read(&mut known)[1], pairs(&[("c", "c3")])[0]);

        // Without a preview's knowledge every read is a full one.
        write("a.md", "a3");
        assert_eq!(
            texts(&read_posts(&roots, &posts, None).unwrap())[0],
            pairs(&[("a", "a3")])[0]
        );
    }
}
