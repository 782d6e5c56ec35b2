use crate::model::search::runs;
use crate::serverfns::chat::search_threads;
use crate::ui::components::app_shell::AppShell;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/search?q=`: the user's messages, backroom turns, notes and titles
/// that match, best first, each opening where it matched.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let q = query.get("q").unwrap_or_default();
    let offset = query
        .get("offset")
        .and_then(|o| o.parse::<i64>().ok())
        .unwrap_or(0);
    let asked = q.clone();
    let data = Resource::new(|| (), move |_| search_threads(asked.clone(), offset));
    let q_value = q.clone();
    view! {
        <AppShell title="Search">
            <form method="get" action="/search" class="search-form" role="search">
                <input type="search" name="q" value=q_value aria-label="Search" maxlength="200" required />
                <button type="submit" class="btn btn-primary">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Searching…"</p> }>
                {move || {
                    let q = q.clone();
                    Suspend::new(async move {
                        if q.trim().is_empty() {
                            return view! { <p class="muted">"Search your chats, backrooms and notes."</p> }.into_any();
                        }
                        match data.await {
                            Ok(page) if page.items.is_empty() => {
                                view! { <p class="muted empty">"Nothing matches."</p> }.into_any()
                            }
                            Ok(page) => {
                                let more = page.next_offset.map(|n| {
                                    format!("/search?q={}&offset={n}", crate::text::format::query_value(&q))
                                });
                                view! {
                                    <ol class="search-results">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|h| {
                                                let href = h.link();
                                                let title = if h.title.is_empty() { "Untitled".to_string() } else { h.title.clone() };
                                                let who = h.label();
                                                view! {
                                                    <li>
                                                        <a href=href class="search-hit">
                                                            <span class="search-title">{title}</span>
                                                            <span class="search-snippet">
                                                                <span class="badge">{who}</span>
                                                                " "
                                                                {runs(&h.snippet)
                                                                    .into_iter()
                                                                    .map(|(text, hit)| {
                                                                        if hit {
                                                                            view! { <mark>{text}</mark> }.into_any()
                                                                        } else {
                                                                            view! { <span>{text}</span> }.into_any()
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </span>
                                                            <span class="muted search-date">{crate::text::format::date(h.created_at)}</span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                    {more.map(|href| view! { <a class="btn" href=href>"More results"</a> })}
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="notice notice-error">{crate::text::format::server_error(e)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </AppShell>
    }
}
