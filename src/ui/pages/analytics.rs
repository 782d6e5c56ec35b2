//! `/backrooms/{id}/analytics`: a run's figures drawn as SVG on the server:
//! tokens, cost, time to first token and tokens per second per
//! participant, and each turn's length over the run; the same in a table.

use crate::model::backroom_analytics::{RunAnalytics, SeatStats};
use crate::serverfns::backrooms::load_analytics;
use crate::text::format::token_count;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::charts::{Bar, BarChart, ColumnChart};
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn dollars(usd: f64) -> String {
    format!("${usd:.4}")
}

fn ms(v: Option<i64>) -> String {
    v.map_or("–".into(), |v| format!("{v} ms"))
}

fn rate(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1}/s"))
}

/// One bar per participant, of what `f` reads (absent: 0, shown as –).
fn bars(seats: &[SeatStats], f: impl Fn(&SeatStats) -> (f64, String)) -> Vec<Bar> {
    seats
        .iter()
        .map(|s| {
            let (value, shown) = f(s);
            Bar {
                label: s.name.clone(),
                value,
                color: s.color.clone(),
                shown,
            }
        })
        .collect()
}

#[component]
fn Figures(a: RunAnalytics) -> impl IntoView {
    let id = a.backroom_id;
    let colors: Vec<(i64, String)> = a
        .seats
        .iter()
        .map(|s| (s.participant_id, s.color.clone()))
        .collect();
    let color_of = move |p: i64| {
        colors
            .iter()
            .find(|(id, _)| *id == p)
            .map_or("#6366f1".to_string(), |(_, c)| c.clone())
    };
    // Turn lengths in tokens when the provider said, else in words.
    let in_tokens = a.turns.iter().all(|t| t.completion_tokens.is_some());
    let columns: Vec<Bar> = a
        .turns
        .iter()
        .map(|t| {
            let (v, unit) = match (in_tokens, t.completion_tokens) {
                (true, Some(n)) => (n, "tokens"),
                _ => (t.words, "words"),
            };
            Bar {
                label: t.number.to_string(),
                value: v as f64,
                color: color_of(t.participant_id),
                shown: format!("{} · {v} {unit}", t.speaker),
            }
        })
        .collect();
    let seats = a.seats.clone();
    view! {
        <p class="muted">
            {format!("{} agent turns · {} · {}", a.turns.len(), token_count(a.tokens), dollars(a.cost_usd))}
            " · "
            <a href=format!("/backrooms/{id}")>"Back to the room"</a>
        </p>
        {if a.turns.is_empty() {
            view! { <p class="notice">"No agent has spoken yet: the figures come with the first turn."</p> }.into_any()
        } else {
            view! {
                <div class="charts">
                    <BarChart title="Tokens per participant".into() bars=bars(&seats, |s| {
                        let t = s.prompt_tokens + s.completion_tokens;
                        (t as f64, token_count(t))
                    }) />
                    <BarChart title="Cost per participant".into() bars=bars(&seats, |s| (s.cost_usd, dollars(s.cost_usd))) />
                    <BarChart title="Time to first token (median)".into() bars=bars(&seats, |s| (s.ttft_ms.unwrap_or(0) as f64, ms(s.ttft_ms))) />
                    <BarChart title="Tokens per second".into() bars=bars(&seats, |s| (s.tokens_per_second.unwrap_or(0.0), rate(s.tokens_per_second))) />
                </div>
                <ColumnChart title="Turn lengths over the run".into() unit=if in_tokens { "tokens" } else { "words" } columns=columns />
            }
            .into_any()
        }}
        <table class="analytics-table">
            <caption>"Per participant"</caption>
            <thead>
                <tr>
                    <th scope="col">"Participant"</th>
                    <th scope="col">"Turns"</th>
                    <th scope="col">"Prompt tokens"</th>
                    <th scope="col">"Completion tokens"</th>
                    <th scope="col">"Cost"</th>
                    <th scope="col">"First token (median)"</th>
                    <th scope="col">"Tokens per second"</th>
                </tr>
            </thead>
            <tbody>
                {a.seats
                    .into_iter()
                    .map(|s| view! {
                        <tr>
                            <th scope="row">{s.name}</th>
                            <td>{s.turns}</td>
                            <td>{s.prompt_tokens}</td>
                            <td>{s.completion_tokens}</td>
                            <td>{dollars(s.cost_usd)}</td>
                            <td>{ms(s.ttft_ms)}</td>
                            <td>{rate(s.tokens_per_second)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    let data = Resource::new(|| (), move |_| load_analytics(id));
    view! {
        <AppShell title="Run analytics">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(a) => view! {
                            <PageTitle text=format!("{} · analytics", a.title) />
                            <h2>{format!("{}: the run in figures", a.title)}</h2>
                            <Figures a=a />
                        }
                        .into_any(),
                        Err(_) => {
                            crate::ui::set_status(404);
                            view! { <p class="notice notice-error">"This backroom does not exist."</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}
