use crate::model::agent::AgentBadge;
use crate::serverfns::agents::load_agent;
use crate::serverfns::chat::{load_conversation, ManageThread};
use crate::serverfns::providers::load_model_registry;
use crate::ui::components::agent_card::AgentAvatar;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use crate::ui::components::flash::form_error;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// `/c/{id}`: one thread. A reply still being written joins its live
/// stream when the page wakes up.
#[component]
pub fn ChatPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    let data = Resource::new(
        || (),
        move |_| async move {
            let conv = load_conversation(id).await;
            // The agent's own settings show in the thread's options until
            // the thread overrides them.
            let agent = match conv.as_ref().ok().and_then(|c| c.agent_id) {
                Some(a) => load_agent(a).await.ok(),
                None => None,
            };
            (conv, load_model_registry().await, agent)
        },
    );
    view! {
        <AppShell title="Chat">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        (Ok(c), Ok(registry), agent) => {
                            let title = if c.title.is_empty() { "New chat".to_string() } else { c.title.clone() };
                            remember_thread(c.id);
                            let model_id = registry
                                .offered_or_default(c.model_id.or(agent.as_ref().and_then(|a| a.model_id)));
                            let temperature = c.temperature.or(agent.as_ref().map(|a| a.temperature));
                            let max_tokens = c.max_tokens.or(agent.as_ref().and_then(|a| a.max_tokens));
                            view! {
                                <leptos_meta::Title text=title.clone() />
                                <div class="thread-head">
                                    {c.agent.clone().map(|a| view! { <AgentHeader agent=a /> })}
                                    <h2 class="thread-title">{title.clone()}</h2>
                                    <ThreadMenu id=c.id title=title pinned=c.pinned share=c.share_token.clone() />
                                </div>
                                {form_error("thread", &[])}
                                <ChatView
                                    conversation_id=Some(c.id)
                                    messages=c.messages
                                    registry=registry
                                    model_id=model_id
                                    temperature=temperature
                                    max_tokens=max_tokens
                                    agent=c.agent
                                />
                            }
                                .into_any()
                        }
                        _ => {
                            crate::ui::set_status(404);
                            view! {
                                <p class="notice notice-error">"This conversation does not exist."</p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}

/// The next visit to `/` reopens this thread (a cookie, like the theme).
fn remember_thread(id: i64) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&format!(
            "last_thread={id}; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly"
        )),
    ) {
        res.append_header(axum::http::header::SET_COOKIE, v);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = id;
}

/// Rename, pin and delete, as plain forms.
#[component]
fn ThreadMenu(id: i64, title: String, pinned: bool, share: Option<String>) -> impl IntoView {
    let hidden = move |action: &'static str| {
        view! {
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="action" value=action />
        }
    };
    view! {
        <details class="thread-menu">
            <summary class="btn btn-small" aria-label="Thread actions">"⋯"</summary>
            <div class="menu thread-menu-body">
                <form method="post" action=ManageThread::url() class="inline-form">
                    {hidden("rename")}
                    <input name="title" value=title maxlength="200" aria-label="Title" required />
                    <button type="submit" class="btn btn-small">"Rename"</button>
                </form>
                <form method="post" action=ManageThread::url()>
                    {hidden(if pinned { "unpin" } else { "pin" })}
                    <button type="submit" class="menu-logout plain-item">{if pinned { "Unpin" } else { "Pin" }}</button>
                </form>
                <a class="plain-item" href=format!("/api/conversations/{id}/export?format=md") download>
                    "Export as Markdown"
                </a>
                <a class="plain-item" href=format!("/api/conversations/{id}/export?format=json") download>
                    "Export as JSON"
                </a>
                {match share {
                    None => {
                        view! {
                            <form method="post" action=ManageThread::url()>
                                {hidden("share")}
                                <button type="submit" class="menu-logout plain-item">"Share a read-only link"</button>
                            </form>
                        }
                            .into_any()
                    }
                    Some(token) => {
                        view! {
                            <div class="share-box">
                                <a class="share-link" href=format!("/s/{token}")>"Read-only link"</a>
                                <input readonly aria-label="Share link" value=format!("/s/{token}") />
                                <form method="post" action=ManageThread::url()>
                                    {hidden("unshare")}
                                    <button type="submit" class="btn btn-small">"Revoke link"</button>
                                </form>
                            </div>
                        }
                            .into_any()
                    }
                }}
                <details class="confirm">
                    <summary class="menu-logout">"Delete…"</summary>
                    <form method="post" action=ManageThread::url() class="confirm-box">
                        {hidden("delete")}
                        <p>"Delete this conversation for good?"</p>
                        <button type="submit" class="btn btn-danger">"Delete conversation"</button>
                    </form>
                </details>
            </div>
        </details>
    }
}

/// Who the thread talks to.
#[component]
pub fn AgentHeader(agent: AgentBadge) -> impl IntoView {
    let style = format!("--agent:{}", agent.color);
    view! {
        <div class="agent-header" style=style>
            <AgentAvatar avatar=agent.avatar color=agent.color size=32 />
            <span class="agent-header-name">{agent.name}</span>
        </div>
    }
}
