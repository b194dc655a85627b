//! `gen deploy` end to end against moto: from an empty account to a published site whose page
//! calls the stack's own counter, and a second deploy that changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use testkit::terraform::{plugin_dir, terraform_ok};
use testkit::{Moto, boto3};

use crate::infra::{fixture_zip, point_at_moto};
use crate::support::{Run, TestSite, run};

/// A Terraform CLI config (in `dir`) that takes providers from the machine's mirror, as a user
/// with a mirror would configure it.
pub(crate) fn mirror_config(dir: &Path) -> PathBuf {
    let path = dir.join("terraform.rc");
    std::fs::write(
        &path,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
            plugin_dir().display()
        ),
    )
    .unwrap();
    path
}

/// The test's own additions to a stack written by `gen infra` in `dir`: the provider pointed
/// at moto, and moto's gaps (see infra.rs).
pub(crate) fn moto_stand_ins(dir: &Path, moto: &Moto) {
    point_at_moto(dir, moto, &[]);
    // moto is served over plain HTTP, which the bucket policy's TLS-only statement rightly
    // refuses (moto enforces it): the policy keeps only its CloudFront statement here.
    let site_tf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("site.tf.json")).unwrap()).unwrap();
    let policy = &site_tf["data"]["aws_iam_policy_document"]["site_bucket"]["statement"];
    assert_eq!(policy[1]["sid"], "DenyInsecureTransport");
    let http_only = serde_json::json!({
        "data": { "aws_iam_policy_document": { "site_bucket": { "statement": [policy[0].clone()] } } }
    });
    std::fs::write(
        dir.join("moto_http_override.tf.json"),
        http_only.to_string(),
    )
    .unwrap();
}

/// `gen deploy --auto-approve` with AWS pointed at moto.
fn deploy(site: &TestSite, moto: &Moto) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .args([
            "deploy",
            "--auto-approve",
            "--counter-zip",
            &fixture_zip(),
            "--root",
        ])
        .arg(site.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", site.root())
        .env("NO_COLOR", "1")
        .env("TF_CLI_CONFIG_FILE", mirror_config(site.root()))
        .envs(moto.env());
    run(&mut command)
}

#[test]
fn deploys_from_nothing_then_changes_nothing() {
    let moto = Moto::start();
    let site = TestSite::new();
    // The test's own additions: the provider pointed at moto, and moto's gaps (see infra.rs).
    assert!(site.infra(&["--counter-zip", &fixture_zip()]).success());
    let dir = site.path("out/infra");
    moto_stand_ins(&dir, &moto);

    let started = Instant::now();
    let first = deploy(&site, &moto);
    eprintln!(
        "first gen deploy against moto: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(first.success(), "{}\n{}", first.stdout, first.stderr);
    for step in 1..=5 {
        assert_contains!(first.stderr, &format!("step {step}/5"));
    }

    let outputs: serde_json::Value =
        serde_json::from_str(&terraform_ok(&dir, &["output", "-json"])).unwrap();
    let value = |name: &str| outputs[name]["value"].as_str().unwrap().to_owned();
    let (bucket, distribution, counter_url) = (
        value("bucket"),
        value("distribution_id"),
        value("counter_url"),
    );
    assert!(
        first
            .stderr
            .contains(&format!("live {}", value("site_url"))),
        "{}",
        first.stderr
    );

    // The page calls exactly the stack's counter, and its CSP allows exactly that origin.
    let html = site.html("index.html");
    assert!(
        html.contains(&format!("data-endpoint=\"{counter_url}\"")),
        "{counter_url}"
    );
    let origin = counter_url.trim_end_matches("/visits");
    assert!(
        html.contains(&format!("connect-src &#39;self&#39; {origin};")),
        "{html}"
    );

    // The bucket holds every file of out/site; the distribution exists and was invalidated.
    let listing = boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             keys = sorted(o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []))\n\
             cf = boto3.client('cloudfront', **kw)\n\
             ids = [d['Id'] for d in cf.list_distributions()['DistributionList'].get('Items', [])]\n\
             inv = cf.list_invalidations(DistributionId='{distribution}')['InvalidationList'].get('Quantity', 0)\n\
             print(json.dumps([keys, ids, inv]))"
        ),
    );
    let (keys, ids, invalidations): (Vec<String>, Vec<String>, u64) =
        serde_json::from_str(&listing).unwrap();
    let files: Vec<String> = site
        .output()
        .into_keys()
        .filter(|k| k != ".gen-site")
        .collect();
    assert_eq!(keys, files);
    assert!(keys.contains(&"resume.json".to_owned()) && keys.contains(&"404.html".to_owned()));
    assert_eq!(ids, std::slice::from_ref(&distribution));
    assert_eq!(invalidations, 1);

    // The lock file is kept at the project root, where the user's repository commits it,
    // and comes back into a fresh out/infra before terraform init.
    let kept = std::fs::read_to_string(site.path(".terraform.lock.hcl")).unwrap();
    assert!(
        kept.contains("provider \"registry.terraform.io/hashicorp/aws\""),
        "{kept}"
    );
    std::fs::remove_file(dir.join(".terraform.lock.hcl")).unwrap();

    // Again: Terraform has nothing to change and publish nothing to upload.
    let started = Instant::now();
    let second = deploy(&site, &moto);
    eprintln!(
        "second gen deploy against moto: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_changed_nothing(&second);
    assert_eq!(
        std::fs::read_to_string(dir.join(".terraform.lock.hcl")).unwrap(),
        kept
    );
}

/// A repeated `gen deploy` succeeded and had nothing to apply or upload.
pub(crate) fn assert_changed_nothing(second: &Run) {
    assert!(second.success(), "{}\n{}", second.stdout, second.stderr);
    assert!(
        second
            .stderr
            .contains("terraform apply: no infrastructure changes"),
        "{}",
        second.stderr
    );
    assert_contains!(second.stderr, "uploaded 0 (0 B), deleted 0");
}

#[test]
fn deploy_stops_early_without_credentials() {
    let site = TestSite::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .args(["deploy", "--plan-only", "--root"])
        .arg(site.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", site.root())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    let run = run(&mut command);
    assert_eq!(run.code, Some(1));
    assert_contains!(run.stderr, "AWS credentials");
    assert!(!site.path("out/infra").exists(), "nothing was written");
}

#[test]
fn deploy_names_every_missing_piece_before_changing_anything() {
    // No terraform (it is not in the system folders here), no credentials, and a plain gen
    // (no counter inside) without cargo or cargo-lambda to build one.
    let site = TestSite::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .args(["deploy", "--auto-approve", "--root"])
        .arg(site.root())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", site.root())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    let run = run(&mut command);
    assert_eq!(run.code, Some(1));
    for words in [
        "gen deploy needs 3 things first (nothing was changed)",
        "  - terraform not found on PATH: install Terraform",
        "AWS credentials (the credential provider was not enabled): set AWS_PROFILE",
        "  - no counter Lambda to deploy",
    ] {
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
    assert!(!site.path("out").exists(), "nothing was written");
}
