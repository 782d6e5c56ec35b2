//! Usage drawn on the server: a bar chart of tokens per day as SVG (no
//! chart library in the WASM), a table per group, and meters of what is
//! left under each limit.

use crate::model::usage::{LimitKind, LimitUse, MyLimits, UsageReport, UsageRow};
use crate::text::format;
use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

/// Tokens per day as bars, each titled with its day and count.
pub fn day_chart(report: &UsageReport) -> impl IntoView {
    let rows = report.rows.clone();
    let max = rows
        .iter()
        .map(|r| r.prompt_tokens + r.completion_tokens)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / rows.len().max(1) as f64;
    let label = format!(
        "Tokens per day from {} to {}: {} in all",
        report.from,
        report.to,
        format::token_count(report.total.prompt_tokens + report.total.completion_tokens)
    );
    view! {
        <svg
            class="usage-chart"
            viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 18.0)
            role="img"
            aria-label=label
            preserveAspectRatio="none"
        >
            <line x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT class="usage-axis" />
            {rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let tokens = r.prompt_tokens + r.completion_tokens;
                    let h = (tokens as f64 / max * (HEIGHT - 4.0)).max(if tokens > 0 { 1.0 } else { 0.0 });
                    let x = i as f64 * slot + slot * 0.15;
                    view! {
                        <rect class="usage-bar" x=x y=HEIGHT - h width=slot * 0.7 height=h>
                            <title>{format!("{}: {}", r.key, format::token_count(tokens))}</title>
                        </rect>
                    }
                })
                .collect_view()}
            {rows.first().map(|r| view! { <text x="0" y=HEIGHT + 14.0 class="usage-tick">{r.key.clone()}</text> })}
            {rows.last().map(|r| view! { <text x=WIDTH y=HEIGHT + 14.0 text-anchor="end" class="usage-tick">{r.key.clone()}</text> })}
        </svg>
    }
}

fn dollars(x: f64) -> String {
    format!("${x:.2}")
}

/// One line per group, and the total. Tokens on accounts' own keys get a
/// column of their own when there are any (they count against no limit).
pub fn usage_table(head: &'static str, rows: Vec<UsageRow>, total: UsageRow) -> impl IntoView {
    let own = total.own_key_tokens > 0;
    let line = move |r: UsageRow, class: &'static str| {
        view! {
            <tr class=class>
                <th scope="row">{r.key.clone()}</th>
                <td>{r.prompt_tokens}</td>
                <td>{r.completion_tokens}</td>
                <td>{r.replies}</td>
                <td>{dollars(r.cost)}</td>
                {own.then(|| view! { <td>{r.own_key_tokens}</td> })}
            </tr>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="usage-table">
                <thead>
                    <tr>
                        <th scope="col">{head}</th>
                        <th scope="col">"Prompt tokens"</th>
                        <th scope="col">"Completion tokens"</th>
                        <th scope="col">"Replies"</th>
                        <th scope="col">"Cost"</th>
                        {own.then(|| view! { <th scope="col">"Tokens on own keys"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| line(r, "")).collect_view()}
                    {line(total, "usage-total")}
                </tbody>
            </table>
        </div>
    }
}

fn amount(kind: LimitKind, x: f64) -> String {
    match kind {
        LimitKind::CostPerMonth => dollars(x),
        _ => format!("{}", x as i64),
    }
}

/// "1,200 of 5,000 left, resets 2026-12-03 00:00 UTC".
pub fn left_text(l: &LimitUse) -> String {
    let left = (l.limit - l.used).max(0.0);
    let resets = l
        .resets_at
        .map(|t| format!(", resets {}", format::date_time(t)))
        .unwrap_or_default();
    format!(
        "{}: {} of {} left{resets}",
        l.kind.label(),
        amount(l.kind, left),
        amount(l.kind, l.limit)
    )
}

pub fn meters(limits: MyLimits) -> impl IntoView {
    if limits.limits.is_empty() {
        return view! { <p class="muted">"No limits apply to your account."</p> }.into_any();
    }
    view! {
        <ul class="limit-list">
            {limits
                .limits
                .into_iter()
                .map(|l| {
                    view! {
                        <li class="limit" data-kind=format!("{:?}", l.kind)>
                            <span>{left_text(&l)}</span>
                            <meter min="0" max=l.limit value=l.used.min(l.limit) low=l.limit * 0.7 high=l.limit * 0.9 optimum="0"></meter>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
