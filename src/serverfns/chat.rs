//! Server functions of the chat page. Sending starts the reply on the
//! server and returns at once; `follow_reply` streams its events as
//! newline-framed JSON (`Frame`s, each with its sequence number) so the
//! page can resume exactly where a dropped connection left off.

use crate::error::AppError;
use crate::model::chat::{ThreadPage, ThreadView};
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

pub use crate::model::chat::Sent;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::server::actions::{chat, search, threads};
    pub use crate::serverfns::support::{caller, json_lines, plain_form as from_plain_form};
}

/// The thread's latest messages (or those before message `before`, or
/// around message `at`) with each finished reply rendered as safe HTML.
#[server(prefix = "/fn", endpoint = "chat/conversation")]
pub async fn load_thread(
    id: i64,
    before: Option<i64>,
    at: Option<i64>,
) -> Result<ThreadView, AppError> {
    use support::chat::Anchor;
    let (state, caller) = support::caller().await?;
    let anchor = match (at, before) {
        (Some(m), _) => Anchor::At(m),
        (None, Some(b)) => Anchor::Before(b),
        (None, None) => Anchor::Latest,
    };
    let mut view = support::chat::rendered_thread(&state, &caller, id, anchor).await?;
    if view.share_token.is_some() {
        let headers: axum::http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        crate::server::site::fill_share_link(&mut view, &state.config, &headers);
    }
    Ok(view)
}

/// The page of messages before message `before`, as the reader scrolls up.
#[server(prefix = "/fn", endpoint = "chat/older")]
pub async fn older_messages(
    thread_id: i64,
    before: i64,
) -> Result<crate::model::chat::MessagePage, AppError> {
    let (state, caller) = support::caller().await?;
    support::chat::older_messages(&state, &caller, thread_id, before).await
}

/// A finished reply as safe HTML (the island asks once a stream ends).
#[server(prefix = "/fn", endpoint = "chat/rendered")]
pub async fn rendered_reply(message_id: i64) -> Result<crate::model::chat::MessageView, AppError> {
    let (state, caller) = support::caller().await?;
    support::chat::rendered(&state, &caller, message_id).await
}

#[server(prefix = "/fn", endpoint = "chat/threads")]
pub async fn list_threads(before: Option<String>) -> Result<ThreadPage, AppError> {
    use crate::server::services::threads::Filter;
    let (state, caller) = support::caller().await?;
    let outside_folders = Filter {
        folder: Some(None),
        ..Default::default()
    };
    support::threads::list(&state, &caller, Some(30), before, outside_folders).await
}

/// Sends a message from the composer's island. `thread_id` absent starts
/// a new thread. (Without JavaScript the composer posts its multipart form
/// to `/chat/send`, `server::forms::composer`, which calls the same action.)
#[server(prefix = "/fn", endpoint = "chat/send")]
pub async fn send_message(
    thread_id: Option<i64>,
    content: String,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
    agent_id: Option<i64>,
    attachments: Option<String>,
) -> Result<Sent, AppError> {
    use crate::model::chat::ChatSend;
    let (state, caller) = support::caller().await?;
    // The composer's uploads, as a comma-separated list of ids.
    let attachments =
        crate::server::services::attachments::ids_of(&attachments.unwrap_or_default())?;
    let send = ChatSend {
        thread_id: 0,
        content,
        model_id,
        temperature,
        // The slider's 0 means "the model's default".
        max_tokens: max_tokens.filter(|n| *n > 0),
        attachments,
    };
    support::chat::send_from_composer(&state, &caller, thread_id, agent_id, send).await
}

/// The reply's text after byte `after` and its finished markdown blocks,
/// one JSON `ReplyLine` per line.
#[server(prefix = "/fn", endpoint = "chat/follow", output = StreamingText)]
pub async fn follow_reply(message_id: i64, after: u64) -> Result<TextStream<AppError>, AppError> {
    let (state, caller) = support::caller().await?;
    let lines = support::chat::follow_page(&state, &caller, message_id, after).await?;
    Ok(support::json_lines(lines, Some))
}

#[server(prefix = "/fn", endpoint = "chat/stop")]
pub async fn stop_reply(message_id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    support::chat::stop(&state, &caller, message_id).await
}

/// Replaces a reply with a fresh one; returns the new reply's id.
#[server(prefix = "/fn", endpoint = "chat/regenerate")]
pub async fn regenerate_reply(message_id: i64) -> Result<i64, AppError> {
    let (state, caller) = support::caller().await?;
    let sent = support::chat::regenerate(&state, &caller, message_id).await?;
    Ok(sent.assistant_message_id)
}

/// "‹ 2/3 ›": shows version `id` of a message of thread `thread`; answers
/// the thread as the page shows it (none to a plain form, which is sent
/// back to that message).
#[server(prefix = "/fn", endpoint = "chat/version")]
pub async fn show_version(id: i64, thread: i64) -> Result<Option<ThreadView>, AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::chat::select_version(&state, &caller, id).await;
    if support::from_plain_form().await {
        match result {
            Ok(v) => leptos_axum::redirect(&format!("/c/{}?at={id}#m-{id}", v.id)),
            Err(e) => crate::server::flash::redirect(
                &format!("/c/{thread}"),
                crate::model::Flash::error("thread", e.field(), e.message()),
            ),
        }
        return Ok(None);
    }
    result.map(Some)
}

/// Saves the thread's model, temperature and max tokens.
#[server(prefix = "/fn", endpoint = "chat/settings")]
pub async fn save_thread_settings(
    id: i64,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
) -> Result<(), AppError> {
    use crate::model::chat::ThreadPatch;
    let (state, caller) = support::caller().await?;
    let patch = ThreadPatch {
        model_id,
        temperature,
        max_tokens,
        ..Default::default()
    };
    support::threads::update(&state, &caller, id, patch)
        .await
        .map(|_| ())
}

/// "Edit & resend": replaces the message and what followed it.
#[server(prefix = "/fn", endpoint = "chat/edit")]
pub async fn edit_and_resend(message_id: i64, content: String) -> Result<Sent, AppError> {
    let (state, caller) = support::caller().await?;
    support::chat::edit(&state, &caller, message_id, content).await
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
    use crate::model::chat::ThreadPatch;
    use support::threads;
    let (state, caller) = support::caller().await?;
    let result = match action.as_str() {
        "rename" | "pin" | "unpin" | "move" | "tags" | "archive" | "restore" => {
            let p = ThreadPatch {
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
            threads::update(&state, &caller, id, p)
                .await
                .map(|_| format!("/c/{id}"))
        }
        "delete" => threads::delete(&state, &caller, id)
            .await
            .map(|()| "/?new=1".to_string()),
        "share" => {
            let shared = threads::share(&state, &caller, id).await;
            if shared.is_ok() {
                // The menu opens on the link, with this to confirm it.
                crate::server::flash::redirect(
                    &format!("/c/{id}#share"),
                    crate::model::Flash::notice(crate::model::chat::SHARED_NOTICE),
                );
                return Ok(());
            }
            shared.map(|_| String::new())
        }
        "unshare" => threads::unshare(&state, &caller, id)
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
    let state = crate::serverfns::account::state()?;
    support::chat::shared(&state, token).await
}

/// Full-text search over the user's own threads.
#[server(prefix = "/fn", endpoint = "chat/search")]
pub async fn search_threads(
    q: String,
    offset: i64,
) -> Result<crate::model::search::SearchPage, AppError> {
    let (state, caller) = support::caller().await?;
    support::search::search(&state, &caller, q, offset).await
}
