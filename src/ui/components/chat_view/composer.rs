//! The composer: the message box, its options and "Send" (or "Stop" while
//! a reply is written). Without JavaScript it is a plain multipart form
//! that posts the message with its files to `/chat/send`.

use super::bubble::show_turn;
use super::follow::follow;
use super::options::{ChatOptions, Settings};
use super::Chat;
use crate::model::provider::ModelRegistry;
use crate::serverfns::chat::{send_message, stop_reply};
use crate::ui::browser;
use crate::ui::components::prompt_picker::{Picker, PromptMenu};
use crate::ui::raw_text::raw_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the attach buttons offer (the server checks the content anyway).
const ACCEPT: &str = "image/png,image/jpeg,image/webp,image/gif,application/pdf,.pdf,.txt,.md,.markdown,.csv,.json,.html,.htm,.xml,.yaml,.yml,.toml,.rs,.py,.js,.ts,.go,.java,.c,.h,.cpp,.rb,.sh,.sql,.css";

#[component]
pub(super) fn Composer(chat: Chat, settings: Settings, registry: ModelRegistry) -> impl IntoView {
    let Chat {
        thread_id,
        agent_id,
        bubbles,
        streaming,
        wake,
        errors,
        ..
    } = chat;
    let first = chat.draft.get_value();
    // Uploads kept from a refused plain-form send (ids, comma-separated).
    let kept = chat.draft_files.get_value();
    let kept_count =
        Some(kept.split(',').filter(|s| !s.trim().is_empty()).count()).filter(|n| *n > 0);
    let draft = RwSignal::new(first.clone());
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let picker = Picker::new(draft, textarea);
    // Filled by app.js as files are uploaded (attach button, paste, drop).
    let files = NodeRef::<leptos::html::Input>::new();
    // The attach buttons need the scripts: shown once the island runs.
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));

    let send = move || {
        let content = draft.get_untracked();
        if content.trim().is_empty() || streaming.get_untracked().is_some() {
            return;
        }
        errors.clear();
        browser::ask_to_notify();
        let (model, temperature, max_tokens) = settings.own();
        let attached = files
            .get_untracked()
            .map(|i| i.value())
            .filter(|v| !v.is_empty());
        let with_files = attached.is_some();
        spawn_local(async move {
            match send_message(
                thread_id,
                content.clone(),
                model,
                temperature,
                max_tokens,
                agent_id,
                attached,
            )
            .await
            {
                Ok(sent) if thread_id.is_none() || chat.newer || with_files => {
                    // A new thread, or a page of older messages: open the
                    // latest (the reply is already running). With files,
                    // the page shows them as the server stored them.
                    browser::clear_attachments();
                    browser::open_fresh(&crate::model::chat::thread_link(sent.thread_id));
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
                Err(e) => {
                    errors.set(e);
                }
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
        <form
            class="composer"
            method="post"
            action="/chat/send"
            enctype="multipart/form-data"
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            {thread_id.map(|id| view! { <input type="hidden" name="thread_id" value=id /> })}
            {agent_id
                .filter(|_| thread_id.is_none())
                .map(|id| view! { <input type="hidden" name="agent_id" value=id /> })}
            {move || errors.general().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            <ChatOptions settings=settings registry=registry errors=errors />
            <PromptMenu picker=picker />
            <input type="hidden" name="attachments" value=kept.clone() node_ref=files />
            {kept_count.map(|n| view! {
                <p class="muted composer-kept">{format!("{n} file(s) from your last try go out with this message.")}</p>
            })}
            <ul class="composer-files" aria-label="Files to send"></ul>
            <div class="composer-row">
                <Show
                    when=move || scripted.get()
                    fallback=|| view! {
                        <label class="btn attach attach-plain" title="Attach pictures or documents">
                            <span aria-hidden="true">"📎"</span>
                            <span class="visually-hidden">"Attach files"</span>
                            <input type="file" name="file" multiple accept=ACCEPT />
                        </label>
                    }
                >
                <label class="btn attach" title="Attach pictures or documents">
                    <span aria-hidden="true">"📎"</span>
                    <span class="visually-hidden">"Attach files"</span>
                    <input
                        type="file"
                        class="visually-hidden"
                        data-attach=""
                        multiple
                        accept=ACCEPT
                    />
                </label>
                <label class="btn attach camera" title="Take a picture">
                    <span aria-hidden="true">"📷"</span>
                    <span class="visually-hidden">"Take a picture"</span>
                    <input type="file" class="visually-hidden" data-attach="" accept="image/*" capture="environment" />
                </label>
                </Show>
                <textarea
                    name="content"
                    rows="1"
                    placeholder="Message"
                    aria-label="Message"
                    required
                    maxlength="100000"
                    node_ref=textarea
                    inner_html=raw_text(&first)
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
            {errors.at("content")}
        </form>
    }
}
