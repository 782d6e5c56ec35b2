//! The `backrooms` binary: everything lives in the library so tests can boot
//! the same server on port 0.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    backrooms::server::run().await
}
