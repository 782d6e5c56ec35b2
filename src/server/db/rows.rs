//! Diesel row types: `NewX` to insert, `X` as read. They stay on the server;
//! the UI sees `crate::model` types.

use super::schema::{
    agents, avatars, backroom_participants, backrooms, conversations, messages, provider_models,
    providers, sessions, users,
};
use crate::model::backroom::BackroomState;
use crate::model::chat::MessageStatus;
use crate::model::{Role, UserProfile};
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

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = providers)]
pub struct Provider {
    pub id: i64,
    pub name: String,
    pub provider_sdk_id: String,
    pub api_format: String,
    pub base_url: Option<String>,
    /// nonce || ciphertext; see `server::crypto`. Redacted from `Debug`.
    pub api_key: Option<Vec<u8>>,
    pub image_url: Option<String>,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("provider_sdk_id", &self.provider_sdk_id)
            .field("has_api_key", &self.api_key.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = providers)]
pub struct NewProvider {
    pub name: String,
    pub provider_sdk_id: String,
    pub api_format: String,
    pub base_url: Option<String>,
    pub api_key: Option<Vec<u8>>,
    pub image_url: Option<String>,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `None` leaves a column alone; `Some(None)` sets it to NULL.
#[derive(AsChangeset, Default)]
#[diesel(table_name = providers)]
pub struct ProviderChanges {
    pub name: Option<String>,
    pub provider_sdk_id: Option<String>,
    pub api_format: Option<String>,
    pub base_url: Option<Option<String>>,
    pub api_key: Option<Option<Vec<u8>>>,
    pub image_url: Option<Option<String>>,
    pub is_enabled: Option<bool>,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = provider_models)]
pub struct ProviderModel {
    pub id: i64,
    pub provider_id: i64,
    pub name: String,
    pub model_sdk_id: String,
    pub is_default: bool,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ProviderModel {
    pub fn view(&self) -> crate::model::provider::ModelView {
        crate::model::provider::ModelView {
            id: self.id,
            provider_id: self.provider_id,
            name: self.name.clone(),
            model_sdk_id: self.model_sdk_id.clone(),
            is_default: self.is_default,
            is_enabled: self.is_enabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = provider_models)]
pub struct NewProviderModel {
    pub provider_id: i64,
    pub name: String,
    pub model_sdk_id: String,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = provider_models)]
pub struct ModelChanges {
    pub name: Option<String>,
    pub model_sdk_id: Option<String>,
    pub is_enabled: Option<bool>,
    pub is_default: Option<bool>,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = conversations)]
pub struct Conversation {
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
#[diesel(table_name = conversations)]
pub struct NewConversationRow {
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
#[diesel(table_name = conversations)]
pub struct ConversationChanges {
    pub title: Option<String>,
    pub model_id: Option<Option<i64>>,
    pub temperature: Option<Option<f32>>,
    pub max_tokens: Option<Option<i32>>,
    pub pinned: Option<bool>,
    pub folder_id: Option<Option<i64>>,
    pub archived: Option<bool>,
    pub updated_at: Option<i64>,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub role: String,
    pub content: String,
    pub status: MessageStatus,
    pub model_sdk_id: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub ttft_ms: Option<i32>,
    pub total_ms: Option<i32>,
    pub finish_reason: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub participant_id: Option<i64>,
    pub speaker: Option<String>,
    pub kind: String,
}

impl Message {
    pub fn view(&self) -> crate::model::chat::MessageView {
        crate::model::chat::MessageView {
            id: self.id,
            role: self.role.clone(),
            content: self.content.clone(),
            status: self.status.as_str().to_string(),
            model_sdk_id: self.model_sdk_id.clone(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            ttft_ms: self.ttft_ms,
            total_ms: self.total_ms,
            finish_reason: self.finish_reason.clone(),
            error: self.error.clone(),
            created_at: self.created_at,
            html: None,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub role: &'a str,
    pub content: &'a str,
    pub status: MessageStatus,
    pub model_sdk_id: Option<&'a str>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How a reply ended, written once by the runner.
#[derive(AsChangeset, Default)]
#[diesel(table_name = messages)]
pub struct MessageEnd {
    pub content: Option<String>,
    pub status: Option<MessageStatus>,
    pub prompt_tokens: Option<Option<i32>>,
    pub completion_tokens: Option<Option<i32>>,
    pub ttft_ms: Option<Option<i32>>,
    pub total_ms: Option<Option<i32>>,
    pub finish_reason: Option<Option<String>>,
    pub error: Option<Option<String>>,
    pub updated_at: i64,
}

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

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = backrooms)]
pub struct Backroom {
    pub id: i64,
    pub user_id: i64,
    pub conversation_id: i64,
    pub title: String,
    pub scenario: String,
    pub turn_order: String,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: String,
    pub token_budget: Option<i64>,
    pub state: BackroomState,
    pub state_reason: Option<String>,
    pub tokens_used: i64,
    pub next_participant: Option<i64>,
    pub forked_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = backrooms)]
pub struct NewBackroomRow {
    pub user_id: i64,
    pub conversation_id: i64,
    pub title: String,
    pub scenario: String,
    pub turn_order: String,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: String,
    pub token_budget: Option<i64>,
    pub state: BackroomState,
    pub forked_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = backroom_participants)]
pub struct Participant {
    pub id: i64,
    pub backroom_id: i64,
    pub position: i32,
    pub agent_id: Option<i64>,
    pub name: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
}

#[derive(Insertable)]
#[diesel(table_name = backroom_participants)]
pub struct NewParticipant {
    pub backroom_id: i64,
    pub position: i32,
    pub agent_id: Option<i64>,
    pub name: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
}

/// A backroom turn: a message with its speaker.
#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewTurn<'a> {
    pub conversation_id: i64,
    pub role: &'a str,
    pub content: &'a str,
    pub status: MessageStatus,
    pub model_sdk_id: Option<&'a str>,
    pub participant_id: Option<i64>,
    pub speaker: &'a str,
    pub kind: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A message with every stored column, as an account import writes it.
#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct FullMessage<'a> {
    pub conversation_id: i64,
    pub role: &'a str,
    pub content: &'a str,
    pub status: MessageStatus,
    pub model_sdk_id: Option<&'a str>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub ttft_ms: Option<i32>,
    pub total_ms: Option<i32>,
    pub finish_reason: Option<&'a str>,
    pub error: Option<&'a str>,
    pub created_at: i64,
    pub updated_at: i64,
    pub participant_id: Option<i64>,
    pub speaker: Option<&'a str>,
    pub kind: &'a str,
}
