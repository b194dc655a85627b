//! `gen state init` against moto: the state bucket is made safe (versioning, encryption,
//! public access blocked, TLS only), gen.toml points at it, and a second run changes nothing.

use std::process::Command;

use serde_json::Value;
use testkit::Moto;
use testkit::boto3;

use crate::support::{Run, TestSite, run};

fn state_init(site: &TestSite, moto: &Moto, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["state", "init", "--root"])
        .arg(site.root())
        .args(args)
        .envs(moto.env())
        .env("NO_COLOR", "1"))
}

#[test]
fn state_init_makes_a_safe_bucket_points_gen_toml_at_it_and_changes_nothing_the_second_time() {
    let moto = Moto::start();
    let site = TestSite::new();
    site.write(
        "gen.toml",
        b"language = \"en\"\n\n[infra]\nproject = \"ada\"\nregion = \"eu-west-1\"\n",
    );
    let first = state_init(&site, &moto, &[]);
    assert!(first.success(), "{}", first.stderr);
    // moto's account is 123456789012.
    let bucket = "ada-tfstate-123456789012";
    for said in [
        "created in eu-west-1",
        "versioning on",
        "all public access blocked",
        "requests without TLS refused",
    ] {
        assert_contains!(first.stderr, format!("s3://{bucket}: {said}"));
    }
    let toml = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    assert!(
        toml.starts_with("language = \"en\"\n\n[infra]\nproject = \"ada\""),
        "{toml}"
    );
    assert_contains!(
        toml,
        format!("[backend]\ntype = \"s3\"\nbucket = \"{bucket}\"\nregion = \"eu-west-1\"\n")
    );

    let seen: Value = serde_json::from_str(&boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\nb = '{bucket}'\nprint(json.dumps({{\n  'region': s3.get_bucket_location(Bucket=b).get('LocationConstraint'),\n  'versioning': s3.get_bucket_versioning(Bucket=b).get('Status'),\n  'encryption': s3.get_bucket_encryption(Bucket=b)['ServerSideEncryptionConfiguration']['Rules'][0]['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'],\n  'block': s3.get_public_access_block(Bucket=b)['PublicAccessBlockConfiguration'],\n  'policy': json.loads(s3.get_bucket_policy(Bucket=b)['Policy']),\n}}))\n"
        ),
    ))
    .unwrap();
    assert_eq!(seen["region"], "eu-west-1");
    assert_eq!(seen["versioning"], "Enabled");
    assert!(
        ["AES256", "aws:kms"].contains(&seen["encryption"].as_str().unwrap()),
        "{seen}"
    );
    for key in [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(seen["block"][key], true, "{key}: {seen}");
    }
    let deny = &seen["policy"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
    assert_eq!(deny["Resource"][1], format!("arn:aws:s3:::{bucket}/*"));

    // Again: nothing to do, gen.toml untouched.
    let second = state_init(&site, &moto, &[]);
    assert!(second.success(), "{}", second.stderr);
    assert_contains!(second.stderr, "nothing to do");
    assert!(!second.stderr.contains(": created"), "{}", second.stderr);
    assert_eq!(
        std::fs::read_to_string(site.path("gen.toml")).unwrap(),
        toml
    );

    // Asking for another bucket once one is configured is refused, with the way to move.
    let other = state_init(&site, &moto, &["--bucket", "elsewhere"]);
    assert_eq!(other.code, Some(1));
    assert_contains!(
        other.stderr,
        "already keeps the state in ada-tfstate-123456789012"
    );
}

#[test]
fn state_init_outside_a_site_says_where_to_run_it_and_creates_nothing() {
    let moto = Moto::start();
    let empty = tempfile::tempdir().unwrap();
    let ran = run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["state", "init", "--root"])
        .arg(empty.path())
        .envs(moto.env())
        .env("NO_COLOR", "1"));
    assert_eq!(ran.code, Some(1));
    assert_contains!(ran.stderr, "run gen state init in a site's folder");
    let buckets = boto3(
        &moto,
        "print(len(boto3.client('s3', **kw).list_buckets()['Buckets']))",
    );
    assert_eq!(buckets.trim(), "0");
}
