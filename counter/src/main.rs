//! The counter Lambda's bootstrap: tracing, the DynamoDB client and the settings are set up
//! once per process; each event borrows them.

use counter::dynamo::{DynamoStore, Settings};
use lambda_http::{Error, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let settings = Settings::from_env(|name| std::env::var(name).ok())?;
    let config = counter::dynamo::aws_config().await;
    let pages = settings.pages.clone();
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), settings);
    lambda_http::run(service_fn(|event| {
        counter::lambda::handle(&store, &pages, event)
    }))
    .await
}
