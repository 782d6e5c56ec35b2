use super::agent_card::AgentAvatar;
use super::model_picker::ModelMenu;
use super::prompt_picker::{Picker, PromptMenu};
use crate::model::agent::AgentBadge;
use crate::model::chat::{MessageView, ReplyLine};
use crate::model::provider::ModelRegistry;
use crate::serverfns::chat::{
    edit_and_resend, follow_reply, regenerate_reply, rendered_reply, save_thread_settings,
    send_message, stop_reply, SendMessage,
};
use crate::text::format::{decimal, tenths};
use crate::ui::browser;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

/// One message on screen. Replies being written grow in place.
#[derive(Clone, Copy)]
struct Bubble {
    id: i64,
    role: &'static str,
    content: RwSignal<String>,
    status: RwSignal<String>,
    error: RwSignal<Option<String>>,
    /// Rendered markdown once the reply has ended (plain text until then).
    html: RwSignal<Option<String>>,
}

impl Bubble {
    fn from_view(m: &MessageView) -> Bubble {
        Bubble {
            id: m.id,
            role: if m.role == "user" {
                "user"
            } else {
                "assistant"
            },
            content: RwSignal::new(m.content.clone()),
            status: RwSignal::new(m.status.clone()),
            error: RwSignal::new(m.error.clone()),
            html: RwSignal::new(m.html.clone()),
        }
    }

    fn new_reply(id: i64) -> Bubble {
        Bubble {
            id,
            role: "assistant",
            content: RwSignal::new(String::new()),
            status: RwSignal::new("streaming".into()),
            error: RwSignal::new(None),
            html: RwSignal::new(None),
        }
    }

    /// Swaps the plain streamed text for the server's rendering.
    async fn render(self) {
        if let Ok(html) = rendered_reply(self.id).await {
            self.html.set(Some(html));
        }
    }
}

use crate::text::format::server_error as error_text;

