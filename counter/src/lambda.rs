//! The Lambda side: API Gateway HTTP API (payload v2) and Function URL events in and out of
//! the counter's [`Request`] and [`Response`], the counter needs.

use std::collections::BTreeSet;

use lambda_http::http::HeaderValue;
use lambda_http::{Body, Error, Request as LambdaRequest, Response as LambdaResponse};

use crate::api::{Request, Response, respond};
use crate::store::Store;

/// Answers one event, counting only the site's `pages`. Every request, however malformed,
/// gets an HTTP response; `Err` is left for failures of the runtime itself.
pub async fn handle<S: Store>(
    store: &S,
    pages: &BTreeSet<String>,
    event: LambdaRequest,
) -> Result<LambdaResponse<Body>, Error> {
    let request = Request {
        method: event.method().as_str(),
        route: event.uri().path(),
        query: event.uri().query(),
        body: event.body().as_ref(),
    };
    let response = respond(store, &request, |path| pages.contains(path)).await;
    if response.status >= 500 {
        lambda_http::tracing::error!(
            status = response.status,
            route = request.route,
            "counter request failed"
        );
    }
    into_lambda(response)
}

fn into_lambda(response: Response) -> Result<LambdaResponse<Body>, Error> {
    let mut builder = LambdaResponse::builder().status(response.status);
    for (name, value) in Response::FIXED_HEADERS {
        builder = builder.header(name, HeaderValue::from_static(value));
    }
    for (name, value) in response.headers {
        builder = builder.header(name, value);
    }
    Ok(builder.body(Body::Text(response.body))?)
}
