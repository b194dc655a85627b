//! Writes a [`Site`], rendered in memory, to disk: a first build writes a new folder and
//! moves it into place when complete; a rebuild compares with what the folder holds and writes,
//! replaces or removes only the files that differ (each replaced by a rename, so no file is
//! ever seen half-written), and a rebuild that changes nothing writes nothing.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::site::Site;

/// Marks a folder as written by `gen build`, so a rebuild may replace it. Never published.
pub const MARKER: &str = ".gen-site";
const MARKER_TEXT: &str = "This folder is written by `gen build` and replaced by each build.\n";

/// Where `gen build` writes the site unless told otherwise: `ROOT/out/site`.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join("out").join("site")
}

/// Where `gen build --preview N` writes pull request N's preview: `out/_preview/pr-N`, the
/// folder it is served from.
pub fn preview_dir(root: &Path, number: u32) -> PathBuf {
    root.join("out")
        .join(crate::site::preview_prefix(number).trim_end_matches('/'))
}

/// `built out/site: 8 files, 40.1 KiB in 12 ms (2 written, 1 removed)`.
pub fn report(site: &Site, out: &Path, written: Written, started: std::time::Instant) {
    let bytes: usize = site.files.iter().map(|f| f.bytes.len()).sum();
    let changed = match written {
        Written {
            written: 0,
            removed: 0,
        } => "nothing changed".to_owned(),
        Written {
            written,
            removed: 0,
        } => format!("{written} written"),
        Written { written, removed } => format!("{written} written, {removed} removed"),
    };
    crate::term::status(
        "built",
        &format!(
            "{}: {} files, {:.1} KiB in {} ms ({changed})",
            out.display(),
            site.files.len(),
            bytes as f64 / 1024.0,
            started.elapsed().as_millis()
        ),
    );
}

/// A hidden file beside the folder `dir`: `out/site` → `out/.site<suffix>`. Never inside
/// the site, so it is never published.
pub fn beside(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = format!(".{name}{suffix}");
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(file),
        _ => PathBuf::from(file),
    }
}

/// What a write changed in the folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written anew or replaced.
    pub written: usize,
    /// Files and folders removed: the site no longer has them.
    pub removed: usize,
}

/// Makes the folder `out` hold `site` and nothing else.
///
/// Refuses a non-empty folder that `gen build` did not write, so a mistyped `--out` can
/// never wipe unrelated files.
pub fn write_site(site: &Site, out: &Path) -> Result<Written> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} is not a folder gen can write to", out.display()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut empty = true;
    if out.exists() {
        if !out.is_dir() {
            bail!(
                "{} exists and is not a folder: choose another --out",
                out.display()
            );
        }
        empty = fs::read_dir(out)
            .with_context(|| format!("reading {}", out.display()))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            bail!(
                "{} holds files that gen build did not write; choose an empty or new folder for --out",
                out.display()
            );
        }
    }
    if !empty {
        return update(site, out);
    }
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = write_files(site, &staging).and_then(|()| {
        if out.exists() {
            fs::remove_dir(out).with_context(|| format!("removing {}", out.display()))?;
        }
        fs::rename(&staging, out)
            .with_context(|| format!("moving the new site to {}", out.display()))
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| Written {
        written: site.files.len(),
        removed: 0,
    })
}

fn write_files(site: &Site, dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // Each folder once, then the files on every core: a site of many posts is a thousand
    // files or more, most of a first build's time in the kernel.
    let folders: std::collections::BTreeSet<&Path> = site
        .files
        .iter()
        .filter_map(|file| Path::new(&file.path).parent())
        .filter(|folder| !folder.as_os_str().is_empty())
        .collect();
    for folder in folders {
        let folder = dir.join(folder);
        fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    crate::parallel::map(&site.files, |file| {
        let path = dir.join(&file.path);
        fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))
    })
    .into_iter()
    .collect::<Result<()>>()?;
    fs::write(dir.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))
}

