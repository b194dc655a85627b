//! The live counter (`[counter] mode = "websocket"`), in `counter.tf.json`: an API Gateway
//! WebSocket API in front of the counter function (`$connect` counts and registers,
//! `$disconnect` forgets, `read` answers), a connections table that expires abandoned
//! connections, and a broadcast function fed by the counts table's stream that pushes each new
//! count to the pages showing it. Each function's role reaches only what it uses.

use serde_json::{Value, json};

use super::Names;
use super::lambda::{
    CounterFunction, function_body, json_log_format, lambda_trust, log_group, own_logs,
};
use super::tf::{Document, Ref, lit};
use crate::config::StackSettings;
use counter::table::{
    CONNECTION_EXPIRES, CONNECTION_KEY, CONNECTION_PATH, CONNECTION_PATH_INDEX, CONNECTIONS_ENV,
    HANDLER_ENV, MANAGEMENT_URL_ENV,
};

/// The WebSocket API's one stage.
pub const STAGE: &str = "live";
/// Stream records per broadcast: a burst of visits becomes one message per open page.
pub const BATCH_SIZE: u32 = 100;
/// Seconds the stream gathers records before a broadcast: counts on open pages lag at most
/// this, and a busy minute costs at most one broadcast a second instead of one per visit.
pub const BATCHING_WINDOW_SECONDS: u32 = 1;
/// Retries of a failed batch (each split in two first), before it goes to the failure queue.
pub const MAX_RETRIES: u32 = 2;
/// A count older than this is not worth pushing: the next visit pushes a newer one.
pub const MAX_RECORD_AGE_SECONDS: u32 = 60;

/// The connections table: one item per open page, keyed by API Gateway's connection id,
/// deleted on `$disconnect` or by DynamoDB when its `expires` time passes. Its path index
/// lists a page's connections, so a broadcast reads only those of the changed pages.
pub fn connections_table(doc: &mut Document, settings: &StackSettings, names: &Names) -> Ref {
    let burst = settings.counter.burst_limit;
    doc.resource(
        "aws_dynamodb_table",
        "connections",
        json!({
            "billing_mode": "PAY_PER_REQUEST",
            "name": lit(&names.of("connections")),
            "hash_key": CONNECTION_KEY,
            "attribute": [
                { "name": CONNECTION_KEY, "type": "S" },
                { "name": CONNECTION_PATH, "type": "S" }
            ],
            "global_secondary_index": [{
                "name": CONNECTION_PATH_INDEX,
                "hash_key": CONNECTION_PATH,
                "projection_type": "INCLUDE",
                "non_key_attributes": [CONNECTION_EXPIRES],
                "on_demand_throughput": [{
                    "//": "A ceiling on the bill: a broadcast reads the changed pages' connections here; writes follow the table's (at most two per table write).",
                    "max_read_request_units": 1000
                }]
            }],
            "ttl": [{ "attribute_name": CONNECTION_EXPIRES, "enabled": true }],
            "on_demand_throughput": [{
                "//": "A ceiling on the bill: a connection is written at most three times (open, read, close); reads go to the path index.",
                "max_read_request_units": 1000,
                "max_write_request_units": 3 * burst
            }],
            "point_in_time_recovery": [{ "enabled": true }],
            "server_side_encryption": [{ "enabled": true }]
        }),
    )
}

