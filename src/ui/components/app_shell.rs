use super::sidebar_toggle::SidebarToggle;
use super::user_menu::UserMenu;
use crate::ui::page_context;
use leptos::prelude::*;
use leptos_meta::Title;
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
    let link = move |href: &'static str, label: &'static str| {
        let current = (path == href).then_some("page");
        view! {
            <a href=href aria-current=current>
                {label}
            </a>
        }
    };
    view! {
        <Title text=title />
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
                    {link("/profile", "Profile")}
                    {is_admin.then(|| link("/settings/providers", "Providers"))}
                    {is_admin.then(|| link("/admin", "Admin"))}
                </nav>
                <a class="btn btn-primary new-chat-link" href="/?new=1">
                    "+ New chat"
                </a>
                <section class="sidebar-section">
                    <h2>"Threads"</h2>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current = current.clone();
                            Suspend::new(async move {
                                match threads.await {
                                    Ok(page) if page.items.is_empty() => {
                                        view! { <p class="muted">"Your conversations will appear here."</p> }
                                            .into_any()
                                    }
                                    Ok(mut page) => {
                                        // Pinned threads first, each group newest first.
                                        page.items.sort_by_key(|t| !t.pinned);
                                        view! {
                                            <ul class="thread-list">
                                                {page
                                                    .items
                                                    .into_iter()
                                                    .map(|t| {
                                                        let href = format!("/c/{}", t.id);
                                                        let here = (current == href).then_some("page");
                                                        let title = if t.title.is_empty() {
                                                            "New chat".to_string()
                                                        } else {
                                                            t.title
                                                        };
                                                        view! {
                                                            <li>
                                                                <a href=href aria-current=here class:pinned=t.pinned>
                                                                    {title}
                                                                </a>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                    Err(_) => ().into_any(),
                                }
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
