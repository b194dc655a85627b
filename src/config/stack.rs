//! The `[infra]`, `[domain]`, `[counter]` and `[backend]` tables of `gen.toml`: where and how
//! the site runs on AWS. Parsed with spans so every bad value is reported where it is written,
//! and turned into [`StackSettings`], the checked values `gen infra` works from.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// `[infra]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInfra {
    pub project: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `[domain]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    pub name: Spanned<String>,
    pub zone: Spanned<String>,
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
pub struct Domain {
    /// The site's host name, e.g. `ada.example.com`.
    pub name: String,
    /// The Route 53 hosted zone that holds it, e.g. `example.com`.
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterSettings {
    pub mode: CounterMode,
    pub shards: u32,
    /// Steady requests per second the API lets through.
    pub rate_limit: u32,
    /// Requests the API lets through in a burst.
    pub burst_limit: u32,
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
}

pub const DEFAULT_PROJECT: &str = "resume";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_RATE_LIMIT: u32 = 5;
pub const DEFAULT_BURST_LIMIT: u32 = 10;

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
            },
            backend: Backend::Local,
        }
    }
}

/// A bad value: where it is (a byte range of gen.toml) and what to do about it.
pub type Problem = (std::ops::Range<usize>, String);

/// Checks the raw tables and builds the settings.
pub fn check(
    infra: &RawInfra,
    domain: Option<&RawDomain>,
    counter: &RawCounter,
    backend: &RawBackend,
) -> Result<StackSettings, Problem> {
    let mut settings = StackSettings::default();
    if let Some(project) = &infra.project {
        if !is_project_name(project.get_ref()) {
            return Err(at(
                project,
                format!(
                    "infra.project: {:?} must be 2 to 24 lowercase letters, digits or dashes, \
                     starting with a letter (it prefixes every resource name)",
                    project.get_ref()
                ),
            ));
        }
        settings.project = project.get_ref().clone();
    }
    if let Some(region) = &infra.region {
        settings.region = check_region(region, "infra.region")?;
    }
    for (key, value) in &infra.tags {
        let (k, v) = (key.get_ref(), value.get_ref());
        if k.is_empty() || k.len() > 128 || k.to_ascii_lowercase().starts_with("aws:") {
            return Err(at(
                key,
                format!(
                    "infra.tags: {k:?} is not a tag key (1 to 128 characters, not starting with aws:)"
                ),
            ));
        }
        if v.len() > 256 {
            return Err(at(
                value,
                format!("infra.tags.{k}: the value is over 256 characters"),
            ));
        }
        if ["Project", "ManagedBy"].contains(&k.as_str()) {
            return Err(at(
                key,
                format!("infra.tags: {k} is set by gen; choose another key"),
            ));
        }
        settings.tags.insert(k.clone(), v.clone());
    }
    if let Some(domain) = domain {
        settings.domain = Some(check_domain(domain)?);
    }
    settings.counter.mode = counter.mode;
    if let Some(shards) = &counter.shards {
        settings.counter.shards = in_range(shards, 1, 100, "counter.shards")?;
    }
    if let Some(rate) = &counter.rate_limit {
        settings.counter.rate_limit = in_range(rate, 1, 10_000, "counter.rate_limit")?;
    }
    if let Some(burst) = &counter.burst_limit {
        settings.counter.burst_limit = in_range(burst, 1, 5_000, "counter.burst_limit")?;
    }
    settings.backend = match backend.kind {
        BackendKind::Local => {
            let stray = [&backend.bucket, &backend.key, &backend.region];
            if let Some(value) = stray.into_iter().flatten().next() {
                return Err(at(
                    value,
                    "backend: bucket, key and region apply only to type = \"s3\"".to_owned(),
                ));
            }
            Backend::Local
        }
        BackendKind::S3 => {
            let Some(bucket) = &backend.bucket else {
                return Err((0..0, "backend: type = \"s3\" needs bucket = \"...\" (an existing S3 bucket for the state)".to_owned()));
            };
            if !is_bucket_name(bucket.get_ref()) {
                return Err(at(
                    bucket,
                    format!(
                        "backend.bucket: {:?} is not an S3 bucket name",
                        bucket.get_ref()
                    ),
                ));
            }
            let key = match &backend.key {
                Some(key) if key.get_ref().trim().is_empty() || key.get_ref().starts_with('/') => {
                    return Err(at(key, "backend.key: use a relative object key such as \"resume/terraform.tfstate\"".to_owned()));
                }
                Some(key) => key.get_ref().clone(),
                None => format!("{}/terraform.tfstate", settings.project),
            };
            let region = match &backend.region {
                Some(region) => check_region(region, "backend.region")?,
                None => settings.region.clone(),
            };
            Backend::S3 {
                bucket: bucket.get_ref().clone(),
                key,
                region,
            }
        }
    };
    Ok(settings)
}

fn at<T>(value: &Spanned<T>, message: String) -> Problem {
    (value.span(), message)
}

fn in_range(value: &Spanned<i64>, min: i64, max: i64, key: &str) -> Result<u32, Problem> {
    let n = *value.get_ref();
    if !(min..=max).contains(&n) {
        return Err(at(
            value,
            format!("{key}: {n} is out of range ({min} to {max})"),
        ));
    }
    Ok(n as u32)
}

fn is_project_name(name: &str) -> bool {
    (2..=24).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// AWS region names: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, ...
fn check_region(region: &Spanned<String>, key: &str) -> Result<String, Problem> {
    let name = region.get_ref();
    let parts: Vec<&str> = name.split('-').collect();
    let ok = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if !ok {
        return Err(at(
            region,
            format!("{key}: {name:?} is not an AWS region (e.g. \"us-east-1\", \"eu-west-2\")"),
        ));
    }
    Ok(name.clone())
}

fn is_host_name(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

fn check_domain(domain: &RawDomain) -> Result<Domain, Problem> {
    let name = domain.name.get_ref().trim_end_matches('.');
    if !is_host_name(name) {
        return Err(at(
            &domain.name,
            format!(
                "domain.name: {:?} is not a host name (lowercase, e.g. \"ada.example.com\")",
                domain.name.get_ref()
            ),
        ));
    }
    let zone = domain.zone.get_ref().trim_end_matches('.');
    if !is_host_name(zone) {
        return Err(at(
            &domain.zone,
            format!("domain.zone: {zone:?} is not a host name (e.g. \"example.com\")"),
        ));
    }
    if name != zone && !name.ends_with(&format!(".{zone}")) {
        return Err(at(
            &domain.zone,
            format!("domain.zone: {name:?} is not inside the zone {zone:?}"),
        ));
    }
    Ok(Domain {
        name: name.to_owned(),
        zone: zone.to_owned(),
    })
}

/// S3 bucket names: 3 to 63 lowercase letters, digits, dots and dashes.
fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}
