//! Chat actions: send a message, regenerate or edit, follow a reply's
//! events, stop it. Each begins the turn in the database and then starts
//! the engine, so no door can do one without the other.

use crate::error::AppError;
use crate::model::chat::{
    ChatSend, CompleteReply, Frame, MessagePage, MessageStatus, MessageView, NewThread, ReplyLine,
    Role, Sent, SharedThread, StreamEvent, ThreadView,
};
use crate::server::auth::caller::Caller;
use crate::server::engine;
use crate::server::quotas::Permit;
use crate::server::services::threads::{self, Branches, Turn, Window};
use crate::server::services::{messages, shares};
use crate::server::state::AppState;
use crate::text::{markdown, markdown_blocks};
use futures::stream::{BoxStream, StreamExt};

/// A message into a thread the caller has (`send.thread_id`).
pub async fn send(state: &AppState, caller: &Caller, send: ChatSend) -> Result<Sent, AppError> {
    let uid = caller.id;
    let permit = state.quotas.admit(&state.db, uid).await?;
    let turn = state
        .db
        .run(move |c| threads::begin_turn(c, uid, &send))
        .await?;
    start(state, turn, permit).await
}

/// The composer's send: into `thread_id`, or into a new thread with
/// the picked model and agent when there is none yet (the thread id in
/// `send` is set here).
pub async fn send_from_composer(
    state: &AppState,
    caller: &Caller,
    thread_id: Option<i64>,
    agent_id: Option<i64>,
    mut send: ChatSend,
) -> Result<Sent, AppError> {
    if let Some(id) = thread_id {
        send.thread_id = id;
        return self::send(state, caller, send).await;
    }
    let new = NewThread {
        model_id: send.model_id,
        agent_id,
        ..Default::default()
    };
    let id = super::threads::create(state, caller, new).await?.id;
    send.thread_id = id;
    let sent = self::send(state, caller, send).await;
    if sent.is_err() {
        // A refused first message leaves no empty thread behind; the
        // answer stays why it was refused.
        if let Err(e) = super::threads::delete(state, caller, id).await {
            tracing::warn!(thread.id = id, "could not remove an empty thread: {e}");
        }
    }
    sent
}

/// A fresh reply in place of `message_id` (the caller's reply).
pub async fn regenerate(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
) -> Result<Sent, AppError> {
    let uid = caller.id;
    let permit = state.quotas.admit(&state.db, uid).await?;
    let turn = state
        .db
        .run(move |c| threads::begin_regenerate(c, uid, message_id))
        .await?;
    start(state, turn, permit).await
}

/// "Edit & resend": the user's message `message_id` gets new text and a
/// new reply.
pub async fn edit(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
    content: String,
) -> Result<Sent, AppError> {
    let uid = caller.id;
    let permit = state.quotas.admit(&state.db, uid).await?;
    let turn = state
        .db
        .run(move |c| threads::begin_edit(c, uid, message_id, &content))
        .await?;
    start(state, turn, permit).await
}

/// The turn is stored: hand it to the engine (a failure to start is
/// written to the reply and answered). The quota permit is held until the
/// reply ends.
async fn start(state: &AppState, turn: Turn, permit: Permit) -> Result<Sent, AppError> {
    let sent = Sent {
        thread_id: turn.thread_id,
        user_message_id: turn.user_message_id,
        assistant_message_id: turn.assistant_message_id,
    };
    // Held before the start: a reply may end before `start` returns.
    state.quotas.hold(sent.assistant_message_id, permit);
    if let Err(e) = engine::start_or_fail(state, turn).await {
        state.quotas.release(sent.assistant_message_id);
        return Err(e);
    }
    Ok(sent)
}

/// A reply's frames after byte `after`: what was missed, then live until
/// it ends. Someone else's message is 404.
pub async fn follow(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
    after: u64,
) -> Result<BoxStream<'static, Frame>, AppError> {
    let uid = caller.id;
    state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    engine::follow(state, message_id, after as usize).await
}

/// The chat page's view of a reply being written: the text after byte
/// `after`, and, as they complete, its markdown blocks rendered (from the
/// first byte, so a page that reconnects has them all).
pub async fn follow_page(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
    after: u64,
) -> Result<BoxStream<'static, ReplyLine>, AppError> {
    let frames = follow(state, caller, message_id, 0).await?;
    let mut blocks = markdown_blocks::Blocks::default();
    Ok(frames
        .flat_map(move |frame| {
            let mut lines = Vec::new();
            if let StreamEvent::Delta { text } = &frame.event {
                let start = frame.seq.saturating_sub(text.len() as u64);
                if let Some((span, html)) = blocks.push(text) {
                    lines.push(ReplyLine::Block(span.start as u64, span.end as u64, html));
                }
                if frame.seq > after {
                    // Only what the page has not seen; nothing if `after`
                    // is not a character boundary of this text.
                    let skip = after.saturating_sub(start) as usize;
                    if let Some(rest) = text.get(skip..) {
                        lines.push(ReplyLine::Delta(frame.seq, rest.to_string()));
                    }
                }
            } else {
                lines.extend(ReplyLine::of(frame));
            }
            futures::stream::iter(lines)
        })
        .boxed())
}

