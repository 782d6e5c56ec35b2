//! Server functions of the chat page. Sending starts the reply on the
//! server and returns at once; `follow_reply` streams its events as
//! newline-framed JSON (`Frame`s, each with its sequence number) so the
//! page can resume exactly where a dropped connection left off.

use crate::error::AppError;
use crate::model::chat::{ConversationPage, ConversationView};
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use serde::{Deserialize, Serialize};

/// The ids a send created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub conversation_id: i64,
    pub user_message_id: Option<i64>,
    pub assistant_message_id: i64,
}

#[cfg(feature = "ssr")]
mod support {
    pub use crate::serverfns::support::{caller, plain_form as from_plain_form};
}

/// The thread with each finished reply rendered as safe HTML.
#[server(prefix = "/fn", endpoint = "chat/conversation")]
pub async fn load_conversation(id: i64) -> Result<ConversationView, AppError> {
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let mut view = state
        .db
        .run(move |c| conversations::get(c, uid, id))
        .await?;
    for m in &mut view.messages {
        if m.role == "assistant" && m.status != "streaming" {
            m.html = Some(crate::text::markdown::to_html(&m.content));
        }
    }
    Ok(view)
}

/// A finished reply as safe HTML (the island asks once a stream ends).
#[server(prefix = "/fn", endpoint = "chat/rendered")]
pub async fn rendered_reply(message_id: i64) -> Result<String, AppError> {
    use crate::server::services::messages;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let msg = state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    Ok(crate::text::markdown::to_html(&msg.content))
}

#[server(prefix = "/fn", endpoint = "chat/threads")]
pub async fn list_threads(before: Option<String>) -> Result<ConversationPage, AppError> {
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state
        .db
        .run(move |c| {
            conversations::list(
                c,
                uid,
                Some(30),
                before.as_deref(),
                &conversations::Filter {
                    folder: Some(None),
                    ..Default::default()
                },
            )
        })
        .await
}

/// Sends a message. `conversation_id` absent starts a new thread. From a
/// plain form (no JavaScript) it answers with a redirect to the thread.
#[server(prefix = "/fn", endpoint = "chat/send")]
pub async fn send_message(
    conversation_id: Option<i64>,
    content: String,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
    agent_id: Option<i64>,
) -> Result<Sent, AppError> {
    use crate::model::chat::{ChatSend, NewConversation};
    use crate::server::services::conversations;
    // The slider's 0 means "the model's default".
    let max_tokens = max_tokens.filter(|n| *n > 0);
    let back = match (conversation_id, agent_id) {
        (Some(id), _) => format!("/c/{id}"),
        (None, Some(agent)) => format!("/?new=1&agent={agent}"),
        (None, None) => "/?new=1".to_string(),
    };
    let plain = support::from_plain_form().await;
    let typed = content.clone();
    let result = async move {
        let (state, caller) = support::caller().await?;
        let uid = caller.id;
        let conversation_id = match conversation_id {
            Some(id) => id,
            None => {
                state
                    .db
                    .run(move |c| {
                        conversations::create(
                            c,
                            uid,
                            &NewConversation {
                                model_id,
                                agent_id,
                                ..Default::default()
                            },
                        )
                    })
                    .await?
                    .id
            }
        };
        let send = ChatSend {
            conversation_id,
            content,
            model_id,
            temperature,
            max_tokens,
        };
        let turn = state
            .db
            .run(move |c| conversations::begin_turn(c, uid, &send))
            .await?;
        let sent = Sent {
            conversation_id,
            user_message_id: turn.user_message_id,
            assistant_message_id: turn.assistant_message_id,
        };
        crate::server::engine::start_or_fail(&state, turn).await?;
        Ok::<Sent, AppError>(sent)
    }
    .await;
    if plain {
        // Without JavaScript: go to the thread, or back with the error and
        // the typed message kept.
        match &result {
            Ok(sent) => leptos_axum::redirect(&format!("/c/{}", sent.conversation_id)),
            Err(e) => {
                let message = e.message().to_string();
                crate::server::flash::redirect(
                    &back,
                    crate::model::Flash::error("composer", None, message)
                        .with_values(&[("content", &typed)]),
                );
                return Ok(Sent {
                    conversation_id: conversation_id.unwrap_or_default(),
                    user_message_id: None,
                    assistant_message_id: 0,
                });
            }
        }
    }
    result
}

/// The reply's events after byte `after`, one JSON `ReplyLine` per line.
#[server(prefix = "/fn", endpoint = "chat/follow", output = StreamingText)]
pub async fn follow_reply(message_id: i64, after: u64) -> Result<TextStream<AppError>, AppError> {
    use crate::server::services::messages;
    use futures::StreamExt;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    let frames = crate::server::engine::follow(&state, message_id, after as usize).await?;
    let lines = frames.filter_map(|f| async move {
        let mut line = serde_json::to_string(&crate::model::chat::ReplyLine::of(f)?).ok()?;
        line.push('\n');
        Some(Ok::<String, AppError>(line))
    });
    Ok(TextStream::new(lines))
}

#[server(prefix = "/fn", endpoint = "chat/stop")]
pub async fn stop_reply(message_id: i64) -> Result<(), AppError> {
    use crate::server::services::messages;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    crate::server::engine::stop(&state, message_id);
    Ok(())
}

