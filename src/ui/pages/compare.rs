//! `/backrooms/{id}/compare/{other}`: two branches of a run side by side
//! from the turn where they split, each with its seats as they are there.

use crate::model::backroom::{Branch, ParticipantView};
use crate::serverfns::backrooms::load_comparison;
use crate::ui::components::app_shell::AppShell;
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn param(name: &str) -> i64 {
    use_params_map()
        .get_untracked()
        .get(name)
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1)
}

/// A seat as this branch has it, marked when the other branch has it
/// otherwise (model, prompt, temperature).
fn seat_line(p: &ParticipantView, other: &[ParticipantView]) -> impl IntoView {
    let changed = other.iter().find(|o| o.name == p.name).is_none_or(|o| {
        o.model_id != p.model_id
            || o.system_prompt != p.system_prompt
            || o.temperature != p.temperature
    });
    let model = p.model.clone().unwrap_or_else(|| "default model".into());
    view! {
        <li class:changed=changed>
            <strong>{p.name.clone()}</strong>
            {format!(" · {model} · temperature {:.1}", p.temperature)}
            {changed.then(|| view! { <span class="badge">"changed"</span> })}
        </li>
    }
}

#[component]
fn Side(branch: Branch, other: Vec<ParticipantView>, shared: i64) -> impl IntoView {
    let id = branch.id;
    view! {
        <section class="compare-side" aria-label=branch.title.clone()>
            <h3><a href=format!("/backrooms/{id}")>{branch.title.clone()}</a></h3>
            <p class="muted">{format!("{} · {} turns after the split", branch.state, branch.turns.len())}</p>
            <ul class="compare-seats">
                {branch.participants.iter().map(|p| seat_line(p, &other)).collect_view()}
            </ul>
            <ol class="compare-turns" start=shared + 1>
                {branch
                    .turns
                    .into_iter()
                    .map(|t| view! {
                        <li class="compare-turn" data-status=t.status.as_str()>
                            <div class="term-head">{format!("<{}{}>", t.speaker, if t.human { " (human)" } else { "" })}</div>
                            <div class="term-text">{t.content}</div>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let (id, other) = (param("id"), param("other"));
    let data = Resource::new(|| (), move |_| load_comparison(id, other));
    view! {
        <AppShell title="Compare branches">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(c) => {
                            let (left_seats, right_seats) = (c.left.participants.clone(), c.right.participants.clone());
                            view! {
                                <PageTitle text="Compare branches".to_string() />
                                <h2>"Two branches side by side"</h2>
                                <p class="muted">
                                    {if c.shared == 0 {
                                        "They differ from the first turn.".to_string()
                                    } else {
                                        format!("The first {} turns are alike; they split after turn {}.", c.shared, c.shared)
                                    }}
                                </p>
                                <div class="compare">
                                    <Side branch=c.left other=right_seats shared=c.shared />
                                    <Side branch=c.right other=left_seats shared=c.shared />
                                </div>
                            }
                                .into_any()
                        }
                        Err(_) => {
                            crate::ui::set_status(404);
                            view! { <p class="notice notice-error">"One of these backrooms does not exist."</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}
