//! Rows of `users` and `sessions`: accounts and their login sessions.

use crate::model::{Role, UserProfile};
use crate::server::db::schema::{sessions, users};
use diesel::prelude::*;

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// Never serialised, never logged: this type has no `Serialize` and a
    /// redacting `Debug`.
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_active_at: Option<i64>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::User)
    }

    pub fn profile(&self) -> UserProfile {
        UserProfile {
            id: self.id,
            username: self.username.clone(),
            role: self.role(),
            created_at: self.created_at,
            must_change_password: self.must_change_password,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sessions)]
#[diesel(treat_none_as_null = true)]
pub struct SessionRow {
    pub id: String,
    pub user_id: Option<i64>,
    pub data: String,
    pub expires_at: i64,
}