/// Brings the folder `out`, written by an earlier build, to `site`: what is no longer in the
/// site is removed first (a file where a folder now goes, or the reverse, among it), then each
/// file that differs from the site's, byte for byte, is replaced.
fn update(site: &Site, out: &Path) -> Result<Written> {
    let mut files: HashSet<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
    files.insert(MARKER);
    let folders: HashSet<&str> = files
        .iter()
        .flat_map(|path| {
            path.char_indices()
                .filter(|&(_, c)| c == '/')
                .map(|(at, _)| &path[..at])
        })
        .collect();
    let mut done = Written::default();
    let mut walk = walkdir::WalkDir::new(out).min_depth(1).into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.with_context(|| format!("reading {}", out.display()))?;
        let relative = entry
            .path()
            .strip_prefix(out)
            .ok()
            .and_then(|p| p.to_str())
            .map(|p| p.replace(std::path::MAIN_SEPARATOR, "/"));
        let kind = entry.file_type();
        let keep = relative.as_deref().is_some_and(|path| {
            if kind.is_dir() {
                folders.contains(path)
            } else {
                kind.is_file() && files.contains(path)
            }
        });
        if keep {
            continue;
        }
        let path = entry.path();
        if kind.is_dir() {
            walk.skip_current_dir();
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
        .with_context(|| format!("removing {}", path.display()))?;
        done.removed += 1;
    }
    for (path, bytes) in site
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_ref()))
        .chain([(MARKER, MARKER_TEXT.as_bytes())])
    {
        let target = out.join(path);
        if fs::metadata(&target).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&target).is_ok_and(|old| old == bytes)
        {
            continue;
        }
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        replace(&target, bytes)?;
        done.written += 1;
    }
    Ok(done)
}

/// Writes `bytes` to `path` through a file beside it, renamed over it when complete.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.gen-{}", std::process::id()));
    let result = fs::write(&temporary, bytes)
        .and_then(|()| fs::rename(&temporary, path))
        .with_context(|| format!("writing {}", path.display()));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::CachePolicy;

    fn site(body: &str) -> Site {
        let mut site = Site::default();
        site.add("index.html", body.to_owned(), CachePolicy::Revalidate);
        site.add("img/a.svg", "<svg/>", CachePolicy::Revalidate);
        site
    }

    #[test]
    fn replaces_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out/site");
        write_site(&site("one"), &out).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        write_site(&site("two"), &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path().join("out")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    /// A rebuild writes only what differs: an unchanged file keeps its inode and time, a
    /// changed one is replaced, what the site no longer has is removed, and a file where a
    /// folder now goes (or the reverse, or a link) gives way.
    #[test]
    fn a_rebuild_writes_only_what_changed() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out/site");
        let first = write_site(&site("one"), &out).unwrap();
        assert_eq!((first.written, first.removed), (2, 0));
        let inode = |path: &str| fs::metadata(out.join(path)).unwrap().ino();
        let (index, image) = (inode("index.html"), inode("img/a.svg"));
        let again = write_site(&site("one"), &out).unwrap();
        assert_eq!(
            again,
            Written::default(),
            "nothing changed, nothing written"
        );
        assert_eq!((inode("index.html"), inode("img/a.svg")), (index, image));

        // Hand edits in out/site are put back; strays go.
        fs::write(out.join("img/a.svg"), "<svg>edited</svg>").unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        fs::create_dir_all(out.join("old/deep")).unwrap();
        fs::write(out.join("old/deep/x.css"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("link.txt")).unwrap();
        let mut next = site("two");
        // `img` becomes a file and `index.html` stays; a new folder appears.
        next.files.retain(|f| f.path != "img/a.svg");
        next.add("img", "now a file", CachePolicy::Revalidate);
        next.add("posts/a/index.html", "a", CachePolicy::Revalidate);
        let changed = write_site(&next, &out).unwrap();
        assert_eq!(changed.written, 3, "index.html, img, posts/a/index.html");
        assert_eq!(changed.removed, 4, "img/, stale.html, old/, link.txt");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(fs::read_to_string(out.join("img")).unwrap(), "now a file");
        let mut left: Vec<String> = walkdir::WalkDir::new(&out)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".gen-site",
                "img",
                "index.html",
                "posts",
                "posts/a",
                "posts/a/index.html"
            ]
        );
        // And back: the file `img` gives way to the folder.
        let back = write_site(&site("two"), &out).unwrap();
        assert_eq!((back.written, back.removed), (1, 2));
        assert_eq!(fs::read_to_string(out.join("img/a.svg")).unwrap(), "<svg/>");
    }

    #[test]
    fn refuses_foreign_folder() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let err = write_site(&site("x"), tmp.path()).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
        assert_eq!(
            fs::read_to_string(tmp.path().join("precious.txt")).unwrap(),
            "keep"
        );
    }
}
