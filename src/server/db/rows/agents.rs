//! Rows of `agents` and `avatars`: agents and their uploaded avatar images.

use crate::server::db::schema::{agents, avatars};
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = agents)]
pub struct Agent {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub description: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub model_lost: bool,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
    pub shared: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Agent {
    /// What pages show for the avatar: the image's URL, else the emoji.
    pub fn avatar_display(&self) -> String {
        match &self.avatar_image {
            Some(id) => crate::model::agent::avatar_url(id),
            None => self.avatar.clone(),
        }
    }

    pub fn badge(&self) -> crate::model::agent::AgentBadge {
        crate::model::agent::AgentBadge {
            id: self.id,
            name: self.name.clone(),
            avatar: self.avatar_display(),
            color: self.color.clone(),
        }
    }
}

/// Every column a user sets (insert and full update alike).
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = agents, treat_none_as_null = true)]
pub struct AgentFields {
    pub name: String,
    pub description: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub model_lost: bool,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
    pub shared: bool,
}

#[derive(Insertable)]
#[diesel(table_name = avatars)]
pub struct NewAvatar<'a> {
    pub id: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
    pub created_at: i64,
}
