//! tower-sessions records in SQLite, so a restart keeps people signed in and
//! a logout deletes the row for good.

use crate::server::db::rows::SessionRow;
use crate::server::db::{now, schema::sessions, Db};
use async_trait::async_trait;
use diesel::prelude::*;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// Key under which axum-login keeps `{"user_id", "auth_hash"}` in a record.
pub const AUTH_DATA_KEY: &str = "axum-login.data";

#[derive(Clone)]
pub struct SqliteSessionStore {
    db: Db,
}

impl std::fmt::Debug for SqliteSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteSessionStore")
    }
}

impl SqliteSessionStore {
    pub fn new(db: Db) -> Self {
        SqliteSessionStore { db }
    }
}

fn backend_err(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_row(record: &Record) -> Result<SessionRow, session_store::Error> {
    let user_id = record
        .data
        .get(AUTH_DATA_KEY)
        .and_then(|v| v.get("user_id"))
        .and_then(|v| v.as_i64());
    Ok(SessionRow {
        id: record.id.to_string(),
        user_id,
        data: serde_json::to_string(record)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expires_at: record.expiry_date.unix_timestamp(),
    })
}

#[async_trait]
impl SessionStore for SqliteSessionStore {
    /// Inserts under a fresh id, drawing again on the (astronomically rare)
    /// collision instead of overwriting someone else's session.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let row = to_row(record)?;
            let inserted = self
                .db
                .run(move |conn| {
                    Ok(crate::each_backend!(conn, |c| diesel::insert_into(
                        sessions::table
                    )
                    .values(&row)
                    .on_conflict_do_nothing()
                    .execute(c))?)
                })
                .await
                .map_err(backend_err)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = to_row(record)?;
        self.db
            .run(move |conn| {
                crate::each_backend!(conn, |c| diesel::insert_into(sessions::table)
                    .values(&row)
                    .on_conflict(sessions::id)
                    .do_update()
                    .set(&row)
                    .execute(c))?;
                Ok(())
            })
            .await
            .map_err(backend_err)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let id = id.to_string();
        let data = self
            .db
            .run(move |conn| {
                Ok(sessions::table
                    .find(id)
                    .filter(sessions::expires_at.gt(now()))
                    .select(sessions::data)
                    .first::<String>(conn)
                    .optional()?)
            })
            .await
            .map_err(backend_err)?;
        data.map(|d| {
            serde_json::from_str(&d).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let id = id.to_string();
        self.db
            .run(move |conn| {
                diesel::delete(sessions::table.find(id)).execute(conn)?;
                Ok(())
            })
            .await
            .map_err(backend_err)
    }
}

#[async_trait]
impl ExpiredDeletion for SqliteSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.db
            .run(|conn| {
                diesel::delete(sessions::table.filter(sessions::expires_at.le(now())))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(backend_err)
    }
}
