//! The database pool and the one way to use it from async code: [`Db::run`].

mod conn;
pub mod rows;
pub mod schema;
pub mod vocab;

use crate::error::AppError;
pub use conn::{Conn, MultiBackend};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::Path;
use std::time::Duration;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

type ConnPool = Pool<ConnectionManager<Conn>>;

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
    /// Opens (creating if needed) the database file and applies every pending
    /// embedded migration before the server accepts a request.
    pub fn open(path: &Path) -> Result<Db, DbOpenError> {
        let url = path.to_string_lossy().to_string();
        let pool = Pool::builder()
            .max_size(8)
            // Open connections as needed, not eight at once at boot.
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(Pragmas))
            .build(ConnectionManager::<Conn>::new(&url))
            .map_err(|e| DbOpenError::Open {
                path: url.clone(),
                message: e.to_string(),
            })?;
        let mut conn = pool.get().map_err(|e| DbOpenError::Open {
            path: url.clone(),
            message: e.to_string(),
        })?;
        conn.run_pending_migrations(MIGRATIONS)
            .map_err(|e| DbOpenError::Migrate(e.to_string()))?;
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
