//! `gen infra`: write the stack's Terraform JSON and the counter's Lambda zip into
//! out/infra/. Only the files `gen` owns are written or removed there: Terraform's state,
//! `.terraform/` and the lock file are never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cli::InfraArgs;
use crate::config::{self, Config, CounterMode};
use crate::infra::{self, COUNTER_ZIP, InfraFile, OWN_FILES, STATE_FILE, StackOptions};
use crate::sources::{CONFIG_FILE, text_file};
use crate::term;

pub fn run(args: &InfraArgs) -> Result<()> {
    let config = read_config(&args.root)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| infra::default_dir(&args.root));
    let options = StackOptions {
        local_state_path: state_path(&args.root, &out)?,
    };
    let files = infra::generate(&config.stack, &options);
    let counter_zip = match config.stack.counter.mode {
        CounterMode::Off => None,
        _ => Some(match &args.counter_zip {
            Some(path) => read_zip(path)?,
            None => build_counter_zip(&args.root)?,
        }),
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

/// A prebuilt counter zip (`--counter-zip`), checked to be a zip with a `bootstrap` in it.
fn read_zip(path: &Path) -> Result<Vec<u8>> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if !bytes.starts_with(b"PK\x03\x04") {
        bail!(
            "{} is not a zip file: pass the bootstrap.zip that `cargo lambda build --output-format zip` writes",
            path.display()
        );
    }
    if !bytes.windows(9).any(|w| w == b"bootstrap") {
        bail!(
            "{} has no `bootstrap` file: Lambda's provided.al2023 runtime starts that executable",
            path.display()
        );
    }
    Ok(bytes)
}

/// Builds the counter with cargo-lambda from the project's `counter/` crate.
fn build_counter_zip(root: &Path) -> Result<Vec<u8>> {
    let manifest = root.join("counter").join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "no counter/ crate in {} to build the Lambda from: pass --counter-zip PATH (a zip built with \
             `cargo lambda build --profile lambda --output-format zip -p counter`), or set mode = \"off\" under [counter] in gen.toml",
            root.display()
        );
    }
    let staging = tempfile::tempdir().context("creating a folder for the Lambda build")?;
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    // Absolute: the compilers cargo-lambda starts run in other folders.
    let venv = absolute(&root.join(".venv").join("bin"))?;
    if venv.is_dir() {
        let mut paths = vec![venv];
        paths.extend(std::env::split_paths(&path));
        path = std::env::join_paths(paths).context("setting PATH for cargo-lambda")?;
    }
    term::status(
        "building",
        "the counter Lambda (cargo lambda build --profile lambda)",
    );
    let status = Command::new("cargo")
        .args([
            "lambda",
            "build",
            "--profile",
            "lambda",
            "--output-format",
            "zip",
        ])
        .args(["-p", "counter", "--bin", "counter", "--lambda-dir"])
        .arg(staging.path())
        .current_dir(root)
        .env("PATH", path)
        .status()
        .context("running cargo (is Rust installed?)")?;
    if !status.success() {
        bail!(
            "building the counter Lambda failed ({status}); if cargo-lambda is missing: \
             pip install cargo-lambda==1.9.2, or pass --counter-zip PATH"
        );
    }
    let zip = staging.path().join("counter").join("bootstrap.zip");
    read_zip(&zip)
}

/// Writes the generated files (each through a temporary file and a rename) and removes the
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
        let staging = out.join(format!(".{name}.new-{}", std::process::id()));
        fs::write(&staging, bytes).with_context(|| format!("writing {}", staging.display()))?;
        fs::rename(&staging, &target).with_context(|| format!("writing {}", target.display()))?;
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
