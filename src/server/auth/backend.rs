//! The axum-login backend: how a session's user id becomes a `User`.

use super::password;
use crate::error::AppError;
use crate::server::db::{rows::User, Db};
use crate::server::services::users;
use axum_login::{AuthUser, AuthnBackend, UserId};

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Sessions remember this; a changed password no longer matches, so every
    /// session opened with the old password stops working.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Clone)]
pub struct Backend {
    db: Db,
}

impl Backend {
    pub fn new(db: Db) -> Self {
        Backend { db }
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = AppError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, AppError> {
        let username = creds.username.clone();
        let user = self
            .db
            .run(move |conn| users::find_by_username(conn, &username))
            .await?;
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        let ok = password::verify(creds.password, stored).await?;
        Ok(user.filter(|_| ok))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, AppError> {
        let id = *id;
        // A disabled account's sessions are worth nothing, from the very
        // next request on.
        let user = self.db.run(move |conn| users::find_by_id(conn, id)).await?;
        Ok(user.filter(|u| !u.disabled))
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;
