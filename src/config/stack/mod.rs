//! The `[infra]`, `[domain]`, `[counter]`, `[backend]`, `[headers]`, `[alerts]` and `[ci]` tables of `gen.toml`: where and how
//! the site runs on AWS. Parsed with spans so every bad value is reported where it is written,
//! and turned into [`StackSettings`], the checked values `gen infra` works from.

mod checks;

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub use super::names::{Domain, Problem, RawDomain};
pub use checks::check;

/// `[infra]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInfra {
    pub project: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `[counter]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCounter {
    #[serde(default)]
    pub mode: CounterMode,
    pub shards: Option<Spanned<i64>>,
    pub rate_limit: Option<Spanned<i64>>,
    pub burst_limit: Option<Spanned<i64>>,
    pub concurrency: Option<Spanned<i64>>,
}

/// `[headers]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeaders {
    pub hsts_include_subdomains: Option<Spanned<bool>>,
    pub hsts_preload: Option<Spanned<bool>>,
}

/// `[alerts]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlerts {
    pub email: Option<Spanned<String>>,
    pub monthly_budget: Option<Spanned<i64>>,
}

/// `[ci]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCi {
    pub github: Option<Spanned<String>>,
    pub use_existing_oidc_provider: Option<Spanned<bool>>,
    pub preview_days: Option<Spanned<i64>>,
}

/// The tables of `gen.toml` that describe the stack, as written.
#[derive(Debug, Clone, Copy)]
pub struct RawStack<'a> {
    pub infra: &'a RawInfra,
    pub domain: Option<&'a RawDomain>,
    pub counter: &'a RawCounter,
    pub backend: &'a RawBackend,
    pub headers: &'a RawHeaders,
    pub alerts: &'a RawAlerts,
    pub ci: &'a RawCi,
}

/// `[backend]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBackend {
    #[serde(rename = "type", default)]
    pub kind: BackendKind,
    pub bucket: Option<Spanned<String>>,
    pub key: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CounterMode {
    /// An API Gateway HTTP API in front of the Lambda.
    #[default]
    Http,
    /// A Lambda Function URL, without API Gateway.
    FunctionUrl,
    /// An API Gateway WebSocket API: every open page sees each new visit live, pushed from
    /// the counts table's stream.
    Websocket,
    /// No counter at all.
    Off,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    #[default]
    Local,
    S3,
}

/// Where Terraform keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `terraform.tfstate` at the project root, outside `out/`.
    Local,
    /// An S3 bucket (with S3-native locking, `use_lockfile`).
    S3 {
        bucket: String,
        key: String,
        region: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterSettings {
    pub mode: CounterMode,
    pub shards: u32,
    /// Steady requests per second the API lets through.
    pub rate_limit: u32,
    /// Requests the API lets through in a burst.
    pub burst_limit: u32,
    /// The function's reserved concurrency: the most copies running at once. `None` leaves
    /// it to the account's quota (an account with the starting quota of 10 cannot reserve).
    pub concurrency: Option<u32>,
}

impl CounterSettings {
    /// The table's most write request units per second: one visit is one write, so the
    /// API's burst is the most the table ever needs. Above it DynamoDB throttles and the
    /// counter answers 503, instead of the bill growing.
    pub fn max_writes_per_second(&self) -> u32 {
        self.burst_limit
    }

    /// The table's most read request units per second: a read sums every shard.
    pub fn max_reads_per_second(&self) -> u32 {
        self.burst_limit * self.shards
    }
}

/// `[headers]`: what the site's responses promise browsers beyond the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderSettings {
    /// HSTS covers every subdomain of the site's host too.
    pub hsts_include_subdomains: bool,
    /// HSTS asks to be preloaded into browsers (hard to undo; needs `include_subdomains`).
    pub hsts_preload: bool,
}

/// `[alerts]`: a monthly cost budget for the account that emails when it is near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alerts {
    pub email: String,
    /// US dollars a month.
    pub monthly_budget: u32,
}

/// `[ci]`: the GitHub repository whose workflows may deploy (from `main`) and plan (on pull
/// requests), through OIDC roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ci {
    /// `owner/repo`, as GitHub spells it (its OIDC subjects are case-sensitive).
    pub github: String,
    /// The account already has GitHub's OIDC provider (one per account): use it, not a new one.
    pub use_existing_oidc_provider: bool,
}

/// The checked stack settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackSettings {
    /// Prefix of every resource name.
    pub project: String,
    pub region: String,
    /// Extra tags on every resource (besides `Project` and `ManagedBy`).
    pub tags: BTreeMap<String, String>,
    pub domain: Option<Domain>,
    pub counter: CounterSettings,
    pub backend: Backend,
    pub headers: HeaderSettings,
    pub alerts: Option<Alerts>,
    pub ci: Option<Ci>,
    /// Days a pull request's preview (`_preview/pr-N/`) is kept in the bucket, at most: one
    /// whose pull request never closed goes then.
    pub preview_days: u32,
}

/// A preview's files go two weeks after their last upload unless `[ci] preview_days` says.
pub const DEFAULT_PREVIEW_DAYS: u32 = 14;

pub const DEFAULT_PROJECT: &str = "resume";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_RATE_LIMIT: u32 = 5;
pub const DEFAULT_BURST_LIMIT: u32 = 10;
pub const DEFAULT_MONTHLY_BUDGET: u32 = 10;

impl Default for StackSettings {
    fn default() -> Self {
        Self {
            project: DEFAULT_PROJECT.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            tags: BTreeMap::new(),
            domain: None,
            counter: CounterSettings {
                mode: CounterMode::Http,
                shards: 1,
                rate_limit: DEFAULT_RATE_LIMIT,
                burst_limit: DEFAULT_BURST_LIMIT,
                concurrency: None,
            },
            backend: Backend::Local,
            headers: HeaderSettings::default(),
            alerts: None,
            ci: None,
            preview_days: DEFAULT_PREVIEW_DAYS,
        }
    }
}
