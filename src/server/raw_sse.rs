//! A public room's event stream served straight off a new connection's
//! socket (see `listener`): the request head is read with `httparse`, the
//! same function as the router's `/b/{token}/events` answers it, and the
//! response goes out close-delimited (`connection: close`), each frame of
//! the room's shared stage written as it comes. No HTTP connection state
//! stays per viewer: no read or write buffers, only the stream itself.

use crate::error::AppError;
use crate::server::rest::public_rooms::open_events;
use crate::server::state::AppState;
use crate::server::stream_shards::Shards;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// The longest request head taken.
const HEAD_MAX: usize = 8 * 1024;
/// How long the whole head may take to arrive.
const HEAD_WAIT: Duration = Duration::from_secs(10);

struct Head {
    target: String,
    headers: HeaderMap,
}

/// Answers the request on `socket`; a stream that opens is handed to
/// `shards` to be written from there on.
pub async fn serve(
    state: AppState,
    mut socket: TcpStream,
    peer: SocketAddr,
    stop: CancellationToken,
    shards: &Shards,
) {
    let _ = socket.set_nodelay(true);
    let res = match tokio::time::timeout(HEAD_WAIT, read_head(&mut socket)).await {
        Ok(Ok(head)) => answer(&state, head, peer).await,
        Ok(Err(e)) => e.into_response(),
        Err(_) => return,
    };
    let (parts, body) = res.into_parts();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    if socket.write_all(&out).await.is_err() {
        return;
    }
    drop(out);
    shards.run(Box::pin(write_body(socket, body, stop)));
}

/// Writes the room's chunks to the viewer until the stream ends, the
/// viewer hangs up or the server stops.
async fn write_body(mut socket: TcpStream, body: axum::body::Body, stop: CancellationToken) {
    let mut body = body.into_data_stream();
    let (mut from, mut to) = socket.split();
    // What the viewer sends after its request is dropped; reading it is
    // how a viewer that left is noticed (and stops counting) at once.
    let mut ignored = [0u8; 64];
    // Made once: waiting on the token every frame would take its lock,
    // shared by every viewer, each time.
    let stopped = stop.cancelled();
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            chunk = body.next() => match chunk {
                // The stage hands over everything a viewer has not had as
                // one chunk: one write each time it wakes.
                Some(Ok(chunk)) => {
                    if to.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
                _ => break,
            },
            read = from.read(&mut ignored) => {
                if !matches!(read, Ok(1..)) {
                    return;
                }
            }
            () = &mut stopped => break,
        }
    }
    let _ = to.shutdown().await;
}

/// Reads the request head; what follows it (nothing, for a GET) is left.
async fn read_head(socket: &mut TcpStream) -> Result<Head, AppError> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 512];
    loop {
        let n = socket
            .read(&mut chunk)
            .await
            .map_err(|_| AppError::invalid("request", "The request could not be read."))?;
        if n == 0 {
            return Err(AppError::invalid("request", "The request ended early."));
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut fields = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut fields);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let mut headers = HeaderMap::new();
                for h in req.headers.iter() {
                    if let (Ok(name), Ok(value)) = (
                        HeaderName::from_bytes(h.name.as_bytes()),
                        HeaderValue::from_bytes(h.value),
                    ) {
                        headers.append(name, value);
                    }
                }
                return Ok(Head {
                    target: req.path.unwrap_or("/").to_string(),
                    headers,
                });
            }
            Ok(httparse::Status::Partial) if buf.len() < HEAD_MAX => {}
            Ok(httparse::Status::Partial) => {
                return Err(AppError::invalid(
                    "request",
                    "The request's head is over 8 KiB.",
                ))
            }
            Err(_) => return Err(AppError::invalid("request", "The request is malformed.")),
        }
    }
}

async fn answer(state: &AppState, head: Head, peer: SocketAddr) -> Response {
    let (path, query) = head
        .target
        .split_once('?')
        .unwrap_or((head.target.as_str(), ""));
    let token = path
        .strip_prefix("/b/")
        .and_then(|p| p.strip_suffix("/events"))
        .unwrap_or_default()
        .to_string();
    let after = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned());
    let mut res = open_events(state, token, peer, &head.headers, after)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    crate::server::headers::add(res.headers_mut());
    res
}
