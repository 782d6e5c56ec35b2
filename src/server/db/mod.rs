//! The database pool and the one way to use it from async code: [`Db::run`].

mod conn;
pub mod rows;
pub mod schema;
pub mod sql;
pub mod vocab;

use crate::error::AppError;
pub use conn::{Conn, MultiBackend};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::PathBuf;
use std::time::Duration;

/// SQLite's migrations.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
/// PostgreSQL's: the same schema in its own SQL.
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations-postgres");

/// Where the data is.
#[derive(Clone)]
pub enum Target {
    /// A SQLite file (the default, under the data dir).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Target {
    /// Named for messages: a path, or PostgreSQL's host, port and database
    /// without user or password.
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(path) => path.display().to_string(),
            Target::Postgres(url) => {
                let rest = url.split_once("://").map_or("", |(_, r)| r);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
                let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
                format!("PostgreSQL at {rest}")
            }
        }
    }
}

/// Opens pooled connections to the target's own backend (Diesel's
/// `MultiConnection::establish` would try SQLite first with any URL, and
/// hide why PostgreSQL refused).
struct Manager(Target);

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        match &self.0 {
            Target::Sqlite(path) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(Conn::Sqlite)
            }
            Target::Postgres(url) => PgConnection::establish(url).map(Conn::Pg),
        }
        .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.is_broken()
    }
}

type ConnPool = Pool<Manager>;

/// Cheap to clone; every clone shares the pool.
#[derive(Clone)]
pub struct Db {
    pool: ConnPool,
}

/// Applied to every pooled connection when it is opened.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        if !conn.is_sqlite() {
            return Ok(());
        }
        // busy_timeout first: the statements after it may wait for a lock.
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000;
             PRAGMA journal_mode = WAL;
             PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("cannot open the database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database migrations failed: {0}")]
    Migrate(String),
}

impl Db {
    /// Opens (creating if needed) the database and applies every pending
    /// embedded migration of its backend before the server accepts a
    /// request.
    pub fn open(target: &Target) -> Result<Db, DbOpenError> {
        let url = target.describe();
        let pool = Pool::builder()
            .max_size(8)
            // Open connections as needed, not eight at once at boot.
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(Pragmas))
            .build(Manager(target.clone()))
            .map_err(|e| DbOpenError::Open {
                path: url.clone(),
                message: e.to_string(),
            })?;
        let mut conn = pool.get().map_err(|e| DbOpenError::Open {
            path: url.clone(),
            message: e.to_string(),
        })?;
        let migrations = match target {
            Target::Sqlite(_) => MIGRATIONS,
            Target::Postgres(_) => PG_MIGRATIONS,
        };
        // Replicas starting together migrate one at a time.
        let lock = |conn: &mut Conn, sql: &str| match conn {
            Conn::Pg(c) => c.batch_execute(sql),
            Conn::Sqlite(_) => Ok(()),
        };
        lock(&mut conn, "SELECT pg_advisory_lock(7531)")
            .map_err(|e| DbOpenError::Migrate(e.to_string()))?;
        let migrated = conn
            .run_pending_migrations(migrations)
            .map(|_| ())
            .map_err(|e| DbOpenError::Migrate(e.to_string()));
        lock(&mut conn, "SELECT pg_advisory_unlock(7531)")
            .map_err(|e| DbOpenError::Migrate(e.to_string()))?;
        migrated?;
        Ok(Db { pool: pool.clone() })
    }

    /// Runs synchronous Diesel code on a blocking thread: the async runtime
    /// never waits on SQLite, and the connection goes back to the pool before
    /// the caller's next `.await`.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

/// Every column of `T`'s row, for `RETURNING`: the columns themselves
/// rather than `T::as_returning()`, which the two-backend connection
/// cannot hand down to either backend.
pub fn all<T: diesel::Selectable<MultiBackend>>() -> T::SelectExpression {
    T::construct_selection()
}

/// Seconds since the Unix epoch: every timestamp column uses this.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
