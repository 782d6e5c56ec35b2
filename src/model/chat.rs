//! Threads, messages and the live stream events.

use serde::{Deserialize, Serialize};

/// One row of the thread list. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadSummary {
    pub id: i64,
    pub title: String,
    pub model_id: Option<i64>,
    pub updated_at: i64,
    pub pinned: bool,
    pub folder_id: Option<i64>,
    pub archived: bool,
    /// Sorted, lowercase.
    pub tags: Vec<String>,
}

/// A page of the thread list: pinned first, then the most recently
/// changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadPage {
    pub items: Vec<ThreadSummary>,
    /// Pass as `before` for the next (older) page; `null` at the end.
    pub next_cursor: Option<String>,
}

/// Where a link to a thread goes: its latest message. `#latest` is the
/// anchor after the last one, so the browser scrolls there without
/// JavaScript too.
pub fn thread_link(id: i64) -> String {
    format!("/c/{id}#latest")
}

super::vocabulary::vocabulary! {
    /// Who wrote a message: the thread's system prompt, the user (or a
    /// backroom viewer) or the model. The same words go to every provider.
    pub enum Role {
        System => "system",
        User => "user",
        Assistant => "assistant",
    }
}

super::vocabulary::vocabulary! {
    /// Where a message is: a reply is `streaming` while it is written, then
    /// ends `complete`, `stopped`, `error` or (cut off by a shutdown)
    /// `interrupted`.
    pub enum MessageStatus {
        Streaming => "streaming",
        Complete => "complete",
        Stopped => "stopped",
        Error => "error",
        Interrupted => "interrupted",
    }
}

impl MessageStatus {
    /// Ended badly: its text is no turn anyone should build on.
    pub fn failed(self) -> bool {
        matches!(self, MessageStatus::Error | MessageStatus::Interrupted)
    }
}

/// A message of a thread. `created_at` is Unix seconds; the token counts
/// and timings are those of a reply, once known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub role: Role,
    /// Markdown, as written.
    pub content: String,
    pub status: MessageStatus,
    /// The model that wrote the reply, as its provider names it.
    pub model_sdk_id: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    /// Milliseconds until the reply's first text.
    pub ttft_ms: Option<i32>,
    /// Milliseconds the whole reply took.
    pub total_ms: Option<i32>,
    /// Why the reply ended, as the provider said (`stop`, `length`, ...).
    pub finish_reason: Option<String>,
    /// What went wrong, when `status` is `error`.
    pub error: Option<String>,
    pub created_at: i64,
    /// The reply rendered as safe HTML; filled for the chat page only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The message this one follows (none for the thread's first).
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// When regenerate or edit made more than one: the ids of every version
    /// of this message (those that follow the same parent), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<i64>,
    /// Not on the branch the thread shows (only in `?branches=all`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// The pictures and documents the message went out with, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::model::attachment::AttachmentView>,
    /// A reply's sources: the excerpts of long files it was given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::model::attachment::SourceView>,
}

/// A thread and its messages (those of the branch it shows, oldest first).
/// Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadView {
    pub id: i64,
    pub title: String,
    /// The model its replies use; `null` follows the agent, else the
    /// default model.
    pub model_id: Option<i64>,
    /// `null`: the agent's setting, else the provider's default.
    pub temperature: Option<f32>,
    /// `null`: the agent's setting, else the provider's default.
    pub max_tokens: Option<i32>,
    pub pinned: bool,
    pub folder_id: Option<i64>,
    pub archived: bool,
    /// Sorted, each at most 40 characters.
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The agent the thread talks to (its prompt, model and settings apply).
    pub agent_id: Option<i64>,
    pub agent: Option<crate::model::agent::AgentBadge>,
    /// The read-only link's token while the thread is shared.
    #[serde(default)]
    pub share_token: Option<String>,
    /// That link in full, to paste anywhere (`https://host/s/token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_link: Option<String>,
    pub messages: Vec<MessageView>,
    /// Older messages exist: read them with `?before=` this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older: Option<i64>,
    /// Newer messages exist past the last one here (a page further back).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub newer: bool,
}

/// What the page says once a thread is shared (the menu opens on it).
pub const SHARED_NOTICE: &str =
    "Link ready: anyone who has it can read this thread, and nothing else of yours.";

