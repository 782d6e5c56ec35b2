use crate::model::chat::ThreadSummary;
use crate::model::folder::FolderView;
use crate::serverfns::organise::{load_folders, load_tags, load_threads, ManageFolder};
use crate::text::format::query_value;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{field_error, typed, FlashNotice};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// `/threads`: the user's threads filtered by folder (`?folder=ID`), tag
/// (`?tag=`) or archived (`?archived=1`), with the folder's rename and
/// delete forms when one is open.
#[component]
pub fn ThreadsPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let folder = query.get("folder").and_then(|f| f.parse::<i64>().ok());
    let tag = query.get("tag").filter(|t| !t.is_empty());
    let archived = query.get("archived").is_some_and(|a| a == "1");
    let before = query.get("before");
    let asked_tag = tag.clone();
    let data = Resource::new(
        || (),
        move |_| {
            let (tag, before) = (asked_tag.clone(), before.clone());
            async move {
                (
                    load_threads(folder, tag, archived, before).await,
                    load_folders().await,
                    load_tags().await,
                )
            }
        },
    );
    view! {
        <AppShell title="Threads">
            <FlashNotice />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let tag = tag.clone();
                    Suspend::new(async move {
                        let (Ok(page), Ok(folders), Ok(tags)) = data.await else {
                            return view! { <p class="notice notice-error">"Could not load your threads."</p> }.into_any();
                        };
                        let open = folder.and_then(|id| folders.iter().find(|f| f.id == id).cloned());
                        if folder.is_some() && open.is_none() {
                            crate::ui::set_status(404);
                            return view! { <p class="notice notice-error">"This folder does not exist."</p> }.into_any();
                        }
                        let heading = match (&open, &tag, archived) {
                            (Some(f), _, _) => format!("Folder: {}", f.name),
                            (None, Some(t), _) => format!("Tagged #{t}"),
                            (None, None, true) => "Archived threads".to_string(),
                            (None, None, false) => "All threads".to_string(),
                        };
                        let here = |extra: &str| {
                            let mut q = Vec::new();
                            if let Some(f) = folder {
                                q.push(format!("folder={f}"));
                            }
                            if let Some(t) = &tag {
                                q.push(format!("tag={}", query_value(t)));
                            }
                            if archived {
                                q.push("archived=1".to_string());
                            }
                            if !extra.is_empty() {
                                q.push(extra.to_string());
                            }
                            format!("/threads?{}", q.join("&"))
                        };
                        let more = page.next_cursor.as_ref().map(|c| here(&format!("before={}", query_value(c))));
                        view! {
                            <h2 class="threads-heading">{heading}</h2>
                            {open.map(|f| view! { <FolderForms folder=f /> })}
                            <nav class="tag-filter" aria-label="Filter">
                                <a href="/threads" class="chip" aria-current=(folder.is_none() && tag.is_none() && !archived).then_some("page")>"All"</a>
                                <a href="/threads?archived=1" class="chip" aria-current=(archived && tag.is_none()).then_some("page")>"Archived"</a>
                                {tags
                                    .into_iter()
                                    .map(|(t, n)| {
                                        let current = (tag.as_deref() == Some(t.as_str())).then_some("page");
                                        view! {
                                            <a href=format!("/threads?tag={}", query_value(&t)) class="chip" aria-current=current>
                                                {format!("#{t}")}
                                                <span class="muted">{format!(" {n}")}</span>
                                            </a>
                                        }
                                    })
                                    .collect_view()}
                            </nav>
                            <ThreadRows items=page.items folders=folders />
                            {more.map(|href| view! { <a class="btn" href=href>"Older threads"</a> })}
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        </AppShell>
    }
}

#[component]
fn ThreadRows(items: Vec<ThreadSummary>, folders: Vec<FolderView>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted empty">"No threads here."</p> }.into_any();
    }
    view! {
        <ul class="thread-rows">
            {items
                .into_iter()
                .map(|t| {
                    let title = if t.title.is_empty() { "New chat".to_string() } else { t.title.clone() };
                    let folder = t
                        .folder_id
                        .and_then(|id| folders.iter().find(|f| f.id == id))
                        .map(|f| view! { <a class="chip" href=format!("/threads?folder={}", f.id)>{format!("▸ {}", f.name)}</a> });
                    view! {
                        <li>
                            <a class="thread-row-title" href=crate::model::chat::thread_link(t.id)>
                                {t.pinned.then_some("📌 ")}
                                {title}
                            </a>
                            <span class="thread-row-meta">
                                {folder}
                                {t
                                    .tags
                                    .iter()
                                    .map(|tag| view! { <a class="chip" href=format!("/threads?tag={}", query_value(tag))>{format!("#{tag}")}</a> })
                                    .collect_view()}
                                {t.archived.then(|| view! { <span class="badge">"Archived"</span> })}
                                <span class="muted">{crate::text::format::date(t.updated_at)}</span>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
        .into_any()
}

/// Rename and delete the open folder.
#[component]
fn FolderForms(folder: FolderView) -> impl IntoView {
    view! {
        <div class="folder-forms">
            <form method="post" action=ManageFolder::url() class="inline-form">
                <input type="hidden" name="action" value="rename" />
                <input type="hidden" name="id" value=folder.id />
                <input name="name" value=typed("folder", "name", &folder.name) maxlength="60" aria-label="Folder name" required />
                <button type="submit" class="btn btn-small">"Rename"</button>
            </form>
            {field_error("folder", "name")}
            <details class="confirm">
                <summary class="btn btn-small">"Delete folder…"</summary>
                <form method="post" action=ManageFolder::url() class="confirm-box">
                    <input type="hidden" name="action" value="delete" />
                    <input type="hidden" name="id" value=folder.id />
                    <p>{format!("Delete the folder? Its {} thread(s) move back to the main list; none is deleted.", folder.threads)}</p>
                    <button type="submit" class="btn btn-danger">"Delete folder"</button>
                </form>
            </details>
        </div>
    }
}
