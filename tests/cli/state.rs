//! `gen state init` against moto: the state bucket is made safe (versioning, encryption,
//! public access blocked, TLS only), gen.toml points at it, and a second run changes nothing;
//! a bucket of another account under its name is refused.

use std::process::Command;

use serde_json::Value;
use testkit::Moto;
use testkit::{as_account, boto3};

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

#[test]
fn every_call_on_the_state_bucket_expects_it_to_be_the_callers_accounts() {
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("moto.jsonl");
    let moto = Moto::start_recording(&record);
    let site = TestSite::new();
    site.write(
        "gen.toml",
        b"language = \"en\"\n\n[infra]\nproject = \"ada\"\nregion = \"eu-west-1\"\n",
    );
    let ran = state_init(&site, &moto, &[]);
    assert!(ran.success(), "{}", ran.stderr);
    let calls = crate::support::s3_calls(&record);
    // CreateBucket alone takes no expected owner: the bucket is not there yet.
    let expected: Vec<(&str, &str, &str)> = [
        ("HEAD", ""),
        ("PUT", ""),
        ("GET", "versioning"),
        ("PUT", "versioning"),
        ("GET", "encryption"),
        ("PUT", "encryption"),
        ("GET", "publicAccessBlock"),
        ("PUT", "publicAccessBlock"),
        ("GET", "policy"),
        ("PUT", "policy"),
    ]
    .into_iter()
    .map(|(method, query)| {
        let owner = match (method, query) {
            ("PUT", "") => "",
            _ => "123456789012",
        };
        (method, query, owner)
    })
    .collect();
    assert_eq!(
        calls
            .iter()
            .map(|(m, q, o)| (m.as_str(), q.as_str(), o.as_str()))
            .collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn state_init_refuses_a_bucket_another_account_made_under_its_name_and_changes_nothing() {
    let moto = Moto::start();
    // The name gen state init would choose, taken first by account 111111111111, which lets
    // everyone in: without the owner check, gen would keep the state in it.
    let bucket = "ada-tfstate-123456789012";
    boto3(
        &moto,
        &format!(
            "{}s3 = boto3.client('s3', **kw)\n\
             s3.create_bucket(Bucket='{bucket}')\n\
             s3.put_bucket_policy(Bucket='{bucket}', Policy=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': '*', 'Action': 's3:*', 'Resource': ['arn:aws:s3:::{bucket}', 'arn:aws:s3:::{bucket}/*']}}]}}))",
            as_account("111111111111")
        ),
    );
    let site = TestSite::new();
    let toml = "language = \"en\"\n\n[infra]\nproject = \"ada\"\nregion = \"eu-west-1\"\n";
    site.write("gen.toml", toml.as_bytes());
    let ran = state_init(&site, &moto, &[]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_contains!(
        ran.stderr,
        "bucket ada-tfstate-123456789012 belongs to another AWS account (not 123456789012, the account of these credentials)"
    );
    assert_contains!(
        ran.stderr,
        "nothing was changed. Pass --bucket with another name"
    );
    assert_eq!(
        std::fs::read_to_string(site.path("gen.toml")).unwrap(),
        toml
    );
    let seen = boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             print(s3.get_bucket_versioning(Bucket='{bucket}').get('Status', 'off'), len(json.loads(s3.get_bucket_policy(Bucket='{bucket}')['Policy'])['Statement']))"
        ),
    );
    assert_eq!(
        seen.trim(),
        "off 1",
        "versioning and the policy as they were"
    );
}
