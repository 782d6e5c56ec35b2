//! `GET /healthz` and the `backrooms healthcheck` probe used by Docker's
//! HEALTHCHECK (the runtime image has no curl).

use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use diesel::connection::SimpleConnection;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `ok` when the database answers; 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state
        .db
        .run(|conn| Ok(conn.batch_execute("SELECT 1")?))
        .await
    {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Asks the local server's `/healthz`; exit 0 when it says `ok`.
pub async fn probe() -> ExitCode {
    let raw = std::env::var("BACKROOMS_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let Ok(mut addr) = raw.parse::<SocketAddr>() else {
        eprintln!("healthcheck: BACKROOMS_ADDR {raw:?} is not host:port");
        return ExitCode::FAILURE;
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await?;
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).await?;
        Ok::<_, std::io::Error>(reply)
    };
    match tokio::time::timeout(Duration::from_secs(4), ask).await {
        Ok(Ok(reply)) if reply.starts_with(b"HTTP/1.1 200") => ExitCode::SUCCESS,
        Ok(Ok(_)) => {
            eprintln!("healthcheck: server answered but is not healthy");
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            eprintln!("healthcheck: {addr}: {e}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("healthcheck: {addr}: timed out");
            ExitCode::FAILURE
        }
    }
}
