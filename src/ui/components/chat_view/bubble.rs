//! One message on screen: the text, and what can be done with it (edit and
//! resend a question; copy, regenerate or retry a reply).

use super::Chat;
use crate::model::chat::{MessageStatus, MessageView, Role};
use crate::serverfns::chat::{rendered_reply, Sent};
use crate::ui::browser;
use crate::ui::components::agent_card::AgentAvatar;
use leptos::prelude::*;

/// One message on screen. Replies being written grow in place.
#[derive(Clone, Copy)]
pub(super) struct Bubble {
    pub id: i64,
    pub role: &'static str,
    pub content: RwSignal<String>,
    pub status: RwSignal<MessageStatus>,
    pub error: RwSignal<Option<String>>,
    /// Rendered markdown once the reply has ended (plain text until then).
    pub html: RwSignal<Option<String>>,
}

impl Bubble {
    pub fn from_view(m: &MessageView) -> Bubble {
        Bubble {
            id: m.id,
            role: if m.role == Role::User {
                "user"
            } else {
                "assistant"
            },
            content: RwSignal::new(m.content.clone()),
            status: RwSignal::new(m.status),
            error: RwSignal::new(m.error.clone()),
            html: RwSignal::new(m.html.clone()),
        }
    }

    pub fn new_reply(id: i64) -> Bubble {
        Bubble {
            id,
            role: "assistant",
            content: RwSignal::new(String::new()),
            status: RwSignal::new(MessageStatus::Streaming),
            error: RwSignal::new(None),
            html: RwSignal::new(None),
        }
    }

    /// Swaps the plain streamed text for the server's rendering.
    pub async fn render(self) {
        if let Ok(html) = rendered_reply(self.id).await {
            self.html.set(Some(html));
        }
    }
}

/// Shows a sent message and its (empty) reply, replacing `from` and what
/// followed it when the message was edited. Returns the reply.
pub(super) fn show_turn(
    bubbles: RwSignal<Vec<Bubble>>,
    from: Option<i64>,
    sent: Sent,
    content: String,
) -> Bubble {
    let user = Bubble {
        id: sent.user_message_id.unwrap_or_default(),
        role: "user",
        content: RwSignal::new(content),
        status: RwSignal::new(MessageStatus::Complete),
        error: RwSignal::new(None),
        html: RwSignal::new(None),
    };
    let reply = Bubble::new_reply(sent.assistant_message_id);
    bubbles.update(|bs| {
        if let Some(pos) = from.and_then(|id| bs.iter().position(|b| b.id == id)) {
            bs.truncate(pos);
        }
        bs.push(user);
        bs.push(reply);
    });
    reply
}

/// A bubble: its frame, and inside what its role shows.
#[component]
pub(super) fn BubbleView(chat: Chat, b: Bubble) -> impl IntoView {
    view! {
        <div class=format!("bubble bubble-{}", b.role) id=format!("m-{}", b.id) data-status=move || b.status.get().as_str() data-message=b.id>
            {if b.role == "user" {
                view! { <Question chat=chat b=b /> }.into_any()
            } else {
                view! { <Reply chat=chat b=b /> }.into_any()
            }}
        </div>
    }
}

/// The user's message: its text and "Edit", or the box that edits it.
#[component]
fn Question(chat: Chat, b: Bubble) -> impl IntoView {
    let Chat {
        editing,
        edit_text,
        streaming,
        thread_id,
        ..
    } = chat;
    view! {
        <Show
            when=move || editing.get() == Some(b.id)
            fallback=move || {
                view! {
                    <div class="bubble-text plain">{move || b.content.get()}</div>
                    <Show when=move || streaming.get().is_none() && thread_id.is_some()>
                        <div class="bubble-actions">
                            <button
                                type="button"
                                class="btn btn-small"
                                on:click=move |_| {
                                    edit_text.set(b.content.get_untracked());
                                    editing.set(Some(b.id));
                                }
                            >
                                "Edit"
                            </button>
                        </div>
                    </Show>
                }
            }
        >
            <div class="bubble-edit">
                <textarea
                    aria-label="Edit message"
                    prop:value=move || edit_text.get()
                    on:input=move |ev| edit_text.set(event_target_value(&ev))
                ></textarea>
                <div class="bubble-actions">
                    <button type="button" class="btn btn-small btn-primary" on:click=move |_| chat.resend(b.id)>
                        "Save & resend"
                    </button>
                    <button type="button" class="btn btn-small" on:click=move |_| editing.set(None)>
                        "Cancel"
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// A reply: who speaks, the text (markdown once it ended), how it ended,
/// and "Copy" and "Regenerate" (or "Retry").
#[component]
fn Reply(chat: Chat, b: Bubble) -> impl IntoView {
    view! {
        {chat
            .agent
            .get_value()
            .map(|a| {
                view! {
                    <div class="bubble-speaker">
                        <AgentAvatar avatar=a.avatar color=a.color size=24 />
                        <span class="speaker-name">{a.name}</span>
                    </div>
                }
            })}
        {move || match b.html.get() {
            Some(html) => view! { <div class="bubble-text markdown" inner_html=html></div> }.into_any(),
            None => view! { <div class="bubble-text plain">{move || b.content.get()}</div> }.into_any(),
        }}
        <Show when=move || b.status.get() == MessageStatus::Streaming && b.content.with(|c| c.is_empty())>
            <span class="typing" aria-label="Writing">
                <i></i>
                <i></i>
                <i></i>
            </span>
        </Show>
        {move || b.error.get().map(|e| view! { <p class="bubble-error" role="alert">{e}</p> })}
        <Show when=move || b.status.get() == MessageStatus::Stopped>
            <p class="bubble-note muted">"Stopped"</p>
        </Show>
        <Show when=move || b.status.get() == MessageStatus::Interrupted>
            <p class="bubble-note muted">"Interrupted by a server restart"</p>
        </Show>
        <Show when=move || b.status.get() != MessageStatus::Streaming>
            <div class="bubble-actions">
                <button type="button" class="btn btn-small" on:click=move |_| browser::copy_text(&b.content.get_untracked())>
                    "Copy"
                </button>
                <button type="button" class="btn btn-small" on:click=move |_| chat.regenerate(b.id)>
                    {move || if b.status.get() == MessageStatus::Error { "Retry" } else { "Regenerate" }}
                </button>
            </div>
        </Show>
    }
}