/// Shows a sent message and its (empty) reply, replacing `from` and what
/// followed it when the message was edited. Returns the reply.
fn show_turn(
    bubbles: RwSignal<Vec<Bubble>>,
    from: Option<i64>,
    sent: crate::serverfns::chat::Sent,
    content: String,
) -> Bubble {
    let user = Bubble {
        id: sent.user_message_id.unwrap_or_default(),
        role: "user",
        content: RwSignal::new(content),
        status: RwSignal::new("complete".into()),
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

/// Follows a reply until it ends, reconnecting from the last sequence
/// number after a drop (and at once when the page becomes visible again).
async fn follow(bubble: Bubble, streaming: RwSignal<Option<i64>>, wake: RwSignal<u32>) {
    use futures::StreamExt;
    let mut seen = bubble.content.with_untracked(|c| c.len()) as u64;
    let mut failures = 0u32;
    loop {
        if let Ok(stream) = follow_reply(bubble.id, seen).await {
            let mut stream = std::pin::pin!(stream.into_inner());
            let mut buf = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                failures = 0;
                buf.push_str(&chunk);
                while let Some(end) = buf.find('\n') {
                    let line: String = buf.drain(..=end).collect();
                    let Ok(event) = serde_json::from_str::<ReplyLine>(line.trim()) else {
                        continue;
                    };
                    match event {
                        ReplyLine::Delta(seq, text) => {
                            bubble.content.update(|c| c.push_str(&text));
                            seen = seq;
                            browser::follow_bottom();
                        }
                        ReplyLine::Done(status) => {
                            bubble.status.set(status);
                            streaming.set(None);
                            bubble.render().await;
                            return;
                        }
                        ReplyLine::Error(message) => {
                            bubble.status.set("error".into());
                            bubble.error.set(Some(message));
                            streaming.set(None);
                            bubble.render().await;
                            return;
                        }
                    }
                }
            }
        }
        failures += 1;
        if failures > 60 {
            bubble.error.set(Some(
                "Lost the connection to the server. Reload to see the reply.".into(),
            ));
            streaming.set(None);
            return;
        }
        // Wait a little, or less if the page just came back into view.
        let before = wake.get_untracked();
        for _ in 0..(failures.min(10) * 4) {
            browser::sleep_ms(250).await;
            if wake.get_untracked() != before {
                break;
            }
        }
    }
}

/// The conversation: bubbles, the composer and the thread's options. With
/// JavaScript off the composer is a plain form that posts the message.
#[island]
pub fn ChatView(
    conversation_id: Option<i64>,
    messages: Vec<MessageView>,
    registry: ModelRegistry,
    model_id: Option<i64>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
    /// The agent the thread talks to: its face and name head each reply.
    agent: Option<AgentBadge>,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let bubbles = RwSignal::new(messages.iter().map(Bubble::from_view).collect::<Vec<_>>());
    let streaming = RwSignal::new(
        messages
            .iter()
            .rev()
            .find(|m| m.status == "streaming")
            .map(|m| m.id),
    );
    let wake = RwSignal::new(0u32);
    let draft = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let model = RwSignal::new(model_id.or(registry.default_model_id));
    let temp = RwSignal::new(temperature.unwrap_or(1.0));
    let tokens = RwSignal::new(max_tokens.unwrap_or(0));
    let textarea = NodeRef::<leptos::html::Textarea>::new();

    // Join a reply that is still being written (another tab, a reload).
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
        if let Some(id) = streaming.get_untracked() {
            if let Some(b) = bubbles.with_untracked(|bs| bs.iter().find(|b| b.id == id).copied()) {
                spawn_local(follow(b, streaming, wake));
            }
        }
        browser::on_visible(move || wake.update(|w| *w += 1));
    });

    // An agent's thread follows the agent's settings until the user
    // changes them here.
    let touched = RwSignal::new(agent.is_none());
    let agent_id = agent.as_ref().map(|a| a.id);
    let agent = StoredValue::new(agent);
    let save_settings = move || {
        touched.set(true);
        if let Some(id) = conversation_id {
            let t = tokens.get_untracked();
            spawn_local(async move {
                let _ = save_thread_settings(
                    id,
                    model.get_untracked(),
                    Some(temp.get_untracked()),
                    (t > 0).then_some(t),
                )
                .await;
            });
        }
    };
    Effect::new(move |first: Option<()>| {
        model.track();
        if first.is_some() {
            save_settings();
        }
    });

    let picker = Picker::new(draft, textarea);
    let send = move || {
        let content = draft.get_untracked();
        if content.trim().is_empty() || streaming.get_untracked().is_some() {
            return;
        }
        notice.set(None);
        let t = tokens.get_untracked();
        let own = touched.get_untracked();
        spawn_local(async move {
            match send_message(
                conversation_id,
                content.clone(),
                model.get_untracked().filter(|_| own),
                Some(temp.get_untracked()).filter(|_| own),
                (t > 0 && own).then_some(t),
                agent_id,
            )
            .await
            {
                Ok(sent) if conversation_id.is_none() => {
                    // A new thread: open it (the reply is already running).
                    browser::go(&format!("/c/{}", sent.conversation_id));
                }
                Ok(sent) => {
                    draft.set(String::new());
                    picker.close();
                    browser::reset_height(textarea);
                    let reply = show_turn(bubbles, None, sent, content);
                    streaming.set(Some(reply.id));
                    browser::follow_bottom_now();
                    follow(reply, streaming, wake).await;
                }
                Err(e) => notice.set(Some(error_text(e))),
            }
        });
    };

    let stop = move |_| {
        if let Some(id) = streaming.get_untracked() {
            spawn_local(async move {
                let _ = stop_reply(id).await;
            });
        }
    };

    let regenerate = move |id: i64| {
        if streaming.get_untracked().is_some() {
            return;
        }
        spawn_local(async move {
            match regenerate_reply(id).await {
                Ok(new_id) => {
                    let reply = Bubble::new_reply(new_id);
                    bubbles.update(|bs| {
                        if let Some(pos) = bs.iter().position(|b| b.id == id) {
                            bs.truncate(pos);
                        }
                        bs.push(reply);
                    });
                    streaming.set(Some(new_id));
                    follow(reply, streaming, wake).await;
                }
                Err(e) => notice.set(Some(error_text(e))),
            }
        });
    };

    let editing = RwSignal::new(None::<i64>);
    let edit_text = RwSignal::new(String::new());
    let resend = move |id: i64| {
        let content = edit_text.get_untracked();
        if content.trim().is_empty() || streaming.get_untracked().is_some() {
            return;
        }
        if !browser::confirm("Replace this message and everything after it?") {
            return;
        }
        spawn_local(async move {
            match edit_and_resend(id, content.clone()).await {
                Ok(sent) => {
                    editing.set(None);
                    let reply = show_turn(bubbles, Some(id), sent, content);
                    streaming.set(Some(reply.id));
                    follow(reply, streaming, wake).await;
                }
                Err(e) => notice.set(Some(error_text(e))),
            }
        });
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if picker.on_key(&ev) {
            return;
        }
        if ev.key() == "Enter"
            && !ev.shift_key()
            && !ev.is_composing()
            && !browser::coarse_pointer()
        {
            ev.prevent_default();
            send();
        }
    };

    view! {
        <div class="chat" node_ref=root>
            <div
                class="messages"
                on:click=move |ev| browser::copy_code_click(&ev)
            >
                <Show when=move || bubbles.with(|b| b.is_empty())>
                    <p class="chat-empty muted">"Ask anything. Replies stream in as they are written."</p>
                </Show>
                <For each=move || bubbles.get() key=|b| b.id let:b>
                    <div class=format!("bubble bubble-{}", b.role) id=format!("m-{}", b.id) data-status=move || b.status.get() data-message=b.id>
                        {if b.role == "user" {
                            view! {
                                <Show
                                    when=move || editing.get() == Some(b.id)
                                    fallback=move || {
                                        view! {
                                            <div class="bubble-text plain">{move || b.content.get()}</div>
                                            <Show when=move || streaming.get().is_none() && conversation_id.is_some()>
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
                                            <button type="button" class="btn btn-small btn-primary" on:click=move |_| resend(b.id)>
                                                "Save & resend"
                                            </button>
                                            <button type="button" class="btn btn-small" on:click=move |_| editing.set(None)>
                                                "Cancel"
                                            </button>
                                        </div>
                                    </div>
                                </Show>
                            }
                                .into_any()
                        } else {
                            view! {
                                {agent
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
                                <Show when=move || b.status.get() == "streaming" && b.content.with(|c| c.is_empty())>
                                    <span class="typing" aria-label="Writing">
                                        <i></i>
                                        <i></i>
                                        <i></i>
                                    </span>
                                </Show>
                                {move || b.error.get().map(|e| view! { <p class="bubble-error" role="alert">{e}</p> })}
                                <Show when=move || b.status.get() == "stopped">
                                    <p class="bubble-note muted">"Stopped"</p>
                                </Show>
                                <Show when=move || b.status.get() == "interrupted">
                                    <p class="bubble-note muted">"Interrupted by a server restart"</p>
                                </Show>
                                <Show when=move || b.status.get() != "streaming">
                                    <div class="bubble-actions">
                                        <button type="button" class="btn btn-small" on:click=move |_| browser::copy_text(&b.content.get_untracked())>
                                            "Copy"
                                        </button>
                                        <button type="button" class="btn btn-small" on:click=move |_| regenerate(b.id)>
                                            {move || if b.status.get() == "error" { "Retry" } else { "Regenerate" }}
                                        </button>
                                    </div>
                                </Show>
                            }
                                .into_any()
                        }}
                    </div>
                </For>
            </div>
            <form
                class="composer"
                method="post"
                action=SendMessage::url()
                on:submit=move |ev| {
                    ev.prevent_default();
                    send();
                }
            >
                {conversation_id.map(|id| view! { <input type="hidden" name="conversation_id" value=id /> })}
                {agent_id
                    .filter(|_| conversation_id.is_none())
                    .map(|id| view! { <input type="hidden" name="agent_id" value=id /> })}
                {move || notice.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                <details class="chat-options">
                    <summary class="btn btn-small">"Options"</summary>
                    <div class="chat-options-body">
                        <ModelMenu registry=registry.clone() selected=model name="model_id".to_string() />
                        <label class="field">
                            <span>{move || format!("Temperature {}", tenths(temp.get()))}</span>
                            <input
                                type="range"
                                name="temperature"
                                min="0"
                                max="2"
                                step="0.1"
                                value=tenths(temp.get_untracked())
                                prop:value=move || tenths(temp.get())
                                on:input=move |ev| temp.set(decimal(&event_target_value(&ev)).unwrap_or(1.0))
                                on:change=move |_| save_settings()
                            />
                        </label>
                        <label class="field">
                            <span>
                                {move || match tokens.get() {
                                    0 => "Max tokens: model default".to_string(),
                                    n => format!("Max tokens {n}"),
                                }}
                            </span>
                            <input
                                type="range"
                                name="max_tokens"
                                min="0"
                                max="16384"
                                step="256"
                                value=tokens.get_untracked().to_string()
                                prop:value=move || tokens.get().to_string()
                                on:input=move |ev| tokens.set(event_target_value(&ev).parse().unwrap_or(0))
                                on:change=move |_| save_settings()
                            />
                        </label>
                    </div>
                </details>
                <PromptMenu picker=picker />
                <div class="composer-row">
                    <textarea
                        name="content"
                        rows="1"
                        placeholder="Message"
                        aria-label="Message"
                        required
                        maxlength="100000"
                        node_ref=textarea
                        prop:value=move || draft.get()
                        on:input=move |ev| {
                            draft.set(event_target_value(&ev));
                            browser::grow(textarea);
                            picker.update();
                        }
                        on:keydown=on_key
                        on:blur=move |_| picker.close()
                    ></textarea>
                    <Show
                        when=move || streaming.get().is_some()
                        fallback=|| view! { <button type="submit" class="btn btn-primary send">"Send"</button> }
                    >
                        <button type="button" class="btn stop" on:click=stop>"Stop"</button>
                    </Show>
                </div>
            </form>
        </div>
    }
}
