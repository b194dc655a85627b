//! The live counter's Lambda handlers in-process, with recorded event shapes: WebSocket events
//! against DynamoDB (moto), and stream batches broadcast through the real SDK client to a
//! stand-in of API Gateway's management API on loopback.

use std::collections::BTreeSet;
use std::path::Path;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, PutRequest, ScalarAttributeType, WriteRequest,
};
use counter::connections::{ConnectionTable, ManagementApi};
use counter::dynamo::{DynamoStore, Settings};
use counter::socket::{Broadcast, Connections, broadcast, socket};
use counter::table::{CONNECTION_EXPIRES, CONNECTION_KEY, CONNECTION_PATH, CONNECTION_PATH_INDEX};
use counter::{Store, StoreErrorKind};
use serde_json::{Value, json};
use testkit::Moto;

use crate::support::{client, create_table, table};

fn event(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/events")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn pages() -> BTreeSet<String> {
    ["/", "/cv/"].map(String::from).into()
}

/// A connections table laid out as the stack creates it: keyed by connection id, with the
/// path index (`expires` projected) that a broadcast queries.
pub async fn connections_table(client: &Client, name: &str) -> ConnectionTable {
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    let hash = |name: &str| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(KeyType::Hash)
            .build()
            .unwrap()
    };
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string(CONNECTION_KEY))
        .attribute_definitions(string(CONNECTION_PATH))
        .key_schema(hash(CONNECTION_KEY))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(CONNECTION_PATH_INDEX)
                .key_schema(hash(CONNECTION_PATH))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes(CONNECTION_EXPIRES)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("creating the connections table");
    ConnectionTable::new(client.clone(), name)
}

/// Every connection item as `(id, path, expires)`, sorted.
async fn connection_items(client: &Client) -> Vec<(String, String, u64)> {
    let output = client
        .scan()
        .table_name("connections")
        .send()
        .await
        .unwrap();
    let mut items: Vec<_> = output
        .items()
        .iter()
        .map(|item| {
            (
                item[CONNECTION_KEY].as_s().unwrap().clone(),
                item[CONNECTION_PATH].as_s().unwrap().clone(),
                item[CONNECTION_EXPIRES].as_n().unwrap().parse().unwrap(),
            )
        })
        .collect();
    items.sort();
    items
}

