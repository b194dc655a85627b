//! Writes a [`Site`] to disk as one step (nothing reads it back: publishing renders the site
//! again from its sources): the new site is written beside the old one and
//! swapped in only when complete, so a failed build never leaves a half-written folder.

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

/// `built out/site: 8 files, 40.1 KiB in 12 ms`.
pub fn report(site: &Site, out: &Path, started: std::time::Instant) {
    let bytes: usize = site.files.iter().map(|f| f.bytes.len()).sum();
    crate::term::status(
        "built",
        &format!(
            "{}: {} files, {:.1} KiB in {} ms",
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

/// Replaces the folder `out` with `site`.
///
/// Refuses to replace a non-empty folder that `gen build` did not write, so a mistyped
/// `--out` can never wipe unrelated files.
pub fn write_site(site: &Site, out: &Path) -> Result<()> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} is not a folder gen can write to", out.display()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if out.exists() {
        if !out.is_dir() {
            bail!(
                "{} exists and is not a folder: choose another --out",
                out.display()
            );
        }
        let empty = fs::read_dir(out)
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
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = write_files(site, &staging).and_then(|()| swap_in(&staging, out, &parent, name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_files(site: &Site, dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for file in &site.files {
        let path = dir.join(&file.path);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    fs::write(dir.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))
}

fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    if !out.exists() {
        return fs::rename(staging, out)
            .with_context(|| format!("moving the new site to {}", out.display()));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    fs::rename(out, &old)
        .with_context(|| format!("moving the previous site aside from {}", out.display()))?;
    if let Err(e) = fs::rename(staging, out) {
        // Put the previous site back: the user keeps a working folder.
        let _ = fs::rename(&old, out);
        return Err(e).with_context(|| format!("moving the new site to {}", out.display()));
    }
    fs::remove_dir_all(&old)
        .with_context(|| format!("removing the previous site from {}", old.display()))
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
