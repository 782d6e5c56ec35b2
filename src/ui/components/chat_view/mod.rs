//! The thread island: the bubbles ([`bubble`]), the composer
//! ([`composer`]) with the thread's options ([`options`]), and following a
//! reply as it is written ([`follow`]).

mod bubble;
mod composer;
mod follow;
mod options;

use super::form_errors::FormErrors;
use crate::model::agent::AgentBadge;
use crate::model::chat::MessageView;
use crate::model::provider::ModelRegistry;
use crate::serverfns::chat::{edit_and_resend, older_messages, regenerate_reply, show_version};
use crate::ui::browser;
use bubble::{show_turn, Bubble, BubbleView};
use composer::Composer;
use follow::follow;
use leptos::prelude::*;
use leptos::task::spawn_local;
use options::Settings;

/// What the parts of the thread share.
#[derive(Clone, Copy)]
struct Chat {
    thread_id: Option<i64>,
    /// The composer's text when the page opened.
    draft: StoredValue<String>,
    /// Uploads kept from a refused plain-form send (comma-separated ids).
    draft_files: StoredValue<String>,
    /// The thread's agent, sent along with each message.
    agent_id: Option<i64>,
    /// The agent the thread talks to: its face and name head each reply.
    agent: StoredValue<Option<AgentBadge>>,
    /// The models on offer, to name the one that wrote each reply.
    models: StoredValue<ModelRegistry>,
    bubbles: RwSignal<Vec<Bubble>>,
    /// The reply being written, if any.
    streaming: RwSignal<Option<i64>>,
    /// Bumped when the page becomes visible again.
    wake: RwSignal<u32>,
    /// The composer's errors (and those of the bubbles' buttons).
    errors: FormErrors,
    /// The user message being edited, and its new text.
    editing: RwSignal<Option<i64>>,
    edit_text: RwSignal<String>,
    /// Older messages are not on the page yet: they start before this id.
    older: RwSignal<Option<i64>>,
    /// A page of older messages is on its way.
    loading_older: RwSignal<bool>,
    /// The page shows older messages, not the latest: a send opens the
    /// latest to show its reply.
    newer: bool,
}

impl Chat {
    /// Shows version `id` of a message and what followed it.
    fn show_version(self, id: i64) {
        let Some(thread) = self.thread_id else {
            return;
        };
        if self.streaming.get_untracked().is_some() {
            return;
        }
        spawn_local(async move {
            match show_version(id, thread).await {
                Ok(Some(view)) => {
                    self.errors.clear();
                    self.editing.set(None);
                    // The answer starts at that version: what came before
                    // it stays as it is.
                    self.bubbles.update(|bs| {
                        // The bubble showing a sibling of that version.
                        let sibling = bs.iter().position(|b| {
                            b.id == id || b.versions.with_untracked(|v| v.contains(&id))
                        });
                        if let Some(pos) = sibling {
                            bs.truncate(pos);
                        }
                        bs.extend(view.messages.iter().map(Bubble::from_view));
                    });
                }
                Ok(None) => {}
                Err(e) => self.errors.set_general(e),
            }
        });
    }

    /// Puts the page of messages before the oldest shown above it, keeping
    /// the reader's place; goes on while the top stays in view.
    fn load_older(self) {
        let (Some(thread), Some(before)) = (self.thread_id, self.older.get_untracked()) else {
            return;
        };
        if self.loading_older.get_untracked() {
            return;
        }
        self.loading_older.set(true);
        spawn_local(async move {
            match older_messages(thread, before).await {
                Ok(page) => browser::insert_above(
                    move || {
                        self.bubbles.update(|bs| {
                            let known: std::collections::HashSet<i64> =
                                bs.iter().map(|b| b.id).collect();
                            let mut all: Vec<Bubble> = page
                                .messages
                                .iter()
                                .filter(|m| !known.contains(&m.id))
                                .map(Bubble::from_view)
                                .collect();
                            all.append(bs);
                            *bs = all;
                        });
                        self.older.set(page.older);
                    },
                    move || {
                        self.loading_older.set(false);
                        if browser::near_top() {
                            self.load_older();
                        }
                    },
                ),
                Err(e) => {
                    self.loading_older.set(false);
                    self.errors.set_general(e);
                }
            }
        });
    }

    /// A new version of reply `id` (the old one stays, one arrow away).
    fn regenerate(self, id: i64) {
        if self.streaming.get_untracked().is_some() {
            return;
        }
        spawn_local(async move {
            match regenerate_reply(id).await {
                Ok(new_id) => {
                    let reply = Bubble::new_reply(new_id);
                    self.bubbles.update(|bs| {
                        if let Some(pos) = bs.iter().position(|b| b.id == id) {
                            reply.succeed(&bs[pos]);
                            bs.truncate(pos);
                        }
                        bs.push(reply);
                    });
                    self.streaming.set(Some(new_id));
                    follow(reply, self.streaming, self.wake).await;
                }
                Err(e) => self.errors.set_general(e),
            }
        });
    }

    /// Sends the edited text of message `id` as its new version.
    fn resend(self, id: i64) {
        let content = self.edit_text.get_untracked();
        if content.trim().is_empty() || self.streaming.get_untracked().is_some() {
            return;
        }
        spawn_local(async move {
            match edit_and_resend(id, content.clone()).await {
                Ok(sent) => {
                    self.editing.set(None);
                    let reply = show_turn(self.bubbles, Some(id), sent, content);
                    self.streaming.set(Some(reply.id));
                    follow(reply, self.streaming, self.wake).await;
                }
                // The edit box is not the composer's "content".
                Err(e) => self.errors.set_general(e),
            }
        });
    }
}

