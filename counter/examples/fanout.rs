//! Measures a broadcast's fan-out: one stream record for `/`, posted to N open connections
//! (default 1,000) through the real SDK client, against a stand-in of API Gateway's
//! management API on loopback. Connections are listed from memory, so the figure is the
//! posting alone. Prints the median and the spread of several runs.
//!
//! `cargo run --release -p counter --example fanout [-- CONNECTIONS RUNS]`

// A measurement run: a panic with its reason is the right way to stop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Instant;

use counter::StoreError;
use counter::connections::ManagementApi;
use counter::socket::{Connections, FANOUT, broadcast};
use serde_json::json;

struct InMemory(Vec<(String, String)>);

impl Connections for InMemory {
    async fn put(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
    async fn delete(&self, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
    async fn following(&self, _: &BTreeSet<String>) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self.0.clone())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let connections: usize = args.next().map_or(1000, |a| a.parse().unwrap());
    let runs: usize = args.next().map_or(7, |a| a.parse().unwrap());
    let api = testkit::ManagementApi::start("live", &[], &[]);
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "bench"),
        ))
        .http_client(counter::dynamo::https_client())
        .build();
    let notifier = ManagementApi::new(&config, &api.endpoint());
    let open = InMemory(
        (0..connections)
            .map(|i| (format!("conn-{i:04}="), "/".to_owned()))
            .collect(),
    );
    let mut times = Vec::new();
    // The first run opens the client's connections (as a warm Lambda has them); not counted.
    for run in 0..=runs {
        api.clear();
        let event = json!({ "Records": [{ "eventName": "MODIFY", "dynamodb": {
            "NewImage": { "path": { "S": "/" }, "count": { "N": (run + 1).to_string() } } } }] });
        let started = Instant::now();
        let summary = broadcast(&open, &notifier, event).await.unwrap();
        let took = started.elapsed();
        assert_eq!(summary.sent, connections, "every connection got the count");
        assert_eq!(api.posts().len(), connections);
        if run > 0 {
            times.push(took.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "broadcast to {connections} connections, {FANOUT} posts in flight: median {:.1} ms (min {:.1}, max {:.1}) over {runs} runs",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
