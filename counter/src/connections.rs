//! The live counter on AWS: open connections in a DynamoDB table (one item per connection,
//! expiring on its own through the table's TTL, found by page through its path index), and
//! messages posted through API Gateway's management API.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_apigatewaymanagement::error::{
    DisplayErrorContext as ManagementErrorContext, SdkError,
};
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::dynamo::classify;
use crate::socket::{Connections, Notifier, PostError};
use crate::store::StoreError;
use crate::table::{
    CONNECTION_EXPIRES, CONNECTION_KEY, CONNECTION_PATH, CONNECTION_PATH_INDEX,
    CONNECTION_TTL_SECONDS,
};

/// The connections table.
#[derive(Debug, Clone)]
pub struct ConnectionTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl ConnectionTable {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Connections for ConnectionTable {
    async fn put(&self, id: &str, path: &str) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item(CONNECTION_KEY, AttributeValue::S(id.to_owned()))
            .item(CONNECTION_PATH, AttributeValue::S(path.to_owned()))
            .item(
                CONNECTION_EXPIRES,
                AttributeValue::N((now() + CONNECTION_TTL_SECONDS).to_string()),
            )
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(CONNECTION_KEY, AttributeValue::S(id.to_owned()))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// One paginated `Query` of the path index per page: a broadcast reads the connections of
    /// the changed pages and no others. Items past their expiry that DynamoDB has not deleted
    /// yet (it may take a day or two) are skipped.
    async fn following(
        &self,
        paths: &BTreeSet<String>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let now = AttributeValue::N(now().to_string());
        let mut found = Vec::new();
        for path in paths {
            let mut start = None;
            loop {
                let output = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(CONNECTION_PATH_INDEX)
                    .key_condition_expression("#path = :path")
                    .filter_expression("#expires > :now")
                    .projection_expression("#id")
                    .expression_attribute_names("#id", CONNECTION_KEY)
                    .expression_attribute_names("#path", CONNECTION_PATH)
                    .expression_attribute_names("#expires", CONNECTION_EXPIRES)
                    .expression_attribute_values(":path", AttributeValue::S(path.clone()))
                    .expression_attribute_values(":now", now.clone())
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(classify)?;
                for item in output.items() {
                    if let Some(id) = item.get(CONNECTION_KEY).and_then(|v| v.as_s().ok()) {
                        found.push((id.clone(), path.clone()));
                    }
                }
                start = output.last_evaluated_key().cloned();
                if start.is_none() {
                    break;
                }
            }
        }
        Ok(found)
    }
}

/// API Gateway's management API for one WebSocket stage.
#[derive(Debug, Clone)]
pub struct ManagementApi {
    client: aws_sdk_apigatewaymanagement::Client,
}

impl ManagementApi {
    /// A client for the stage at `endpoint`
    /// (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`).
    pub fn new(config: &aws_config::SdkConfig, endpoint: &str) -> Self {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(config)
            .endpoint_url(endpoint)
            .build();
        Self {
            client: aws_sdk_apigatewaymanagement::Client::from_conf(config),
        }
    }
}

impl Notifier for ManagementApi {
    async fn post(&self, id: &str, message: Arc<str>) -> Result<(), PostError> {
        match self
            .client
            .post_to_connection()
            .connection_id(id)
            .data(Blob::new(message.as_bytes()))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), PostToConnectionError::GoneException(_)) =>
            {
                Err(PostError::Gone)
            }
            Err(e) => Err(PostError::Failed(ManagementErrorContext(&e).to_string())),
        }
    }
}
