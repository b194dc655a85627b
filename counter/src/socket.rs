//! The live counter's two Lambda handlers (`[counter] mode = "websocket"`):
//!
//! - [`socket`] answers API Gateway WebSocket events: `$connect` registers the connection
//!   under its page and counts a visit when asked, `read` answers the page's count,
//!   `$disconnect` forgets the connection.
//! - [`broadcast`] receives the counts table's DynamoDB Stream and posts each page's new count
//!   to that page's open connections, [`FANOUT`] at a time, forgetting those API Gateway says
//!   are gone (410). One bad connection never fails the batch.
//!
//! Both are generic over where connections live ([`Connections`]) and how a message reaches
//! one ([`Notifier`]), so they run in-process against stand-ins as well as on AWS.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use lambda_http::tracing;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Rejection;
use crate::live;
use crate::store::{Store, StoreError, StoreErrorKind};

/// Most messages in flight at once during a broadcast.
pub const FANOUT: usize = 64;
/// Most messages one broadcast sends. Each message is billed, and the stream hands over about
/// one batch a second, so this caps what connections held open by the thousand can cost: at
/// most about 1,000 messages a second. Connections past it still get the count when they
/// connect, only not each change.
pub const MAX_MESSAGES: usize = 1000;

/// Where open connections are kept: the connections table on AWS.
pub trait Connections: Send + Sync {
    /// Records that `id` follows `path` (again: a later put replaces the first).
    fn put(&self, id: &str, path: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Forgets `id`; forgetting an unknown id is not an error.
    fn delete(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every open connection following one of `paths`, as `(id, path)`.
    fn following(
        &self,
        paths: &BTreeSet<String>,
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;
}

/// Why a message did not reach a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostError {
    /// The connection is closed (API Gateway's 410 GoneException): forget it.
    Gone,
    /// Anything else (throttling, a 5xx, a timeout): try again with the next change.
    Failed(String),
}

/// Sends one message to one open connection: API Gateway's management API on AWS.
pub trait Notifier: Clone + Send + Sync + 'static {
    fn post(
        &self,
        id: &str,
        message: Arc<str>,
    ) -> impl Future<Output = Result<(), PostError>> + Send;
}

/// An API Gateway WebSocket event, as much of it as the counter reads. Every field is
/// optional so that a malformed event is answered, never a deserialisation failure.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SocketEvent {
    request_context: SocketContext,
    query_string_parameters: Option<HashMap<String, String>>,
    multi_value_query_string_parameters: Option<HashMap<String, Vec<String>>>,
    body: Option<String>,
    is_base64_encoded: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SocketContext {
    route_key: Option<String>,
    connection_id: Option<String>,
}

/// Answers one WebSocket event with `{"statusCode": N, "body": "..."}`. A `$connect` answered
/// with anything but 200 is refused by API Gateway; a `read` answer's body reaches the page.
pub async fn socket<S: Store, C: Connections>(
    store: &S,
    connections: &C,
    pages: &BTreeSet<String>,
    event: Value,
) -> Value {
    let event: SocketEvent = match serde_json::from_value(event) {
        Ok(event) => event,
        Err(e) => {
            tracing::error!(error = %e, "not an API Gateway WebSocket event");
            return reply(400, Some(live::error("not a WebSocket event")));
        }
    };
    let (Some(route), Some(id)) = (
        event.request_context.route_key.as_deref(),
        event.request_context.connection_id.as_deref(),
    ) else {
        tracing::error!("a WebSocket event without a route key or connection id");
        return reply(400, Some(live::error("not a WebSocket event")));
    };
    let is_page = |path: &str| pages.contains(path);
    match route {
        "$connect" => {
            let param = |name: &str| -> Result<Option<&str>, Rejection> {
                let many = event
                    .multi_value_query_string_parameters
                    .as_ref()
                    .and_then(|m| m.get(name))
                    .is_some_and(|values| values.len() > 1);
                if many {
                    return Err(crate::api::reject(
                        400,
                        format!("{name} is given more than once in the query"),
                    ));
                }
                Ok(event
                    .query_string_parameters
                    .as_ref()
                    .and_then(|q| q.get(name))
                    .map(String::as_str))
            };
            let visit = param("path").and_then(|path| {
                let visit = param("visit")?;
                live::connect(path, visit, is_page)
            });
            let visit = match visit {
                Ok(visit) => visit,
                Err(rejection) => {
                    return reply(rejection.status, Some(live::error(&rejection.message)));
                }
            };
            if let Err(e) = connections.put(id, &visit.path).await {
                return failed("registering the connection", &e);
            }
            if visit.count_it
                && let Err(e) = store.increment(&visit.path).await
            {
                return failed("counting the visit", &e);
            }
            reply(200, None)
        }
        "$disconnect" => {
            if let Err(e) = connections.delete(id).await {
                // The item expires on its own (its TTL); nothing to tell anyone.
                tracing::warn!(error = %e, "forgetting a closed connection");
            }
            reply(200, None)
        }
        live::ACTION_READ => {
            let body = event.body.as_deref().unwrap_or("");
            let path = match event.is_base64_encoded {
                // API Gateway passes text frames as text; a binary frame is not a read.
                true => Err(crate::api::reject(400, "send text frames")),
                false => live::read(body.as_bytes(), is_page),
            };
            let path = match path {
                Ok(path) => path,
                Err(rejection) => {
                    return reply(rejection.status, Some(live::error(&rejection.message)));
                }
            };
            // Registered again: a broadcast that raced this connection's opening may have
            // found it not yet open and forgotten it.
            if let Err(e) = connections.put(id, &path).await {
                return failed("registering the connection", &e);
            }
            match store.get(&path).await {
                Ok(count) => reply(200, Some(live::update(&path, count))),
                Err(e) => failed("reading the count", &e),
            }
        }
        other => {
            tracing::warn!(
                route = other,
                "a WebSocket route the counter does not answer"
            );
            reply(
                400,
                Some(live::error("unknown action; send {\"action\": \"read\"}")),
            )
        }
    }
}

fn reply(status: u16, body: Option<String>) -> Value {
    match body {
        Some(body) => json!({ "statusCode": status, "body": body }),
        None => json!({ "statusCode": status }),
    }
}

fn failed(doing: &str, error: &StoreError) -> Value {
    tracing::error!(error = %error, "{doing} failed");
    let (status, message) = match error.kind {
        StoreErrorKind::Throttled | StoreErrorKind::Unavailable => {
            (503, "the counter is busy; try again shortly")
        }
        StoreErrorKind::Failed => (500, "the counter failed"),
    };
    reply(status, Some(live::error(message)))
}

/// What one broadcast did, for its log line and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// Each changed page and its newest count.
    pub counts: BTreeMap<String, u64>,
    /// Messages delivered.
    pub sent: usize,
    /// Connections API Gateway said were gone, and forgotten.
    pub gone: usize,
    /// Messages that failed otherwise (and connections that could not be forgotten).
    pub failed: usize,
    /// Stream records that were not a count (logged and skipped).
    pub skipped: usize,
    /// Connections left without this change, past [`MAX_MESSAGES`].
    pub left_out: usize,
}

