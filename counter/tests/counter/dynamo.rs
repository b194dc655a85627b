//! DynamoStore against DynamoDB's API (moto): counting, reading, sharding, concurrency, and
//! what failures look like.

use std::sync::Arc;

use counter::dynamo::{DynamoStore, Settings};
use counter::{Store, StoreErrorKind};
use testkit::Moto;

use crate::support::{client, items, table};

fn store(client: &aws_sdk_dynamodb::Client, table: &str, shards: u32) -> DynamoStore {
    let settings = Settings {
        table: table.to_owned(),
        shards,
        pages: Default::default(),
    };
    DynamoStore::new(client.clone(), settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counts_each_path_on_its_own() {
    let moto = Moto::start();
    let client = table(&moto, "visits").await;
    let store = store(&client, "visits", 1);

    assert_eq!(store.get("/").await.unwrap(), 0);
    assert_eq!(store.increment("/").await.unwrap(), 1);
    assert_eq!(store.increment("/").await.unwrap(), 2);
    assert_eq!(store.increment("/cv/").await.unwrap(), 1);
    assert_eq!(store.get("/").await.unwrap(), 2);
    assert_eq!(store.get("/cv/").await.unwrap(), 1);
    assert_eq!(store.get("/other").await.unwrap(), 0);
    assert_eq!(
        items(&client, "visits").await,
        [("/".into(), "2".into()), ("/cv/".into(), "1".into())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_concurrent_visits_count_five_hundred() {
    let moto = Moto::start();
    let client = table(&moto, "visits").await;
    let store = Arc::new(store(&client, "visits", 1));

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..10 {
                    seen.push(store.increment("/").await.unwrap());
                }
                seen
            })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.extend(task.await.unwrap());
    }
    seen.sort_unstable();
    // Every increment saw a distinct new total: no lost or doubled update.
    assert_eq!(seen, (1..=500).collect::<Vec<u64>>());
    assert_eq!(store.get("/").await.unwrap(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sharded_counts_are_summed_exactly() {
    let moto = Moto::start();
    let client = table(&moto, "visits").await;

    // Counts written before sharding was turned on are kept: shard 0 is the path itself.
    let plain = store(&client, "visits", 1);
    for _ in 0..3 {
        plain.increment("/").await.unwrap();
    }

    let sharded = Arc::new(store(&client, "visits", 8));
    assert_eq!(sharded.get("/").await.unwrap(), 3);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&sharded);
            tokio::spawn(async move {
                for _ in 0..10 {
                    store.increment("/").await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(sharded.get("/").await.unwrap(), 203);
    assert_eq!(sharded.increment("/").await.unwrap(), 204);
    assert_eq!(sharded.get("/cv").await.unwrap(), 0);

    let stored = items(&client, "visits").await;
    let shards_used = stored
        .iter()
        .filter(|(k, _)| k == "/" || k.starts_with("/#"))
        .count();
    assert!(
        shards_used > 1,
        "writes should spread over shards: {stored:?}"
    );
    let total: u64 = stored.iter().map(|(_, n)| n.parse::<u64>().unwrap()).sum();
    assert_eq!(total, 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_a_failure_not_a_panic() {
    let moto = Moto::start();
    let store = store(&client(&moto.endpoint()), "no-such-table", 1);
    let err = store.increment("/").await.unwrap_err();
    assert_eq!(err.kind, StoreErrorKind::Failed);
    assert!(
        err.message.contains("ResourceNotFoundException"),
        "{}",
        err.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_unavailable() {
    let closed = format!("http://127.0.0.1:{}", testkit::free_port());
    let store = store(&client(&closed), "visits", 1);
    let err = store.get("/").await.unwrap_err();
    assert_eq!(err.kind, StoreErrorKind::Unavailable, "{}", err.message);
}

#[test]
fn settings_come_from_the_environment() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(
        Settings::from_env(env(&[
            ("COUNTER_TABLE", "t"),
            ("COUNTER_PAGES", "/\n/cv/\n")
        ])),
        Ok(Settings {
            table: "t".into(),
            shards: 1,
            pages: ["/".to_owned(), "/cv/".to_owned()].into(),
        })
    );
    assert_eq!(
        Settings::from_env(env(&[("COUNTER_TABLE", "t")])),
        Err("COUNTER_PAGES is not set; set it to the site's page paths, one per line".into())
    );
    assert_eq!(
        Settings::from_env(env(&[
            ("COUNTER_TABLE", "t"),
            ("COUNTER_SHARDS", "16"),
            ("COUNTER_PAGES", "/")
        ]))
        .unwrap()
        .shards,
        16
    );
    assert_eq!(
        Settings::from_env(env(&[])),
        Err("COUNTER_TABLE is not set; set it to the DynamoDB table name".into())
    );
    for bad in ["0", "101", "-1", "two", ""] {
        let pairs: &'static [(&str, &str)] =
            Box::leak(vec![("COUNTER_TABLE", "t"), ("COUNTER_SHARDS", bad)].into_boxed_slice());
        assert_eq!(
            Settings::from_env(env(pairs)),
            Err(format!(
                "COUNTER_SHARDS is {bad:?}; it must be a whole number from 1 to 100"
            ))
        );
    }
}
