//! The real `counter` binary, run as Lambda runs it: started with the Lambda environment, fed
//! recorded API Gateway (HTTP API, payload v2) and Function URL events through the Runtime
//! API, with DynamoDB served by moto.

use std::process::{Child, Command, Stdio};

use base64::Engine;
use serde_json::{Value, json};
use testkit::Moto;

use crate::support::fuzz;
use crate::support::runtime_api::{Outcome, RuntimeApi};
use crate::support::{items, stderr_of, table};

/// The function's process; killed on drop.
struct Function(Child);

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(runtime: &RuntimeApi, moto: &Moto, table: Option<&str>) -> Function {
    start_with(runtime, moto, table, &[])
}

/// [`start`] with more variables: `COUNTER_HANDLER` and what that handler needs.
fn start_with(
    runtime: &RuntimeApi,
    moto: &Moto,
    table: Option<&str>,
    vars: &[(&str, &str)],
) -> Function {
    let mut command = Command::new(env!("CARGO_BIN_EXE_counter"));
    command
        .env_clear()
        .envs(moto.env())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", "counter")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/counter")
        .env(
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "2026/11/21/[$LATEST]0123456789abcdef",
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(table) = table {
        command.env("COUNTER_TABLE", table);
    }
    // The site's pages, as gen infra passes them: the only paths counted.
    command.env("COUNTER_PAGES", "/\n/cv/\n");
    command.envs(vars.iter().copied());
    Function(command.spawn().expect("starting the counter binary"))
}

