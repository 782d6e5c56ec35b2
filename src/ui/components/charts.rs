//! Charts drawn on the server as SVG: no script and no library, so they
//! show with JavaScript off; each bar carries its figure as a tooltip and
//! the page lists the same figures in a table.

use leptos::prelude::*;

/// One bar: what it is, its value, its colour and the value in words.
#[derive(Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub color: String,
    pub shown: String,
}

const WIDTH: f64 = 480.0;
const LABEL: f64 = 120.0;
const ROW: f64 = 28.0;
/// Room on the right for the figure after the longest bar.
const FIGURE: f64 = 90.0;

/// Horizontal bars, one per row, scaled to the largest.
#[component]
pub fn BarChart(title: String, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let span = WIDTH - LABEL - FIGURE;
    let height = ROW * bars.len() as f64 + 4.0;
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title class="chart-svg">
                {bars
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let y = ROW * i as f64 + 4.0;
                        let w = if max > 0.0 { (b.value / max * span).max(1.0) } else { 1.0 };
                        view! {
                            <text x="0" y=y + 16.0 class="chart-label">{b.label.clone()}</text>
                            <rect x=LABEL y=y width=w height=ROW - 8.0 rx="3" fill=b.color.clone()>
                                <title>{format!("{}: {}", b.label, b.shown)}</title>
                            </rect>
                            <text x=LABEL + w + 6.0 y=y + 16.0 class="chart-figure">{b.shown}</text>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

/// One column per turn, in order, scaled to the longest, with the axis'
/// top figure and the first and last turn numbers.
#[component]
pub fn ColumnChart(title: String, unit: &'static str, columns: Vec<Bar>) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 200.0;
    const AXIS: f64 = 44.0;
    const FOOT: f64 = 20.0;
    let max = columns.iter().map(|c| c.value).fold(0.0, f64::max);
    let n = columns.len().max(1) as f64;
    let step = (W - AXIS) / n;
    let gap = (step * 0.15).min(4.0);
    let first = columns.first().map(|c| c.label.clone()).unwrap_or_default();
    let last = columns.last().map(|c| c.label.clone()).unwrap_or_default();
    view! {
        <figure class="chart chart-wide">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {W} {}", H + FOOT) role="img" aria-label=title class="chart-svg">
                <line x1=AXIS y1="0" x2=AXIS y2=H class="chart-axis" />
                <line x1=AXIS y1=H x2=W y2=H class="chart-axis" />
                <text x=AXIS - 4.0 y="12" text-anchor="end" class="chart-figure">{format!("{max:.0}")}</text>
                <text x=AXIS - 4.0 y=H text-anchor="end" class="chart-figure">"0"</text>
                <text x=AXIS - 4.0 y=H / 2.0 text-anchor="end" class="chart-figure">{unit}</text>
                {columns
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let h = if max > 0.0 { (c.value / max * (H - 4.0)).max(1.0) } else { 1.0 };
                        view! {
                            <rect x=AXIS + step * i as f64 + gap / 2.0 y=H - h width=(step - gap).max(1.0) height=h fill=c.color.clone()>
                                <title>{format!("Turn {}: {}", c.label, c.shown)}</title>
                            </rect>
                        }
                    })
                    .collect_view()}
                <text x=AXIS y=H + 16.0 class="chart-figure">{format!("turn {first}")}</text>
                <text x=W y=H + 16.0 text-anchor="end" class="chart-figure">{format!("turn {last}")}</text>
            </svg>
        </figure>
    }
}
