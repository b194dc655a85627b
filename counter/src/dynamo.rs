//! Counts in DynamoDB: one item per page path, `count` added to atomically with `ADD`.
//!
//! With `shards > 1` a path's count is spread over `shards` items so that a popular page is
//! not limited by one partition's write rate (about 1,000 writes/s): a visit adds to one
//! random shard and a read sums them all with one `BatchGetItem`. Shard 0 is the path's own
//! item, so `shards = 1` is the plain layout and raising the shard count keeps existing counts.
//! Shard `k > 0` of `/cv` is the item `/cv#k`; paths never contain `#`, so keys cannot collide.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

use crate::store::{Store, StoreError, StoreErrorKind};

pub use crate::table::{
    COUNT_ATTRIBUTE, KEY_ATTRIBUTE, MAX_SHARDS, PAGES_ENV, SHARDS_ENV, TABLE_ENV,
};

/// Where the counts are, as the Lambda's environment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub table: String,
    pub shards: u32,
    /// The site's page paths: the only ones counted.
    pub pages: BTreeSet<String>,
}

impl Settings {
    /// Reads [`TABLE_ENV`], [`SHARDS_ENV`] and [`PAGES_ENV`] through `var` (`std::env::var`
    /// in the Lambda).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let table = var(TABLE_ENV)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| format!("{TABLE_ENV} is not set; set it to the DynamoDB table name"))?;
        let shards = match var(SHARDS_ENV) {
            None => 1,
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_SHARDS).contains(n))
                .ok_or_else(|| {
                    format!(
                        "{SHARDS_ENV} is {raw:?}; it must be a whole number from 1 to {MAX_SHARDS}"
                    )
                })?,
        };
        let pages = var(PAGES_ENV)
            .ok_or_else(|| {
                format!("{PAGES_ENV} is not set; set it to the site's page paths, one per line")
            })?
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(Self {
            table,
            shards,
            pages,
        })
    }
}

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    settings: Settings,
}

impl DynamoStore {
    pub fn new(client: Client, settings: Settings) -> Self {
        Self { client, settings }
    }

    fn key(path: &str, shard: u32) -> AttributeValue {
        match shard {
            0 => AttributeValue::S(path.to_owned()),
            k => AttributeValue::S(format!("{path}#{k}")),
        }
    }

    async fn add_one(&self, path: &str, shard: u32) -> Result<u64, StoreError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.settings.table)
            .key(KEY_ATTRIBUTE, Self::key(path, shard))
            .update_expression("ADD #count :one")
            .expression_attribute_names("#count", COUNT_ATTRIBUTE)
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(classify)?;
        count_of(output.attributes()).ok_or_else(|| bad_item(path))
    }

    async fn get_one(&self, path: &str) -> Result<u64, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.settings.table)
            .key(KEY_ATTRIBUTE, Self::key(path, 0))
            .projection_expression("#count")
            .expression_attribute_names("#count", COUNT_ATTRIBUTE)
            .send()
            .await
            .map_err(classify)?;
        match output.item() {
            None => Ok(0),
            item => count_of(item).ok_or_else(|| bad_item(path)),
        }
    }

    /// Sums every shard of `path`, retrying keys DynamoDB leaves unprocessed.
    async fn sum_shards(&self, path: &str, consistent: bool) -> Result<u64, StoreError> {
        let mut keys: Vec<HashMap<String, AttributeValue>> = (0..self.settings.shards)
            .map(|k| HashMap::from([(KEY_ATTRIBUTE.to_owned(), Self::key(path, k))]))
            .collect();
        let mut total = 0u64;
        for attempt in 0..5u32 {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(consistent)
                .projection_expression("#count")
                .expression_attribute_names("#count", COUNT_ATTRIBUTE)
                .build()
                .map_err(|e| StoreError::new(StoreErrorKind::Failed, e.to_string()))?;
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.settings.table, request)
                .send()
                .await
                .map_err(classify)?;
            for item in output
                .responses()
                .and_then(|r| r.get(&self.settings.table))
                .into_iter()
                .flatten()
            {
                let count = count_of(Some(item)).ok_or_else(|| bad_item(path))?;
                total = total.saturating_add(count);
            }
            keys = output
                .unprocessed_keys()
                .and_then(|u| u.get(&self.settings.table))
                .map(|k| k.keys().to_vec())
                .unwrap_or_default();
            if keys.is_empty() {
                return Ok(total);
            }
            tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
        }
        Err(StoreError::new(
            StoreErrorKind::Throttled,
            format!("{} shard reads left unprocessed after 5 tries", keys.len()),
        ))
    }
}

impl Store for DynamoStore {
    async fn increment(&self, path: &str) -> Result<u64, StoreError> {
        match self.settings.shards {
            0 | 1 => self.add_one(path, 0).await,
            n => {
                self.add_one(path, fastrand::u32(0..n)).await?;
                self.sum_shards(path, true).await
            }
        }
    }

    async fn get(&self, path: &str) -> Result<u64, StoreError> {
        match self.settings.shards {
            0 | 1 => self.get_one(path).await,
            _ => self.sum_shards(path, false).await,
        }
    }
}

/// The AWS SDK configuration for the counter: region and credentials from the Lambda
/// environment (or `AWS_ENDPOINT_URL` and friends elsewhere), rustls on ring, a few quick
/// retries, and timeouts well inside the function's own.
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_attempt_timeout(Duration::from_millis(1500))
                .operation_timeout(Duration::from_secs(4))
                .build(),
        )
        .load()
        .await
}

/// The SDK's HTTP client (HTTPS and plain HTTP) with rustls on ring.
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

fn count_of(item: Option<&HashMap<String, AttributeValue>>) -> Option<u64> {
    match item?.get(COUNT_ATTRIBUTE) {
        None => Some(0),
        Some(value) => value.as_n().ok()?.parse().ok(),
    }
}

fn bad_item(path: &str) -> StoreError {
    StoreError::new(
        StoreErrorKind::Failed,
        format!("the item for {path:?} has a {COUNT_ATTRIBUTE} that is not a whole number"),
    )
}

/// Sorts an SDK error into what the client should be told.
pub(crate) fn classify<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let kind = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => StoreErrorKind::Unavailable,
        _ => match error.code() {
            Some(
                "ProvisionedThroughputExceededException"
                | "ThrottlingException"
                | "RequestLimitExceeded",
            ) => StoreErrorKind::Throttled,
            _ => StoreErrorKind::Failed,
        },
    };
    StoreError::new(kind, DisplayErrorContext(&error).to_string())
}
