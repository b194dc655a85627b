//! The live counter's Lambda handlers in-process, with recorded event shapes: WebSocket events
//! against DynamoDB (moto), and stream batches broadcast through the real SDK client to a
//! stand-in of API Gateway's management API on loopback.

use std::collections::BTreeSet;
use std::path::Path;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use counter::Store;
use counter::connections::{ConnectionTable, ManagementApi};
use counter::dynamo::{DynamoStore, Settings};
use counter::socket::{Broadcast, broadcast, socket};
use counter::table::{CONNECTION_EXPIRES, CONNECTION_KEY, CONNECTION_PATH};
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

/// A connections table laid out as the stack creates it.
pub async fn connections_table(client: &Client, name: &str) -> ConnectionTable {
    create_table(client, name, CONNECTION_KEY).await;
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
async fn register(client: &Client, connections: &[(&str, &str)]) {
    for (id, path) in connections {
        client
            .put_item()
            .table_name("connections")
            .item(CONNECTION_KEY, AttributeValue::S((*id).into()))
            .item(CONNECTION_PATH, AttributeValue::S((*path).into()))
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
