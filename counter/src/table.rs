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