/// What a streaming send answers: a `start` frame with the new ids, then
/// the reply's frames from its first byte.
pub async fn follow_sent(
    state: &AppState,
    sent: Sent,
) -> Result<BoxStream<'static, Frame>, AppError> {
    let start = Frame {
        seq: 0,
        event: StreamEvent::Start {
            user_message_id: sent.user_message_id,
            assistant_message_id: sent.assistant_message_id,
        },
    };
    let rest = engine::follow(state, sent.assistant_message_id, 0).await?;
    Ok(futures::stream::once(async move { start })
        .chain(rest)
        .boxed())
}

/// Sends and waits for the reply to end: both messages as stored.
pub async fn complete(
    state: &AppState,
    caller: &Caller,
    send: ChatSend,
) -> Result<CompleteReply, AppError> {
    let sent = self::send(state, caller, send).await?;
    let reply_id = sent.assistant_message_id;
    let mut frames = engine::follow(state, reply_id, 0).await?;
    while let Some(f) = frames.next().await {
        if f.event.is_terminal() {
            break;
        }
    }
    let user_id = sent.user_message_id.unwrap_or_default();
    state
        .db
        .run(move |c| {
            let mut user_message = messages::get(c, user_id)?.view();
            user_message.attachments =
                crate::server::services::attachments::of_messages(c, &[user_id])?
                    .remove(&user_id)
                    .unwrap_or_default();
            let mut assistant_message = messages::get(c, reply_id)?.view();
            assistant_message.sources =
                crate::server::services::attachments::sources_of(c, &[reply_id])?
                    .remove(&reply_id)
                    .unwrap_or_default();
            Ok(CompleteReply {
                user_message,
                assistant_message,
            })
        })
        .await
}

/// Stops the caller's reply `message_id` if it is still being written.
pub async fn stop(state: &AppState, caller: &Caller, message_id: i64) -> Result<(), AppError> {
    let uid = caller.id;
    state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    engine::stop(state, message_id);
    Ok(())
}

/// A finished reply of the caller's as safe HTML.
pub async fn rendered(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
) -> Result<MessageView, AppError> {
    let uid = caller.id;
    let msg = state
        .db
        .run(move |c| messages::owned(c, uid, message_id))
        .await?;
    let mut view = msg.view();
    view.html = Some(markdown::to_html(&msg.content));
    Ok(view)
}

/// Which page of a thread the chat page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Its latest messages.
    Latest,
    /// Those before message `.0` (reading back without JavaScript).
    Before(i64),
    /// Those around message `.0` (a search hit).
    At(i64),
}

/// A page of the thread's messages, each finished reply rendered as safe
/// HTML.
pub async fn rendered_thread(
    state: &AppState,
    caller: &Caller,
    id: i64,
    anchor: Anchor,
) -> Result<ThreadView, AppError> {
    let mut view = match anchor {
        Anchor::Latest => {
            super::threads::get_with(state, caller, id, Branches::Shown, Window::latest()).await?
        }
        Anchor::Before(b) => {
            super::threads::get_with(state, caller, id, Branches::Shown, Window::older(b)).await?
        }
        Anchor::At(at) => {
            super::as_caller(state, caller, move |c, uid| {
                threads::get_around(c, uid, id, at)
            })
            .await?
        }
    };
    render(&mut view);
    Ok(view)
}

/// The page of messages before message `before`, rendered, as the reader
/// scrolls up.
pub async fn older_messages(
    state: &AppState,
    caller: &Caller,
    id: i64,
    before: i64,
) -> Result<MessagePage, AppError> {
    let view = rendered_thread(state, caller, id, Anchor::Before(before)).await?;
    Ok(MessagePage {
        messages: view.messages,
        older: view.older,
    })
}

/// "‹ 2/3 ›" on the page: shows that version of a message; answers the
/// thread with the messages from that version on, rendered.
pub async fn select_version(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
) -> Result<ThreadView, AppError> {
    let mut view =
        super::threads::select_version(state, caller, message_id, super::threads::Answer::Onward)
            .await?;
    render(&mut view);
    Ok(view)
}

/// Finished replies as safe HTML.
fn render(view: &mut ThreadView) {
    for m in &mut view.messages {
        if m.role == Role::Assistant && m.status != MessageStatus::Streaming {
            m.html = Some(markdown::to_html(&m.content));
        }
    }
}

/// A shared thread, for anyone with its link (no account needed), its
/// replies rendered.
pub async fn shared(state: &AppState, token: String) -> Result<SharedThread, AppError> {
    let mut thread = state.db.run(move |c| shares::shared(c, &token)).await?;
    for m in &mut thread.messages {
        if m.role == Role::Assistant {
            m.html = Some(markdown::to_html(&m.content));
        }
    }
    Ok(thread)
}