/// A page of a thread's messages, oldest first, as a reader scrolling up
/// loads them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<MessageView>,
    /// Still older messages exist: the next page reads before this id.
    pub older: Option<i64>,
}

/// `POST /api/conversations`: every field may be left out. An empty title
/// (at most 200 characters) is filled from the first message.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewThread {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub max_tokens: Option<i32>,
    /// Binds the thread to one of the caller's (or a shared) agent.
    #[serde(default)]
    pub agent_id: Option<i64>,
}

/// `PUT /api/conversations/{id}`: absent fields stay as they are.
/// `temperature` is 0 to 2, `max_tokens` 1 to 1000000.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadPatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub max_tokens: Option<i32>,
    #[serde(default)]
    pub pinned: Option<bool>,
    /// `null` takes the thread out of its folder.
    #[serde(default, deserialize_with = "super::present")]
    pub folder_id: Option<Option<i64>>,
    #[serde(default)]
    pub archived: Option<bool>,
    /// Replaces the thread's tags: at most 20, each one line of at most 40
    /// characters without commas or `#` (stored lowercase).
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// A thread as its read-only link shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedThread {
    pub title: String,
    pub created_at: i64,
    pub messages: Vec<SharedMessage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedMessage {
    pub role: Role,
    pub content: String,
    /// The files the message went out with (read through the link).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::model::attachment::AttachmentView>,
    /// The excerpts a reply was given, by file name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::model::attachment::SourceView>,
    /// Replies rendered as safe HTML (filled for the page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// `POST /api/chat/stream` and `/api/chat/complete`. The model and
/// settings, when given, are also kept as the thread's.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatSend {
    /// The thread (one of yours) the message goes into.
    #[serde(rename = "conversation_id")]
    pub thread_id: i64,
    /// The message, at most 100000 characters.
    pub content: String,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub max_tokens: Option<i32>,
    /// Ids of your uploads (`POST /api/attachments`) going out with the
    /// message, in order: at most 10; pictures only to a model that sees them.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// One event of a reply's live stream. Its sequence number (the SSE `id:`)
/// is the byte length of the reply's content once the event applies, so a
/// client that reconnects with the last number it saw gets exactly the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    Start {
        user_message_id: Option<i64>,
        assistant_message_id: i64,
    },
    Delta {
        text: String,
    },
    Usage {
        prompt_tokens: u32,
        completion_tokens: u32,
    },
    Done {
        status: MessageStatus,
        finish_reason: Option<String>,
    },
    Error {
        message: String,
    },
}

impl StreamEvent {
    /// `done` and `error` end a stream.
    pub fn is_terminal(&self) -> bool {
        matches!(self, StreamEvent::Done { .. } | StreamEvent::Error { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub seq: u64,
    #[serde(flatten)]
    pub event: StreamEvent,
}

/// One line of the chat page's own stream (`follow_reply`): what the page
/// needs of a `Frame`, externally tagged with positional fields, which keeps
/// the browser's code to read it small (the tagged, flattened `Frame` is for
/// the public SSE API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReplyLine {
    /// Sequence number reached, text.
    Delta(u64, String),
    /// While a reply is written: its text from byte `.0` to byte `.1` is
    /// complete markdown, rendered as `.2` (from byte 0 again after a
    /// reconnect).
    Block(u64, u64, String),
    /// Status.
    Done(MessageStatus),
    /// Message.
    Error(String),
}

impl ReplyLine {
    /// `start` and `usage` mean nothing to the page. Takes the frame, so a
    /// delta's text moves into the line instead of being copied.
    pub fn of(frame: Frame) -> Option<ReplyLine> {
        match frame.event {
            StreamEvent::Delta { text } => Some(ReplyLine::Delta(frame.seq, text)),
            StreamEvent::Done { status, .. } => Some(ReplyLine::Done(status)),
            StreamEvent::Error { message } => Some(ReplyLine::Error(message)),
            StreamEvent::Start { .. } | StreamEvent::Usage { .. } => None,
        }
    }
}

/// The ids a send created: its thread, the user's message (none for a
/// regenerate) and the reply being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    #[serde(rename = "conversation_id")]
    pub thread_id: i64,
    pub user_message_id: Option<i64>,
    pub assistant_message_id: i64,
}

/// `POST /api/chat/complete`: both messages once the reply ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompleteReply {
    pub user_message: MessageView,
    pub assistant_message: MessageView,
}
