//! `gen state init`: an S3 bucket for the Terraform state, made with the SDK (versioning,
//! encryption, every kind of public access blocked, TLS only), and `[backend]` in gen.toml
//! pointing at it. Running it again changes nothing that is already right. Every call on the
//! bucket expects it to be the caller's account's: a bucket of the name made by another account
//! is refused, never configured or used.

use anyhow::{Context, Result, anyhow, bail};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use serde_json::{Value, json};

use crate::cli::{StateArgs, StateCommand, StateInitArgs};
use crate::config::{self, Backend, Config};
use crate::publish::account::{self, ForeignBucket};
use crate::publish::aws_error;
use crate::sources::CONFIG_FILE;
use crate::term;

/// The bucket policy statement that refuses every request not made over TLS.
const TLS_ONLY_SID: &str = "DenyInsecureTransport";

pub fn run(args: &StateArgs) -> Result<()> {
    match &args.command {
        StateCommand::Init(init_args) => init(init_args),
    }
}

fn init(args: &StateInitArgs) -> Result<()> {
    let config_path = args.root.join(CONFIG_FILE);
    let text = crate::sources::read_config_file(&args.root)?
        .ok_or_else(|| {
            anyhow!(
                "cannot read {}: run gen state init in a site's folder (or pass --root)",
                config_path.display()
            )
        })?
        .text;
    let config = parse(&text)?;
    let settings = &config.stack;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let sdk = crate::publish::sdk_config().await;
        let account = account::caller_account(&sdk).await?;
        let (bucket, region, configured) = match &settings.backend {
            Backend::S3 { bucket, region, .. } => {
                if let Some(asked) = args.bucket.as_deref().filter(|b| b != bucket) {
                    bail!(
                        "gen.toml's [backend] already keeps the state in {bucket}; to move it to {asked}, change [backend] bucket yourself and run terraform init -migrate-state"
                    );
                }
                (bucket.clone(), region.clone(), true)
            }
            Backend::Local => {
                let bucket = match &args.bucket {
                    Some(bucket) => bucket.clone(),
                    None => default_bucket(&settings.project, &account),
                };
                (bucket, settings.region.clone(), false)
            }
        };
        let s3 = s3_client(&sdk, &region);
        let fix = match configured {
            true => "Change bucket under [backend] in gen.toml to a bucket of your own",
            false => "Pass --bucket with another name",
        };
        let changes = ensure_bucket(&s3, &bucket, &region, &account, fix).await?;
        for change in &changes {
            term::status("set", &format!("s3://{bucket}: {change}"));
        }
        if configured {
            if changes.is_empty() {
                term::status(
                    "unchanged",
                    &format!("s3://{bucket} is set up and gen.toml's [backend] uses it: nothing to do"),
                );
            }
            return Ok(());
        }
        let updated = with_backend(&text, &bucket, &region)?;
        crate::files::write(&config_path, updated.as_bytes())?;
        term::status(
            "wrote",
            &format!(
                "{}: [backend] type = \"s3\", bucket = \"{bucket}\", region = \"{region}\"",
                config_path.display()
            ),
        );
        if args.root.join(crate::infra::STATE_FILE).exists() {
            term::note(&format!(
                "{} holds the state so far: move it into the bucket with gen infra, then terraform -chdir=out/infra init -migrate-state",
                crate::infra::STATE_FILE
            ));
        }
        Ok(())
    })
}

fn parse(text: &str) -> Result<Config> {
    let file = crate::diagnostic::SourceFile {
        name: CONFIG_FILE.to_owned(),
        text: text.to_owned(),
    };
    config::parse_or_default(Some(&file)).map_err(anyhow::Error::new)
}

/// `<project>-tfstate-<account id>`: the same on every run. Anyone can guess it, so the bucket
/// is checked to be the account's like any other.
fn default_bucket(project: &str, account: &str) -> String {
    format!("{project}-tfstate-{account}")
}

