//! The deployed stack's outputs, read back after `terraform apply`: what `gen build` (the
//! counter's URL), `gen publish` (bucket, distribution) and `gen deploy` need. From
//! `terraform output -json` when Terraform is installed and the infra folder initialised
//! (any backend), else from the local state file.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// What the stack tells gen about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackOutputs {
    pub site_url: String,
    pub bucket: String,
    pub distribution_id: String,
    /// Absent when the counter is off.
    pub counter_url: Option<String>,
    /// The CI roles, with `[ci]` in gen.toml.
    pub ci_deploy_role_arn: Option<String>,
    pub ci_plan_role_arn: Option<String>,
}

/// Why the outputs could not be read.
#[derive(Debug)]
pub enum OutputsError {
    /// Nothing deployed yet: no state, or a state without outputs.
    NoState,
    /// A state that is not this stack's, or an output is missing or malformed.
    Unusable(anyhow::Error),
}

impl std::fmt::Display for OutputsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputsError::NoState => f.write_str(
                "no deployed stack yet: run gen infra and terraform apply first (or gen deploy)",
            ),
            OutputsError::Unusable(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for OutputsError {}

/// Reads the outputs of the stack of the site at `root`: its default infra folder and state.
pub fn discover_in(root: &Path) -> Result<StackOutputs, OutputsError> {
    discover(
        &crate::infra::default_dir(root),
        &root.join(crate::infra::STATE_FILE),
    )
}

/// Terraform's dependency lock file: the provider versions and their checksums.
pub const LOCK_FILE: &str = ".terraform.lock.hcl";

/// `terraform -chdir=DIR`, without Terraform's update check.
pub fn terraform_in(dir: &Path) -> Command {
    let mut command = Command::new("terraform");
    command
        .arg(format!("-chdir={}", dir.display()))
        .env("CHECKPOINT_DISABLE", "1");
    command
}

/// Reads the outputs of the stack in `infra_dir`, whose local state is `state_file`.
pub fn discover(infra_dir: &Path, state_file: &Path) -> Result<StackOutputs, OutputsError> {
    let outputs = match terraform_outputs(infra_dir) {
        Some(result) => result.map_err(OutputsError::Unusable)?,
        None => state_outputs(state_file)?,
    };
    parse(&outputs).map_err(OutputsError::Unusable)
}

/// `terraform output -json`, when terraform is on PATH and the folder is initialised.
fn terraform_outputs(infra_dir: &Path) -> Option<Result<Value>> {
    if !infra_dir.join(".terraform").is_dir() {
        return None;
    }
    let output = terraform_in(infra_dir)
        .args(["output", "-json", "-no-color"])
        .output()
        .ok()?; // terraform is not installed: fall back to the state file
    if !output.status.success() {
        return Some(Err(anyhow!(
            "terraform output failed in {}: {}",
            infra_dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Some(
        serde_json::from_slice(&output.stdout)
            .with_context(|| format!("reading terraform output -json in {}", infra_dir.display())),
    )
}

/// The `outputs` of a local state file.
fn state_outputs(state_file: &Path) -> Result<Value, OutputsError> {
    let bytes = match std::fs::read(state_file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(OutputsError::NoState),
        Err(e) => {
            return Err(OutputsError::Unusable(
                anyhow!(e).context(format!("reading {}", state_file.display())),
            ));
        }
    };
    let state: Value = serde_json::from_slice(&bytes).map_err(|e| {
        OutputsError::Unusable(anyhow!(
            "{} is not a Terraform state file: {e}",
            state_file.display()
        ))
    })?;
    Ok(state.get("outputs").cloned().unwrap_or(Value::Null))
}

/// Picks gen's outputs out of Terraform's `{name: {value, ...}}` map.
pub fn parse(outputs: &Value) -> Result<StackOutputs> {
    let map = match outputs {
        Value::Object(map) if !map.is_empty() => map,
        _ => {
            bail!("no deployed stack yet: run gen infra and terraform apply first (or gen deploy)")
        }
    };
    let ours = ["site_url", "bucket", "distribution_id"];
    if !ours.iter().any(|k| map.contains_key(*k)) {
        let names: Vec<&str> = map.keys().map(String::as_str).collect();
        bail!(
            "the Terraform state holds another stack (its outputs are {}); gen's stack has site_url, bucket and distribution_id",
            names.join(", ")
        );
    }
    let text = |name: &str| -> Result<Option<String>> {
        match map.get(name).map(|o| o.get("value").unwrap_or(o)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(other) => bail!("the stack's {name} output is {other}, not a non-empty string"),
        }
    };
    let required = |name: &str| -> Result<String> {
        text(name)?.ok_or_else(|| {
            anyhow!("the stack has no {name} output: run gen infra and terraform apply again")
        })
    };
    Ok(StackOutputs {
        site_url: required("site_url")?,
        bucket: required("bucket")?,
        distribution_id: required("distribution_id")?,
        counter_url: text("counter_url")?,
        ci_deploy_role_arn: text("ci_deploy_role_arn")?,
        ci_plan_role_arn: text("ci_plan_role_arn")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outputs(pairs: &[(&str, Value)]) -> Value {
        let map: serde_json::Map<String, Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!({ "value": v, "type": "string" })))
            .collect();
        Value::Object(map)
    }

    #[test]
    fn reads_gen_outputs() {
        let all = outputs(&[
            ("site_url", json!("https://d1.cloudfront.net/")),
            ("bucket", json!("resume-site-1")),
            ("distribution_id", json!("E1")),
            (
                "counter_url",
                json!("https://a.execute-api.us-east-1.amazonaws.com/visits"),
            ),
        ]);
        let parsed = parse(&all).unwrap();
        assert_eq!(parsed.bucket, "resume-site-1");
        assert_eq!(
            parsed.counter_url.as_deref(),
            Some("https://a.execute-api.us-east-1.amazonaws.com/visits")
        );
    }

    #[test]
    fn explains_what_is_wrong() {
        let err = |v: Value| parse(&v).unwrap_err().to_string();
        assert!(err(json!({})).starts_with("no deployed stack yet"));
        assert!(
            err(outputs(&[("vpc_id", json!("vpc-1"))]))
                .contains("another stack (its outputs are vpc_id)")
        );
        assert_eq!(
            err(outputs(&[
                ("site_url", json!("https://x/")),
                ("bucket", json!("b"))
            ])),
            "the stack has no distribution_id output: run gen infra and terraform apply again"
        );
        assert!(
            err(outputs(&[
                ("site_url", json!(3)),
                ("bucket", json!("b")),
                ("distribution_id", json!("E"))
            ]))
            .contains("site_url output is 3")
        );
    }

    #[test]
    fn no_state_file_means_nothing_deployed() {
        let dir = tempfile::tempdir().unwrap();
        let err = discover(dir.path(), &dir.path().join("terraform.tfstate")).unwrap_err();
        assert!(matches!(err, OutputsError::NoState));
        std::fs::write(
            dir.path().join("terraform.tfstate"),
            "{\"version\": 4, \"outputs\": {}}",
        )
        .unwrap();
        let err = discover(dir.path(), &dir.path().join("terraform.tfstate")).unwrap_err();
        assert!(
            err.to_string().starts_with("no deployed stack yet"),
            "{err}"
        );
        std::fs::write(dir.path().join("terraform.tfstate"), "not json").unwrap();
        let err = discover(dir.path(), &dir.path().join("terraform.tfstate")).unwrap_err();
        assert!(
            err.to_string().contains("is not a Terraform state file"),
            "{err}"
        );
    }
}
