//! One message on screen: the text, and what can be done with it (edit and
//! resend a question; copy, regenerate or retry a reply; "‹ 2/3 ›" between
//! its versions).

use super::Chat;
use crate::model::attachment::{AttachmentView, SourceView};
use crate::model::chat::{MessageStatus, MessageView, Role};
use crate::serverfns::chat::{rendered_reply, Sent, ShowVersion};
use crate::ui::browser;
use crate::ui::components::agent_card::AgentAvatar;
use crate::ui::components::attachment_list::{Files, Sources};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

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
    /// While it is written: the bytes of `content` whose markdown blocks
    /// are complete, and their HTML (the rest shows as plain text).
    pub settled: RwSignal<(usize, String)>,
    /// Every version of this message, oldest first, when there are several.
    pub versions: RwSignal<Vec<i64>>,
    /// The model that wrote a reply (its SDK id).
    pub model: RwSignal<Option<String>>,
    /// The pictures and documents a message went out with.
    pub files: StoredValue<Vec<AttachmentView>>,
    /// The excerpts a reply was given, as it cites them.
    pub sources: StoredValue<Vec<SourceView>>,
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
            settled: RwSignal::new((0, String::new())),
            versions: RwSignal::new(m.versions.clone()),
            model: RwSignal::new(m.model_sdk_id.clone()),
            files: StoredValue::new(m.attachments.clone()),
            sources: StoredValue::new(m.sources.clone()),
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
            settled: RwSignal::new((0, String::new())),
            versions: RwSignal::new(Vec::new()),
            model: RwSignal::new(None),
            files: StoredValue::new(Vec::new()),
            sources: StoredValue::new(Vec::new()),
        }
    }

    /// A new version of `old`: it joins the versions `old` had.
    pub fn succeed(self, old: &Bubble) {
        let mut all = old.versions.get_untracked();
        if all.is_empty() {
            all.push(old.id);
        }
        all.push(self.id);
        self.versions.set(all);
    }

    /// Swaps the plain streamed text for the server's rendering, and names
    /// the model that wrote it.
    pub async fn render(self) {
        if let Ok(m) = rendered_reply(self.id).await {
            self.html.set(m.html);
            self.model.set(m.model_sdk_id);
        }
    }
}

/// Shows a sent message and its (empty) reply, in place of `from` and what
/// followed it when the message was edited (they stay, as the other
/// version). Returns the reply.
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
        settled: RwSignal::new((0, String::new())),
        versions: RwSignal::new(Vec::new()),
        model: RwSignal::new(None),
        files: StoredValue::new(Vec::new()),
        sources: StoredValue::new(Vec::new()),
    };
    let reply = Bubble::new_reply(sent.assistant_message_id);
    bubbles.update(|bs| {
        if let Some(pos) = from.and_then(|id| bs.iter().position(|b| b.id == id)) {
            user.succeed(&bs[pos]);
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
                    <Files files=b.files.get_value() share=None />
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
                            <Versions chat=chat b=b />
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
            None if b.settled.with(|s| s.0 > 0) => {
                // Written so far: the complete blocks rendered, the rest
                // as it arrives.
                view! {
                    <div class="bubble-text">
                        <div class="markdown" inner_html=move || b.settled.with(|s| s.1.clone())></div>
                        <div class="plain">
                            {move || {
                                let at = b.settled.with(|s| s.0);
                                b.content.with(|c| c.get(at..).unwrap_or_default().to_string())
                            }}
                        </div>
                    </div>
                }
                    .into_any()
            }
            None => view! { <div class="bubble-text plain">{move || b.content.get()}</div> }.into_any(),
        }}
        <Show when=move || b.status.get() == MessageStatus::Streaming && b.content.with(|c| c.is_empty())>
            <span class="typing" aria-label="Writing">
                <i></i>
                <i></i>
                <i></i>
            </span>
        </Show>
        <Sources sources=b.sources.get_value() linked=true />
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
                {move || {
                    b.model
                        .get()
                        .map(|sdk| {
                            let name = chat.models.with_value(|r| r.name_by_sdk(&sdk)).unwrap_or(sdk);
                            view! { <span class="bubble-model" title="The model that wrote this reply">{name}</span> }
                        })
                }}
                <Versions chat=chat b=b />
            </div>
        </Show>
    }
}

/// "‹ 2/3 ›" when regenerate or edit made more than one version; each
/// arrow is a plain form too.
#[component]
fn Versions(chat: Chat, b: Bubble) -> impl IntoView {
    let thread = chat.thread_id.unwrap_or_default();
    // The version `by` steps from this one, if there is one.
    let step = move |by: isize| {
        b.versions.with(|v| {
            let at = v.iter().position(|&i| i == b.id)? as isize + by;
            usize::try_from(at).ok().and_then(|at| v.get(at).copied())
        })
    };
    let arrow = move |by: isize, label: &'static str, glyph: &'static str| {
        view! {
            <form
                method="post"
                action=ShowVersion::url()
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(id) = step(by) {
                        chat.show_version(id);
                    }
                }
            >
                <input type="hidden" name="id" value=move || step(by).unwrap_or_default() />
                <input type="hidden" name="thread" value=thread />
                <button type="submit" class="btn btn-small btn-icon" aria-label=label disabled=move || step(by).is_none()>
                    {glyph}
                </button>
            </form>
        }
    };
    view! {
        <Show when=move || b.versions.with(|v| v.len() > 1)>
            <span class="versions" role="group" aria-label="Versions">
                {arrow(-1, "Previous version", "‹")}
                <span class="versions-count">
                    {move || {
                        b.versions
                            .with(|v| {
                                let at = v.iter().position(|&i| i == b.id).map_or(0, |p| p + 1);
                                format!("{at}/{}", v.len())
                            })
                    }}
                </span>
                {arrow(1, "Next version", "›")}
            </span>
        </Show>
    }
}
