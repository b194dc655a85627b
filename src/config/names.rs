//! The checks behind `[infra]`, `[domain]`, `[backend]` and `[alerts]`: AWS names, regions,
//! host names, ranges, each failing with the value's place in gen.toml.

use serde::Deserialize;
use toml::Spanned;

/// A bad value: where it is (a byte range of gen.toml) and what to do about it.
pub type Problem = (std::ops::Range<usize>, String);

/// `[domain]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    pub name: Spanned<String>,
    pub zone: Spanned<String>,
}

/// The site's own host name, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The site's host name, e.g. `ada.example.com`.
    pub name: String,
    /// The Route 53 hosted zone that holds it, e.g. `example.com`.
    pub zone: String,
}

pub(super) fn is_mail_host(host: &str) -> bool {
    is_host_name(&host.to_ascii_lowercase())
}

pub(super) fn at<T>(value: &Spanned<T>, message: String) -> Problem {
    (value.span(), message)
}

pub(super) fn in_range(
    value: &Spanned<i64>,
    min: i64,
    max: i64,
    key: &str,
) -> Result<u32, Problem> {
    let n = *value.get_ref();
    if !(min..=max).contains(&n) {
        return Err(at(
            value,
            format!("{key}: {n} is out of range ({min} to {max})"),
        ));
    }
    Ok(n as u32)
}

pub(super) fn is_project_name(name: &str) -> bool {
    (2..=24).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// AWS region names: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, ...
pub(super) fn check_region(region: &Spanned<String>, key: &str) -> Result<String, Problem> {
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

pub(super) fn is_host_name(name: &str) -> bool {
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

pub(super) fn check_domain(domain: &RawDomain) -> Result<Domain, Problem> {
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
pub(super) fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}
