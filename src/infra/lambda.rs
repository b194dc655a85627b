//! What the counter's functions share (the visitor counter's and the live counter's
//! broadcast): the Lambda function body, its role's trust and log policies, its log group,
//! and API Gateway's JSON access-log format.

use serde_json::{Value, json};

use super::COUNTER_ZIP;
use super::tf::{Document, Ref, lit};

/// Days of logs kept (the function's and the API's).
pub const LOG_RETENTION_DAYS: u32 = 365;

/// The function, for the distribution (function-url mode) and the endpoint.
pub struct CounterFunction {
    pub(super) function: Ref,
    /// The function URL, in function-url mode: the distribution's second origin.
    pub url: Option<Ref>,
    /// The counts table, whose stream the live counter's broadcast reads.
    pub(super) table: Ref,
    /// The live counter's connections table, in websocket mode.
    pub(super) connections: Option<Ref>,
}

/// The `aws_lambda_function` named `key` (with its role `aws_iam_role_policy.<key>` and log
/// group `aws_cloudwatch_log_group.<key>`): the counter's zip beside the stack's files, on
/// `provided.al2023`, 128 MB, updated whenever the zip changes.
pub(super) fn function_body(
    key: &str,
    function_name: &str,
    description: &str,
    timeout: u32,
    variables: Value,
) -> Value {
    let zip = format!("${{path.module}}/{COUNTER_ZIP}");
    json!({
        "function_name": lit(function_name),
        "description": description,
        "role": format!("${{aws_iam_role.{key}.arn}}"),
        "runtime": "provided.al2023",
        "handler": "bootstrap",
        "architectures": ["x86_64"],
        "filename": zip,
        "source_code_hash": format!("${{filebase64sha256(\"{zip}\")}}"),
        "memory_size": 128,
        "timeout": timeout,
        "environment": [{ "variables": variables }],
        "logging_config": [{
            "log_format": "Text",
            "log_group": format!("${{aws_cloudwatch_log_group.{key}.name}}")
        }],
        "depends_on": [format!("aws_iam_role_policy.{key}"), format!("aws_cloudwatch_log_group.{key}")]
    })
}

/// A function may write its own log group's streams, and nothing else in CloudWatch Logs.
pub(super) fn own_logs(logs: &Ref) -> Value {
    json!({
        "sid": "WriteOwnLogs",
        "effect": "Allow",
        "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "resources": [format!("${{{}}}:*", logs.attr("arn"))]
    })
}

/// Lambda may assume a role with this trust policy.
pub(super) fn lambda_trust(doc: &mut Document, name: &str) -> Ref {
    doc.data(
        "aws_iam_policy_document",
        name,
        json!({
            "statement": [{
                "effect": "Allow",
                "actions": ["sts:AssumeRole"],
                "principals": [{ "type": "Service", "identifiers": ["lambda.amazonaws.com"] }]
            }]
        }),
    )
}

/// A log group kept [`LOG_RETENTION_DAYS`].
pub(super) fn log_group(doc: &mut Document, name: &str, path: &str) -> Ref {
    doc.resource(
        "aws_cloudwatch_log_group",
        name,
        json!({ "name": lit(path), "retention_in_days": LOG_RETENTION_DAYS }),
    )
}

/// An API Gateway access log format: one JSON object of `fields` (name, context variable).
pub(super) fn json_log_format(fields: &[(&str, &str)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    format!("{{{}}}", body.join(","))
}