/// A DynamoDB Stream batch, as much of it as the broadcast reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StreamEvent {
    #[serde(rename = "Records")]
    records: Vec<Value>,
}

/// Posts the newest count of every page changed in the stream batch `event` to the
/// connections following it. `Err` only when the connections cannot be listed: Lambda then
/// retries the batch (split in two), and sends it to the failure queue after that.
pub async fn broadcast<C: Connections, N: Notifier>(
    connections: &C,
    notifier: &N,
    event: Value,
) -> Result<Broadcast, StoreError> {
    let started = Instant::now();
    let records = match serde_json::from_value::<StreamEvent>(event) {
        Ok(event) => event.records,
        Err(e) => {
            tracing::error!(error = %e, "not a DynamoDB Stream event");
            Vec::new()
        }
    };
    let mut summary = Broadcast::default();
    for record in &records {
        match new_count(record) {
            Some((path, count)) => {
                let newest = summary.counts.entry(path).or_insert(count);
                // Counts only grow: the highest in the batch is the newest.
                *newest = (*newest).max(count);
            }
            None if record["eventName"] == "REMOVE" => {}
            None => summary.skipped += 1,
        }
    }
    if summary.skipped > 0 {
        tracing::warn!(
            skipped = summary.skipped,
            "stream records that are not a count"
        );
    }
    if summary.counts.is_empty() {
        return Ok(summary);
    }
    let paths: BTreeSet<String> = summary.counts.keys().cloned().collect();
    let mut targets = connections.following(&paths).await?;
    if targets.len() > MAX_MESSAGES {
        summary.left_out = targets.len() - MAX_MESSAGES;
        targets.truncate(MAX_MESSAGES);
        tracing::warn!(
            left_out = summary.left_out,
            "more open connections than one broadcast sends to"
        );
    }
    let messages: HashMap<String, Arc<str>> = summary
        .counts
        .iter()
        .map(|(path, count)| (path.clone(), Arc::from(live::update(path, *count))))
        .collect();

    let mut posts = tokio::task::JoinSet::new();
    let mut gone = Vec::new();
    let mut outcome = |result: Result<(String, Result<(), PostError>), tokio::task::JoinError>,
                       summary: &mut Broadcast| match result {
        Ok((_, Ok(()))) => summary.sent += 1,
        Ok((id, Err(PostError::Gone))) => gone.push(id),
        Ok((id, Err(PostError::Failed(e)))) => {
            tracing::warn!(connection = id, error = e, "posting a count failed");
            summary.failed += 1;
        }
        Err(e) => {
            tracing::error!(error = %e, "a post task ended abnormally");
            summary.failed += 1;
        }
    };
    for (id, path) in targets {
        let Some(message) = messages.get(path.as_str()).cloned() else {
            continue;
        };
        if posts.len() >= FANOUT
            && let Some(done) = posts.join_next().await
        {
            outcome(done, &mut summary);
        }
        let notifier = notifier.clone();
        posts.spawn(async move {
            let result = notifier.post(&id, message).await;
            (id, result)
        });
    }
    while let Some(done) = posts.join_next().await {
        outcome(done, &mut summary);
    }
    for id in gone {
        match connections.delete(&id).await {
            Ok(()) => summary.gone += 1,
            Err(e) => {
                tracing::warn!(connection = id, error = %e, "forgetting a gone connection");
                summary.failed += 1;
            }
        }
    }
    tracing::info!(
        pages = summary.counts.len(),
        sent = summary.sent,
        gone = summary.gone,
        failed = summary.failed,
        left_out = summary.left_out,
        ms = started.elapsed().as_millis() as u64,
        "broadcast"
    );
    Ok(summary)
}

