//! Building the counter with cargo-lambda: from gen's own repository, or from the source
//! embedded in the binary, written out as a small workspace of its own in a scratch folder.
//! The zip built from the embedded source is kept in the user's cache, keyed by that source.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use super::embedded::COUNTER_SOURCE;

/// The cargo-lambda release the docs and errors recommend.
const CARGO_LAMBDA: &str = "cargo-lambda==1.9.2";

/// `dir` holds the counter crate (gen's own repository has it at `counter/`).
pub(super) fn is_counter_crate(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    text.parse::<toml::Table>().is_ok_and(|manifest| {
        manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            == Some("counter")
    })
}

/// The tools a build from source needs that are not installed.
pub(super) fn missing_tools() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if find_program("cargo").is_none() {
        missing.push("cargo");
    }
    if find_program("cargo-lambda").is_none() {
        missing.push("cargo-lambda");
    }
    missing
}

/// Where cargo looks for a program (and for `cargo-lambda`, a cargo subcommand): PATH, then
/// cargo's own bin folder.
fn find_program(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| crate::files::home().map(|h| h.join(".cargo")));
    std::env::split_paths(&path)
        .chain(cargo_home.map(|c| c.join("bin")))
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
}

/// Where the zip built from this binary's source is kept: the user's cache folder, under a
/// name that changes whenever the source does.
pub(super) fn cache_path() -> Result<PathBuf> {
    let Some(cache) = crate::files::cache_dir() else {
        bail!("no cache folder for the counter build: set HOME (or XDG_CACHE_HOME)");
    };
    let mut digest = Sha256::new();
    for (name, bytes) in COUNTER_SOURCE {
        digest.update((name.len() as u64).to_le_bytes());
        digest.update(name.as_bytes());
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(bytes);
    }
    let key = &hex::encode(digest.finalize())[..16];
    Ok(cache.join(format!("counter-{}-{key}.zip", env!("CARGO_PKG_VERSION"))))
}

/// Keeps a fresh build for next time. A cache that cannot be written only costs a rebuild,
/// so it is a note, not an error.
pub(super) fn store_in_cache(path: &Path, bytes: &[u8]) {
    let stored = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            // The checksum first: a zip without one is never taken from the cache.
            let mut sums = path.as_os_str().to_owned();
            sums.push(".sha256");
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let digest = hex::encode(Sha256::digest(bytes));
            crate::files::write(Path::new(&sums), format!("{digest}  {name}\n").as_bytes())?;
            crate::files::write(path, bytes)
        });
    if let Err(e) = stored {
        crate::term::note(&format!(
            "could not keep the counter build at {} ({e}); the next gen infra builds it again",
            path.display()
        ));
    }
}

/// Builds the repository's `counter/` crate, with the repository's `.venv/bin` (where its
/// scripts install cargo-lambda) on PATH.
pub(super) fn from_repository(root: &Path) -> Result<Vec<u8>> {
    let venv = std::path::absolute(root.join(".venv").join("bin"))
        .context("resolving the repository's .venv")?;
    let extra = if venv.is_dir() { Some(venv) } else { None };
    cargo_lambda(root, extra, true)
}

/// Writes the embedded source out as a workspace of its own and builds it.
pub(super) fn from_embedded_source() -> Result<Vec<u8>> {
    let scratch = tempfile::tempdir().context("creating a folder for the counter build")?;
    for (name, text) in scratch_workspace()? {
        let path = scratch.path().join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    crate::term::status(
        "building",
        "the counter Lambda from gen's source with cargo-lambda: once, then it is cached (a few minutes)",
    );
    let zip = cargo_lambda(scratch.path(), None, false)?;
    // cargo drops the lock entries only gen itself uses, so --locked cannot be passed; the
    // check that matters is that nothing was resolved that gen's lock file does not pin.
    let lock = scratch.path().join("Cargo.lock");
    let used = std::fs::read(&lock).with_context(|| format!("reading {}", lock.display()))?;
    let pinned = COUNTER_SOURCE
        .iter()
        .find(|(name, _)| *name == "Cargo.lock")
        .map(|(_, bytes)| *bytes)
        .context("gen carries no Cargo.lock")?;
    unpinned_packages(pinned, &used).and_then(|extra| match extra.is_empty() {
        true => Ok(zip),
        false => bail!(
            "building the counter resolved packages gen's Cargo.lock does not pin: {}; it was not deployed",
            extra.join(", ")
        ),
    })
}

/// The packages of lock file `used` (name, version, source, checksum) that `pinned` lacks.
fn unpinned_packages(pinned: &[u8], used: &[u8]) -> Result<Vec<String>> {
    let packages = |bytes: &[u8], name: &str| -> Result<Vec<(String, toml::Value)>> {
        let lock = parse(bytes, name)?;
        Ok(lock
            .get("package")
            .and_then(|p| p.as_array())
            .map(|packages| {
                packages
                    .iter()
                    .map(|p| {
                        let field = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or_default();
                        let key = format!("{} {}", field("name"), field("version"));
                        let pin = ["source", "checksum"]
                            .iter()
                            .map(|k| (k.to_string(), toml::Value::from(field(k))))
                            .collect::<toml::Table>();
                        (key, toml::Value::Table(pin))
                    })
                    .collect()
            })
            .unwrap_or_default())
    };
    let pinned = packages(pinned, "Cargo.lock")?;
    Ok(packages(used, "the counter build's Cargo.lock")?
        .into_iter()
        .filter(|package| !pinned.contains(package))
        .map(|(key, _)| key)
        .collect())
}

/// The embedded files as a standalone workspace: the root manifest keeps only what the counter
/// inherits (package settings, lints, the Lambda profile), the counter's manifest loses its
/// dev-dependencies and examples (test helpers that are not embedded), and the lock file pins
/// the same versions this gen was built with.
fn scratch_workspace() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for (name, bytes) in COUNTER_SOURCE {
        let bytes = match *name {
            "Cargo.toml" => workspace_manifest(bytes)?.into_bytes(),
            "counter/Cargo.toml" => counter_manifest(bytes)?.into_bytes(),
            _ => bytes.to_vec(),
        };
        files.push(((*name).to_owned(), bytes));
    }
    Ok(files)
}

