//! A completion for another program (`/v1`): one exchange with any model
//! the caller may use, or with one of their agents (`agent:<id>`: its
//! system prompt first, its settings unless the request sets its own),
//! admitted against the caller's limits and counted in their usage like a
//! reply in a thread. Nothing is stored but the usage, unless the caller
//! asks to keep the exchange as a thread (`X-Backrooms-Thread`).

use crate::error::AppError;
use crate::model::chat::{MessageStatus, Role};
use crate::server::auth::caller::Caller;
use crate::server::db::rows::MessageEnd;
use crate::server::db::Db;
use crate::server::llm::chat::{ChatEvent, ChatMessage, ChatRequest, ChatStream, ProviderTarget};
use crate::server::llm::{guard, provider_for};
use crate::server::quotas::Permit;
use crate::server::services::threads::exchange;
pub use crate::server::services::threads::exchange::Keep;
use crate::server::services::threads::{resolve_model, target};
use crate::server::services::{agents, messages, models, usage};
use crate::server::state::AppState;
use futures::StreamExt;

/// What a `/v1` request asks, in either wire format.
#[derive(Clone, Debug, Default)]
pub struct Ask {
    /// A model id as `/v1/models` lists it, or `agent:<id>`.
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_tokens: Option<u32>,
    pub stop: Vec<String>,
}

/// A started completion: the provider's events, as they come.
pub struct Completion {
    /// The model as asked (what the answer names).
    pub model: String,
    /// The thread it is kept in, when asked to keep it.
    pub thread: Option<i64>,
    pub events: ChatStream,
}

/// A model or an agent `/v1/models` offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offered {
    pub id: String,
    pub owned_by: String,
    pub description: Option<String>,
}

/// Longest `messages` a request may carry.
pub const MESSAGES_MAX: usize = 1000;
/// Stop sequences a request may give.
pub const STOP_MAX: usize = 16;
/// Longest text in all (characters), as a thread allows per message × 10.
pub const CHARS_MAX: usize = 1_000_000;

/// The caller's usable models, then their agents.
pub async fn offered(state: &AppState, caller: &Caller) -> Result<Vec<Offered>, AppError> {
    let user = caller.id;
    state
        .db
        .run(move |c| {
            let registry = models::registry(c, user)?;
            let mut out: Vec<Offered> = registry
                .providers
                .into_iter()
                .flat_map(|p| {
                    let owner = if p.own_key {
                        "your key".to_string()
                    } else {
                        p.provider_sdk_id.clone()
                    };
                    p.models.into_iter().map(move |m| Offered {
                        id: m.model_sdk_id,
                        owned_by: owner.clone(),
                        description: Some(m.name),
                    })
                })
                .collect();
            for a in agents::list(c, user)? {
                out.push(Offered {
                    id: format!("agent:{}", a.id),
                    owned_by: a.name.clone(),
                    description: Some(a.description.clone()).filter(|d| !d.is_empty()),
                });
            }
            Ok(out)
        })
        .await
}

fn check(ask: &Ask) -> Result<(), AppError> {
    if ask.model.trim().is_empty() {
        return Err(AppError::invalid("model", "model is required."));
    }
    if ask.messages.is_empty() {
        return Err(AppError::invalid("messages", "messages must not be empty."));
    }
    if ask.messages.len() > MESSAGES_MAX {
        return Err(AppError::invalid(
            "messages",
            format!("At most {MESSAGES_MAX} messages."),
        ));
    }
    let chars: usize = ask.messages.iter().map(|m| m.content.chars().count()).sum();
    if chars > CHARS_MAX {
        return Err(AppError::invalid(
            "messages",
            format!("At most {CHARS_MAX} characters in all."),
        ));
    }
    if let Some(t) = ask.temperature {
        if !(0.0..=2.0).contains(&t) {
            return Err(AppError::invalid("temperature", "temperature is 0 to 2."));
        }
    }
    if ask.stop.len() > STOP_MAX || ask.stop.iter().any(|s| s.chars().count() > 256) {
        return Err(AppError::invalid(
            "stop",
            format!("stop: at most {STOP_MAX} sequences of at most 256 characters."),
        ));
    }
    if let Some(p) = ask.top_p {
        if !(0.0..=1.0).contains(&p) {
            return Err(AppError::invalid("top_p", "top_p is 0 to 1."));
        }
    }
    if ask.max_tokens == Some(0) {
        return Err(AppError::invalid(
            "max_tokens",
            "max_tokens must be at least 1.",
        ));
    }
    Ok(())
}

