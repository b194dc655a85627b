//! The release archive as a user gets it: unpacked outside the repository and run with no Rust
//! toolchain on PATH, from `gen init` to a deployed site (against moto), then a second deploy
//! that changes nothing. The archive is the one `scripts/dist` writes into `dist/` (scripts/test
//! runs it first).

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use testkit::terraform::terraform_ok;
use testkit::{Moto, boto3, workspace_root};

use crate::deploy::{assert_changed_nothing, mirror_config, moto_stand_ins};
use crate::support::{Run, run};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The one file in `dist/` whose name starts with `prefix` and ends with `suffix`.
fn dist_file(prefix: &str, suffix: &str) -> PathBuf {
    let dist = workspace_root().join("dist");
    let found: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map(|entries| entries.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p: &PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!(
            "expected one {prefix}*{suffix} for this machine in {}, found {found:?}: run scripts/dist",
            dist.display()
        ),
    }
}

/// A folder holding only `gen` and `terraform`; with the system's folders after it, this is
/// the user's PATH: no cargo, rustc or cargo-lambda.
fn user_path(bin: &Path, gen_binary: &Path) -> String {
    std::os::unix::fs::symlink(gen_binary, bin.join("gen")).unwrap();
    let terraform = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("terraform"))
        .find(|p| p.is_file())
        .expect("terraform on the test's PATH");
    std::os::unix::fs::symlink(terraform, bin.join("terraform")).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    for tool in ["cargo", "rustc", "cargo-lambda"] {
        assert!(
            std::env::split_paths(&path).all(|d| !d.join(tool).exists()),
            "{tool} is on the user's PATH {path}"
        );
    }
    path
}

/// `gen ARGS` run in `dir` as the user: their PATH, a HOME of their own, AWS at moto.
fn gen_as_user(dir: &Path, path: &str, home: &Path, moto: &Moto, args: &[&str]) -> Run {
    run(Command::new("gen")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("TF_CLI_CONFIG_FILE", mirror_config(home))
        .envs(moto.env()))
}

#[test]
fn the_release_archive_deploys_a_new_site_without_rust() {
    // This machine's archive: target triples start with the architecture.
    let archive = dist_file(
        &format!("gen-{VERSION}-{}-", std::env::consts::ARCH),
        ".tar.gz",
    );
    let counter_zip = std::fs::read(dist_file(&format!("gen-counter-{VERSION}-"), ".zip")).unwrap();
    let counter_sha256 = hex(&Sha256::digest(&counter_zip));

    // The archive matches its published checksum.
    let bytes = std::fs::read(&archive).unwrap();
    let listed = std::fs::read_to_string(archive.with_extension("gz.sha256")).unwrap();
    let name = archive.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        listed,
        format!("{}  {name}\n", hex(&Sha256::digest(&bytes)))
    );

    // Unpacked where a user would put it, outside the repository.
    let user = tempfile::tempdir().unwrap();
    let install = user.path().join("opt");
    std::fs::create_dir_all(&install).unwrap();
    let unpacked = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&install)
        .status()
        .unwrap();
    assert!(unpacked.success());
    let folder = install.join(name.trim_end_matches(".tar.gz"));
    let bin = user.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = user_path(&bin, &folder.join("gen"));
    let home = user.path().join("home");
    let work = user.path().join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let moto = Moto::start();
    let gen_in = |dir: &Path, args: &[&str]| gen_as_user(dir, &path, &home, &moto, args);

    let version = gen_in(&work, &["--version"]);
    assert!(version.success(), "{}", version.stderr);
    assert_eq!(
        version.stdout,
        format!("gen {VERSION}\ncounter Lambda: embedded, sha256 {counter_sha256}\n")
    );

    // gen init, then the user's own resume.
    let init = gen_in(&work, &["init", "site"]);
    assert!(init.success(), "{}", init.stderr);
    let site = work.join("site");
    let resume = site.join("content/resume.yaml");
    let text = std::fs::read_to_string(&resume).unwrap();
    assert!(text.contains("name: Ada Lovelace"));
    std::fs::write(
        &resume,
        text.replacen("name: Ada Lovelace", "name: Grace Hopper", 1),
    )
    .unwrap();

    // gen infra takes the embedded counter; then the test's stand-ins for AWS.
    let infra = gen_in(&site, &["infra"]);
    assert!(infra.success(), "{}", infra.stderr);
    assert_contains!(
        infra.stderr,
        &format!(
            "counter embedded in this gen (sha256 {})",
            &counter_sha256[..16]
        )
    );
    let dir = site.join("out/infra");
    assert!(std::fs::read(dir.join("counter.zip")).unwrap() == counter_zip);
    moto_stand_ins(&dir, &moto);

    let first = gen_in(&site, &["deploy", "--auto-approve"]);
    assert!(first.success(), "{}\n{}", first.stdout, first.stderr);

    let outputs: serde_json::Value =
        serde_json::from_str(&terraform_ok(&dir, &["output", "-json"])).unwrap();
    let value = |name: &str| outputs[name]["value"].as_str().unwrap().to_owned();
    let (bucket, counter_url) = (value("bucket"), value("counter_url"));

    // The page is the user's, and calls the stack's own counter.
    let html = std::fs::read_to_string(site.join("out/site/index.html")).unwrap();
    assert!(html.contains("Grace Hopper"));
    assert!(
        html.contains(&format!("data-endpoint=\"{counter_url}\"")),
        "{counter_url}"
    );

    // The bucket holds the site; the Lambda runs the embedded zip.
    let listing = boto3(
        &moto,
        &format!(
            "import base64\n\
             s3 = boto3.client('s3', **kw)\n\
             keys = sorted(o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []))\n\
             fns = boto3.client('lambda', **kw).list_functions()['Functions']\n\
             print(json.dumps([keys, [base64.b64decode(f['CodeSha256']).hex() for f in fns]]))"
        ),
    );
    let (keys, code): (Vec<String>, Vec<String>) = serde_json::from_str(&listing).unwrap();
    assert!(
        keys.contains(&"index.html".to_owned()) && keys.contains(&"resume.json".to_owned()),
        "{keys:?}"
    );
    let page = boto3(
        &moto,
        &format!(
            "print(boto3.client('s3', **kw).get_object(Bucket='{bucket}', Key='index.html')['Body'].read().decode())"
        ),
    );
    assert!(page.contains("Grace Hopper"));
    assert_eq!(code, [counter_sha256]);

    // Again: nothing to change, nothing to upload.
    let second = gen_in(&site, &["deploy", "--auto-approve"]);
    assert_changed_nothing(&second);
}