fn event(name: &str) -> Value {
    let path = format!("{}/tests/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The HTTP response inside a Lambda response: status, headers, body.
struct Http {
    status: u16,
    headers: Value,
    body: String,
}

fn http(outcome: Outcome) -> Http {
    let response = match outcome {
        Outcome::Response(response) => response,
        Outcome::Error(e) => panic!("the function returned an error instead of a response: {e}"),
    };
    let mut body = response["body"].as_str().unwrap_or_default().to_owned();
    if response["isBase64Encoded"] == json!(true) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        body = String::from_utf8(bytes).unwrap();
    }
    Http {
        status: response["statusCode"].as_u64().unwrap() as u16,
        headers: response["headers"].clone(),
        body,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_recorded_api_gateway_and_function_url_events() {
    let moto = Moto::start();
    let client = table(&moto, "counter-visits").await;
    let mut runtime = RuntimeApi::start();
    let _function = start(&runtime, &moto, Some("counter-visits"));
    runtime.wait_for_init().unwrap();

    let post = http(runtime.invoke(&event("http-api-post")));
    assert_eq!(post.status, 200);
    assert_eq!(post.body, r#"{"path":"/","count":1}"#);
    assert_eq!(post.headers["content-type"], "application/json");
    assert_eq!(post.headers["cache-control"], "no-store");
    assert_eq!(post.headers["x-content-type-options"], "nosniff");

    let again = http(runtime.invoke(&event("http-api-post")));
    assert_eq!(again.body, r#"{"path":"/","count":2}"#);

    let get = http(runtime.invoke(&event("http-api-get")));
    assert_eq!(
        (get.status, get.body.as_str()),
        (200, r#"{"path":"/","count":2}"#)
    );

    let url = http(runtime.invoke(&event("function-url-post")));
    assert_eq!(
        (url.status, url.body.as_str()),
        (200, r#"{"path":"/cv/","count":1}"#)
    );

    let mut put = event("http-api-post");
    put["requestContext"]["http"]["method"] = json!("PUT");
    put["routeKey"] = json!("PUT /visits");
    let put = http(runtime.invoke(&put));
    assert_eq!(put.status, 405);
    assert_eq!(put.headers["allow"], "GET, POST");

    // A path the site does not have is refused before DynamoDB: no item, no echo.
    let mut invented = event("http-api-post");
    invented["body"] = json!(r#"{"path": "/<script>made-up"}"#);
    let invented = http(runtime.invoke(&invented));
    assert_eq!(invented.status, 404);
    assert_eq!(invented.headers["x-content-type-options"], "nosniff");
    assert!(!invented.body.contains("made-up"), "{}", invented.body);

    assert_eq!(
        items(&client, "counter-visits").await,
        [("/".into(), "2".into()), ("/cv/".into(), "1".into())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_malformed_requests_get_4xx_and_count_nothing() {
    let moto = Moto::start();
    let client = table(&moto, "counter-visits").await;
    let mut runtime = RuntimeApi::start();
    let _function = start(&runtime, &moto, Some("counter-visits"));
    assert_eq!(http(runtime.invoke(&event("http-api-post"))).status, 200);
    let before = items(&client, "counter-visits").await;

    let template = event("http-api-post");
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for (i, request) in fuzz::requests(0x5eed_c0de, 200).into_iter().enumerate() {
        let mut event = template.clone();
        event["requestContext"]["http"]["method"] = json!(request.method);
        event["requestContext"]["http"]["path"] = json!(request.raw_path);
        event["rawPath"] = json!(request.raw_path);
        event["rawQueryString"] = json!(request.raw_query);
        event["routeKey"] = json!("$default");
        match String::from_utf8(request.body.clone()) {
            Ok(text) => event["body"] = json!(text),
            Err(_) => {
                event["body"] =
                    json!(base64::engine::general_purpose::STANDARD.encode(&request.body));
                event["isBase64Encoded"] = json!(true);
            }
        }
        let response = http(runtime.invoke(&event));
        assert!(
            (400..500).contains(&response.status),
            "request {i} {request:?} got {} {}",
            response.status,
            response.body
        );
        assert!(
            response.body.starts_with(r#"{"error":""#),
            "{}",
            response.body
        );
        *statuses.entry(response.status).or_default() += 1;
    }
    assert_eq!(items(&client, "counter-visits").await, before);
    // The generator covers every kind of refusal.
    let kinds: Vec<u16> = statuses.keys().copied().collect();
    assert_eq!(kinds, [400, 404, 405, 413], "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_table_is_a_500_and_the_function_keeps_serving() {
    let moto = Moto::start();
    let client = table(&moto, "counter-visits").await;
    let mut runtime = RuntimeApi::start();
    let _function = start(&runtime, &moto, Some("no-such-table"));

    for _ in 0..2 {
        let response = http(runtime.invoke(&event("http-api-post")));
        assert_eq!(response.status, 500);
        assert_eq!(response.body, r#"{"error":"the counter failed"}"#);
    }
    assert!(items(&client, "counter-visits").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_table_setting_the_function_stops_with_a_clear_error() {
    let moto = Moto::start();
    let runtime = RuntimeApi::start();
    let mut function = start(&runtime, &moto, None);
    let status = function.0.wait().unwrap();
    assert!(!status.success());
    let stderr = stderr_of(&mut function.0);
    assert!(
        stderr.contains("COUNTER_TABLE is not set; set it to the DynamoDB table name"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_binary_answers_websocket_events_and_broadcasts_the_stream() {
    let moto = Moto::start();
    let client = table(&moto, "counter-visits").await;
    crate::live::connections_table(&client, "connections").await;

    let mut runtime = RuntimeApi::start();
    let _socket = start_with(
        &runtime,
        &moto,
        Some("counter-visits"),
        &[
            ("COUNTER_HANDLER", "websocket"),
            ("COUNTER_CONNECTIONS", "connections"),
        ],
    );
    let reply = |outcome| match outcome {
        Outcome::Response(response) => response,
        Outcome::Error(e) => panic!("the function failed: {e}"),
    };
    assert_eq!(
        reply(runtime.invoke(&event("websocket-connect"))),
        json!({ "statusCode": 200 })
    );
    assert_eq!(
        reply(runtime.invoke(&event("websocket-read"))),
        json!({ "statusCode": 200, "body": r#"{"path":"/","count":1}"# })
    );

    let api = testkit::ManagementApi::start("live", &[], &[]);
    let mut runtime = RuntimeApi::start();
    let _broadcast = start_with(
        &runtime,
        &moto,
        None,
        &[
            ("COUNTER_HANDLER", "broadcast"),
            ("COUNTER_CONNECTIONS", "connections"),
            ("COUNTER_MANAGEMENT_URL", &api.endpoint()),
        ],
    );
    reply(runtime.invoke(&event("dynamodb-stream")));
    assert_eq!(
        api.posts(),
        [(
            "L1zcseMOoAMCLbQ=".to_owned(),
            r#"{"path":"/","count":42}"#.to_owned()
        )],
        "the connection the socket function registered gets its page's newest count"
    );

    let runtime = RuntimeApi::start();
    let mut wrong = start_with(&runtime, &moto, None, &[("COUNTER_HANDLER", "sockets")]);
    assert!(!wrong.0.wait().unwrap().success());
    let stderr = stderr_of(&mut wrong.0);
    assert!(
        stderr.contains("COUNTER_HANDLER is")
            && stderr.contains("sockets")
            && stderr.contains("it must be http, websocket or broadcast"),
        "{stderr}"
    );
}
