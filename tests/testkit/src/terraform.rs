//! Terraform with the AWS provider from the machine's filesystem mirror (no registry access),
//! and the override file that points a stack at moto.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder that holds `registry.terraform.io/`, for `terraform init -plugin-dir`:
/// `$TF_PLUGIN_DIR`, else the first match of `find / -maxdepth 3 -name registry.terraform.io`.
pub fn plugin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TF_PLUGIN_DIR") {
        return dir.into();
    }
    let mut candidates = vec![PathBuf::from("/")];
    for depth in 0..2 {
        let mut next = Vec::new();
        for dir in &candidates {
            if dir.join("registry.terraform.io").is_dir() {
                return dir.clone();
            }
            if depth == 0 || !is_system(dir) {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    continue;
                };
                let mut children: Vec<PathBuf> = entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .filter(|p| !is_system(p))
                    .collect();
                children.sort();
                next.extend(children);
            }
        }
        candidates = next;
    }
    for dir in &candidates {
        if dir.join("registry.terraform.io").is_dir() {
            return dir.clone();
        }
    }
    panic!(
        "no Terraform provider mirror (registry.terraform.io) within 3 levels of /; set TF_PLUGIN_DIR"
    );
}

fn is_system(path: &Path) -> bool {
    ["/proc", "/sys", "/dev", "/run"]
        .iter()
        .any(|p| path == Path::new(p))
}

/// `terraform -chdir=DIR ARGS...`, quiet and offline: no update check, no CLI config file.
pub fn terraform(dir: &Path, args: &[&str]) -> Output {
    Command::new("terraform")
        .arg(format!("-chdir={}", dir.display()))
        .args(args)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .expect("running terraform (is it on PATH?)")
}

/// Runs terraform and panics with its output when it fails.
pub fn terraform_ok(dir: &Path, args: &[&str]) -> String {
    let output = terraform(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "terraform {} failed in {}:\n{text}",
        args.join(" "),
        dir.display()
    );
    text
}

/// `terraform init` from the mirror; `backend = false` skips the state backend (for validate).
pub fn init(dir: &Path, backend: bool) -> String {
    let plugins = format!("-plugin-dir={}", plugin_dir().display());
    let backend = format!("-backend={backend}");
    terraform_ok(dir, &["init", "-input=false", &plugins, &backend])
}

/// An override file (`moto_override.tf.json`) pointing the AWS provider, and the aliased
/// ones named in `aliases`, at `endpoint` with fake credentials.
pub fn moto_override(endpoint: &str, aliases: &[&str]) -> String {
    let services = [
        "acm",
        "apigatewayv2",
        "budgets",
        "cloudfront",
        "dynamodb",
        "iam",
        "lambda",
        "logs",
        "route53",
        "s3",
        "sqs",
        "sts",
    ];
    let endpoints: Vec<String> = services
        .iter()
        .map(|s| format!("\"{s}\": \"{endpoint}\""))
        .collect();
    let config = |alias: Option<&str>| {
        let alias = alias
            .map(|a| format!("\"alias\": \"{a}\", "))
            .unwrap_or_default();
        format!(
            "{{{alias}\"access_key\": \"testing\", \"secret_key\": \"testing\", \"skip_credentials_validation\": true, \
             \"skip_requesting_account_id\": false, \"skip_metadata_api_check\": true, \"s3_use_path_style\": true, \"max_retries\": 1, \
             \"endpoints\": [{{{}}}]}}",
            endpoints.join(", ")
        )
    };
    let mut providers = vec![config(None)];
    providers.extend(aliases.iter().map(|a| config(Some(a))));
    format!(
        "{{\"provider\": {{\"aws\": [{}]}}}}\n",
        providers.join(", ")
    )
}
