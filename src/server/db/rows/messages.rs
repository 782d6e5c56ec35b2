//! Rows of `messages`: read, inserted as a chat message, a backroom turn or
//! an imported message, and finished by the runner.

use crate::model::backroom::TurnKind;
use crate::model::chat::{MessageStatus, Role};
use crate::server::db::schema::messages;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub thread_id: i64,
    pub role: Role,
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
    pub kind: TurnKind,
    /// The message this one follows (none for a thread's first).
    pub parent_id: Option<i64>,
    /// On the branch the thread shows (else an older version).
    pub on_path: bool,
}

impl Message {
    pub fn view(&self) -> crate::model::chat::MessageView {
        crate::model::chat::MessageView {
            id: self.id,
            role: self.role,
            content: self.content.clone(),
            status: self.status,
            model_sdk_id: self.model_sdk_id.clone(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            ttft_ms: self.ttft_ms,
            total_ms: self.total_ms,
            finish_reason: self.finish_reason.clone(),
            error: self.error.clone(),
            created_at: self.created_at,
            html: None,
            parent_id: self.parent_id,
            versions: Vec::new(),
            attachments: Vec::new(),
            sources: Vec::new(),
            hidden: !self.on_path,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub role: Role,
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

/// A backroom turn: a message with its speaker.
#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewTurn<'a> {
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub role: Role,
    pub content: &'a str,
    pub status: MessageStatus,
    pub model_sdk_id: Option<&'a str>,
    pub participant_id: Option<i64>,
    pub speaker: &'a str,
    pub kind: TurnKind,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A message with every stored column, as an account import writes it.
#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct FullMessage<'a> {
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub on_path: bool,
    pub role: Role,
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
    pub kind: TurnKind,
}
