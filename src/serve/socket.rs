//! The preview's live counter: `/visits` as a WebSocket (`[counter] mode = "websocket"`),
//! with the contract of `counter::live` that the deployed API Gateway and Lambda follow. A
//! connection with `visit=1` counts a visit, `read` messages are answered with the count, and
//! every new count is pushed to the sockets following that page, so two open tabs see each
//! other's visits.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::Snapshot;
use counter::Store;
use counter::api::Visit;

/// Largest message or frame a page may send (a `read` is about 40 bytes).
const MAX_MESSAGE_BYTES: usize = 4096;

/// What every open socket shares.
pub(super) struct Live {
    pub store: Arc<counter::FileStore>,
    pub state: watch::Receiver<Arc<Snapshot>>,
    pub counts: broadcast::Sender<(Arc<str>, u64)>,
}

/// Whether the request asks to become a WebSocket.
pub(super) fn is_upgrade<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Answers the handshake (101) and serves the socket once hyper hands the connection over;
/// `Err` says why the request is not a WebSocket handshake this server takes.
pub(super) fn accept(
    mut request: Request<Incoming>,
    visit: Visit,
    live: Live,
) -> Result<Response<()>, &'static str> {
    let headers = request.headers();
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or("not a WebSocket handshake: Sec-WebSocket-Key is missing")?;
    if headers.get(header::SEC_WEBSOCKET_VERSION) != Some(&HeaderValue::from_static("13")) {
        return Err("only WebSocket version 13 is spoken here");
    }
    let accept = HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
        .map_err(|_| "not a WebSocket handshake")?;
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrade.await {
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_MESSAGE_BYTES))
                .max_frame_size(Some(MAX_MESSAGE_BYTES));
            let socket = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            serve(socket, visit, live).await;
        }
    });
    let mut response = Response::new(());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    Ok(response)
}

async fn serve<S>(mut socket: WebSocketStream<S>, visit: Visit, live: Live)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    // Subscribed before counting, so this page sees its own visit too.
    let mut counts = live.counts.subscribe();
    let mut following: Arc<str> = Arc::from(visit.path.as_str());
    if visit.count_it {
        match live.store.increment(&visit.path).await {
            Ok(count) => {
                let _ = live.counts.send((Arc::clone(&following), count));
            }
            Err(e) => {
                crate::term::caution(&format!("the local counter failed: {e}"));
                let _ = socket.close(None).await;
                return;
            }
        }
    }
    loop {
        let reply = tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let snapshot = live.state.borrow().clone();
                    let is_page = |path: &str| snapshot.site.page(path).is_some();
                    match counter::live::read(text.as_bytes(), is_page) {
                        Ok(path) => match live.store.get(&path).await {
                            Ok(count) => {
                                following = Arc::from(path.as_str());
                                counter::live::update(&path, count)
                            }
                            Err(_) => counter::live::error("the counter failed"),
                        },
                        Err(rejection) => counter::live::error(&rejection.message),
                    }
                }
                Some(Ok(Message::Binary(_))) => counter::live::error("send text frames"),
                // Pings are answered by the socket itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
            },
            update = counts.recv() => match update {
                Ok((path, count)) if path == following => counter::live::update(&path, count),
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
        };
        if socket.send(Message::text(reply)).await.is_err() {
            return;
        }
    }
}
