//! Backups: a consistent snapshot of the live database (SQLite's `VACUUM
//! INTO`, one read transaction, so the server keeps writing meanwhile),
//! daily snapshots into `BACKROOMS_BACKUP_DIR`, and a restore that checks
//! the file before it replaces anything and keeps the previous database.

use crate::error::AppError;
use crate::server::db::Conn;
use crate::server::db::{Db, MIGRATIONS};
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::MigrationHarness;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Daily backups are named `backrooms-YYYYMMDD-HHMMSS.db`.
const PREFIX: &str = "backrooms-";
const SUFFIX: &str = ".db";
/// A daily backup is due when the newest is older than this.
const EVERY: i64 = 24 * 3600;

/// Writes the database as it is now to `dest`, which must not exist yet.
pub fn snapshot(conn: &mut Conn, dest: &Path) -> Result<(), AppError> {
    if dest.exists() {
        return Err(AppError::conflict(format!(
            "{} already exists; a backup never overwrites a file.",
            dest.display()
        )));
    }
    let target = dest.to_string_lossy().to_string();
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(&target)
        .execute(conn)?;
    Ok(())
}

pub async fn snapshot_to(db: &Db, dest: PathBuf) -> Result<(), AppError> {
    db.run(move |c| snapshot(c, &dest)).await
}

/// `backrooms-20261202-193000.db` for Unix time `t`.
fn daily_name(t: i64) -> String {
    let secs = t.rem_euclid(86_400);
    format!(
        "{PREFIX}{}-{:02}{:02}{:02}{SUFFIX}",
        crate::text::format::date(t).replace('-', ""),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The daily backups in `dir`, oldest first (their names sort by time).
fn dailies(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with(PREFIX)
                            && n.ends_with(SUFFIX)
                            && n.len() == PREFIX.len() + 15 + SUFFIX.len()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// When the newest daily backup was taken (from its name).
fn newest_at(dir: &Path) -> Option<i64> {
    let newest = dailies(dir).pop()?;
    let name = newest.file_name()?.to_str()?;
    let stamp = &name[PREFIX.len()..PREFIX.len() + 15];
    let format = time::macros::format_description!("[year][month][day]-[hour][minute][second]");
    time::PrimitiveDateTime::parse(stamp, &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// Takes a daily backup when one is due, then deletes all but the newest
/// `keep`. Answers the new file, if one was written.
pub async fn daily(db: &Db, dir: &Path, keep: usize) -> Result<Option<PathBuf>, AppError> {
    let t = crate::server::db::now();
    let due = newest_at(dir).is_none_or(|at| t - at >= EVERY);
    let written = if due {
        std::fs::create_dir_all(dir).map_err(|e| {
            tracing::error!("cannot create the backup directory {}: {e}", dir.display());
            AppError::Internal
        })?;
        let dest = dir.join(daily_name(t));
        snapshot_to(db, dest.clone()).await?;
        Some(dest)
    } else {
        None
    };
    let all = dailies(dir);
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::warn!("could not delete the old backup {}: {e}", old.display());
        }
    }
    Ok(written)
}

/// Checks for a due daily backup now and then every hour.
pub fn start_daily(db: Db, dir: PathBuf, keep: usize) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match daily(&db, &dir, keep).await {
                Ok(Some(file)) => tracing::info!("daily backup written: {}", file.display()),
                Ok(None) => {}
                Err(e) => tracing::error!("daily backup failed: {e}"),
            }
        }
    });
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Opens `file` and checks it is a sound Backrooms database this build can
/// use; then brings it up to this build's migrations.
fn check(file: &Path) -> Result<(), String> {
    let url = file.to_string_lossy().to_string();
    let mut conn = diesel::SqliteConnection::establish(&url)
        .map_err(|e| format!("{} cannot be opened as SQLite: {e}", file.display()))?;
    let checks = diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(&mut conn)
        .map_err(|e| format!("{} is not a SQLite database: {e}", file.display()))?;
    if checks.len() != 1 || checks[0].integrity_check != "ok" {
        let first = checks
            .first()
            .map(|c| c.integrity_check.clone())
            .unwrap_or_default();
        return Err(format!("{} is damaged: {first}", file.display()));
    }
    let applied = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load::<Version>(&mut conn)
        .map_err(|_| {
            format!(
                "{} is not a Backrooms database (no migrations table).",
                file.display()
            )
        })?;
    let known: Vec<String> = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)
        .map_err(|e| e.to_string())?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    if let Some(newer) = applied.iter().find(|v| !known.contains(&v.version)) {
        return Err(format!(
            "{} was written by a newer Backrooms (migration {} is unknown here); upgrade first.",
            file.display(),
            newer.version
        ));
    }
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| format!("{} cannot be brought up to date: {e}", file.display()))?;
    conn.batch_execute("PRAGMA journal_mode = DELETE;")
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Puts backup `from` in place of the database `db_path` (with the server
/// stopped). The file is copied and checked first; only then is the current
/// database (and its WAL files) moved aside to
/// `backrooms.db.before-restore-<time>`, which is answered.
pub fn restore(db_path: &Path, from: &Path) -> Result<Option<PathBuf>, String> {
    if !from.is_file() {
        return Err(format!("{} is not a file.", from.display()));
    }
    let staged = db_path.with_extension("db.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    if let Err(e) = check(&staged) {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    let kept = if db_path.exists() {
        let t = crate::server::db::now();
        let aside = PathBuf::from(format!(
            "{}.before-restore-{}",
            db_path.display(),
            daily_name(t)
                .trim_start_matches(PREFIX)
                .trim_end_matches(SUFFIX)
        ));
        std::fs::rename(db_path, &aside)
            .map_err(|e| format!("cannot move the current database aside: {e}"))?;
        for side in ["-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{side}", db_path.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{side}", aside.display()));
                std::fs::rename(&from, &to)
                    .map_err(|e| format!("cannot move {}: {e}", from.display()))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staged, db_path)
        .map_err(|e| format!("cannot put the backup in place: {e}"))?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    #[test]
    fn daily_names_sort_by_time_and_read_back() {
        let name = super::daily_name(1_796_239_958);
        assert_eq!(name, "backrooms-20261202-193238.db");
        let dir = tempfile_dir();
        std::fs::write(dir.join(&name), b"x").unwrap();
        std::fs::write(dir.join("backrooms-20261101-000000.db"), b"x").unwrap();
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        assert_eq!(super::dailies(&dir).len(), 2);
        assert_eq!(super::newest_at(&dir), Some(1_796_239_958));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("backrooms-backup-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
