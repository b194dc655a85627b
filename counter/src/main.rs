//! The counter Lambda's bootstrap: tracing, the AWS clients and the settings are set up once
//! per process; each event borrows them. One binary serves every function of the stack:
//! `COUNTER_HANDLER` says which events this one receives.

use counter::connections::{ConnectionTable, ManagementApi};
use counter::dynamo::{DynamoStore, Settings};
use counter::table::{CONNECTIONS_ENV, HANDLER_ENV, MANAGEMENT_URL_ENV};
use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::{Error, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let var = |name: &str| std::env::var(name).ok();
    let config = counter::dynamo::aws_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    match var(HANDLER_ENV).as_deref() {
        None | Some("http") => {
            let settings = Settings::from_env(var)?;
            let pages = settings.pages.clone();
            let store = DynamoStore::new(dynamodb, settings);
            lambda_http::run(service_fn(|event| {
                counter::lambda::handle(&store, &pages, event)
            }))
            .await
        }
        Some("websocket") => {
            let settings = Settings::from_env(var)?;
            let pages = settings.pages.clone();
            let connections = ConnectionTable::new(dynamodb.clone(), required(CONNECTIONS_ENV)?);
            let store = DynamoStore::new(dynamodb, settings);
            let (store, connections, pages) = (&store, &connections, &pages);
            lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
                Ok::<_, Error>(
                    counter::socket::socket(store, connections, pages, event.payload).await,
                )
            }))
            .await
        }
        Some("broadcast") => {
            let connections = ConnectionTable::new(dynamodb, required(CONNECTIONS_ENV)?);
            let management = ManagementApi::new(&config, &required(MANAGEMENT_URL_ENV)?);
            let (connections, management) = (&connections, &management);
            lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
                counter::socket::broadcast(connections, management, event.payload)
                    .await
                    .map(|_| ())
                    .map_err(Error::from)
            }))
            .await
        }
        Some(other) => Err(format!(
            "{HANDLER_ENV} is {other:?}; it must be http, websocket or broadcast"
        )
        .into()),
    }
}

fn required(name: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("{name} is not set"))
}
