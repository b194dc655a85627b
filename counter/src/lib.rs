//! The visitor counter behind the resume page: `POST /visits` counts a visit, `GET /visits`
//! reads the count. The request logic ([`api`]) knows nothing about AWS; it runs against any
//! [`Store`]: DynamoDB in the Lambda, a file or memory in `gen serve` and the tests.

pub mod api;
#[cfg(all(feature = "dynamodb", feature = "lambda"))]
pub mod connections;
#[cfg(feature = "dynamodb")]
pub mod dynamo;
mod file_store;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod live;
mod memory;
#[cfg(feature = "lambda")]
pub mod socket;
mod store;
pub mod table;

pub use api::{Request, Response, respond};
pub use file_store::FileStore;
pub use memory::MemoryStore;
pub use store::{Store, StoreError, StoreErrorKind};

/// Runs a future that never waits (the memory and file stores) to completion.
#[cfg(test)]
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("test stores are ready at once"),
    }
}