/// The WebSocket API, its stage, and the broadcast behind it; returns the `wss://` URL the
/// page connects to.
pub fn endpoint(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    counter: &CounterFunction,
) -> Value {
    let function = &counter.function;
    let function_name = names.of("counter");
    let api = doc.resource(
        "aws_apigatewayv2_api",
        "counter",
        json!({
            "name": lit(&function_name),
            "description": "Live visitor counter of the resume site (gen)",
            "protocol_type": "WEBSOCKET",
            "route_selection_expression": "$request.body.action"
        }),
    );
    let api_logs = log_group(doc, "api", &format!("/aws/apigateway/{function_name}"));
    let integration = doc.resource(
        "aws_apigatewayv2_integration",
        "counter",
        json!({
            "api_id": api.get("id"),
            "integration_type": "AWS_PROXY",
            "integration_method": "POST",
            "integration_uri": function.get("invoke_arn"),
            "content_handling_strategy": "CONVERT_TO_TEXT",
            "timeout_milliseconds": 6000
        }),
    );
    let target = format!("integrations/${{{}}}", integration.attr("id"));
    for (name, key) in [("connect", "$connect"), ("disconnect", "$disconnect")] {
        doc.resource(
            "aws_apigatewayv2_route",
            name,
            json!({ "api_id": api.get("id"), "route_key": key, "target": target }),
        );
    }
    // A two-way route: the function's answer to `read` is sent back to the page.
    let read = doc.resource(
        "aws_apigatewayv2_route",
        "read",
        json!({
            "api_id": api.get("id"),
            "route_key": counter::live::ACTION_READ,
            "target": target,
            "route_response_selection_expression": "$default"
        }),
    );
    doc.resource(
        "aws_apigatewayv2_route_response",
        "read",
        json!({
            "api_id": api.get("id"),
            "route_id": read.get("id"),
            "route_response_key": "$default"
        }),
    );
    let stage = doc.resource(
        "aws_apigatewayv2_stage",
        "live",
        json!({
            "api_id": api.get("id"),
            "name": STAGE,
            "auto_deploy": true,
            "default_route_settings": [{
                "throttling_rate_limit": settings.counter.rate_limit,
                "throttling_burst_limit": settings.counter.burst_limit
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
            "statement_id": "WebSocketApiInvoke",
            "action": "lambda:InvokeFunction",
            "function_name": function.get("function_name"),
            "principal": "apigateway.amazonaws.com",
            "source_arn": format!("${{{}}}/{STAGE}/*", api.attr("execution_arn"))
        }),
    );
    broadcast(doc, names, counter, &api, &stage);
    stage.get("invoke_url")
}

/// The broadcast function, its role, its failure queue and its stream subscription.
fn broadcast(doc: &mut Document, names: &Names, counter: &CounterFunction, api: &Ref, stage: &Ref) {
    let Some(connections) = &counter.connections else {
        return;
    };
    let function_name = names.of("counter-broadcast");
    let logs = log_group(doc, "broadcast", &format!("/aws/lambda/{function_name}"));
    let failures = doc.resource(
        "aws_sqs_queue",
        "broadcast_failures",
        json!({
            "//": "Stream batches the broadcast could not handle after its retries, kept 14 days for a look.",
            "name": lit(&names.of("counter-broadcast-failures")),
            "message_retention_seconds": 1_209_600,
            "sqs_managed_sse_enabled": true
        }),
    );
    let assume = lambda_trust(doc, "broadcast_assume");
    let role = doc.resource(
        "aws_iam_role",
        "broadcast",
        json!({ "name": lit(&function_name), "assume_role_policy": assume.get("json") }),
    );
    let stream = format!("${{{}}}/stream/*", counter.table.attr("arn"));
    let permissions = doc.data(
        "aws_iam_policy_document",
        "broadcast",
        json!({
            "statement": [
                {
                    "sid": "ReadCountStream",
                    "effect": "Allow",
                    "actions": [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams"
                    ],
                    "resources": [stream]
                },
                {
                    "sid": "ListConnections",
                    "effect": "Allow",
                    "actions": ["dynamodb:Query"],
                    "resources": [format!("${{{}}}/index/{CONNECTION_PATH_INDEX}", connections.attr("arn"))]
                },
                {
                    "sid": "ForgetConnections",
                    "effect": "Allow",
                    "actions": ["dynamodb:DeleteItem"],
                    "resources": [connections.get("arn")]
                },
                {
                    "sid": "PostToConnections",
                    "effect": "Allow",
                    "actions": ["execute-api:ManageConnections"],
                    "resources": [format!("${{{}}}/{STAGE}/POST/@connections/*", api.attr("execution_arn"))]
                },
                {
                    "sid": "KeepFailedBatches",
                    "effect": "Allow",
                    "actions": ["sqs:SendMessage"],
                    "resources": [failures.get("arn")]
                },
                own_logs(&logs)
            ]
        }),
    );
    doc.resource(
        "aws_iam_role_policy",
        "broadcast",
        json!({
            "name": "broadcast-counts",
            "role": role.get("id"),
            "policy": permissions.get("json")
        }),
    );
    let management_url = format!(
        "${{replace({}, \"wss://\", \"https://\")}}",
        stage.attr("invoke_url")
    );
    let function = doc.resource(
        "aws_lambda_function",
        "broadcast",
        function_body(
            "broadcast",
            &function_name,
            "Pushes new visit counts to open pages of the resume site (gen)",
            30,
            json!({
                (HANDLER_ENV): "broadcast",
                (CONNECTIONS_ENV): connections.get("name"),
                (MANAGEMENT_URL_ENV): management_url
            }),
        ),
    );
    doc.resource(
        "aws_lambda_event_source_mapping",
        "broadcast",
        json!({
            "event_source_arn": counter.table.get("stream_arn"),
            "function_name": function.get("arn"),
            "starting_position": "LATEST",
            "batch_size": BATCH_SIZE,
            "maximum_batching_window_in_seconds": BATCHING_WINDOW_SECONDS,
            "bisect_batch_on_function_error": true,
            "maximum_retry_attempts": MAX_RETRIES,
            "maximum_record_age_in_seconds": MAX_RECORD_AGE_SECONDS,
            "destination_config": [{
                "on_failure": [{ "destination_arn": failures.get("arn") }]
            }],
            "filter_criteria": [{
                "//": "New and changed counts only: a deleted item has nothing to push.",
                "filter": [{ "pattern": "{\"eventName\":[\"INSERT\",\"MODIFY\"]}" }]
            }],
            "depends_on": ["aws_iam_role_policy.broadcast"]
        }),
    );
}

/// One JSON line per WebSocket event, without the caller's IP address.
fn access_log_format() -> String {
    json_log_format(&[
        ("requestId", "$context.requestId"),
        ("time", "$context.requestTime"),
        ("eventType", "$context.eventType"),
        ("routeKey", "$context.routeKey"),
        ("status", "$context.status"),
        ("integrationError", "$context.integrationErrorMessage"),
    ])
}
