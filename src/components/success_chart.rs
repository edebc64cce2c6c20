//! The success rate of a webhook's deliveries over the last 24 hours: one stacked bar per hour
//! (succeeded below, failed above) drawn as SVG, with the rate also said in words.

use crate::i18n::{I18n, T};
use leptos::prelude::*;
use webhook_api::DeliveryStats;

// Whole units only: formatting floats would add ~10 KB of code to the wasm.
const SLOT: u64 = 20;
const HEIGHT: u64 = 96;

/// `97.5%` (one decimal, rounded down, `.0` dropped), or `None` without traffic.
pub fn rate_text(stats: &DeliveryStats) -> Option<String> {
    let total = stats.succeeded + stats.failed;
    (total > 0).then(|| {
        let tenths = stats.succeeded * 1000 / total;
        match tenths % 10 {
            0 => format!("{}%", tenths / 10),
            d => format!("{}.{d}%", tenths / 10),
        }
    })
}

#[component]
pub fn SuccessChart(
    /// Hourly counts of the last 24 hours, oldest first.
    stats: DeliveryStats,
) -> impl IntoView {
    let i18n = I18n::expect();
    let total = stats.succeeded + stats.failed;
    let summary = {
        let rate = rate_text(&stats);
        move || match &rate {
            Some(rate) => i18n.fmt(T::SuccessSummary, &[("rate", rate), ("total", &total.to_string())]),
            None => i18n.t(T::NoTraffic).to_string(),
        }
    };
    let peak = stats.buckets.iter().map(|b| b.succeeded + b.failed).max().unwrap_or(0).max(1);
    let width = SLOT * stats.buckets.len().max(1) as u64;
    let bars = stats
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i as u64 * SLOT + 1;
            let ok_h = b.succeeded * (HEIGHT - 4) / peak;
            let fail_h = b.failed * (HEIGHT - 4) / peak;
            let title = format!("{} · ✓ {} · ✗ {}", b.hour, b.succeeded, b.failed);
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="bar-ok" x=x y=HEIGHT - ok_h width=SLOT - 2 height=ok_h />
                    <rect class="bar-failed" x=x y=HEIGHT - ok_h - fail_h width=SLOT - 2 height=fail_h />
                </g>
            }
        })
        .collect_view();
    let label = summary.clone();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {width} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=label
            >
                <line class="chart-axis" x1="0" y1=HEIGHT x2=width y2=HEIGHT />
                {bars}
            </svg>
            <figcaption>{summary}</figcaption>
        </figure>
    }
}
