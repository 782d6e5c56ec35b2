//! One reply's generation: a task of its own, independent of any request.
//! It reads the provider's stream, publishes every delta to the hub, saves
//! the content at least every 500 ms, and ends the message exactly once.

use super::hub::Live;
use crate::model::chat::StreamEvent;
use crate::server::db::rows::MessageEnd;
use crate::server::db::{now, Db};
use crate::server::llm::chat::{ChatEvent, ChatProvider, ChatRequest, LlmError};
use crate::server::services::{messages, replicas};
use futures::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often growing content is written to SQLite.
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);

enum Outcome {
    Complete(Option<String>),
    Stopped,
    Failed(LlmError),
}

/// Resolves once Stop was pressed (the watch guard never outlives this).
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

pub struct Run {
    /// The replica writing it (claimed in the database as it starts).
    pub replica: i64,
    pub db: Db,
    pub live: Arc<Live>,
    pub provider: Box<dyn ChatProvider>,
    pub request: ChatRequest,
    pub idle_timeout: Duration,
    /// Called once the message has its final state (the hub forgets it).
    pub on_end: Box<dyn FnOnce() + Send>,
}

impl Run {
    pub async fn run(self) {
        let Run {
            replica,
            db,
            live,
            provider,
            request,
            idle_timeout,
            on_end,
        } = self;
        let started = Instant::now();
        let id = live.message_id;
        if let Err(e) = db.run(move |c| replicas::own_reply(c, id, replica)).await {
            tracing::warn!(
                message.id = id,
                "could not claim the reply for this replica: {e}"
            );
        }
        let mut first_token: Option<Duration> = None;
        let mut usage: Option<(u32, u32)> = None;
        let mut stop = live.stop_signal();
        let mut saved_len = 0usize;
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

        let outcome = 'run: {
            let timed_out = || {
                Outcome::Failed(LlmError::Timeout(format!(
                    "no data for {} s",
                    idle_timeout.as_secs()
                )))
            };
            let stream = tokio::select! {
                s = tokio::time::timeout(idle_timeout, provider.stream(request)) => match s {
                    Ok(s) => s,
                    Err(_) => break 'run timed_out(),
                },
                _ = stopped(&mut stop) => break 'run Outcome::Stopped,
            };
            let mut stream = match stream {
                Ok(s) => s,
                Err(e) => break 'run Outcome::Failed(e),
            };
            let mut finish: Option<Option<String>> = None;
            // One deadline across loop turns (a timeout around `next()` alone
            // would restart at every flush tick and never fire).
            let idle = tokio::time::sleep(idle_timeout);
            tokio::pin!(idle);
            loop {
                tokio::select! {
                    _ = stopped(&mut stop) => break 'run Outcome::Stopped,
                    _ = &mut idle => break 'run timed_out(),
                    _ = tick.tick() => {
                        let len = live.content_len();
                        if len != saved_len {
                            let content = live.content();
                            let id = live.message_id;
                            if db.run(move |c| messages::save_progress(c, id, &content)).await.is_ok() {
                                saved_len = len;
                            }
                        }
                    }
                    next = stream.next() => {
                        idle.as_mut().reset(tokio::time::Instant::now() + idle_timeout);
                        match next {
                            None => break 'run match finish {
                                Some(reason) => Outcome::Complete(reason),
                                None => Outcome::Failed(LlmError::Cut),
                            },
                            Some(Err(e)) => break 'run Outcome::Failed(e),
                            Some(Ok(ChatEvent::Delta(text))) => {
                                first_token.get_or_insert_with(|| started.elapsed());
                                live.push_delta(&text);
                            }
                            Some(Ok(ChatEvent::Usage { prompt_tokens, completion_tokens })) => {
                                // Anthropic reports input and output in separate events.
                                let (p, c) = usage.unwrap_or((0, 0));
                                let merged = (
                                    if prompt_tokens > 0 { prompt_tokens } else { p },
                                    if completion_tokens > 0 { completion_tokens } else { c },
                                );
                                usage = Some(merged);
                                live.set_usage(merged.0, merged.1);
                            }
                            Some(Ok(ChatEvent::Finish(reason))) => finish = Some(reason),
                        }
                    }
                }
            }
        };

        let (status, finish_reason, error) = match outcome {
            Outcome::Complete(reason) => {
                (crate::model::chat::MessageStatus::Complete, reason, None)
            }
            Outcome::Stopped => (crate::model::chat::MessageStatus::Stopped, None, None),
            Outcome::Failed(e) => (
                crate::model::chat::MessageStatus::Error,
                None,
                Some(e.to_string()),
            ),
        };
        let ms = |d: Duration| Some(d.as_millis().min(i32::MAX as u128) as i32);
        let end = MessageEnd {
            content: Some(live.content()),
            status: Some(status),
            prompt_tokens: Some(usage.map(|u| u.0 as i32)),
            completion_tokens: Some(usage.map(|u| u.1 as i32)),
            ttft_ms: Some(first_token.and_then(ms)),
            total_ms: Some(ms(started.elapsed())),
            finish_reason: Some(finish_reason.clone()),
            error: Some(error.clone()),
            updated_at: now(),
        };
        if let Err(e) = db.run(move |c| messages::finish(c, id, end)).await {
            tracing::error!(message.id = id, "could not save the end of a reply: {e}");
        }
        if let Some(err) = &error {
            tracing::info!(message.id = id, "reply failed: {err}");
        }
        live.end(match error {
            Some(message) => StreamEvent::Error { message },
            None => StreamEvent::Done {
                status,
                finish_reason,
            },
        });
        on_end();
    }
}
