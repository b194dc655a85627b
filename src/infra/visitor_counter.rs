//! `counter.tf.json`: the visitor counter. A DynamoDB table, the Rust Lambda with a role that
//! may only read and add to that table and write its own logs, and its public endpoint: an
//! API Gateway HTTP API (throttled, access-logged) or a Lambda Function URL. CORS allows only
//! the site's own origins.

use serde_json::{Value, json};

use super::tf::{Document, lit};
use super::{COUNTER_ZIP, Names};
use crate::config::{CounterMode, StackSettings};

/// Days of logs kept (the function's and the API's).
pub const LOG_RETENTION_DAYS: u32 = 365;

/// Adds the counter's resources and returns the page's counter URL as a Terraform value.
pub fn document(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    mode: CounterMode,
    origins: &[Value],
) -> Value {
    let counter = &settings.counter;
    let function_name = names.of("counter");
    let table = doc.resource(
        "aws_dynamodb_table",
        "visits",
        json!({
            "name": lit(&names.of("visits")),
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": counter::table::KEY_ATTRIBUTE,
            "attribute": [{ "name": counter::table::KEY_ATTRIBUTE, "type": "S" }],
            "point_in_time_recovery": [{ "enabled": true }],
            "server_side_encryption": [{ "enabled": true }]
        }),
    );
    let logs = doc.resource(
        "aws_cloudwatch_log_group",
        "counter",
        json!({
            "name": lit(&format!("/aws/lambda/{function_name}")),
            "retention_in_days": LOG_RETENTION_DAYS
        }),
    );
    let assume = doc.data(
        "aws_iam_policy_document",
        "counter_assume",
        json!({
            "statement": [{
                "effect": "Allow",
                "actions": ["sts:AssumeRole"],
                "principals": [{ "type": "Service", "identifiers": ["lambda.amazonaws.com"] }]
            }]
        }),
    );
    let role = doc.resource(
        "aws_iam_role",
        "counter",
        json!({
            "name": lit(&function_name),
            "assume_role_policy": assume.get("json")
        }),
    );
    let permissions = doc.data(
        "aws_iam_policy_document",
        "counter",
        json!({
            "statement": [
                {
                    "sid": "CountVisits",
                    "effect": "Allow",
                    "actions": ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem"],
                    "resources": [table.get("arn")]
                },
                {
                    "sid": "WriteOwnLogs",
                    "effect": "Allow",
                    "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "resources": [format!("${{{}}}:*", logs.attr("arn"))]
                }
            ]
        }),
    );
    doc.resource(
        "aws_iam_role_policy",
        "counter",
        json!({
            "name": "count-visits",
            "role": role.get("id"),
            "policy": permissions.get("json")
        }),
    );
    let zip = format!("${{path.module}}/{COUNTER_ZIP}");
    let function = doc.resource(
        "aws_lambda_function",
        "counter",
        json!({
            "function_name": lit(&function_name),
            "description": "Visitor counter of the resume site (gen)",
            "role": role.get("arn"),
            "runtime": "provided.al2023",
            "handler": "bootstrap",
            "architectures": ["x86_64"],
            "filename": zip,
            "source_code_hash": format!("${{filebase64sha256(\"{zip}\")}}"),
            "memory_size": 128,
            "timeout": 5,
            "environment": [{
                "variables": {
                    (counter::table::TABLE_ENV): table.get("name"),
                    (counter::table::SHARDS_ENV): counter.shards.to_string()
                }
            }],
            "logging_config": [{ "log_format": "Text", "log_group": logs.get("name") }],
            "depends_on": ["aws_iam_role_policy.counter", "aws_cloudwatch_log_group.counter"]
        }),
    );
    let cors = json!({
        "allow_origins": origins,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["content-type"],
        "max_age": 86400
    });

    match mode {
        CounterMode::FunctionUrl => {
            let mut url = json!({
                "//": "No API Gateway: no throttling either; Lambda's concurrency limit is the only cap.",
                "function_name": function.get("function_name"),
                "authorization_type": "NONE"
            });
            url["cors"] = json!([cors]);
            let url = doc.resource("aws_lambda_function_url", "counter", url);
            doc.resource(
                "aws_lambda_permission",
                "function_url",
                json!({
                    "statement_id": "PublicFunctionUrl",
                    "action": "lambda:InvokeFunctionUrl",
                    "function_name": function.get("function_name"),
                    "principal": "*",
                    "function_url_auth_type": "NONE"
                }),
            );
            json!(format!(
                "${{{}}}{}",
                url.attr("function_url"),
                &crate_route()[1..]
            ))
        }
        _ => {
            let mut api = json!({
                "name": lit(&function_name),
                "description": "Visitor counter of the resume site (gen)",
                "protocol_type": "HTTP"
            });
            api["cors_configuration"] = json!([cors]);
            let api = doc.resource("aws_apigatewayv2_api", "counter", api);
            let api_logs = doc.resource(
                "aws_cloudwatch_log_group",
                "api",
                json!({
                    "name": lit(&format!("/aws/apigateway/{function_name}")),
                    "retention_in_days": LOG_RETENTION_DAYS
                }),
            );
            let integration = doc.resource(
                "aws_apigatewayv2_integration",
                "counter",
                json!({
                    "api_id": api.get("id"),
                    "integration_type": "AWS_PROXY",
                    "integration_uri": function.get("invoke_arn"),
                    "payload_format_version": "2.0",
                    "timeout_milliseconds": 6000
                }),
            );
            for (name, method) in [("get", "GET"), ("post", "POST")] {
                doc.resource(
                    "aws_apigatewayv2_route",
                    name,
                    json!({
                        "api_id": api.get("id"),
                        "route_key": format!("{method} {}", crate_route()),
                        "target": format!("integrations/${{{}}}", integration.attr("id"))
                    }),
                );
            }
            doc.resource(
                "aws_apigatewayv2_stage",
                "default",
                json!({
                    "api_id": api.get("id"),
                    "name": "$default",
                    "auto_deploy": true,
                    "default_route_settings": [{
                        "throttling_rate_limit": counter.rate_limit,
                        "throttling_burst_limit": counter.burst_limit
                    }],
                    "access_log_settings": [{
                        "destination_arn": api_logs.get("arn"),
                        "format": access_log_format()
                    }]
                }),
            );
            doc.resource(
                "aws_lambda_permission",
                "api",
                json!({
                    "statement_id": "HttpApiInvoke",
                    "action": "lambda:InvokeFunction",
                    "function_name": function.get("function_name"),
                    "principal": "apigateway.amazonaws.com",
                    "source_arn": format!("${{{}}}/*/*{}", api.attr("execution_arn"), crate_route())
                }),
            );
            json!(format!(
                "${{{}}}{}",
                api.attr("api_endpoint"),
                crate_route()
            ))
        }
    }
}

/// The counter's one route, `/visits`.
fn crate_route() -> &'static str {
    counter::api::ROUTE
}

/// One JSON line per request, without the caller's IP address.
fn access_log_format() -> String {
    let fields = [
        ("requestId", "$context.requestId"),
        ("time", "$context.requestTime"),
        ("method", "$context.httpMethod"),
        ("path", "$context.path"),
        ("status", "$context.status"),
        ("latencyMs", "$context.responseLatency"),
        ("integrationError", "$context.integrationErrorMessage"),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    format!("{{{}}}", body.join(","))
}