fn parse(bytes: &[u8], name: &str) -> Result<toml::Table> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| text.parse().ok())
        .with_context(|| format!("gen's embedded {name} is not TOML"))
}

fn workspace_manifest(bytes: &[u8]) -> Result<String> {
    let root = parse(bytes, "Cargo.toml")?;
    let mut workspace = toml::Table::new();
    workspace.insert("members".into(), toml::Value::Array(vec!["counter".into()]));
    workspace.insert("resolver".into(), "3".into());
    if let Some(shared) = root.get("workspace").and_then(|w| w.as_table()) {
        for key in ["package", "lints"] {
            if let Some(value) = shared.get(key) {
                workspace.insert(key.into(), value.clone());
            }
        }
    }
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), workspace.into());
    if let Some(lambda) = root.get("profile").and_then(|p| p.get("lambda")) {
        let mut profile = toml::Table::new();
        profile.insert("lambda".into(), lambda.clone());
        manifest.insert("profile".into(), profile.into());
    }
    toml::to_string(&manifest).context("writing the counter's workspace manifest")
}

fn counter_manifest(bytes: &[u8]) -> Result<String> {
    let mut manifest = parse(bytes, "counter/Cargo.toml")?;
    for key in ["dev-dependencies", "example", "test", "bench"] {
        manifest.remove(key);
    }
    toml::to_string(&manifest).context("writing the counter's manifest")
}

/// `cargo lambda build` of the counter in `workspace`; the zip's bytes.
fn cargo_lambda(workspace: &Path, extra_path: Option<PathBuf>, locked: bool) -> Result<Vec<u8>> {
    let out = tempfile::tempdir().context("creating a folder for the Lambda build")?;
    let mut path: Vec<PathBuf> = extra_path.into_iter().collect();
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path: OsString = std::env::join_paths(path).context("setting PATH for cargo-lambda")?;
    let status = Command::new("cargo")
        .args([
            "lambda",
            "build",
            "--profile",
            "lambda",
            "--output-format",
            "zip",
        ])
        .args(locked.then_some("--locked"))
        .args(["-p", "counter", "--bin", "counter", "--lambda-dir"])
        .arg(out.path())
        .current_dir(workspace)
        .env("PATH", path)
        .status()
        .context("running cargo (is Rust installed?)")?;
    if !status.success() {
        bail!(
            "building the counter Lambda failed ({status}); if cargo-lambda is missing: \
             pip install {CARGO_LAMBDA}, or pass --counter-zip PATH"
        );
    }
    let zip = out.path().join("counter").join("bootstrap.zip");
    std::fs::read(&zip).with_context(|| format!("reading {}", zip.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_workspace_builds_only_the_counter() {
        let files = scratch_workspace().unwrap();
        let text = |name: &str| {
            let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        let root: toml::Table = text("Cargo.toml").parse().unwrap();
        assert_eq!(
            root["workspace"]["members"],
            toml::Value::Array(vec!["counter".into()])
        );
        assert_eq!(
            root["workspace"]["package"]["edition"].as_str(),
            Some("2024")
        );
        assert_eq!(root["profile"]["lambda"]["panic"].as_str(), Some("abort"));
        assert!(root.get("package").is_none() && root.get("dependencies").is_none());

        let counter: toml::Table = text("counter/Cargo.toml").parse().unwrap();
        assert_eq!(counter["package"]["name"].as_str(), Some("counter"));
        assert!(counter["dependencies"].get("lambda_http").is_some());
        assert!(counter.get("dev-dependencies").is_none() && counter.get("example").is_none());
    }

    #[test]
    fn a_lock_file_with_anything_gen_does_not_pin_is_caught() {
        let pinned = b"version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\nchecksum = \"aa\"\n\n[[package]]\nname = \"gen-only\"\nversion = \"2.0.0\"\n";
        let same = b"version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\nchecksum = \"aa\"\n";
        assert!(unpinned_packages(pinned, same).unwrap().is_empty());
        let newer = b"version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.1\"\nsource = \"registry+x\"\nchecksum = \"ab\"\n";
        assert_eq!(unpinned_packages(pinned, newer).unwrap(), ["a 1.0.1"]);
        let swapped = b"version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\nchecksum = \"ff\"\n";
        assert_eq!(unpinned_packages(pinned, swapped).unwrap(), ["a 1.0.0"]);
    }

    #[test]
    fn only_the_counter_crate_counts_as_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_counter_crate(dir.path()));
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"other\"\n",
        )
        .unwrap();
        assert!(!is_counter_crate(dir.path()));
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"counter\"\n",
        )
        .unwrap();
        assert!(is_counter_crate(dir.path()));
    }
}
