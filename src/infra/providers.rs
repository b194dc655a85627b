//! `backend.tf.json` and `providers.tf.json`: Terraform and provider versions, the state
//! backend, and the AWS provider. (The aliased us-east-1 provider is in `dns.tf.json`.)

use serde_json::{Map, Value, json};

use super::StackOptions;
use super::tf::{Document, escape, lit};
use crate::config::{Backend, StackSettings};

/// The AWS provider versions the stack is written and tested for.
pub const AWS_PROVIDER_VERSION: &str = ">= 5.100.0, < 6.0.0";
/// S3-native state locking (`use_lockfile`) needs Terraform 1.10.
pub const TERRAFORM_VERSION: &str = ">= 1.10.0";

/// `backend.tf.json`: versions and the state backend (the `terraform` block).
pub fn backend(settings: &StackSettings, options: &StackOptions) -> Document {
    let mut doc = Document::new("Terraform and AWS provider versions, and where the state lives.");
    let backend = match &settings.backend {
        Backend::Local => json!({ "local": { "path": lit(&options.local_state_path) } }),
        Backend::S3 {
            bucket,
            key,
            region,
        } => json!({
            "s3": {
                "bucket": lit(bucket),
                "key": lit(key),
                "region": lit(region),
                "encrypt": true,
                "use_lockfile": true
            }
        }),
    };
    doc.terraform(json!({
        "required_version": TERRAFORM_VERSION,
        "required_providers": {
            "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION }
        },
        "backend": backend
    }));

    doc
}

/// `providers.tf.json`: the AWS provider in the stack's region.
pub fn providers(settings: &StackSettings) -> Document {
    let mut doc =
        Document::new("The AWS provider: the stack's region and the tags every resource gets.");
    doc.provider(
        "aws",
        json!({ "region": lit(&settings.region), "default_tags": default_tags(settings) }),
    );
    doc
}

/// The tags every resource gets, from either provider.
pub fn default_tags(settings: &StackSettings) -> Value {
    let mut tags = Map::new();
    tags.insert("Project".into(), lit(&settings.project));
    tags.insert("ManagedBy".into(), json!("gen"));
    for (key, value) in &settings.tags {
        tags.insert(escape(key), lit(value));
    }
    json!([{ "tags": Value::Object(tags) }])
}
