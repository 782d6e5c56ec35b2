//! One connection type for both backends: SQLite (the embedded default)
//! and PostgreSQL (several replicas on one database). Diesel's
//! `MultiConnection` runs the same query-builder code on either; the few
//! statements that differ between them match on the variant here or where
//! they are written.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::result::Error as DieselError;

/// The advisory lock key of [`Conn::immediate_transaction`] on PostgreSQL.
const WRITE_LOCK: i64 = 0x6261_636b_726f_6f6d; // "backroom"

/// A pooled connection to whichever database the server was started on.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

impl Conn {
    /// Runs `f` in a transaction that takes the write lock at once: two
    /// of them never read the same state and then both write. On SQLite
    /// `BEGIN IMMEDIATE`; on PostgreSQL one transaction-scoped advisory
    /// lock that every such transaction takes first, so they run one at a
    /// time there too (across replicas: the lock is the database's).
    pub fn immediate_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Conn) -> Result<T, E>,
        E: From<DieselError>,
    {
        match self {
            Conn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
            Conn::Pg(c) => {
                AnsiTransactionManager::begin_transaction(c)?;
                if let Err(e) =
                    c.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
                {
                    let _ = AnsiTransactionManager::rollback_transaction(c);
                    return Err(e.into());
                }
            }
        }
        match f(self) {
            Ok(value) => match <Conn as TransactionManager<Conn>>::commit_transaction(self) {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ = <Conn as TransactionManager<Conn>>::rollback_transaction(self);
                    Err(e.into())
                }
            },
            Err(e) => {
                <Conn as TransactionManager<Conn>>::rollback_transaction(self)?;
                Err(e)
            }
        }
    }

    /// The embedded database (some statements are its own).
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Conn::Sqlite(_))
    }
}

/// Runs `$body` with `$c` bound to the connection of whichever backend
/// `$conn` is: for the statements the two-backend connection cannot
/// express (upserts), written once and compiled for each.
#[macro_export]
macro_rules! each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::server::db::Conn::Sqlite($c) => $body,
            $crate::server::db::Conn::Pg($c) => $body,
        }
    };
}