/// Starts the completion: 400 for a bad request or an unknown model, 429
/// over a limit, 502 when the provider fails before its first event. With
/// `keep`, the exchange is also stored as a thread (its id in the answer).
pub async fn complete(
    state: &AppState,
    caller: &Caller,
    ask: Ask,
    keep: Option<Keep>,
) -> Result<Completion, AppError> {
    check(&ask)?;
    let user = caller.id;
    let permit = state.quotas.admit(&state.db, user).await?;
    match start(state, user, ask, keep, permit).await {
        Ok(c) => Ok(c),
        Err((e, permit)) => {
            // Nothing started: the minute's count gets its place back.
            if let Some(p) = permit {
                p.refund().await;
            }
            Err(e)
        }
    }
}

type Refused = (AppError, Option<Permit>);

async fn start(
    state: &AppState,
    user: i64,
    ask: Ask,
    keep: Option<Keep>,
    permit: Permit,
) -> Result<Completion, Refused> {
    let asked = ask.model.trim().to_string();
    let lookup = asked.clone();
    let stored_msgs = keep.map(|_| ask.messages.clone());
    let ask_has_images = ask.messages.iter().any(|m| !m.images.is_empty());
    let found = state
        .db
        .run(move |c| {
            let agent = match lookup.strip_prefix("agent:") {
                Some(id) => {
                    let id = id.parse::<i64>().map_err(|_| {
                        AppError::invalid("model", "agent:<id> takes an agent's number.")
                    })?;
                    Some(agents::visible(c, user, id).map_err(|_| {
                        AppError::invalid("model", format!("No agent {id} of yours."))
                    })?)
                }
                None => None,
            };
            let (model, provider) = match &agent {
                Some(a) => resolve_model(c, user, None, None, Some(a))?,
                None => models::usable_by_sdk_id(c, user, &lookup)?,
            };
            if !model.vision && ask_has_images {
                return Err(AppError::invalid(
                    "messages",
                    format!(
                        "{} does not see pictures; send the pictures to a model that does.",
                        model.model_sdk_id
                    ),
                ));
            }
            let turn = target(c, &provider)?;
            let kept = match (keep, &stored_msgs) {
                (Some(keep), Some(msgs)) => Some(exchange::open(
                    c,
                    user,
                    keep,
                    &model,
                    agent.as_ref().map(|a| a.id),
                    msgs,
                )?),
                _ => None,
            };
            Ok((model, provider, turn, agent, kept))
        })
        .await;
    let (model, provider, turn, agent, kept) = match found {
        Ok(x) => x,
        Err(e) => return Err((e, Some(permit))),
    };

    let mut messages = Vec::with_capacity(ask.messages.len() + 2);
    if let Some(a) = agent.as_ref().filter(|a| !a.system_prompt.is_empty()) {
        messages.push(ChatMessage::text(Role::System, a.system_prompt.clone()));
    }
    if let Some(system) = ask.system.filter(|s| !s.is_empty()) {
        messages.push(ChatMessage::text(Role::System, system));
    }
    messages.extend(ask.messages);
    let request = ChatRequest {
        model: crate::model::provider::upstream_id(&model.model_sdk_id).to_string(),
        messages,
        temperature: ask.temperature.or(agent.as_ref().map(|a| a.temperature)),
        top_p: ask.top_p,
        max_tokens: ask
            .max_tokens
            .or(agent.as_ref().and_then(|a| a.max_tokens).map(|n| n as u32)),
        stop: ask.stop,
    };
    // From here the tally owns the permit and, when kept, the reply: it
    // ends both however the completion ends.
    let mut tally = Tally {
        db: state.db.clone(),
        user,
        model: model.model_sdk_id.clone(),
        reply: kept.map(|(_, reply)| reply),
        text: String::new(),
        used: (0, 0),
        finish: None,
        error: None,
        permit: Some(permit),
    };
    let api_key = match crate::server::services::providers::api_key(&state.cipher, &provider) {
        Ok(k) => k,
        Err(e) => {
            tally.error = Some(e.message().to_string());
            return Err((e, None));
        }
    };
    let target_of = ProviderTarget {
        format: turn.format,
        base_url: turn.base_url.clone(),
        api_key,
    };
    let chat = if turn.guarded {
        let base = target_of.base();
        guard::checked(provider_for(target_of, state.guarded_http.clone()), base)
    } else {
        provider_for(target_of, state.http.clone())
    };
    let stream = match chat.stream(request).await {
        Ok(s) => s,
        Err(e) => {
            tally.error = Some(e.to_string());
            let e = AppError::Upstream {
                message: e.to_string(),
            };
            return Err((e, None));
        }
    };
    let events = stream
        .map(move |event| {
            // The whole tally lives in the stream (not just its fields),
            // so it ends when the stream does.
            let tally = &mut tally;
            match &event {
                Ok(ChatEvent::Delta(d)) if tally.reply.is_some() => tally.text.push_str(d),
                Ok(ChatEvent::Usage {
                    prompt_tokens,
                    completion_tokens,
                }) => tally.used = (*prompt_tokens, *completion_tokens),
                Ok(ChatEvent::Finish(reason)) => {
                    tally.finish = Some(reason.clone().unwrap_or_else(|| "stop".into()))
                }
                Err(e) => tally.error = Some(e.to_string()),
                _ => {}
            }
            event
        })
        .boxed();
    Ok(Completion {
        model: asked,
        thread: kept.map(|(thread, _)| thread),
        events,
    })
}

