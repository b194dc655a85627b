//! The counter against real components: DynamoDB's API served by moto, and the `counter`
//! binary driven through the Lambda Runtime API exactly as Lambda drives it.

mod bootstrap;
mod dynamo;
mod support;
