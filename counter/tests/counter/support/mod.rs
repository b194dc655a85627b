//! What the counter's integration tests share: an SDK client for moto, tables, and a Lambda
//! Runtime API server.

pub mod fuzz;
pub mod runtime_api;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use counter::dynamo::KEY_ATTRIBUTE;
use testkit::Moto;

pub fn client(endpoint: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .http_client(counter::dynamo::https_client())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .build();
    Client::from_conf(config)
}

/// A new counter table in `moto`, laid out as the Terraform stack creates it.
pub async fn table(moto: &Moto, name: &str) -> Client {
    let client = client(&moto.endpoint());
    create_table(&client, name, KEY_ATTRIBUTE).await;
    client
}

/// A new on-demand table with the string partition key `key`.
pub async fn create_table(client: &Client, name: &str, key: &str) {
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("creating the table");
}

/// What the process `child` wrote to its standard error until it ended.
pub fn stderr_of(child: &mut std::process::Child) -> String {
    use std::io::Read;
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

/// Every item of a table as `(key, count)`, sorted: what a test compares before and after.
pub async fn items(client: &Client, table: &str) -> Vec<(String, String)> {
    let output = client.scan().table_name(table).send().await.expect("scan");
    let mut items: Vec<(String, String)> = output
        .items()
        .iter()
        .map(|item| {
            let key = item[KEY_ATTRIBUTE].as_s().unwrap().clone();
            let count = item["count"].as_n().unwrap().clone();
            (key, count)
        })
        .collect();
    items.sort();
    items
}
