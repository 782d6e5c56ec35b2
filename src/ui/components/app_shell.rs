use super::folder_links::FolderLinks;
use super::note_links::{label, NewNoteButton};
use super::sidebar_toggle::SidebarToggle;
use super::thread_list::ThreadList;
use super::user_menu::UserMenu;
use crate::ui::page_context;

/// How many of the newest notes the sidebar lists (all are on /notes).
const SIDEBAR_NOTES: usize = 5;
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The signed-in frame: sidebar (docked on desktop, a drawer on phones),
/// header with the page title and the account menu, then the page.
#[component]
pub fn AppShell(title: &'static str, children: Children) -> impl IntoView {
    let ctx = page_context();
    let path = use_location().pathname.get_untracked();
    let is_admin = ctx.user.as_ref().is_some_and(|u| u.is_admin());
    let current = path.clone();
    let threads = Resource::new(|| (), |_| crate::serverfns::chat::list_threads(None));
    let notes = Resource::new(|| (), |_| crate::serverfns::notes::load_notes());
    let folders = Resource::new(|| (), |_| crate::serverfns::organise::load_folders());
    // The open folder, lit in the sidebar.
    let here = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("folder")
        .filter(|_| path == "/threads")
        .map(|f| format!("/threads?folder={f}"))
        .unwrap_or_default();
    let link = move |href: &'static str, label: &'static str| {
        let current = (path == href).then_some("page");
        view! {
            <a href=href aria-current=current>
                {label}
            </a>
        }
    };
    view! {
        <PageTitle text=title />
        <div class="app">
            <aside id="sidebar" class="sidebar" aria-label="Navigation">
                <div class="sidebar-head">
                    <a class="brand" href="/">
                        <img src="/icons/icon.svg" alt="" width="28" height="28" />
                        <span>"Backrooms"</span>
                    </a>
                    <a class="icon-btn sidebar-close" href="#" aria-label="Close menu">
                        "×"
                    </a>
                </div>
                <nav class="sidebar-nav">
                    {link("/backrooms", "Backrooms")}
                    {link("/agents", "Agents")}
                    {link("/prompts", "Prompts")}
                    {link("/profile", "Profile")}
                    {is_admin.then(|| link("/settings/providers", "Providers"))}
                    {is_admin.then(|| link("/admin", "Admin"))}
                </nav>
                <form method="get" action="/search" class="sidebar-search" role="search">
                    <input type="search" name="q" placeholder="Search" aria-label="Search everything" maxlength="200" />
                </form>
                <a class="btn btn-primary new-chat-link" href="/?new=1">
                    "+ New chat"
                </a>
                <section class="sidebar-section sidebar-notes">
                    <div class="sidebar-section-head">
                        <h2>
                            <a href="/notes">"Notes"</a>
                        </h2>
                        <NewNoteButton />
                    </div>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            notes
                                .await
                                .ok()
                                .map(|list| {
                                    view! {
                                        <ul class="note-links">
                                            {list
                                                .into_iter()
                                                .take(SIDEBAR_NOTES)
                                                .map(|n| {
                                                    view! {
                                                        <li>
                                                            <a href=format!("/notes/{}", n.id)>{label(&n.title, &n.body)}</a>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                })
                        })}
                    </Suspense>
                </section>
                <section class="sidebar-section sidebar-folders">
                    <div class="sidebar-section-head">
                        <h2>
                            <a href="/threads">"Folders"</a>
                        </h2>
                        <a class="btn btn-small" href="/threads?archived=1">"Archived"</a>
                    </div>
                    <Suspense fallback=|| ()>
                        {move || {
                            let here = here.clone();
                            Suspend::new(async move {
                                folders
                                    .await
                                    .ok()
                                    .map(|list| view! { <FolderLinks folders=list current=here /> })
                            })
                        }}
                    </Suspense>
                </section>
                <section class="sidebar-section">
                    <h2>"Threads"</h2>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current = current.clone();
                            Suspend::new(async move {
                                threads
                                    .await
                                    .ok()
                                    .map(|page| view! { <ThreadList page=page current=current /> })
                            })
                        }}
                    </Suspense>
                </section>
            </aside>
            <div class="main">
                <header class="topbar">
                    <SidebarToggle />
                    <h1 class="page-title">{title}</h1>
                    {ctx.user.map(|user| view! { <UserMenu user=user /> })}
                </header>
                <main class="content">{children()}</main>
            </div>
        </div>
    }
}
