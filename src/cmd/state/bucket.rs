//! The state bucket made a safe home for state: created when missing, then versioning,
//! encryption, the public access block and a TLS-only policy, each set only when not so yet.

use anyhow::{Context, Result, bail};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use serde_json::{Value, json};

use crate::aws::account::{self, ForeignBucket};
use crate::aws::aws_error;

/// The bucket policy statement that refuses every request not made over TLS.
const TLS_ONLY_SID: &str = "DenyInsecureTransport";

/// Makes `bucket` a safe home for state, changing only what is not so yet; what it changed.
/// Every call expects the bucket to be `account`'s; a bucket of another account is a
/// [`ForeignBucket`] error, with `fix` as what to do.
pub(super) async fn ensure_bucket(
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

#[cfg(test)]
mod tests {
    use super::*;

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
