//! The live counter (a `wss://` endpoint): one WebSocket follows the page's count while a
//! second one visits.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, StatusCode, Uri};

use super::Outcome;
use super::counter_http::query_escape;
use crate::https::{Http, TIMEOUT, USER_AGENT};

/// How long a pushed count may take: the stream's batching window, the broadcast function's
/// start and its post, with room for a cold start.
const PUSH_TIMEOUT: Duration = Duration::from_secs(20);

type Socket = tokio_tungstenite::WebSocketStream<hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>>;

/// The live counter: a socket following the page reads its count; with `count`, a second
/// socket's visit must reach the first as a pushed count, one more, as the second one reads.
pub(super) async fn live_check(
    http: &Http,
    counter: &Uri,
    path: &str,
    count: bool,
) -> (Outcome, String) {
    let result = async {
        let mut follower = open_socket(http, counter, path, false).await?;
        let before = read_live(&mut follower, path, true).await?;
        if !count {
            return Ok::<_, anyhow::Error>((
                Outcome::Skip,
                format!("reads {before} at {counter}; no visit counted (--no-count)"),
            ));
        }
        let started = std::time::Instant::now();
        let mut visitor = open_socket(http, counter, path, true).await?;
        let pushed = tokio::time::timeout(PUSH_TIMEOUT, read_live(&mut follower, path, false))
            .await
            .map_err(|_| {
                anyhow!(
                    "{counter}: a visit from a second socket was not pushed to the first within {} s \
                     (the stream, the broadcast function or its permission to post)",
                    PUSH_TIMEOUT.as_secs()
                )
            })??;
        let waited = started.elapsed().as_millis();
        let after = read_live(&mut visitor, path, true).await?;
        let _ = follower.close(None).await;
        let _ = visitor.close(None).await;
        Ok(if pushed == before + 1 && after == before + 1 {
            (
                Outcome::Pass,
                format!(
                    "{counter}: read {before}; a second socket's visit was pushed to the first as {pushed} in {waited} ms"
                ),
            )
        } else {
            (
                Outcome::Fail,
                format!(
                    "{counter}: read {before}, pushed {pushed}, read {after}; expected {}, {0} (a real visit at the same moment does this too: run gen check again)",
                    before + 1
                ),
            )
        })
    };
    match tokio::time::timeout(PUSH_TIMEOUT + TIMEOUT, result).await {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => (Outcome::Fail, format!("{e:#}")),
        Err(_) => (
            Outcome::Fail,
            format!("{counter} did not finish its checks in time"),
        ),
    }
}

/// Opens a WebSocket to the live counter for the page at `path`, counting a visit when
/// `visit` is set.
async fn open_socket(http: &Http, counter: &Uri, path: &str, visit: bool) -> Result<Socket> {
    use tokio_tungstenite::tungstenite::handshake::client::generate_key;
    use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
    use tokio_tungstenite::tungstenite::protocol::Role;

    let scheme = match counter.scheme_str() {
        Some("wss") => "https",
        _ => "http",
    };
    let authority = counter
        .authority()
        .with_context(|| format!("the counter's address {counter} has no host"))?;
    let separator = if counter.query().is_some() { '&' } else { '?' };
    let uri: Uri = format!(
        "{scheme}://{authority}{}{separator}path={}{}",
        counter.path_and_query().map_or("/", |p| p.as_str()),
        query_escape(path),
        if visit { "&visit=1" } else { "" }
    )
    .parse()
    .with_context(|| format!("the counter's address {counter}"))?;
    let key = generate_key();
    let request = Request::get(uri)
        .header("user-agent", USER_AGENT)
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", &key)
        .body(Full::new(Bytes::new()))?;
    let response = tokio::time::timeout(TIMEOUT, http.request(request))
        .await
        .map_err(|_| anyhow!("{counter} did not answer within {} s", TIMEOUT.as_secs()))?
        .with_context(|| format!("{counter} did not answer"))?;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        bail!(
            "{counter} answered {} instead of opening a WebSocket",
            response.status()
        );
    }
    let accepted = response
        .headers()
        .get("sec-websocket-accept")
        .and_then(|v| v.to_str().ok());
    if accepted != Some(derive_accept_key(key.as_bytes()).as_str()) {
        bail!("{counter} opened a connection that is not this WebSocket (Sec-WebSocket-Accept)");
    }
    let upgraded = hyper::upgrade::on(response)
        .await
        .with_context(|| format!("{counter}: the WebSocket did not open"))?;
    Ok(tokio_tungstenite::WebSocketStream::from_raw_socket(
        hyper_util::rt::TokioIo::new(upgraded),
        Role::Client,
        None,
    )
    .await)
}

/// The next count for `path` on `socket`, asking for it first when `ask`; an `{"error"}`
/// answer or a closed socket is an error.
async fn read_live(socket: &mut Socket, path: &str, ask: bool) -> Result<u64> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    if ask {
        let message = serde_json::json!({ "action": counter::live::ACTION_READ, "path": path });
        socket
            .send(Message::text(message.to_string()))
            .await
            .context("sending a read on the counter's WebSocket")?;
    }
    let wait = if ask { TIMEOUT } else { PUSH_TIMEOUT };
    loop {
        let message = tokio::time::timeout(wait, socket.next())
            .await
            .map_err(|_| {
                anyhow!(
                    "the counter's WebSocket sent no count within {} s",
                    wait.as_secs()
                )
            })?;
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None => bail!("the counter closed its WebSocket"),
            Some(Err(e)) => bail!("the counter's WebSocket failed: {e}"),
            Some(Ok(_)) => continue,
        };
        let value: serde_json::Value = serde_json::from_str(text.as_str())
            .with_context(|| "the counter's WebSocket sent a message that is not JSON")?;
        if let Some(error) = value.get("error").and_then(|e| e.as_str()) {
            bail!("the counter refused: {error}");
        }
        if value["path"] == path
            && let Some(count) = value["count"].as_u64()
        {
            return Ok(count);
        }
    }
}