fn s3_client(sdk: &aws_config::SdkConfig, region: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .region(aws_sdk_s3::config::Region::new(region.to_owned()))
        // A custom endpoint (a local S3) is addressed by path, not by bucket host name.
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Makes `bucket` a safe home for state, changing only what is not so yet; what it changed.
/// Every call expects the bucket to be `account`'s; a bucket of another account is a
/// [`ForeignBucket`] error, with `fix` as what to do.
async fn ensure_bucket(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    region: &str,
    account: &str,
    fix: &str,
) -> Result<Vec<String>> {
    let foreign = || ForeignBucket {
        bucket: bucket.to_owned(),
        account: account.to_owned(),
        fix: fix.to_owned(),
    };
    let mut changes = Vec::new();
    let mut created = false;
    let head = s3
        .head_bucket()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await;
    match head {
        Ok(_) => {}
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => {
            let mut create = s3.create_bucket().bucket(bucket);
            if region != "us-east-1" {
                create = create.create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(region))
                        .build(),
                );
            }
            match create.send().await {
                Ok(_) => {}
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_bucket_already_exists()) =>
                {
                    return Err(foreign().into());
                }
                Err(e) => {
                    return Err(aws_error(e)).with_context(|| {
                        format!("creating the state bucket {bucket} in {region}")
                    });
                }
            }
            changes.push(format!("created in {region}"));
            created = true;
        }
        Err(e) if account::refused(&e) => {
            if account::is_foreign(s3, bucket, account).await {
                return Err(foreign().into());
            }
            bail!(
                "the bucket {bucket} exists and these credentials may not use it (it may be another account's: bucket names are global). {fix}"
            )
        }
        Err(e) => return Err(aws_error(e)).with_context(|| format!("looking up bucket {bucket}")),
    }

    // Some(on), or None when the answer cannot be read (some S3-compatible servers answer
    // with a document of another name): then it is set again, which changes nothing if on.
    let versioned = match s3
        .get_bucket_versioning()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await
    {
        Ok(answer) => Some(answer.status() == Some(&BucketVersioningStatus::Enabled)),
        Err(e) if e.raw_response().is_some_and(|r| r.status().is_success()) => None,
        Err(e) => {
            return Err(aws_error(e))
                .with_context(|| format!("reading the versioning of {bucket}"));
        }
    };
    let versioned = if created { Some(false) } else { versioned };
    if versioned != Some(true) {
        s3.put_bucket_versioning()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_error)
            .with_context(|| format!("turning on versioning for {bucket}"))?;
        if versioned == Some(false) {
            changes.push("versioning on (every state kept, any one can be restored)".into());
        }
    }

    let encrypted = match s3
        .get_bucket_encryption()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await
    {
        Ok(answer) => answer
            .server_side_encryption_configuration()
            .is_some_and(|c| {
                c.rules().iter().any(|rule| {
                    rule.apply_server_side_encryption_by_default()
                        .is_some_and(|d| {
                            matches!(
                                d.sse_algorithm(),
                                ServerSideEncryption::Aes256 | ServerSideEncryption::AwsKms
                            )
                        })
                })
            }),
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => false,
        Err(e) => {
            return Err(aws_error(e))
                .with_context(|| format!("reading the encryption of {bucket}"));
        }
    };
    if !encrypted {
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::Aes256)
                    .build()?,
            )
            .bucket_key_enabled(true)
            .build();
        s3.put_bucket_encryption()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()?,
            )
            .send()
            .await
            .map_err(aws_error)
            .with_context(|| format!("turning on encryption for {bucket}"))?;
        changes.push("encrypted at rest (SSE-S3)".into());
    }

    let blocked = match s3
        .get_public_access_block()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await
    {
        Ok(answer) => answer.public_access_block_configuration().is_some_and(|c| {
            [
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            ]
            .iter()
            .all(|on| *on == Some(true))
        }),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => false,
        Err(e) => {
            return Err(aws_error(e))
                .with_context(|| format!("reading the public access block of {bucket}"));
        }
    };
    if !blocked {
        s3.put_public_access_block()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_error)
            .with_context(|| format!("blocking public access to {bucket}"))?;
        changes.push("all public access blocked".into());
    }

    let policy = match s3
        .get_bucket_policy()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await
    {
        Ok(answer) => match answer.policy() {
            Some(text) => Some(
                serde_json::from_str::<Value>(text)
                    .with_context(|| format!("reading the bucket policy of {bucket}: not JSON"))?,
            ),
            None => None,
        },
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => None,
        Err(e) => {
            return Err(aws_error(e))
                .with_context(|| format!("reading the bucket policy of {bucket}"));
        }
    };
    if let Some(updated) = with_tls_only(policy, bucket) {
        s3.put_bucket_policy()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .policy(updated.to_string())
            .send()
            .await
            .map_err(aws_error)
            .with_context(|| format!("setting the bucket policy of {bucket}"))?;
        changes.push("requests without TLS refused (bucket policy)".into());
    }
    Ok(changes)
}

