//! The counter's Lambda zip for `gen infra`, from the first source that can give one:
//! `--counter-zip PATH`; the `counter/` crate of gen's own repository (its developers); the
//! zip embedded in a release build of gen; else gen's embedded counter source, built once with
//! cargo-lambda and cached (a gen installed with `cargo install`).

mod source;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_counter.rs"));
}

/// `gen --version`'s text: the version, and whether a counter zip is embedded (its SHA-256).
pub const LONG_VERSION: &str = embedded::LONG_VERSION;

/// Where `gen infra` takes the counter's zip from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterOrigin {
    /// `--counter-zip PATH`.
    Given(PathBuf),
    /// The `counter/` crate of gen's own repository, built with cargo-lambda.
    Repository(PathBuf),
    /// The zip a release build of gen carries.
    Embedded,
    /// Built from the embedded source on an earlier run, kept in the user's cache.
    Cached(PathBuf),
    /// To be built from the embedded source with cargo-lambda, then kept at this path.
    Source(PathBuf),
}

/// Decides where the zip comes from without building anything, so `gen deploy` can stop
/// before changing anything when there is no way to get one.
pub fn locate(root: &Path, given: Option<&Path>) -> Result<CounterOrigin> {
    if let Some(path) = given {
        return Ok(CounterOrigin::Given(path.to_owned()));
    }
    if source::is_counter_crate(&root.join("counter")) {
        return Ok(CounterOrigin::Repository(root.to_owned()));
    }
    if embedded::COUNTER_ZIP.is_some() {
        return Ok(CounterOrigin::Embedded);
    }
    let cached = source::cache_path()?;
    if cached.is_file() && checksum_file(&cached).is_file() {
        return Ok(CounterOrigin::Cached(cached));
    }
    let missing = source::missing_tools();
    if !missing.is_empty() {
        bail!(
            "no counter Lambda to deploy: this gen carries none, and building one from its source needs {} \
             (not found on PATH). Either install a release build of gen, which carries the counter \
             (see Install in the user guide), or install the build tools: Rust from https://rustup.rs \
             and `pip install cargo-lambda==1.9.2`, then run this again. --counter-zip PATH takes a zip \
             you built yourself; mode = \"off\" under [counter] in gen.toml deploys without a counter",
            missing.join(" and ")
        );
    }
    Ok(CounterOrigin::Source(cached))
}

/// The zip's bytes from `origin`, checked; says in one line where they came from.
pub fn obtain(origin: &CounterOrigin) -> Result<Vec<u8>> {
    let (bytes, from) = match origin {
        CounterOrigin::Given(path) => {
            let bytes = read(path)?;
            let sums = checksum_file(path);
            let from = match sums.is_file() {
                true => {
                    verify(
                        &bytes,
                        &expected_sha256(&sums)?,
                        &path.display().to_string(),
                    )?;
                    format!("from {}, matching {}", path.display(), sums.display())
                }
                false => format!("from {}", path.display()),
            };
            (bytes, from)
        }
        CounterOrigin::Repository(root) => (
            source::from_repository(root)?,
            format!(
                "built from {} with cargo-lambda",
                root.join("counter").display()
            ),
        ),
        CounterOrigin::Embedded => {
            let Some((bytes, sha256)) = embedded::COUNTER_ZIP else {
                bail!("this gen carries no counter zip; pass --counter-zip PATH");
            };
            verify(bytes, sha256, "the counter embedded in gen")?;
            check(bytes, "the counter embedded in gen")?;
            (bytes.to_vec(), "embedded in this gen".to_owned())
        }
        CounterOrigin::Cached(path) => (
            {
                let bytes = read(path)?;
                verify(
                    &bytes,
                    &expected_sha256(&checksum_file(path))?,
                    &path.display().to_string(),
                )
                .context("delete the cached zip and run again to rebuild it")?;
                bytes
            },
            format!(
                "built earlier from gen {}'s source, cached at {}",
                env!("CARGO_PKG_VERSION"),
                path.display()
            ),
        ),
        CounterOrigin::Source(cache) => {
            let bytes = source::from_embedded_source()?;
            check(&bytes, "the counter cargo-lambda built")?;
            source::store_in_cache(cache, &bytes);
            (
                bytes,
                format!(
                    "built from gen {}'s source with cargo-lambda, cached at {}",
                    env!("CARGO_PKG_VERSION"),
                    cache.display()
                ),
            )
        }
    };
    crate::term::status(
        "counter",
        &format!(
            "{from} (sha256 {})",
            &hex::encode(Sha256::digest(&bytes))[..16]
        ),
    );
    Ok(bytes)
}

/// `PATH.sha256`: the checksum file that travels with a zip (as `sha256sum` writes it).
fn checksum_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sha256");
    PathBuf::from(name)
}

/// The hex digest a checksum file records (its first word).
fn expected_sha256(sums: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(sums).with_context(|| format!("reading {}", sums.display()))?;
    let digest = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if digest.len() != 64 || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("{}: no SHA-256 digest in it", sums.display());
    }
    Ok(digest)
}

/// Refuses bytes whose SHA-256 is not the one expected: a zip changed since it was made
/// (damaged in transit, in the cache or in the binary) is never deployed.
fn verify(bytes: &[u8], expected: &str, what: &str) -> Result<()> {
    let actual = hex::encode(Sha256::digest(bytes));
    if !actual.eq_ignore_ascii_case(expected) {
        bail!("{what}: its SHA-256 is {actual}, not the {expected} expected; it was not deployed");
    }
    Ok(())
}

/// A zip file read from disk and checked.
fn read(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    check(&bytes, &path.display().to_string())?;
    Ok(bytes)
}

/// A Lambda deployment package for the provided.al2023 runtime: a zip with an executable
/// `bootstrap` file at its top.
pub fn check(bytes: &[u8], what: &str) -> Result<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        anyhow::anyhow!(
            "{what} is not a zip file ({e}): pass the bootstrap.zip that `cargo lambda build --output-format zip` writes"
        )
    })?;
    let entry = match archive.by_name("bootstrap") {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => bail!(
            "{what} has no `bootstrap` file at its top: Lambda's provided.al2023 runtime starts that executable"
        ),
        Err(e) => bail!("{what}: reading its `bootstrap` entry: {e}"),
    };
    if !entry.is_file() {
        bail!("{what}: `bootstrap` is not a file");
    }
    if entry.unix_mode().is_some_and(|mode| mode & 0o111 == 0) {
        bail!("{what}: `bootstrap` is not executable, so Lambda could not start it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_source_is_the_counter_crate() {
        let names: Vec<&str> = embedded::COUNTER_SOURCE.iter().map(|(n, _)| *n).collect();
        for name in [
            "Cargo.toml",
            "Cargo.lock",
            "counter/Cargo.toml",
            "counter/src/main.rs",
            "counter/src/lambda.rs",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert!(
            names
                .iter()
                .all(|n| *n == "Cargo.toml" || *n == "Cargo.lock" || n.starts_with("counter/"))
        );
    }

    #[test]
    fn a_zip_needs_an_executable_bootstrap() {
        let fixture = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/counter.zip"
        ))
        .unwrap();
        check(&fixture, "fixture").unwrap();
        let err = check(b"PK\x03\x04bootstrap", "broken.zip").unwrap_err();
        assert!(
            err.to_string().starts_with("broken.zip is not a zip file"),
            "{err}"
        );
    }
}
