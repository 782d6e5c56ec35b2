//! The `backrooms` binary: everything lives in the library so tests can boot
//! the same server on port 0.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => backrooms::server::run().await,
        Some("healthcheck") => backrooms::server::health::probe().await,
        Some("precompress") => {
            // Brotli 11 for the site's pkg/ (or the directory given) now; the
            // server starts this itself when a file needs it.
            let dir = match std::env::args().nth(2) {
                Some(d) => std::path::PathBuf::from(d),
                None => {
                    let options = backrooms::server::leptos_options();
                    std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir)
                }
            };
            let n = backrooms::server::precompress::run(&dir);
            println!("precompressed {n} file(s) in {}", dir.display());
            std::process::ExitCode::SUCCESS
        }
        Some("openapi") => {
            // The document /api/openapi.json serves, for client generators.
            match backrooms::server::rest::document().to_pretty_json() {
                Ok(json) => {
                    println!("{json}");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cannot render the OpenAPI document: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
        Some("backup") => backrooms::server::backup_cli::backup(std::env::args().nth(2)).await,
        Some("restore") => backrooms::server::backup_cli::restore(std::env::args().nth(2)).await,
        Some("migrate-data") => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            tokio::task::spawn_blocking(move || backrooms::server::migrate_data::run(&args))
                .await
                .unwrap_or(std::process::ExitCode::FAILURE)
        }
        Some(other) => {
            eprintln!(
                "usage: backrooms [healthcheck | precompress [DIR] | openapi | backup PATH | restore PATH | migrate-data --from sqlite:PATH --to postgres://...]   (unknown argument {other:?})"
            );
            std::process::ExitCode::from(2)
        }
    }
}
