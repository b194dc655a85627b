//! The one part of `infra` that touches the disk: where the state file is, as seen from the
//! infra folder, and writing the generated files there. Only the files `gen` owns are
//! written or removed: Terraform's state, `.terraform/` and the lock file are never touched.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{COUNTER_ZIP, InfraFile, OWN_FILES, STATE_FILE};
use crate::{files, term};

/// Where the local backend keeps the state, as Terraform run in `out` should see it:
/// relative when `out` is inside the project, so the files do not depend on the machine.
pub fn state_path(root: &Path, out: &Path) -> Result<String> {
    let root = absolute(root)?;
    let out = absolute(out)?;
    if let Ok(inside) = out.strip_prefix(&root) {
        let depth = inside.components().count();
        if depth > 0 {
            return Ok(format!("{}{STATE_FILE}", "../".repeat(depth)));
        }
    }
    if out == root {
        return Ok(STATE_FILE.to_owned());
    }
    Ok(root.join(STATE_FILE).display().to_string())
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let path =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    // Normalise `..` so `strip_prefix` compares real locations.
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
}

/// Writes the generated files (each whole or not at all) and removes the
/// files of ours the stack no longer has. Nothing else in `out` is touched.
pub fn write(out: &Path, files: &[InfraFile], counter_zip: Option<&[u8]>) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut wanted: Vec<(&str, &[u8])> =
        files.iter().map(|f| (f.name, f.text.as_bytes())).collect();
    if let Some(zip) = counter_zip {
        wanted.push((COUNTER_ZIP, zip));
    }
    for (name, bytes) in &wanted {
        let target = out.join(name);
        if fs::read(&target).is_ok_and(|old| old == *bytes) {
            continue;
        }
        files::write(&target, bytes)?;
    }
    for name in OWN_FILES {
        if wanted.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let stale = out.join(name);
        match fs::remove_file(&stale) {
            Ok(()) => term::status("removed", &stale.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", stale.display())),
        }
    }
    Ok(())
}
