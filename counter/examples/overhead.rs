//! Measures what one request costs inside the counter process, without any network: a
//! recorded API Gateway event (JSON text) is parsed, converted, answered from a MemoryStore
//! and the Lambda response serialised, exactly as the runtime does per invocation.
//!
//! `cargo run --release -p counter --example overhead --no-default-features --features lambda`

// A measurement run: a panic with its reason is the right way to stop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::hint::black_box;
use std::time::Instant;

use counter::MemoryStore;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Service, service_fn};

const WARMUP: usize = 20_000;
const SAMPLES: usize = 200_000;

/// Polls a future that never waits (the memory store) once, to completion.
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the memory store never waits"),
    }
}

fn main() {
    let event = include_str!("../tests/events/http-api-post.json");
    let store = MemoryStore::new();
    let pages = std::collections::BTreeSet::from(["/".to_owned()]);
    let mut adapter = Adapter::from(service_fn(|request| {
        counter::lambda::handle(&store, &pages, request)
    }));

    let mut one = || {
        let payload: LambdaRequest = serde_json::from_str(black_box(event)).expect("event");
        let event = LambdaEvent::new(payload, Context::default());
        let response = ready(adapter.call(event)).expect("response");
        black_box(serde_json::to_vec(&response).expect("serialised"));
    };
    for _ in 0..WARMUP {
        one();
    }
    let mut nanos: Vec<u128> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            one();
            start.elapsed().as_nanos()
        })
        .collect();
    nanos.sort_unstable();
    let at = |q: f64| nanos[((SAMPLES as f64 - 1.0) * q) as usize] as f64 / 1000.0;
    println!(
        "handler overhead (event JSON -> response JSON, MemoryStore), {SAMPLES} requests: \
         median {:.2} µs, p99 {:.2} µs",
        at(0.5),
        at(0.99)
    );
}
