//! The AWS account gen works for. Bucket names are global, so a bucket of the name gen expects
//! may have been made by another account first; every call gen makes on a bucket names the
//! caller's account as its expected owner (`ExpectedBucketOwner`), and S3 refuses the call
//! when the bucket is another account's, instead of letting gen read or write it.

use std::fmt;

use anyhow::{Context, Result, anyhow};
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::SdkError;

use super::aws_error;

/// The account of the credentials in use (`sts get-caller-identity`), asked once per command.
pub async fn caller_account(sdk: &aws_config::SdkConfig) -> Result<String> {
    let identity = aws_sdk_sts::Client::new(sdk)
        .get_caller_identity()
        .send()
        .await
        .map_err(aws_error)
        .context(
            "finding the AWS account of these credentials (sts get-caller-identity); set AWS_PROFILE, or run aws configure or aws sso login",
        )?;
    identity
        .account()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("sts get-caller-identity named no account"))
}

/// A bucket that belongs to another AWS account than the caller's.
#[derive(Debug)]
pub struct ForeignBucket {
    pub bucket: String,
    /// The caller's account.
    pub account: String,
    /// What to do instead, in the command's words.
    pub fix: String,
}

impl fmt::Display for ForeignBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bucket {} belongs to another AWS account (not {}, the account of these credentials): bucket names are global and anyone may take one first; nothing was changed. {}",
            self.bucket, self.account, self.fix
        )
    }
}

impl std::error::Error for ForeignBucket {}

/// Whether S3 refused the call (403: access denied, or a bucket owner other than the expected).
pub fn refused<E>(error: &SdkError<E, HttpResponse>) -> bool {
    error
        .raw_response()
        .is_some_and(|r| r.status().as_u16() == 403)
}

/// Whether `bucket` belongs to another account than `account`, asked after S3 refused a call
/// on it, to tell a bucket of another account from missing permissions: S3 refuses the bucket
/// when told it must be `account`'s, yet answers when not told. Besides CreateBucket, that
/// second HeadBucket is the only bucket call gen makes without an expected owner; it reads
/// nothing from the bucket.
pub async fn is_foreign(s3: &aws_sdk_s3::Client, bucket: &str, account: &str) -> bool {
    let checked = s3
        .head_bucket()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .send()
        .await;
    match checked {
        Err(e) if refused(&e) => s3.head_bucket().bucket(bucket).send().await.is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_s3::error::ErrorMetadata;
    use aws_sdk_s3::operation::get_bucket_tagging::GetBucketTaggingError;
    use aws_sdk_s3::primitives::SdkBody;

    use super::*;

    fn answer(status: u16, code: &str) -> SdkError<GetBucketTaggingError, HttpResponse> {
        let raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::empty());
        let error = GetBucketTaggingError::generic(ErrorMetadata::builder().code(code).build());
        SdkError::service_error(error, raw)
    }

    #[test]
    fn a_403_is_a_refusal_and_other_answers_are_not() {
        assert!(refused(&answer(403, "AccessDenied")));
        assert!(!refused(&answer(404, "NoSuchBucket")));
        assert!(!refused(&answer(500, "InternalError")));
    }

    #[test]
    fn a_foreign_bucket_is_named_with_the_callers_account_and_what_to_do() {
        let error = ForeignBucket {
            bucket: "ada-tfstate-123456789012".into(),
            account: "123456789012".into(),
            fix: "Pass --bucket with another name".into(),
        };
        assert_eq!(
            error.to_string(),
            "bucket ada-tfstate-123456789012 belongs to another AWS account (not 123456789012, the account of these credentials): bucket names are global and anyone may take one first; nothing was changed. Pass --bucket with another name"
        );
    }
}
