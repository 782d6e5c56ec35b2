//! The HTML shell and the route table.

use crate::ui::page_context;
use crate::ui::pages::{
    admin::AdminPage,
    admin_audit::AdminAuditPage,
    admin_users::AdminUsersPage,
    agents::AgentEditorPage,
    agents::AgentsPage,
    analytics::AnalyticsPage,
    backrooms::{BackroomPage, BackroomsPage, NewBackroomPage},
    chat::ChatPage,
    compare::ComparePage,
    home::HomePage,
    keys::KeysPage,
    login::LoginPage,
    not_found::NotFoundPage,
    notes::{NotePage, NotesPage},
    profile::ProfilePage,
    prompts::PromptsPage,
    providers::ProvidersPage,
    public_room::{EmbeddedRoomPage, PublicRoomPage},
    register::RegisterPage,
    search::SearchPage,
    shared::SharedPage,
    threads::ThreadsPage,
    usage::{AdminUsagePage, UsagePage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let prefs = page_context().prefs;
    let sidebar = if prefs.sidebar_collapsed {
        "collapsed"
    } else {
        "open"
    };
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=prefs.theme.as_str() data-sidebar=sidebar>
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                // The browser's bar takes the page's background: the chosen
                // theme's, or the system's when the choice is "system".
                {[("light", false), ("dark", true)]
                    .map(|(scheme, dark)| {
                        leptos::html::meta()
                            .name("theme-color")
                            .id(format!("theme-color-{scheme}"))
                            .attr("media", format!("(prefers-color-scheme: {scheme})"))
                            .content(prefs.theme.bar_color(dark))
                    })}
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Your private AI chat server" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" sizes="any" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <script src="/app.js" defer></script>
                // File names carry their content's hash (cargo-leptos
                // `hash-files`), so a warm visit revalidates nothing.
                <HashedStylesheet options=options.clone() id="leptos" />
                // Pages without islands (sign-in, register, a shared
                // thread) load no WASM at all.
                {page_context().islands.then(|| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Backrooms".to_string() } else { format!("{page} · Backrooms") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/c/:id") view=ChatPage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/register") view=RegisterPage />
                <Route path=path!("/profile") view=ProfilePage />
                <Route path=path!("/admin") view=AdminPage />
                <Route path=path!("/admin/users") view=AdminUsersPage />
                <Route path=path!("/admin/audit") view=AdminAuditPage />
                <Route path=path!("/admin/usage") view=AdminUsagePage />
                <Route path=path!("/usage") view=UsagePage />
                <Route path=path!("/settings/providers") view=ProvidersPage />
                <Route path=path!("/settings/keys") view=KeysPage />
                <Route path=path!("/agents") view=AgentsPage />
                <Route path=path!("/agents/new") view=AgentEditorPage />
                <Route path=path!("/agents/:id") view=AgentEditorPage />
                <Route path=path!("/s/:token") view=SharedPage />
                <Route path=path!("/b/:token") view=PublicRoomPage />
                <Route path=path!("/b/:token/embed") view=EmbeddedRoomPage />
                <Route path=path!("/search") view=SearchPage />
                <Route path=path!("/threads") view=ThreadsPage />
                <Route path=path!("/prompts") view=PromptsPage />
                <Route path=path!("/notes") view=NotesPage />
                <Route path=path!("/notes/:id") view=NotePage />
                <Route path=path!("/backrooms") view=BackroomsPage />
                <Route path=path!("/backrooms/new") view=NewBackroomPage />
                <Route path=path!("/backrooms/:id") view=BackroomPage />
                <Route path=path!("/backrooms/:id/compare/:other") view=ComparePage />
                <Route path=path!("/backrooms/:id/analytics") view=AnalyticsPage />
            </Routes>
        </Router>
    }
}
