//! The counter against real components: DynamoDB's API served by moto, and the `counter`
//! binary driven through the Lambda Runtime API exactly as Lambda drives it.

// A test that cannot go on panics with the reason: that is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bootstrap;
mod dynamo;
mod live;
mod support;
