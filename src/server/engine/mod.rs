//! The generation engine: replies are server tasks, not requests. Starting
//! one returns at once; any number of clients follow it through the hub and
//! may come and go; only Stop (or the end) ends it.

pub mod hub;
pub mod relay;
pub mod replicas;
pub mod room_registry;
pub mod rooms;
pub mod runner;
pub mod scheduler;
pub mod stage;
mod transcript;

use crate::error::AppError;
use crate::model::chat::{Frame, MessageStatus, StreamEvent};
use crate::server::llm::chat::{ChatRequest, ProviderTarget};
use crate::server::llm::{guard, provider_for};
use crate::server::services::messages;
use crate::server::services::threads::Turn;
use crate::server::state::AppState;
use futures::stream::{BoxStream, StreamExt};
use std::collections::VecDeque;
use tokio::sync::broadcast::error::RecvError;

/// Decrypts the key, opens the reply in the hub and spawns its runner.
pub fn start(state: &AppState, turn: Turn) -> Result<(), AppError> {
    spawn(state, turn).map(|_| ())
}

/// [`start`], answering the runner's task: it ends once the reply has its
/// final state in SQLite.
pub fn spawn(state: &AppState, turn: Turn) -> Result<tokio::task::JoinHandle<()>, AppError> {
    let api_key = match &turn.provider.encrypted_key {
        Some(stored) => Some(state.cipher.decrypt(stored).map_err(|_| {
            AppError::conflict(format!(
                "The API key stored for {} cannot be decrypted (the server's secret key changed). Ask an admin to enter it again.",
                turn.provider.name
            ))
        })?),
        None => None,
    };
    let target = ProviderTarget {
        format: turn.provider.format,
        base_url: turn.provider.base_url.clone(),
        api_key,
    };
    let provider = if turn.provider.guarded {
        let base = target.base();
        guard::checked(provider_for(target, state.guarded_http.clone()), base)
    } else {
        provider_for(target, state.http.clone())
    };
    let live = state.hub.open(turn.assistant_message_id, turn.thread_id);
    let hub = state.hub.clone();
    let quotas = state.quotas.clone();
    let id = turn.assistant_message_id;
    let run = runner::Run {
        replica: state.replica,
        db: state.db.clone(),
        live,
        provider,
        request: ChatRequest {
            model: turn.upstream_model,
            messages: turn.history,
            temperature: turn.temperature,
            top_p: None,
            max_tokens: turn.max_tokens,
            stop: Vec::new(),
        },
        idle_timeout: state.config.provider_idle_timeout,
        // The tokens are in the ledger by now: the quota place frees.
        on_end: Box::new(move || {
            hub.close(id);
            quotas.release(id);
        }),
    };
    Ok(tokio::spawn(run.run()))
}

/// [`start`], and if even that fails (a key that no longer decrypts), the
/// reply is ended as an error so nothing stays "streaming" forever.
pub async fn start_or_fail(state: &AppState, turn: Turn) -> Result<(), AppError> {
    spawn_or_fail(state, turn).await.map(|_| ())
}

/// [`spawn`], ending the reply as an error when it cannot start.
pub async fn spawn_or_fail(
    state: &AppState,
    turn: Turn,
) -> Result<tokio::task::JoinHandle<()>, AppError> {
    let id = turn.assistant_message_id;
    match spawn(state, turn) {
        Ok(task) => Ok(task),
        Err(e) => {
            let message = e.message().to_string();
            let _ = state
                .db
                .run(move |c| {
                    messages::finish(
                        c,
                        id,
                        crate::server::db::rows::MessageEnd {
                            status: Some(crate::model::chat::MessageStatus::Error),
                            error: Some(Some(message)),
                            updated_at: crate::server::db::now(),
                            ..Default::default()
                        },
                    )
                })
                .await;
            Err(e)
        }
    }
}

/// The events of reply `message_id` after byte `after`: what was missed,
/// then live until its end. The caller has checked ownership.
pub async fn follow(
    state: &AppState,
    message_id: i64,
    after: usize,
) -> Result<BoxStream<'static, Frame>, AppError> {
    // A reply marked `streaming` but not (or no longer) in the hub is either
    // about to start (a backroom turn is stored just before its runner) or
    // just ending (the hub forgets it a moment before the final write
    // lands): ask again shortly, for a few seconds at most.
    // On PostgreSQL, one written by another replica is followed through
    // its mirror here (`relay`).
    let mut msg = None;
    let me = state.replica;
    for _ in 0..100 {
        if let Some(live) = state.hub.get(message_id) {
            let (frames, rx) = live.subscribe(after)?;
            return Ok(live_stream(live, frames, rx));
        }
        let (m, elsewhere) = state
            .db
            .run(move |c| {
                Ok((
                    messages::get(c, message_id)?,
                    relay::elsewhere(c, message_id, me),
                ))
            })
            .await?;
        if m.status != crate::model::chat::MessageStatus::Streaming {
            msg = Some(m);
            break;
        }
        if let (true, Some(relay)) = (elsewhere, &state.relay) {
            let live = relay.mirror(message_id, m.thread_id).await?;
            return follow_mirror(live, after).await;
        }
        msg = Some(m);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let msg = msg.ok_or_else(|| AppError::not_found("No such message."))?;
    Ok(futures::stream::iter(finished_frames(&msg, after)?)
        .fuse()
        .boxed())
}