/// `policy` with a statement that denies any request not over TLS; `None` when it has one.
/// Statements already there are kept.
fn with_tls_only(policy: Option<Value>, bucket: &str) -> Option<Value> {
    let mut policy = policy.unwrap_or_else(|| json!({ "Version": "2012-10-17", "Statement": [] }));
    let statements = policy.get("Statement").cloned().unwrap_or(json!([]));
    let mut statements = match statements {
        Value::Array(list) => list,
        one => vec![one],
    };
    if statements
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(TLS_ONLY_SID))
    {
        return None;
    }
    statements.push(json!({
        "Sid": TLS_ONLY_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    }));
    policy["Statement"] = Value::Array(statements);
    Some(policy)
}

/// gen.toml's text with `[backend]` keeping the state in `bucket`: the table's `type` line
/// replaced (comments and other tables kept), or the table added at the end. Checked by
/// parsing the result.
fn with_backend(text: &str, bucket: &str, region: &str) -> Result<String> {
    let keys = format!("type = \"s3\"\nbucket = \"{bucket}\"\nregion = \"{region}\"\n");
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| {
        let l = l.trim();
        l == "[backend]" || l.starts_with("[backend]") && l[9..].trim_start().starts_with('#')
    });
    let updated = match header {
        None => {
            let mut out = text.trim_end().to_owned();
            out.push_str(
                "\n\n# Where Terraform keeps the stack's state (gen state init).\n[backend]\n",
            );
            out.push_str(&keys);
            out
        }
        Some(at) => {
            let end = lines[at + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |i| at + 1 + i);
            let ours = |line: &&str| {
                let key = line.split('=').next().unwrap_or("").trim();
                line.contains('=') && ["type", "bucket", "region"].contains(&key)
            };
            let mut out = String::new();
            for (i, line) in lines.iter().enumerate() {
                if i > at && i < end && ours(line) {
                    continue;
                }
                out.push_str(line);
                out.push('\n');
                if i == at {
                    out.push_str(&keys);
                }
            }
            out
        }
    };
    match parse(&updated).map(|c| c.stack.backend) {
        Ok(Backend::S3 { bucket: b, .. }) if b == bucket => Ok(updated),
        _ => bail!(
            "could not add [backend] to {CONFIG_FILE} by itself; add it yourself:\n[backend]\n{keys}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_table_is_added_or_its_type_replaced_keeping_everything_else() {
        let added = with_backend("language = \"en\"\n# a comment\n", "b-1", "eu-west-1").unwrap();
        assert!(
            added.starts_with("language = \"en\"\n# a comment\n"),
            "{added}"
        );
        assert!(
            added.ends_with("[backend]\ntype = \"s3\"\nbucket = \"b-1\"\nregion = \"eu-west-1\"\n"),
            "{added}"
        );

        let local = "language = \"en\"\n\n[backend]  # state\ntype = \"local\"\n# keep me\n\n[alerts]\nemail = \"a@b.example\"\n";
        let replaced = with_backend(local, "b-1", "us-east-1").unwrap();
        assert_eq!(
            replaced,
            "language = \"en\"\n\n[backend]  # state\ntype = \"s3\"\nbucket = \"b-1\"\nregion = \"us-east-1\"\n# keep me\n\n[alerts]\nemail = \"a@b.example\"\n"
        );
    }

    #[test]
    fn the_tls_statement_is_added_once_and_others_kept() {
        let first = with_tls_only(None, "b").unwrap();
        assert_eq!(first["Statement"][0]["Sid"], TLS_ONLY_SID);
        assert_eq!(
            first["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"],
            "false"
        );
        assert!(with_tls_only(Some(first.clone()), "b").is_none());
        let other =
            json!({ "Version": "2012-10-17", "Statement": { "Sid": "Mine", "Effect": "Allow" } });
        let merged = with_tls_only(Some(other), "b").unwrap();
        assert_eq!(merged["Statement"][0]["Sid"], "Mine");
        assert_eq!(merged["Statement"][1]["Sid"], TLS_ONLY_SID);
    }
}
