//! Rows of `threads` (table `conversations`): chat threads (and the transcript behind a backroom).

use crate::server::db::schema::threads;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub model_id: Option<i64>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
    pub pinned: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub agent_id: Option<i64>,
    pub folder_id: Option<i64>,
    pub archived: bool,
}

#[derive(Insertable)]
#[diesel(table_name = threads)]
pub struct NewThreadRow {
    pub user_id: i64,
    pub title: String,
    pub model_id: Option<i64>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
    pub pinned: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub agent_id: Option<i64>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = threads)]
pub struct ThreadChanges {
    pub title: Option<String>,
    pub model_id: Option<Option<i64>>,
    pub temperature: Option<Option<f32>>,
    pub max_tokens: Option<Option<i32>>,
    pub pinned: Option<bool>,
    pub folder_id: Option<Option<i64>>,
    pub archived: Option<bool>,
    pub updated_at: Option<i64>,
}
