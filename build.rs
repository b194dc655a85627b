//! Puts the visitor counter inside the `gen` binary, so an installed `gen` deploys from any
//! folder: always the counter's source (a `cargo install`ed gen builds it with cargo-lambda),
//! and, for a release build, the prebuilt Lambda zip named by `GEN_COUNTER_ZIP` with its
//! SHA-256. Writes `$OUT_DIR/embedded_counter.rs`, included by `src/counter_zip/mod.rs`.

// A build script reports failure by panicking: cargo shows the message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use sha2::{Digest, Sha256};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let version = env::var("CARGO_PKG_VERSION").expect("set by cargo");

    // The source: the workspace manifest (its shared package settings and the Lambda profile),
    // the lock file (the same dependency versions as this build), and the counter crate.
    let mut files = vec![
        ("Cargo.toml".to_owned(), root.join("Cargo.toml")),
        ("Cargo.lock".to_owned(), root.join("Cargo.lock")),
        (
            "counter/Cargo.toml".to_owned(),
            root.join("counter/Cargo.toml"),
        ),
    ];
    collect(&root, &root.join("counter/src"), &mut files);
    files.sort();
    println!("cargo::rerun-if-changed=counter/src");
    let mut code = String::from("pub const COUNTER_SOURCE: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let path = path.to_str().expect("the repository's paths are UTF-8");
        writeln!(code, "    ({name:?}, include_bytes!({path:?})),").unwrap();
    }
    code.push_str("];\n");

    // The prebuilt zip, for release builds (scripts/dist sets GEN_COUNTER_ZIP).
    println!("cargo::rerun-if-env-changed=GEN_COUNTER_ZIP");
    let zip = env::var_os("GEN_COUNTER_ZIP").filter(|v| !v.is_empty());
    let counter_line = match zip {
        Some(path) => {
            let path = root.join(path);
            println!("cargo::rerun-if-changed={}", path.display());
            let bytes = fs::read(&path)
                .unwrap_or_else(|e| panic!("GEN_COUNTER_ZIP: reading {}: {e}", path.display()));
            let sha256: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let copy = out.join("counter.zip");
            fs::write(&copy, &bytes).expect("writing the counter zip into OUT_DIR");
            let copy = copy.to_str().expect("OUT_DIR is UTF-8");
            writeln!(
                code,
                "pub const COUNTER_ZIP: Option<(&[u8], &str)> = Some((include_bytes!({copy:?}), {sha256:?}));"
            )
            .unwrap();
            format!("counter Lambda: embedded, sha256 {sha256}")
        }
        None => {
            code.push_str("pub const COUNTER_ZIP: Option<(&[u8], &str)> = None;\n");
            "counter Lambda: not embedded (gen infra builds it from source with cargo-lambda)"
                .to_owned()
        }
    };
    writeln!(
        code,
        "pub const LONG_VERSION: &str = {:?};",
        format!("{version}\n{counter_line}")
    )
    .unwrap();
    fs::write(out.join("embedded_counter.rs"), code).expect("writing embedded_counter.rs");
}

/// Every file under `dir`, named by its `/`-separated path from `root`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("listing the counter's source").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let name = path.strip_prefix(root).expect("under the root");
            let name: Vec<_> = name
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            files.push((name.join("/"), path));
        }
    }
}
