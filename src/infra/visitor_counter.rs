//! `counter.tf.json`: the visitor counter. A DynamoDB table with a throughput ceiling, the
//! Rust Lambda with a role that may only read and add to that table and write its own logs,
//! and its public endpoint: an API Gateway HTTP API (throttled, access-logged; CORS allows
//! only the site's own origins), or a Lambda Function URL that only the site's CloudFront
//! distribution may call (IAM-authenticated, signed by an origin access control), served at
//! the site's own origin.

use serde_json::{Value, json};

use super::Names;
use super::hosting::SiteRefs;
use super::lambda::CounterFunction;
use super::lambda::{function_body, json_log_format, lambda_trust, log_group, own_logs};
use super::tf::{Document, lit};
use crate::config::{CounterMode, StackSettings};

/// Adds the table, the function and its role, and in function-url mode the function's URL.
/// `pages` are the site's page paths: the only paths the function counts.
pub fn function(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    pages: &[String],
) -> CounterFunction {
    let counter = &settings.counter;
    let live = counter.mode == CounterMode::Websocket;
    let function_name = names.of("counter");
    let mut visits = json!({
            "billing_mode": "PAY_PER_REQUEST",
            "name": lit(&names.of("visits")),
            "hash_key": counter::table::KEY_ATTRIBUTE,
            "attribute": [{ "name": counter::table::KEY_ATTRIBUTE, "type": "S" }],
            "on_demand_throughput": [{
                "//": "A ceiling on the bill: above it DynamoDB throttles and the counter answers 503.",
                "max_read_request_units": counter.max_reads_per_second(),
                "max_write_request_units": counter.max_writes_per_second()
            }],
            "point_in_time_recovery": [{ "enabled": true }],
            "server_side_encryption": [{ "enabled": true }]
    });
    if live {
        // Each new count, for the broadcast function (only the new item: it holds the count).
        visits["stream_enabled"] = json!(true);
        visits["stream_view_type"] = json!("NEW_IMAGE");
    }
    let table = doc.resource("aws_dynamodb_table", "visits", visits);
    let connections = live.then(|| super::live_counter::connections_table(doc, settings, names));
    let logs = log_group(doc, "counter", &format!("/aws/lambda/{function_name}"));
    let assume = lambda_trust(doc, "counter_assume");
    let role = doc.resource(
        "aws_iam_role",
        "counter",
        json!({
            "name": lit(&function_name),
            "assume_role_policy": assume.get("json")
        }),
    );
    let mut statements = vec![
        json!({
            "sid": "CountVisits",
            "effect": "Allow",
            "actions": match live {
                // The live counter takes no shards: one item per page.
                true => json!(["dynamodb:GetItem", "dynamodb:UpdateItem"]),
                false => json!(["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem"]),
            },
            "resources": [table.get("arn")]
        }),
        own_logs(&logs),
    ];
    if let Some(connections) = &connections {
        statements.insert(
            1,
            json!({
                "sid": "TrackConnections",
                "effect": "Allow",
                "actions": ["dynamodb:PutItem", "dynamodb:DeleteItem"],
                "resources": [connections.get("arn")]
            }),
        );
    }
    let permissions = doc.data(
        "aws_iam_policy_document",
        "counter",
        json!({ "statement": statements }),
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
    let mut body = function_body(
        "counter",
        &function_name,
        "Visitor counter of the resume site (gen)",
        5,
        json!({
            (counter::table::TABLE_ENV): table.get("name"),
            (counter::table::SHARDS_ENV): counter.shards.to_string(),
            (counter::table::PAGES_ENV): lit(&pages.join("\n"))
        }),
    );
    if let Some(connections) = &connections {
        let variables = &mut body["environment"][0]["variables"];
        variables[counter::table::HANDLER_ENV] = json!("websocket");
        variables[counter::table::CONNECTIONS_ENV] = connections.get("name");
    }
    if let Some(concurrency) = counter.concurrency {
        body["reserved_concurrent_executions"] = json!(concurrency);
    }
    let function = doc.resource("aws_lambda_function", "counter", body);
    let url = (counter.mode == CounterMode::FunctionUrl).then(|| {
        doc.resource(
            "aws_lambda_function_url",
            "counter",
            json!({
                "//": "Only the site's CloudFront distribution may call it: it signs every request (origin access control).",
                "function_name": function.get("function_name"),
                "authorization_type": "AWS_IAM"
            }),
        )
    });
    CounterFunction {
        function,
        url,
        table,
        connections,
    }
}

/// Adds the counter's public endpoint and returns the URL the page calls, as a Terraform
/// value.
pub fn endpoint(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    counter: &CounterFunction,
    site: &SiteRefs,
) -> Value {
    let function = &counter.function;
    if counter.url.is_some() {
        // Since October 2025 a function URL needs both permissions. Each is granted to this
        // distribution only: never to "*", which would let any AWS account invoke it.
        for (name, sid, action) in [
            (
                "cloudfront_url",
                "CloudFrontInvokeFunctionUrl",
                "lambda:InvokeFunctionUrl",
            ),
            (
                "cloudfront_invoke",
                "CloudFrontInvokeFunction",
                "lambda:InvokeFunction",
            ),
        ] {
            let mut permission = json!({
                "statement_id": sid,
                "action": action,
                "function_name": function.get("function_name"),
                "principal": "cloudfront.amazonaws.com",
                "source_arn": site.distribution.get("arn")
            });
            if action == "lambda:InvokeFunctionUrl" {
                permission["function_url_auth_type"] = json!("AWS_IAM");
            }
            doc.resource("aws_lambda_permission", name, permission);
        }
        let origin = site
            .origins
            .last()
            .and_then(Value::as_str)
            .unwrap_or_default();
        return json!(format!("{origin}{}", crate_route()));
    }

    if counter.connections.is_some() {
        return super::live_counter::endpoint(doc, settings, names, counter);
    }
    let counter_settings = &settings.counter;
    let function_name = names.of("counter");
    let mut api = json!({
        "name": lit(&function_name),
        "description": "Visitor counter of the resume site (gen)",
        "protocol_type": "HTTP"
    });
    api["cors_configuration"] = json!([{
        "allow_origins": site.origins,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["content-type"],
        "max_age": 86400
    }]);
    let api = doc.resource("aws_apigatewayv2_api", "counter", api);
    let api_logs = log_group(doc, "api", &format!("/aws/apigateway/{function_name}"));
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
                "throttling_rate_limit": counter_settings.rate_limit,
                "throttling_burst_limit": counter_settings.burst_limit
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

/// The counter's one route, `/visits`.
fn crate_route() -> &'static str {
    counter::api::ROUTE
}

/// One JSON line per request, without the caller's IP address.
fn access_log_format() -> String {
    json_log_format(&[
        ("requestId", "$context.requestId"),
        ("time", "$context.requestTime"),
        ("method", "$context.httpMethod"),
        ("path", "$context.path"),
        ("status", "$context.status"),
        ("latencyMs", "$context.responseLatency"),
        ("integrationError", "$context.integrationErrorMessage"),
    ])
}
