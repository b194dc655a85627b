//! The DynamoDB table's layout and the Lambda's settings, shared with `gen infra`, which
//! creates the table and sets the variables.

/// The table's partition key: the page path (a string).
pub const KEY_ATTRIBUTE: &str = "path";
/// The number attribute that holds the count.
pub const COUNT_ATTRIBUTE: &str = "count";
/// Environment variable naming the table.
pub const TABLE_ENV: &str = "COUNTER_TABLE";
/// Environment variable with the number of shards per path (default 1).
pub const SHARDS_ENV: &str = "COUNTER_SHARDS";
/// Most shards one `BatchGetItem` can read (its limit is 100 keys).
pub const MAX_SHARDS: u32 = 100;
/// Environment variable with the site's page paths, one per line: the only paths counted.
pub const PAGES_ENV: &str = "COUNTER_PAGES";

/// Environment variable choosing what the one `bootstrap` binary answers: `http` (the HTTP
/// API and function URL events; the default), `websocket` (API Gateway WebSocket events) or
/// `broadcast` (the counts table's DynamoDB Stream).
pub const HANDLER_ENV: &str = "COUNTER_HANDLER";
/// Environment variable naming the live counter's connections table.
pub const CONNECTIONS_ENV: &str = "COUNTER_CONNECTIONS";
/// Environment variable with the WebSocket API's management endpoint,
/// `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`.
pub const MANAGEMENT_URL_ENV: &str = "COUNTER_MANAGEMENT_URL";
/// The connections table's partition key: API Gateway's connection id (a string).
pub const CONNECTION_KEY: &str = "id";
/// The page path a connection follows (a string).
pub const CONNECTION_PATH: &str = "path";
/// When DynamoDB may delete a connection's item (its TTL attribute, Unix seconds).
pub const CONNECTION_EXPIRES: &str = "expires";
/// The connections table's global secondary index keyed by [`CONNECTION_PATH`], projecting
/// [`CONNECTION_EXPIRES`]: a broadcast reads the connections of the changed pages from it,
/// not every open connection.
pub const CONNECTION_PATH_INDEX: &str = "path";
/// API Gateway closes a WebSocket connection after two hours at most; an item outlives it a
/// little, then expires if `$disconnect` never removed it.
pub const CONNECTION_TTL_SECONDS: u64 = 2 * 3600 + 600;