/// The thread: bubbles, the composer and the thread's options. With
/// JavaScript off the composer is a plain form that posts the message.
#[island]
pub fn ChatView(
    thread_id: Option<i64>,
    messages: Vec<MessageView>,
    /// Older messages exist before this id (a page shows the latest).
    older: Option<i64>,
    /// Newer messages exist past the last one shown (a page further back).
    newer: bool,
    registry: ModelRegistry,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
    /// The agent the thread talks to: its face and name head each reply.
    agent: Option<AgentBadge>,
    /// What was typed before a refused plain-form send (kept, not lost).
    draft: String,
    /// The files of that send, uploaded and kept (comma-separated ids).
    draft_files: String,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let settings = Settings {
        thread_id,
        model: RwSignal::new(model_id.or(registry.default_model_id)),
        temp: RwSignal::new(temperature.unwrap_or(1.0)),
        tokens: RwSignal::new(max_tokens.unwrap_or(0)),
        touched: RwSignal::new(agent.is_none()),
    };
    let chat = Chat {
        thread_id,
        draft: StoredValue::new(draft),
        draft_files: StoredValue::new(draft_files),
        agent_id: agent.as_ref().map(|a| a.id),
        bubbles: RwSignal::new(messages.iter().map(Bubble::from_view).collect()),
        streaming: RwSignal::new(
            messages
                .iter()
                .rev()
                .find(|m| m.status == crate::model::chat::MessageStatus::Streaming)
                .map(|m| m.id),
        ),
        wake: RwSignal::new(0),
        errors: FormErrors::new(&["content", "temperature", "max_tokens"]),
        editing: RwSignal::new(None),
        edit_text: RwSignal::new(String::new()),
        older: RwSignal::new(older),
        loading_older: RwSignal::new(false),
        newer,
        agent: StoredValue::new(agent),
        models: StoredValue::new(registry.clone()),
    };
    let Chat {
        bubbles,
        streaming,
        wake,
        ..
    } = chat;

    // Join a reply that is still being written (another tab, a reload).
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
        // A thread opens at its latest message, unless the link names one.
        if matches!(browser::hash().as_str(), "" | "#latest") {
            browser::follow_bottom_now();
        }
        if let Some(id) = streaming.get_untracked() {
            if let Some(b) = bubbles.with_untracked(|bs| bs.iter().find(|b| b.id == id).copied()) {
                spawn_local(follow(b, streaming, wake));
            }
        }
        browser::on_visible(move || wake.update(|w| *w += 1));
    });

    // A change of model is saved at once (the sliders save on release).
    Effect::new(move |first: Option<()>| {
        settings.model.track();
        if first.is_some() {
            settings.save();
        }
    });

    view! {
        <div class="chat" node_ref=root>
            <ModelChip settings=settings registry=chat.models />
            <div
                class="messages"
                on:click=move |ev| browser::copy_code_click(&ev)
            >
                <OlderLink chat=chat />
                <Show when=move || bubbles.with(|b| b.is_empty())>
                    <p class="chat-empty muted">"Ask anything. Replies stream in as they are written."</p>
                </Show>
                <For each=move || bubbles.get() key=|b| b.id let:b>
                    <BubbleView chat=chat b=b />
                </For>
            </div>
            <Composer chat=chat settings=settings registry=registry />
            <div id="latest"></div>
        </div>
    }
}

/// "Older messages": a link to the page before (without JavaScript); with
/// it, the page loads in place as the link scrolls into view.
#[component]
fn OlderLink(chat: Chat) -> impl IntoView {
    let link = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(el) = link.get() {
            browser::when_visible(&el, move || chat.load_older());
        }
    });
    let href = move || {
        chat.older
            .get()
            .zip(chat.thread_id)
            .map(|(before, t)| format!("/c/{t}?before={before}"))
    };
    // Only while there are older messages (a link to nowhere is no link).
    view! {
        <Show when=move || chat.older.get().is_some()>
            <a
                class="btn btn-small older-link"
                href=href
                aria-busy=move || chat.loading_older.get().then_some("true")
                node_ref=link
                on:click=move |ev| {
                    ev.prevent_default();
                    chat.load_older();
                }
            >
                {move || if chat.loading_older.get() { "Loading older messages…" } else { "Older messages" }}
            </a>
        </Show>
    }
}

/// The model the next reply comes from, at the head of the thread; a tap
/// opens the model menu in the composer's options.
#[component]
fn ModelChip(settings: Settings, registry: StoredValue<ModelRegistry>) -> impl IntoView {
    let label = move || {
        registry
            .with_value(|r| crate::ui::components::model_picker::label_of(r, settings.model.get()))
    };
    registry.with_value(|r| !r.providers.is_empty()).then(|| {
        view! {
            <a
                class="chip model-chip"
                href="#chat-options"
                title="Change the model"
                on:click=move |ev| {
                    ev.prevent_default();
                    browser::open_details("chat-options", "details.model-picker");
                }
            >
                {move || {
                    let (name, logo) = label();
                    view! {
                        {logo.map(|src| view! { <img src=src alt="" width="16" height="16" /> })}
                        <span class="model-chip-name">{name}</span>
                        <span aria-hidden="true">" ▾"</span>
                    }
                }}
            </a>
        }
    })
}
