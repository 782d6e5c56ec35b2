//! A public room's event stream served straight off a new connection's
//! socket (see `listener`): the request head is read with `httparse`, the
//! same function as the router's `/b/{token}/events` opens the feed, and
//! the response goes out close-delimited (`connection: close`), the
//! stage's frames written by the stage's writer (`fan_out`) as they come.
//! No HTTP connection state stays per viewer: no read or write buffers,
//! no task, only its socket and its place in the stage.

use crate::error::AppError;
use crate::server::engine::rooms::ViewerFeed;
use crate::server::fan_out::Writers;
use crate::server::rest::public_rooms::open_events;
use crate::server::rest::sse::STREAM_HEADERS;
use crate::server::state::AppState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The longest request head taken.
const HEAD_MAX: usize = 8 * 1024;
/// How long the whole head may take to arrive.
const HEAD_WAIT: Duration = Duration::from_secs(10);

struct Head {
    target: String,
    headers: HeaderMap,
}

/// Answers the request on `socket`; a feed that opens is handed to
/// `writers` to be written from there on.
pub async fn serve(state: AppState, mut socket: TcpStream, peer: SocketAddr, writers: &Writers) {
    let _ = socket.set_nodelay(true);
    let opened = match tokio::time::timeout(HEAD_WAIT, read_head(&mut socket)).await {
        Ok(Ok(head)) => open(&state, head, peer).await,
        Ok(Err(e)) => Err(e),
        Err(_) => return,
    };
    match opened {
        Ok(feed) => {
            let mut headers = HeaderMap::new();
            for (name, value) in STREAM_HEADERS {
                headers.insert(name, HeaderValue::from_static(value));
            }
            crate::server::headers::add(&mut headers);
            if socket
                .write_all(&response_head(StatusCode::OK, &headers))
                .await
                .is_ok()
            {
                writers.add(socket, feed);
            }
        }
        Err(e) => {
            let mut res = e.into_response();
            crate::server::headers::add(res.headers_mut());
            let (parts, body) = res.into_parts();
            // An error's body is a short JSON sentence.
            let body = axum::body::to_bytes(body, HEAD_MAX)
                .await
                .unwrap_or_default();
            let mut out = response_head(parts.status, &parts.headers);
            out.extend_from_slice(&body);
            if socket.write_all(&out).await.is_ok() {
                let _ = socket.shutdown().await;
            }
        }
    }
}

/// The status line and headers of a close-delimited response.
fn response_head(status: StatusCode, headers: &HeaderMap) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out
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

async fn open(state: &AppState, head: Head, peer: SocketAddr) -> Result<ViewerFeed, AppError> {
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
    open_events(state, token, peer, &head.headers, after).await
}