/// A reply written elsewhere, from byte `after`. A client that saw more on
/// another replica than is stored yet waits (5 s at most) for the mirror
/// to get there.
async fn follow_mirror(
    live: std::sync::Arc<hub::Live>,
    after: usize,
) -> Result<BoxStream<'static, Frame>, AppError> {
    for _ in 0..100 {
        if live.content_len() >= after || live.has_ended() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (frames, rx) = live.subscribe(after)?;
    Ok(live_stream(live, frames, rx))
}

fn finished_frames(
    msg: &crate::server::db::rows::Message,
    after: usize,
) -> Result<Vec<Frame>, AppError> {
    let (usage, end) = ending(msg);
    hub::catch_up(&msg.content, after, usage, Some(end))
}

/// A finished reply's usage and terminal event.
fn ending(msg: &crate::server::db::rows::Message) -> (Option<(u32, u32)>, StreamEvent) {
    let usage = match (msg.prompt_tokens, msg.completion_tokens) {
        (Some(p), Some(c)) => Some((p.max(0) as u32, c.max(0) as u32)),
        _ => None,
    };
    let end = match (msg.status, &msg.error) {
        (MessageStatus::Error, Some(e)) => StreamEvent::Error { message: e.clone() },
        (status, _) => StreamEvent::Done {
            status,
            finish_reason: msg.finish_reason.clone(),
        },
    };
    (usage, end)
}

fn live_stream(
    live: std::sync::Arc<hub::Live>,
    first: Vec<Frame>,
    rx: Option<tokio::sync::broadcast::Receiver<Frame>>,
) -> BoxStream<'static, Frame> {
    let seen = first.iter().map(|f| f.seq).max().unwrap_or(0);
    let done = first.iter().any(|f| f.event.is_terminal());
    futures::stream::unfold(
        (VecDeque::from(first), rx, seen, done, live),
        |(mut queue, mut rx, mut seen, done, live)| async move {
            loop {
                if let Some(frame) = queue.pop_front() {
                    let terminal = frame.event.is_terminal();
                    seen = seen.max(frame.seq);
                    let rx = if terminal { None } else { rx };
                    return Some((frame, (queue, rx, seen, done || terminal, live)));
                }
                if done {
                    return None;
                }
                let receiver = rx.as_mut()?;
                match receiver.recv().await {
                    Ok(frame) => queue.push_back(frame),
                    // Too slow to keep up: catch up from the reply itself.
                    Err(RecvError::Lagged(_)) => match live.subscribe(seen as usize) {
                        Ok((frames, new_rx)) => {
                            queue.extend(frames);
                            rx = new_rx;
                        }
                        Err(_) => return None,
                    },
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    )
    // Some consumers poll once more after the end; a fused stream answers
    // `None` again instead of panicking.
    .fuse()
    .boxed()
}

/// Stop: the runner ends the reply as `stopped`, keeping what was written.
/// A reply not written here is asked to stop on every other replica.
pub fn stop(state: &AppState, message_id: i64) -> bool {
    match (state.hub.get(message_id), &state.relay) {
        (Some(live), _) => {
            live.request_stop();
            true
        }
        (None, Some(relay)) => {
            relay.send(relay::Note::Stop { m: message_id });
            true
        }
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_finished_follow_stream_can_be_polled_again() -> Result<(), Box<dyn std::error::Error>>
    {
        let hub = hub::Hub::default();
        let live = hub.open(1, 1);
        live.push_delta("hi");
        let (frames, rx) = live.subscribe(0)?;
        let mut stream = live_stream(live.clone(), frames, rx);
        live.end(StreamEvent::Done {
            status: MessageStatus::Complete,
            finish_reason: None,
        });
        let mut seen = Vec::new();
        while let Some(f) = stream.next().await {
            seen.push(f);
        }
        assert!(seen.last().is_some_and(|f| f.event.is_terminal()));
        assert!(
            stream.next().await.is_none(),
            "polling after the end is safe"
        );
        Ok(())
    }
}
