//! The `backrooms` binary: everything lives in the library so tests can boot
//! the same server on port 0.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => backrooms::server::run().await,
        Some("healthcheck") => backrooms::server::health::probe().await,
        Some(other) => {
            eprintln!("usage: backrooms [healthcheck]   (unknown argument {other:?})");
            std::process::ExitCode::from(2)
        }
    }
}