/// What a completion used and said. When its stream is dropped (finished,
/// failed or the client gone) the tokens go to the ledger (through the
/// kept reply, when there is one), and only then the quota place frees, as
/// for a reply in a thread.
struct Tally {
    db: Db,
    user: i64,
    model: String,
    reply: Option<i64>,
    text: String,
    used: (u32, u32),
    finish: Option<String>,
    error: Option<String>,
    permit: Option<Permit>,
}

impl Tally {
    /// The kept reply's end: complete, failed, or stopped when the client
    /// left before the provider finished.
    fn end(&mut self) -> MessageEnd {
        let tokens = |n: u32| (n > 0).then_some(n as i32);
        let status = match (&self.error, &self.finish) {
            (Some(_), _) => MessageStatus::Error,
            (None, Some(_)) => MessageStatus::Complete,
            (None, None) => MessageStatus::Stopped,
        };
        MessageEnd {
            content: Some(std::mem::take(&mut self.text)),
            status: Some(status),
            prompt_tokens: Some(tokens(self.used.0)),
            completion_tokens: Some(tokens(self.used.1)),
            finish_reason: Some(self.finish.take()),
            error: Some(self.error.take()),
            updated_at: crate::server::db::now(),
            ..Default::default()
        }
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        let (prompt, completion) = self.used;
        let permit = self.permit.take();
        let kept = self.reply.map(|id| (id, self.end()));
        let (db, user, model) = (self.db.clone(), self.user, std::mem::take(&mut self.model));
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        rt.spawn(async move {
            let written = match kept {
                // The reply's end writes its tokens to the ledger too.
                Some((id, end)) => db.run(move |c| messages::finish(c, id, end)).await,
                None if prompt > 0 || completion > 0 => {
                    let at = crate::server::db::now();
                    db.run(move |c| {
                        usage::add(c, user, &model, prompt.into(), completion.into(), at)
                    })
                    .await
                }
                None => Ok(()),
            };
            if let Err(e) = written {
                tracing::error!("recording a /v1 completion's end failed: {e}");
            }
            drop(permit);
        });
    }
}
