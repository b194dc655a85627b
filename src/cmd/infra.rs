//! `gen infra`: write the stack's Terraform JSON and the counter's Lambda zip (see
//! `counter_zip` for where it comes from) into out/infra/. Only the files `gen` owns are written or removed there: Terraform's state,
//! `.terraform/` and the lock file are never touched.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::build::{self, RenderOptions};
use crate::cli::InfraArgs;
use crate::config::{self, Config, CounterMode};
use crate::counter_zip;
use crate::files;
use crate::infra::{self, COUNTER_ZIP, InfraFile, OWN_FILES, STATE_FILE, StackOptions};
use crate::sources::{CONFIG_FILE, text_file};
use crate::term;

pub fn run(args: &InfraArgs) -> Result<()> {
    let config = read_config(&args.root)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| infra::default_dir(&args.root));
    let pages = match config.stack.counter.mode {
        CounterMode::Off => Vec::new(),
        _ => site_pages(&args.root)?,
    };
    let options = StackOptions {
        local_state_path: state_path(&args.root, &out)?,
        pages,
    };
    let files = infra::generate(&config.stack, &options);
    let counter_zip = match config.stack.counter.mode {
        CounterMode::Off => None,
        _ => {
            let origin = counter_zip::locate(&args.root, args.counter_zip.as_deref())?;
            Some(counter_zip::obtain(&origin)?)
        }
    };
    write(&out, &files, counter_zip.as_deref())?;
    term::status(
        "wrote",
        &format!(
            "{}: {}",
            out.display(),
            files
                .iter()
                .map(|f| f.name)
                .chain(counter_zip.as_ref().map(|_| COUNTER_ZIP))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let dir = out.display();
    term::note(&format!(
        "next: terraform -chdir={dir} init && terraform -chdir={dir} apply (or run gen deploy)"
    ));
    Ok(())
}

/// Bytes of page paths the counter's environment holds: Lambda allows 4 KB of variables in
/// all, and the table's name and the shard count need some.
const MAX_PAGES_BYTES: usize = 3072;

/// The site's page paths, from rendering it in memory: the counter counts these and answers
/// 404 for anything else, so no one can add items to the table by inventing paths.
fn site_pages(root: &Path) -> Result<Vec<String>> {
    let rendered = build::site(
        root,
        &RenderOptions {
            counter_url: None,
            live_reload: false,
        },
    )
    .context("rendering the site to learn its pages (the counter counts only those)")?;
    let pages = rendered.site.page_paths();
    let bytes: usize = pages.iter().map(|p| p.len() + 1).sum();
    if bytes > MAX_PAGES_BYTES {
        bail!(
            "the site has {} pages ({bytes} bytes of paths); the counter's Lambda environment holds at most {MAX_PAGES_BYTES} bytes of them",
            pages.len()
        );
    }
    Ok(pages)
}

/// `gen.toml`, checked; the defaults when the site has none.
pub fn read_config(root: &Path) -> Result<Config> {
    let path = root.join(CONFIG_FILE);
    match fs::read(&path) {
        Ok(bytes) => Ok(config::parse(&text_file(CONFIG_FILE, bytes)?)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Where the local backend keeps the state, as Terraform run in `out` should see it:
/// relative when `out` is inside the project, so the files do not depend on the machine.
fn state_path(root: &Path, out: &Path) -> Result<String> {
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
fn write(out: &Path, files: &[InfraFile], counter_zip: Option<&[u8]>) -> Result<()> {
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