/// Replaces a reply with a fresh one; returns the new reply's id.
#[server(prefix = "/fn", endpoint = "chat/regenerate")]
pub async fn regenerate_reply(message_id: i64) -> Result<i64, AppError> {
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let turn = state
        .db
        .run(move |c| conversations::begin_regenerate(c, uid, message_id))
        .await?;
    let id = turn.assistant_message_id;
    crate::server::engine::start_or_fail(&state, turn).await?;
    Ok(id)
}

/// Saves the thread's model, temperature and max tokens.
#[server(prefix = "/fn", endpoint = "chat/settings")]
pub async fn save_thread_settings(
    id: i64,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
) -> Result<(), AppError> {
    use crate::model::chat::ConversationPatch;
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let patch = ConversationPatch {
        model_id,
        temperature,
        max_tokens,
        ..Default::default()
    };
    state
        .db
        .run(move |c| conversations::update(c, uid, id, &patch))
        .await
        .map(|_| ())
}

/// "Edit & resend": replaces the message and what followed it.
#[server(prefix = "/fn", endpoint = "chat/edit")]
pub async fn edit_and_resend(message_id: i64, content: String) -> Result<Sent, AppError> {
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let turn = state
        .db
        .run(move |c| conversations::begin_edit(c, uid, message_id, &content))
        .await?;
    let sent = Sent {
        conversation_id: turn.conversation_id,
        user_message_id: turn.user_message_id,
        assistant_message_id: turn.assistant_message_id,
    };
    crate::server::engine::start_or_fail(&state, turn).await?;
    Ok(sent)
}

/// Rename, pin/unpin, move to a folder, tag, archive/restore,
/// share/unshare or delete a thread from its page (plain forms).
#[server(prefix = "/fn", endpoint = "chat/thread")]
pub async fn manage_thread(
    id: i64,
    action: String,
    title: Option<String>,
    folder_id: Option<String>,
    tags: Option<String>,
) -> Result<(), AppError> {
    use crate::error::AppError;
    use crate::model::chat::ConversationPatch;
    use crate::server::services::conversations;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let result = match action.as_str() {
        "rename" | "pin" | "unpin" | "move" | "tags" | "archive" | "restore" => {
            let p = ConversationPatch {
                title: (action == "rename").then(|| title.clone().unwrap_or_default()),
                pinned: match action.as_str() {
                    "pin" => Some(true),
                    "unpin" => Some(false),
                    _ => None,
                },
                // The select's "" is "no folder"; anything else must be an id.
                folder_id: (action == "move").then(|| {
                    folder_id
                        .as_deref()
                        .filter(|f| !f.is_empty())
                        .map(|f| f.parse::<i64>().unwrap_or(-1))
                }),
                tags: (action == "tags").then(|| {
                    tags.as_deref()
                        .unwrap_or("")
                        .split(',')
                        .map(str::to_string)
                        .collect()
                }),
                archived: match action.as_str() {
                    "archive" => Some(true),
                    "restore" => Some(false),
                    _ => None,
                },
                ..Default::default()
            };
            state
                .db
                .run(move |c| conversations::update(c, uid, id, &p))
                .await
                .map(|_| format!("/c/{id}"))
        }
        "delete" => {
            let r = state
                .db
                .run(move |c| conversations::delete(c, uid, id))
                .await;
            if r.is_ok() {
                if let Some(live) = state.hub.in_conversation(id) {
                    crate::server::engine::stop(&state, live.message_id);
                }
            }
            r.map(|()| "/?new=1".to_string())
        }
        "share" => state
            .db
            .run(move |c| crate::server::services::shares::share(c, uid, id))
            .await
            .map(|_| format!("/c/{id}")),
        "unshare" => state
            .db
            .run(move |c| crate::server::services::shares::revoke(c, uid, id))
            .await
            .map(|()| format!("/c/{id}")),
        _ => Err(AppError::bad_request("Unknown action.")),
    };
    match result {
        Ok(to) => leptos_axum::redirect(&to),
        Err(e) => crate::server::flash::redirect(
            &format!("/c/{id}"),
            crate::model::Flash::error("thread", e.field(), e.message()),
        ),
    }
    Ok(())
}

/// A shared thread, for anyone with its link (no account needed).
#[server(prefix = "/fn", endpoint = "chat/shared")]
pub async fn load_shared(token: String) -> Result<crate::model::chat::SharedThread, AppError> {
    use crate::server::services::shares;
    let state = crate::serverfns::account::state()?;
    let mut thread = state.db.run(move |c| shares::shared(c, &token)).await?;
    for m in &mut thread.messages {
        if m.role == "assistant" {
            m.html = Some(crate::text::markdown::to_html(&m.content));
        }
    }
    Ok(thread)
}

/// Full-text search over the user's own threads.
#[server(prefix = "/fn", endpoint = "chat/search")]
pub async fn search_threads(
    q: String,
    offset: i64,
) -> Result<crate::model::search::SearchPage, AppError> {
    use crate::server::services::search;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state
        .db
        .run(move |c| search::search(c, uid, &q, offset))
        .await
}
