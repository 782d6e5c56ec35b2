//! Accepting connections. A new connection whose first request is a public
//! room's event stream (`GET /b/{token}/events`) is served straight off its
//! socket (`raw_sse`): each of thousands of viewers then costs a few
//! kilobytes rather than an HTTP connection's 16 KiB of buffers. Every
//! other connection goes to the router (axum over hyper) as it came: the
//! first bytes are only peeked at.

use crate::server::fan_out::Writers;
use crate::server::state::AppState;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How long a new connection may take to send its first bytes before it
/// goes to the router anyway (which has its own limits).
const PEEK_WAIT: Duration = Duration::from_secs(5);

/// The connections for the router, as axum's `serve` accepts them.
pub struct Sorted {
    rx: mpsc::Receiver<(TcpStream, SocketAddr)>,
    addr: SocketAddr,
}

impl axum::serve::Listener for Sorted {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.rx.recv().await {
            Some(c) => c,
            // The acceptor is gone: nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

/// Accepts on `listener` until the router stops taking connections;
/// public event streams end when `stop` is cancelled.
pub fn sort(
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    stop: CancellationToken,
) -> Sorted {
    let (tx, rx) = mpsc::channel(256);
    let writers = Writers::for_sending(stop);
    tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = tx.closed() => return,
            };
            let (tx, state, writers) = (tx.clone(), state.clone(), writers.clone());
            tokio::spawn(async move {
                if public_events(&stream).await {
                    crate::server::raw_sse::serve(state, stream, peer, &writers).await;
                } else {
                    let _ = tx.send((stream, peer)).await;
                }
            });
        }
    });
    Sorted { rx, addr }
}

async fn public_events(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 128];
    match tokio::time::timeout(PEEK_WAIT, stream.peek(&mut buf)).await {
        Ok(Ok(n)) => asks_public_events(&buf[..n]),
        _ => false,
    }
}

/// The request line starts `GET /b/{token}/events` (then a space or `?`).
fn asks_public_events(head: &[u8]) -> bool {
    let Some(rest) = head.strip_prefix(b"GET /b/") else {
        return false;
    };
    let Some(end) = rest.iter().position(|c| *c == b' ' || *c == b'?') else {
        return false;
    };
    rest[..end]
        .strip_suffix(b"/events")
        .is_some_and(|token| !token.is_empty() && token.iter().all(u8::is_ascii_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::asks_public_events;

    #[test]
    fn only_a_public_rooms_event_stream_is_taken_off_the_router() {
        assert!(asks_public_events(b"GET /b/ab12/events HTTP/1.1\r\n"));
        assert!(asks_public_events(
            b"GET /b/ab12/events?after=5 HTTP/1.1\r\n"
        ));
        assert!(!asks_public_events(b"GET /b/ab12 HTTP/1.1\r\n"));
        assert!(!asks_public_events(b"GET /b/ab12/embed HTTP/1.1\r\n"));
        assert!(!asks_public_events(b"POST /b/ab12/events HTTP/1.1\r\n"));
        assert!(!asks_public_events(b"GET /b//events HTTP/1.1\r\n"));
        assert!(!asks_public_events(b"GET /b/a/b/events HTTP/1.1\r\n"));
        // Cut short: the router gets it.
        assert!(!asks_public_events(b"GET /b/ab12/eve"));
    }
}
