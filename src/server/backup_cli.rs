//! `backrooms backup PATH` and `backrooms restore PATH`, on the database
//! of `BACKROOMS_DATA_DIR`.

use super::backup;
use super::config::Config;
use super::db::Db;
use std::path::PathBuf;
use std::process::ExitCode;

fn path_arg(arg: Option<String>, what: &str) -> Result<PathBuf, ExitCode> {
    arg.map(PathBuf::from).ok_or_else(|| {
        eprintln!("usage: backrooms {what} PATH");
        ExitCode::from(2)
    })
}

fn config() -> Result<Config, ExitCode> {
    let config = Config::from_env().map_err(|e| {
        eprintln!("{e}");
        ExitCode::FAILURE
    })?;
    if config.database_url.is_some() {
        eprintln!("backup and restore are for the SQLite database; back PostgreSQL up with pg_dump and pg_restore");
        return Err(ExitCode::FAILURE);
    }
    Ok(config)
}

/// A consistent copy, even while the server runs.
pub async fn backup(arg: Option<String>) -> ExitCode {
    let (dest, config) = match (path_arg(arg, "backup"), config()) {
        (Ok(d), Ok(c)) => (d, c),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let db = match Db::open(&config.database()) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match backup::snapshot_to(&db, dest.clone()).await {
        Ok(()) => {
            println!("backup written: {}", dest.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("backup failed: {}", e.message());
            ExitCode::FAILURE
        }
    }
}

/// Replaces the database with a checked backup; the server must be stopped.
pub async fn restore(arg: Option<String>) -> ExitCode {
    let (from, config) = match (path_arg(arg, "restore"), config()) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        tokio::net::TcpStream::connect(config.addr),
    )
    .await;
    if matches!(probe, Ok(Ok(_))) {
        eprintln!(
            "a server is answering on {}: stop it before restoring",
            config.addr
        );
        return ExitCode::FAILURE;
    }
    match backup::restore(&config.db_path(), &from) {
        Ok(kept) => {
            println!(
                "restored {} into {}",
                from.display(),
                config.db_path().display()
            );
            if let Some(kept) = kept {
                println!("the previous database is kept as {}", kept.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nothing was changed: {e}");
            ExitCode::FAILURE
        }
    }
}
