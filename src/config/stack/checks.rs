//! Checks the stack's tables of `gen.toml` one by one, each bad value reported where it is
//! written, and builds the [`StackSettings`] from them.

use super::{
    Alerts, Backend, BackendKind, Ci, CounterMode, CounterSettings, DEFAULT_MONTHLY_BUDGET,
    HeaderSettings, Problem, RawAlerts, RawBackend, RawCi, RawCounter, RawHeaders, RawInfra,
    RawStack, StackSettings,
};
use crate::config::names::{
    at, check_domain, check_region, in_range, is_bucket_name, is_mail_host, is_project_name,
};

/// Checks the raw tables and builds the settings.
pub fn check(raw: RawStack<'_>) -> Result<StackSettings, Problem> {
    let mut settings = StackSettings::default();
    check_infra(raw.infra, &mut settings)?;
    if let Some(domain) = raw.domain {
        settings.domain = Some(check_domain(domain)?);
    }
    settings.counter = check_counter(raw.counter)?;
    settings.headers = check_headers(raw.headers)?;
    settings.alerts = check_alerts(raw.alerts)?;
    settings.backend = check_backend(raw.backend, &settings)?;
    settings.ci = check_ci(raw.ci)?;
    if let Some(days) = &raw.ci.preview_days {
        settings.preview_days = in_range(days, 1, 365, "ci.preview_days")?;
    }
    Ok(settings)
}

/// `[infra]`: the project name, region and extra tags.
fn check_infra(infra: &RawInfra, settings: &mut StackSettings) -> Result<(), Problem> {
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
    Ok(())
}

/// `[counter]`: mode, shards, the API's throttle and the function's concurrency.
fn check_counter(counter: &RawCounter) -> Result<CounterSettings, Problem> {
    let mut settings = StackSettings::default().counter;
    settings.mode = counter.mode;
    if let Some(shards) = &counter.shards {
        settings.shards = in_range(shards, 1, 100, "counter.shards")?;
        if settings.mode == CounterMode::Websocket && settings.shards > 1 {
            return Err(at(
                shards,
                "counter.shards: the live counter (mode = \"websocket\") pushes each page's \
                 count from its one item, so it takes no shards; remove shards (one item takes \
                 about 1,000 visits a second)"
                    .to_owned(),
            ));
        }
    }
    if let Some(rate) = &counter.rate_limit {
        settings.rate_limit = in_range(rate, 1, 10_000, "counter.rate_limit")?;
    }
    if let Some(burst) = &counter.burst_limit {
        settings.burst_limit = in_range(burst, 1, 5_000, "counter.burst_limit")?;
    }
    if let Some(concurrency) = &counter.concurrency {
        settings.concurrency = Some(in_range(concurrency, 1, 10_000, "counter.concurrency")?);
    }
    Ok(settings)
}

/// `[headers]`: HSTS for subdomains and preloading, both opt-in.
fn check_headers(headers: &RawHeaders) -> Result<HeaderSettings, Problem> {
    let settings = HeaderSettings {
        hsts_include_subdomains: headers
            .hsts_include_subdomains
            .as_ref()
            .is_some_and(|v| *v.get_ref()),
        hsts_preload: headers.hsts_preload.as_ref().is_some_and(|v| *v.get_ref()),
    };
    if let Some(preload) = &headers.hsts_preload
        && *preload.get_ref()
        && !settings.hsts_include_subdomains
    {
        return Err(at(
            preload,
            "headers.hsts_preload: the preload list only takes sites whose HSTS covers every \
             subdomain; set hsts_include_subdomains = true as well (both are hard to undo)"
                .to_owned(),
        ));
    }
    Ok(settings)
}

/// `[backend]`: where Terraform keeps its state.
fn check_backend(backend: &RawBackend, settings: &StackSettings) -> Result<Backend, Problem> {
    Ok(match backend.kind {
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
    })
}

fn check_alerts(alerts: &RawAlerts) -> Result<Option<Alerts>, Problem> {
    let budget = match &alerts.monthly_budget {
        Some(budget) => in_range(budget, 1, 1_000_000, "alerts.monthly_budget")?,
        None => DEFAULT_MONTHLY_BUDGET,
    };
    let Some(email) = &alerts.email else {
        return match &alerts.monthly_budget {
            Some(budget) => Err(at(
                budget,
                "alerts.monthly_budget: set alerts.email too, the address the alarm writes to"
                    .to_owned(),
            )),
            None => Ok(None),
        };
    };
    let address = email.get_ref().trim();
    let plausible = address.len() <= 254
        && address
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && is_mail_host(host))
        && !address.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(at(
            email,
            format!("alerts.email: {address:?} is not an email address"),
        ));
    }
    Ok(Some(Alerts {
        email: address.to_owned(),
        monthly_budget: budget,
    }))
}

/// `[ci]`: a GitHub repository. (It also needs shared state, which `gen infra` and `gen ci`
/// check: `gen state init` sets it up and must read this file first.)
fn check_ci(ci: &RawCi) -> Result<Option<Ci>, Problem> {
    let Some(repo) = &ci.github else {
        return match &ci.use_existing_oidc_provider {
            Some(flag) => Err(at(
                flag,
                "ci.use_existing_oidc_provider: set ci.github = \"owner/repo\" too, the repository that deploys"
                    .to_owned(),
            )),
            None => Ok(None),
        };
    };
    let name = repo.get_ref();
    if !is_github_repo(name) {
        return Err(at(
            repo,
            format!(
                "ci.github: {name:?} is not a GitHub repository; write it as \"owner/repo\", \
                 spelled as in its address (https://github.com/owner/repo)"
            ),
        ));
    }
    Ok(Some(Ci {
        github: name.clone(),
        use_existing_oidc_provider: ci
            .use_existing_oidc_provider
            .as_ref()
            .is_some_and(|v| *v.get_ref()),
    }))
}

/// `owner/repo`: an owner of 1 to 39 letters, digits or single dashes (not at either end), and a
/// repository of 1 to 100 letters, digits, `.`, `-` or `_` (not `.` or `..`).
fn is_github_repo(name: &str) -> bool {
    let Some((owner, repo)) = name.split_once('/') else {
        return false;
    };
    let owner_ok = (1..=39).contains(&owner.len())
        && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !owner.starts_with('-')
        && !owner.ends_with('-')
        && !owner.contains("--");
    let repo_ok = (1..=100).contains(&repo.len())
        && repo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && repo != "."
        && repo != "..";
    owner_ok && repo_ok
}
