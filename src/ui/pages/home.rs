use crate::serverfns::agents::load_agent;
use crate::serverfns::providers::load_model_registry;
use crate::ui::components::agent_card::AgentAvatar;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use crate::ui::page_context;
use leptos::prelude::*;

/// The thread remembered by the `last_thread` cookie.
fn last_thread() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<axum::http::request::Parts>()?;
        let cookies = parts
            .headers
            .get(axum::http::header::COOKIE)?
            .to_str()
            .ok()?;
        cookies.split(';').find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == "last_thread").then(|| v.parse().ok()).flatten()
        })
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// `/`: reopens the last thread; `/?new=1` (the "New chat" link) is a new
/// chat, whose first message creates the thread and opens it.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = page_context().user;
    let admin = user
        .as_ref()
        .is_some_and(|u| u.role == crate::model::user::Role::Admin);
    let name = user.map(|u| u.username).unwrap_or_default();
    let fresh = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("new")
        .is_some();
    let reopen = (!fresh).then(last_thread).flatten();
    if let Some(id) = reopen {
        let check = Resource::new(
            || (),
            move |_| crate::serverfns::chat::load_thread(id, None, None),
        );
        return view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    #[cfg(feature = "ssr")]
                    {
                        let to = if check.await.is_ok() { crate::model::chat::thread_link(id) } else { "/?new=1".to_string() };
                        leptos_axum::redirect(&to);
                    }
                    #[cfg(not(feature = "ssr"))]
                    let _ = check.await;
                })}
            </Suspense>
        }
        .into_any();
    }
    let agent_id = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("agent")
        .and_then(|a| a.parse::<i64>().ok());
    let data = Resource::new(
        || (),
        move |_| async move {
            let agent = match agent_id {
                Some(id) => load_agent(id).await.ok(),
                None => None,
            };
            (load_model_registry().await, agent)
        },
    );
    view! {
        <AppShell title="New chat">
            <Suspense fallback=|| view! { <p class="muted">"Loading models…"</p> }>
                {move || {
                    let name = name.clone();
                    Suspend::new(async move {
                        match data.await {
                            (Ok(r), Some(agent)) => {
                                let badge = agent.badge();
                                view! {
                                    <section class="welcome">
                                        <AgentAvatar avatar=agent.avatar.clone() color=agent.color.clone() size=56 />
                                        <h2>"Chat with " {agent.name.clone()}</h2>
                                        <p class="muted">{agent.description.clone()}</p>
                                    </section>
                                    {crate::ui::components::flash::form_error("composer", &[])}
<ChatView
                                        thread_id=None
                                        messages=Vec::new()
                                        older=None
                                        newer=false
                                        model_id=r.offered_or_default(agent.model_id)
                                        registry=r
                                        temperature=Some(agent.temperature)
                                        max_tokens=agent.max_tokens
                                        agent=Some(badge)
                                        draft=crate::ui::components::flash::typed("composer", "content", "")
                                        draft_files=crate::ui::components::flash::typed("composer", "attachments", "")
                                    />
                                }
                                    .into_any()
                            }
                            (Ok(r), None) => {
                                // A fresh server: say what is missing and where it is set up.
                                let setup = r.providers.is_empty().then(|| if admin {
                                    view! {
                                        <p class="notice first-run">
                                            "No model is set up yet. Add a provider and its models in "
                                            <a href="/settings/providers">"Providers"</a>
                                            "; the first model becomes the default."
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p class="notice first-run">
                                            "No model is available yet: ask your server's admin to add a provider."
                                        </p>
                                    }
                                        .into_any()
                                });
                                view! {
                                    <section class="welcome">
                                        <img src="/icons/icon.svg" alt="" width="56" height="56" />
                                        <h2>"Welcome, " {name}</h2>
                                        <p class="muted">"Your private AI chat server. Pick a model and say something, or "
                                            <a href="/agents">"chat with an agent"</a> "."</p>
                                    </section>
                                    {setup}
                                    {crate::ui::components::flash::form_error("composer", &[])}
<ChatView
                                        thread_id=None
                                        messages=Vec::new()
                                        older=None
                                        newer=false
                                        registry=r
                                        model_id=None
                                        temperature=None
                                        max_tokens=None
                                        agent=None
                                        draft=crate::ui::components::flash::typed("composer", "content", "")
                                        draft_files=crate::ui::components::flash::typed("composer", "attachments", "")
                                    />
                                }
                                    .into_any()
                            }
                            (Err(e), _) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </AppShell>
    }
    .into_any()
}
