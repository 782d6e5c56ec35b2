use crate::model::agent::AgentBadge;
use crate::model::chat::ThreadView;
use crate::model::folder::FolderView;
use crate::serverfns::agents::load_agent;
use crate::serverfns::chat::{load_thread, ManageThread};
use crate::serverfns::providers::load_model_registry;
use crate::text::format::query_value;
use crate::ui::components::agent_card::AgentAvatar;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use crate::ui::components::copy_button::CopyButton;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/c/{id}`: one thread. A reply still being written joins its live
/// stream when the page wakes up.
#[component]
pub fn ChatPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    // Without JavaScript "Older messages" is a link to the page before; a
    // search hit opens the page around it.
    let query = use_query_map().get_untracked();
    let number = |name: &str| query.get(name).and_then(|s| s.parse::<i64>().ok());
    let (before, at) = (number("before"), number("at"));
    let data = Resource::new(
        || (),
        move |_| async move {
            let conv = load_thread(id, before, at).await;
            // The agent's own settings show in the thread's options until
            // the thread overrides them.
            let agent = match conv.as_ref().ok().and_then(|c| c.agent_id) {
                Some(a) => load_agent(a).await.ok(),
                None => None,
            };
            // Without the folder list the menu offers no Move (it would
            // take the thread out of its folder).
            let folders = crate::serverfns::organise::load_folders().await.ok();
            (conv, load_model_registry().await, agent, folders)
        },
    );
    view! {
            <AppShell title="Chat">
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            (Ok(c), Ok(registry), agent, folders) => {
                                let title = if c.title.is_empty() { "New chat".to_string() } else { c.title.clone() };
                                remember_thread(c.id);
                                let model_id = registry
                                    .offered_or_default(c.model_id.or(agent.as_ref().and_then(|a| a.model_id)));
                                let temperature = c.temperature.or(agent.as_ref().map(|a| a.temperature));
                                let max_tokens = c.max_tokens.or(agent.as_ref().and_then(|a| a.max_tokens));
                                view! {
                                    <PageTitle text=title.clone() />
                                    <div class="thread-head">
                                        {c.agent.clone().map(|a| view! { <AgentHeader agent=a /> })}
                                        <h2 class="thread-title">{title.clone()}</h2>
                                        <ThreadMenu thread=ThreadFacts::of(&c) title=title folders=folders.clone() />
                                    </div>
                                    <ThreadChips c=&c folders=folders.as_deref().unwrap_or(&[]) />
                                    {form_error("thread", &[])}
                                    {c.newer.then(|| view! {
                                        <p class="notice">
                                            "These are older messages. "
                                            <a href=crate::model::chat::thread_link(c.id)>"Back to the latest"</a>
                                        </p>
                                    })}
                                    {crate::ui::components::flash::form_error("composer", &[])}
    <ChatView
                                        thread_id=Some(c.id)
                                        messages=c.messages
                                        older=c.older
                                        newer=c.newer
                                        registry=registry
                                        model_id=model_id
                                        temperature=temperature
                                        max_tokens=max_tokens
                                        agent=c.agent
                                        draft=crate::ui::components::flash::typed("composer", "content", "")
                                        draft_files=crate::ui::components::flash::typed("composer", "attachments", "")
                                    />
                                }
                                    .into_any()
                            }
                            _ => {
                                crate::ui::set_status(404);
                                view! {
                                    <p class="notice notice-error">"This thread does not exist."</p>
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

/// What the thread menu needs to know of the thread.
#[derive(Clone)]
struct ThreadFacts {
    id: i64,
    pinned: bool,
    archived: bool,
    folder_id: Option<i64>,
    tags: Vec<String>,
    /// The full read-only link while the thread is shared.
    share: Option<String>,
}

impl ThreadFacts {
    fn of(c: &ThreadView) -> Self {
        ThreadFacts {
            id: c.id,
            pinned: c.pinned,
            archived: c.archived,
            folder_id: c.folder_id,
            tags: c.tags.clone(),
            share: c
                .share_link
                .clone()
                .or_else(|| c.share_token.as_ref().map(|t| format!("/s/{t}"))),
        }
    }
}

/// The thread's folder, tags and archived state, each a link to its list.
#[component]
fn ThreadChips<'a>(c: &'a ThreadView, folders: &'a [FolderView]) -> impl IntoView {
    let folder = c
        .folder_id
        .and_then(|id| folders.iter().find(|f| f.id == id))
        .map(|f| view! { <a class="chip" href=format!("/threads?folder={}", f.id)>{format!("▸ {}", f.name)}</a> });
    let id = c.id;
    let archived = c.archived.then(|| {
        view! {
            <form method="post" action=ManageThread::url() class="archived-note">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value="restore" />
                <span class="badge">"Archived"</span>
                <button type="submit" class="btn btn-small">"Restore"</button>
            </form>
        }
    });
    let tags = c
        .tags
        .iter()
        .map(|t| view! { <a class="chip" href=format!("/threads?tag={}", query_value(t))>{format!("#{t}")}</a> })
        .collect_view();
    (folder.is_some() || c.archived || !c.tags.is_empty())
        .then(|| view! { <div class="thread-chips">{archived}{folder}{tags}</div> })
}

/// Rename, pin, folder, tags, archive, export, share and delete, as plain
/// forms.
#[component]
fn ThreadMenu(
    thread: ThreadFacts,
    title: String,
    folders: Option<Vec<FolderView>>,
) -> impl IntoView {
    let ThreadFacts {
        id,
        pinned,
        archived,
        folder_id,
        tags,
        share,
    } = thread;
    let hidden = move |action: &'static str| {
        view! {
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="action" value=action />
        }
    };
    // Just shared: the menu opens on the link, with the confirmation.
    let just_shared = share.is_some()
        && crate::ui::page_context().flash.notice.as_deref()
            == Some(crate::model::chat::SHARED_NOTICE);
    view! {
        <details class="thread-menu" open=just_shared>
            <summary class="btn btn-small" aria-label="Thread actions">"⋯"</summary>
            <div class="menu thread-menu-body">
                <form method="post" action=ManageThread::url() class="inline-form">
                    {hidden("rename")}
                    <input name="title" value=title maxlength="200" aria-label="Title" required />
                    <button type="submit" class="btn btn-small">"Rename"</button>
                </form>
                <form method="post" action=ManageThread::url()>
                    {hidden(if pinned { "unpin" } else { "pin" })}
                    <button type="submit" class="menu-item plain-item">{if pinned { "Unpin" } else { "Pin" }}</button>
                </form>
                {folders.map(|folders| view! {
                    <form method="post" action=ManageThread::url() class="inline-form">
                        {hidden("move")}
                        <select name="folder_id" aria-label="Folder">
                            <option value="" selected=folder_id.is_none()>"No folder"</option>
                            {folders
                                .into_iter()
                                .map(|f| view! { <option value=f.id selected=folder_id == Some(f.id)>{f.name}</option> })
                                .collect_view()}
                        </select>
                        <button type="submit" class="btn btn-small">"Move"</button>
                    </form>
                })}
                <form method="post" action=ManageThread::url() class="inline-form">
                    {hidden("tags")}
                    <input name="tags" value=tags.join(", ") maxlength="900" aria-label="Tags" placeholder="tags, comma separated" />
                    <button type="submit" class="btn btn-small">"Save tags"</button>
                </form>
                <form method="post" action=ManageThread::url()>
                    {hidden(if archived { "restore" } else { "archive" })}
                    <button type="submit" class="menu-item plain-item">{if archived { "Restore from archive" } else { "Archive" }}</button>
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
                                <button type="submit" class="menu-item plain-item">"Share a read-only link"</button>
                            </form>
                        }
                            .into_any()
                    }
                    Some(link) => {
                        view! {
                            <div class="share-box" id="share">
                                {just_shared.then(FlashNotice)}
                                <a class="share-link" href=link.clone()>"Read-only link"</a>
                                <div class="inline-form">
                                    <input readonly aria-label="Share link" value=link.clone() />
                                    <CopyButton text=link label="Copy the link".to_string() />
                                </div>
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
                    <summary class="menu-item menu-danger">"Delete…"</summary>
                    <form method="post" action=ManageThread::url() class="confirm-box">
                        {hidden("delete")}
                        <p>"Delete this thread for good?"</p>
                        <button type="submit" class="btn btn-danger">"Delete thread"</button>
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