/// The page and count of an INSERT or MODIFY record's new image; `None` for anything else,
/// including a shard item (`/cv#3`), whose count is only part of the page's.
fn new_count(record: &Value) -> Option<(String, u64)> {
    if !matches!(record["eventName"].as_str(), Some("INSERT" | "MODIFY")) {
        return None;
    }
    let image = &record["dynamodb"]["NewImage"];
    let path = image[crate::table::KEY_ATTRIBUTE]["S"].as_str()?;
    let count = image[crate::table::COUNT_ATTRIBUTE]["N"]
        .as_str()?
        .parse()
        .ok()?;
    (path.starts_with('/') && !path.contains('#')).then(|| (path.to_owned(), count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_page_counts_are_broadcast() {
        let record = |name: &str, path: &str, count: &str| {
            json!({ "eventName": name, "dynamodb": { "NewImage": {
                "path": { "S": path }, "count": { "N": count } } } })
        };
        assert_eq!(
            new_count(&record("MODIFY", "/", "7")),
            Some(("/".to_owned(), 7))
        );
        assert_eq!(
            new_count(&record("INSERT", "/cv/", "1")),
            Some(("/cv/".to_owned(), 1))
        );
        assert_eq!(new_count(&record("REMOVE", "/", "7")), None);
        assert_eq!(new_count(&record("MODIFY", "/cv#3", "7")), None);
        assert_eq!(new_count(&record("MODIFY", "/", "seven")), None);
        assert_eq!(new_count(&json!({ "eventName": "MODIFY" })), None);
        assert_eq!(new_count(&json!("not a record")), None);
    }
}