fn store(client: &Client) -> DynamoStore {
    DynamoStore::new(
        client.clone(),
        Settings {
            table: "visits".into(),
            shards: 1,
            pages: pages(),
        },
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_counts_and_registers_read_answers_disconnect_forgets() {
    let moto = Moto::start();
    let client = table(&moto, "visits").await;
    let connections = connections_table(&client, "connections").await;
    let store = store(&client);
    let id = "L1zcseMOoAMCLbQ=";

    // $connect with visit=1: one visit, the connection registered for two hours and more.
    let reply = socket(
        &store,
        &connections,
        &pages(),
        event("websocket-connect.json"),
    )
    .await;
    assert_eq!(reply, json!({ "statusCode": 200 }));
    assert_eq!(store.get("/").await.unwrap(), 1);
    let items = connection_items(&client).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!((items[0].0.as_str(), items[0].1.as_str()), (id, "/"));
    let expires = items[0].2;
    assert!(
        (now() + 7200..=now() + 7200 + 900).contains(&expires),
        "expires {expires}, now {}",
        now()
    );

    // A reconnect of the same session (no visit) does not count.
    let mut again = event("websocket-connect.json");
    again["queryStringParameters"] = json!({ "path": "/" });
    again["multiValueQueryStringParameters"] = json!({ "path": ["/"] });
    again["requestContext"]["connectionId"] = json!("second=");
    let reply = socket(&store, &connections, &pages(), again).await;
    assert_eq!(reply["statusCode"], 200);
    assert_eq!(store.get("/").await.unwrap(), 1);

    // read: the count, as the page receives it.
    let reply = socket(&store, &connections, &pages(), event("websocket-read.json")).await;
    assert_eq!(
        reply,
        json!({ "statusCode": 200, "body": r#"{"path":"/","count":1}"# })
    );

    // $disconnect forgets only that connection.
    let reply = socket(
        &store,
        &connections,
        &pages(),
        event("websocket-disconnect.json"),
    )
    .await;
    assert_eq!(reply["statusCode"], 200);
    let left: Vec<String> = connection_items(&client)
        .await
        .into_iter()
        .map(|i| i.0)
        .collect();
    assert_eq!(left, ["second="]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_and_messages_touch_nothing() {
    let moto = Moto::start();
    let client = table(&moto, "visits").await;
    let connections = connections_table(&client, "connections").await;
    let store = store(&client);

    let connect = |path: Value, visit: Value| {
        let mut e = event("websocket-connect.json");
        e["queryStringParameters"] = json!({ "path": path.clone(), "visit": visit.clone() });
        e["multiValueQueryStringParameters"] = json!({ "path": [path], "visit": [visit] });
        e
    };
    for (e, status, error) in [
        (
            connect(json!("/elsewhere/"), json!("1")),
            404,
            "not a page of this site; only the site's own pages are counted",
        ),
        (
            connect(json!("cv"), json!("1")),
            400,
            "path must start with /",
        ),
        (
            connect(json!("/"), json!("yes")),
            400,
            "visit must be 1 or 0",
        ),
    ] {
        let reply = socket(&store, &connections, &pages(), e).await;
        assert_eq!(reply["statusCode"], status, "{reply}");
        assert_eq!(reply["body"], json!({ "error": error }).to_string());
    }
    let mut twice = event("websocket-connect.json");
    twice["multiValueQueryStringParameters"]["path"] = json!(["/", "/cv/"]);
    let reply = socket(&store, &connections, &pages(), twice).await;
    assert_eq!(reply["statusCode"], 400);

    let read = |body: Value| {
        let mut e = event("websocket-read.json");
        e["body"] = body;
        e
    };
    for (e, status) in [
        (
            read(json!(r#"{"action":"read","path":"/elsewhere/"}"#)),
            404,
        ),
        (read(json!("not json")), 400),
        (read(json!(r#"{"action":"read","path":"/","x":1}"#)), 400),
        (read(Value::Null), 400),
    ] {
        let reply = socket(&store, &connections, &pages(), e).await;
        assert_eq!(reply["statusCode"], status, "{reply}");
        assert!(
            reply["body"].as_str().unwrap().starts_with(r#"{"error":"#),
            "{reply}"
        );
    }
    let mut binary = event("websocket-read.json");
    binary["isBase64Encoded"] = json!(true);
    assert_eq!(
        socket(&store, &connections, &pages(), binary).await["statusCode"],
        400
    );

    // Malformed events: answered, logged, never a panic.
    let mut unknown = event("websocket-read.json");
    unknown["requestContext"]["routeKey"] = json!("$default");
    let mut no_id = event("websocket-connect.json");
    no_id["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("connectionId");
    for e in [
        json!({}),
        json!("text"),
        json!([1, 2]),
        json!({ "requestContext": 7 }),
        unknown,
        no_id,
    ] {
        let reply = socket(&store, &connections, &pages(), e.clone()).await;
        assert_eq!(reply["statusCode"], 400, "{e} -> {reply}");
    }

    assert_eq!(store.get("/").await.unwrap(), 0, "nothing was counted");
    assert!(
        connection_items(&client).await.is_empty(),
        "nothing was registered"
    );
}

/// Connections as `(id, path)` in the table, each expiring in an hour.
async fn register(client: &Client, connections: &[(impl AsRef<str>, impl AsRef<str>)]) {
    for (id, path) in connections {
        client
            .put_item()
            .table_name("connections")
            .item(CONNECTION_KEY, AttributeValue::S(id.as_ref().into()))
            .item(CONNECTION_PATH, AttributeValue::S(path.as_ref().into()))
            .item(
                CONNECTION_EXPIRES,
                AttributeValue::N((now() + 3600).to_string()),
            )
            .send()
            .await
            .unwrap();
    }
}

fn management(api: &testkit::ManagementApi) -> ManagementApi {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests"),
        ))
        .http_client(counter::dynamo::https_client())
        .build();
    ManagementApi::new(&config, &api.endpoint())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reaches_each_pages_connections_and_forgets_the_gone() {
    let moto = Moto::start();
    let client = client(&moto.endpoint());
    let connections = connections_table(&client, "connections").await;
    register(
        &client,
        &[
            ("home-1=", "/"),
            ("home-2=", "/"),
            ("cv-1=", "/cv/"),
            ("closed=", "/"),
            ("broken=", "/"),
            ("elsewhere=", "/posts/"),
        ],
    )
    .await;
    // An expired item DynamoDB has not deleted yet gets nothing.
    client
        .put_item()
        .table_name("connections")
        .item(CONNECTION_KEY, AttributeValue::S("stale=".into()))
        .item(CONNECTION_PATH, AttributeValue::S("/".into()))
        .item(
            CONNECTION_EXPIRES,
            AttributeValue::N((now() - 60).to_string()),
        )
        .send()
        .await
        .unwrap();
    let api = testkit::ManagementApi::start("live", &["closed="], &["broken="]);

    // INSERT /cv/ 1, MODIFY / 41 then 42, REMOVE /old/: one message per page, its newest count.
    let summary = broadcast(
        &connections,
        &management(&api),
        event("dynamodb-stream.json"),
    )
    .await
    .unwrap();
    let home = r#"{"path":"/","count":42}"#.to_owned();
    let cv = r#"{"path":"/cv/","count":1}"#.to_owned();
    let mut posts = api.posts();
    // The SDK retries a 500 (its standard retry): the broken connection was tried, maybe twice.
    posts.dedup();
    assert_eq!(
        posts,
        [
            ("broken=".to_owned(), home.clone()),
            ("closed=".to_owned(), home.clone()),
            ("cv-1=".to_owned(), cv),
            ("home-1=".to_owned(), home.clone()),
            ("home-2=".to_owned(), home),
        ]
    );
    assert_eq!(
        summary,
        Broadcast {
            counts: [("/".to_owned(), 42), ("/cv/".to_owned(), 1)].into(),
            sent: 3,
            gone: 1,
            failed: 1,
            skipped: 0,
            left_out: 0,
        }
    );
    let left: Vec<String> = connection_items(&client)
        .await
        .into_iter()
        .map(|i| i.0)
        .collect();
    assert_eq!(
        left,
        [
            "broken=",
            "cv-1=",
            "elsewhere=",
            "home-1=",
            "home-2=",
            "stale="
        ],
        "only the gone connection is forgotten"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_batches_are_logged_not_fatal() {
    let moto = Moto::start();
    let client = client(&moto.endpoint());
    let connections = connections_table(&client, "connections").await;
    register(&client, &[("home-1=", "/")]).await;
    let api = testkit::ManagementApi::start("live", &[], &[]);
    let notifier = management(&api);

    for (e, skipped) in [
        (json!({}), 0),
        (json!("text"), 0),
        (json!({ "Records": "no" }), 0),
        (
            json!({ "Records": [ { "eventName": "MODIFY" }, 7, { "eventName": "MODIFY", "dynamodb": { "NewImage": { "path": { "S": "/" }, "count": { "N": "-1" } } } } ] }),
            3,
        ),
        // A shard item's count is only part of the page's: never pushed as the total.
        (
            json!({ "Records": [ { "eventName": "MODIFY", "dynamodb": { "NewImage": { "path": { "S": "/#3" }, "count": { "N": "9" } } } } ] }),
            1,
        ),
    ] {
        let summary = broadcast(&connections, &notifier, e.clone()).await.unwrap();
        assert_eq!(summary.skipped, skipped, "{e}");
        assert_eq!(summary.sent, 0, "{e}");
    }
    assert!(api.posts().is_empty());

    // When the connections cannot be listed the batch fails, so that Lambda retries it.
    let missing = ConnectionTable::new(client.clone(), "no-such-table");
    let error = broadcast(&missing, &notifier, event("dynamodb-stream.json"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, counter::StoreErrorKind::Failed, "{error}");
}

/// The DynamoDB operations `moto` answered since `record` was last emptied, in order.
fn dynamodb_calls(record: &Path) -> Vec<String> {
    std::fs::read_to_string(record)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|request| request["service"] == "dynamodb")
        .map(|request| request["target"].as_str().unwrap().to_owned())
        .collect()
}

/// A stream batch with one new count.
fn one_change(path: &str, count: u64) -> Value {
    json!({ "Records": [ { "eventName": "MODIFY", "dynamodb": { "NewImage": {
        "path": { "S": path }, "count": { "N": count.to_string() } } } } ] })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_reads_only_the_changed_pages_connections() {
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("moto.jsonl");
    let moto = Moto::start_recording(&record);
    let client = client(&moto.endpoint());
    let connections = connections_table(&client, "connections").await;
    // 40 other pages open 5 times each, and /cv/ open 3 times.
    let mut open = Vec::new();
    for page in 0..40 {
        for copy in 0..5 {
            open.push((format!("p{page}-{copy}="), format!("/posts/{page}/")));
        }
    }
    for id in ["cv-1=", "cv-2=", "cv-3="] {
        open.push((id.to_owned(), "/cv/".to_owned()));
    }
    register(&client, &open).await;
    let api = testkit::ManagementApi::start("live", &[], &[]);

    std::fs::write(&record, "").unwrap();
    let summary = broadcast(&connections, &management(&api), one_change("/cv/", 7))
        .await
        .unwrap();
    let message = r#"{"path":"/cv/","count":7}"#.to_owned();
    assert_eq!(
        api.posts(),
        [
            ("cv-1=".to_owned(), message.clone()),
            ("cv-2=".to_owned(), message.clone()),
            ("cv-3=".to_owned(), message),
        ],
        "every open copy of /cv/ gets its count, and no other page"
    );
    assert_eq!((summary.sent, summary.failed, summary.left_out), (3, 0, 0));
    assert_eq!(
        dynamodb_calls(&record),
        ["DynamoDB_20120810.Query"],
        "one query for the one changed page, not a scan of all 203 connections"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_path_index_a_broadcast_fails_and_names_it() {
    let moto = Moto::start();
    let client = client(&moto.endpoint());
    // Keyed by connection id as before, without the index.
    create_table(&client, "connections", CONNECTION_KEY).await;
    register(&client, &[("home-1=", "/")]).await;
    let api = testkit::ManagementApi::start("live", &[], &[]);

    let connections = ConnectionTable::new(client.clone(), "connections");
    let error = broadcast(&connections, &management(&api), one_change("/", 1))
        .await
        .unwrap_err();
    assert_eq!(error.kind, StoreErrorKind::Failed, "{error}");
    // DynamoDB: "The table does not have the specified index: path"; moto: "Invalid index:
    // path for table: connections".
    assert!(error.message.contains("index: path"), "{error}");
    assert!(api.posts().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_with_more_connections_than_one_answer_holds_is_read_in_full() {
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("moto.jsonl");
    let moto = Moto::start_recording(&record);
    let client = client(&moto.endpoint());
    let connections = connections_table(&client, "connections").await;
    // 1,050 connections of 1,000-byte ids on /: over the 1 MB one query answers.
    let expires = AttributeValue::N((now() + 3600).to_string());
    let ids: Vec<String> = (0..1050)
        .map(|i| format!("{i:04}{}", "x".repeat(996)))
        .collect();
    for chunk in ids.chunks(25) {
        let writes = chunk.iter().map(|id| {
            let put = PutRequest::builder()
                .item(CONNECTION_KEY, AttributeValue::S(id.clone()))
                .item(CONNECTION_PATH, AttributeValue::S("/".into()))
                .item(CONNECTION_EXPIRES, expires.clone())
                .build()
                .unwrap();
            WriteRequest::builder().put_request(put).build()
        });
        let output = client
            .batch_write_item()
            .request_items("connections", writes.collect())
            .send()
            .await
            .unwrap();
        assert!(
            output
                .unprocessed_items()
                .is_none_or(|left| left.is_empty())
        );
    }
    register(&client, &[("elsewhere=", "/cv/")]).await;

    std::fs::write(&record, "").unwrap();
    let mut found = connections
        .following(&["/".to_owned()].into())
        .await
        .unwrap();
    found.sort();
    let expected: Vec<(String, String)> =
        ids.iter().map(|id| (id.clone(), "/".to_owned())).collect();
    assert_eq!(found.len(), 1050);
    assert!(found == expected, "every connection of / is found, once");
    assert_eq!(
        dynamodb_calls(&record),
        ["DynamoDB_20120810.Query", "DynamoDB_20120810.Query"],
        "the second query starts where the first stopped"
    );
}

/// Connections kept in memory: as many as a test wants, without a table.
struct Many(Vec<(String, String)>);

impl counter::socket::Connections for Many {
    async fn put(&self, _: &str, _: &str) -> Result<(), counter::StoreError> {
        Ok(())
    }
    async fn delete(&self, _: &str) -> Result<(), counter::StoreError> {
        Ok(())
    }
    async fn following(
        &self,
        _: &BTreeSet<String>,
    ) -> Result<Vec<(String, String)>, counter::StoreError> {
        Ok(self.0.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_broadcast_sends_at_most_a_thousand_messages() {
    let api = testkit::ManagementApi::start("live", &[], &[]);
    let open = Many(
        (0..1100)
            .map(|i| (format!("c{i:04}="), "/".to_owned()))
            .collect(),
    );
    let summary = broadcast(&open, &management(&api), event("dynamodb-stream.json"))
        .await
        .unwrap();
    assert_eq!(
        (summary.sent, summary.left_out, api.posts().len()),
        (
            counter::socket::MAX_MESSAGES,
            100,
            counter::socket::MAX_MESSAGES
        )
    );
}
