//! `gen publish`'s work: list the bucket once, look at the objects the site shares with it,
//! upload what changed (assets first, pages last, a few at a time), delete what is gone
//! (capped), and invalidate exactly the changed paths in CloudFront. Every bucket call names
//! the caller's account as the bucket's expected owner.

mod execute;
pub mod plan;
pub mod record;
mod run;

pub use execute::{execute, wait_for_invalidation};
pub use run::{Options, run};

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::aws::{account, aws_error, s3_client, sdk_config};
use crate::site::Site;
pub use plan::{PublishPlan, Reason, RemoteMeta, RemoteObject, invalidation_paths};

/// Uploads and metadata reads in flight at once.
pub const CONCURRENCY: usize = 16;

/// Where the site goes.
#[derive(Debug, Clone)]
pub struct Target {
    pub bucket: String,
    /// Keys start with this (empty: the whole bucket is the site's). Nothing outside it is
    /// listed, written or deleted.
    pub prefix: String,
    /// What viewers' paths start with for the keys under `prefix`: empty when the
    /// distribution serves `prefix` as its root (`--prefix`), `prefix` itself for a preview,
    /// which the distribution serves from the bucket's root.
    pub viewer_prefix: String,
    pub distribution_id: Option<String>,
}

/// The AWS clients, configured once from the standard chain (env, profiles, SSO) and
/// `AWS_ENDPOINT_URL`, and the account they act for.
#[derive(Debug, Clone)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// The caller's account id: every bucket call expects the bucket to be this account's.
    pub account: String,
}

impl Clients {
    /// The clients, and the caller's account asked of STS.
    pub async fn from_env() -> Result<Self> {
        let config = sdk_config().await;
        let account = account::caller_account(&config).await?;
        Ok(Self {
            s3: s3_client(&config, None),
            cloudfront: aws_sdk_cloudfront::Client::new(&config),
            account,
        })
    }
}

/// What a publish did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Keys uploaded, with the headers they now have.
    pub published: BTreeMap<String, RemoteMeta>,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub invalidation: Option<(String, Vec<String>)>,
}

/// Reads the bucket's state under the prefix: one paginated listing, then the metadata of
/// the objects the site also has. An object whose ETag is what this machine last uploaded
/// there (`known`, from the publish record) is not asked again: its headers are the ones
/// gen set. Any other object, or all with `--force`, gets a HeadObject.
pub async fn remote_state(
    clients: &Clients,
    site: &Site,
    target: &Target,
    known: &BTreeMap<String, RemoteMeta>,
) -> Result<BTreeMap<String, RemoteObject>> {
    // Previews are their pull requests', never the site's to replace or delete.
    let preview = |key: &str| {
        !target.prefix.starts_with(crate::site::PREVIEWS)
            && key
                .strip_prefix(target.prefix.as_str())
                .is_some_and(|rest| rest.starts_with(crate::site::PREVIEWS))
    };
    let mut remote = BTreeMap::new();
    let mut pages = clients
        .s3
        .list_objects_v2()
        .bucket(&target.bucket)
        .expected_bucket_owner(&clients.account)
        .prefix(&target.prefix)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(aws_error).with_context(|| {
            format!(
                "listing s3://{}/{} (is --bucket right, and are AWS credentials set?)",
                target.bucket, target.prefix
            )
        })?;
        for object in page.contents() {
            if let Some(key) = object.key().filter(|key| !preview(key)) {
                let etag = object
                    .e_tag()
                    .unwrap_or_default()
                    .trim_matches('"')
                    .to_owned();
                remote.insert(key.to_owned(), RemoteObject { etag, meta: None });
            }
        }
    }
    let shared: Vec<String> = site
        .files
        .iter()
        .flat_map(|f| plan::keys(&target.prefix, &f.path))
        .filter(|k| match (remote.get_mut(k), known.get(k)) {
            (Some(object), Some(meta)) if meta.md5.as_deref() == Some(object.etag.as_str()) => {
                object.meta = Some(meta.clone());
                false
            }
            (object, _) => object.is_some(),
        })
        .collect();
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut heads = JoinSet::new();
    for key in shared {
        let head = clients
            .s3
            .head_object()
            .bucket(&target.bucket)
            .expected_bucket_owner(&clients.account)
            .key(&key);
        let limit = Arc::clone(&limit);
        heads.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (key, head.send().await)
        });
    }
    while let Some(joined) = heads.join_next().await {
        let (key, head) = joined.context("reading object metadata")?;
        let head = head
            .map_err(aws_error)
            .with_context(|| format!("reading s3://{}/{key}", target.bucket))?;
        let meta = RemoteMeta {
            content_type: head.content_type().map(str::to_owned),
            cache_control: head.cache_control().map(str::to_owned),
            md5: head.metadata().and_then(|m| m.get("md5")).cloned(),
        };
        if let Some(object) = remote.get_mut(&key) {
            object.meta = Some(meta);
        }
    }
    Ok(remote)
}

/// The tag gen's stack puts on every resource (through the provider's default tags).
pub const OWNER_TAG: (&str, &str) = ("ManagedBy", "gen");

/// Whether the bucket carries [`OWNER_TAG`]: a bucket gen's stack created. `Err` when the
/// tags cannot be read, an [`account::ForeignBucket`] when the bucket is another account's.
pub async fn bucket_is_gens(clients: &Clients, bucket: &str) -> Result<bool> {
    use aws_sdk_s3::error::ProvideErrorMetadata;
    let tagging = clients
        .s3
        .get_bucket_tagging()
        .bucket(bucket)
        .expected_bucket_owner(&clients.account)
        .send()
        .await;
    match tagging {
        Ok(tagging) => Ok(tagging
            .tag_set()
            .iter()
            .any(|tag| tag.key() == OWNER_TAG.0 && tag.value() == OWNER_TAG.1)),
        Err(e) if e.code() == Some("NoSuchTagSet") => Ok(false),
        Err(e) => {
            if account::refused(&e)
                && account::is_foreign(&clients.s3, bucket, &clients.account).await
            {
                return Err(account::ForeignBucket {
                    bucket: bucket.to_owned(),
                    account: clients.account.clone(),
                    fix: "Check --bucket, and that these credentials are for the account that holds the site's stack".to_owned(),
                }
                .into());
            }
            Err(aws_error(e)).with_context(|| format!("reading the tags of bucket {bucket}"))
        }
    }
}
