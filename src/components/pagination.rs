//! Page links for a server-side paginated list: range text, previous/next and page numbers.

use crate::i18n::{tr, I18n, T};
use leptos::prelude::*;

/// The page numbers to show around `page` of `pages`, with `None` for a gap.
pub fn page_window(page: u32, pages: u32) -> Vec<Option<u32>> {
    let mut shown: Vec<u32> = [1, page.saturating_sub(1), page, page + 1, pages]
        .into_iter()
        .filter(|p| (1..=pages).contains(p))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::new();
    for (i, p) in shown.iter().enumerate() {
        if i > 0 && *p > shown[i - 1] + 1 {
            out.push(None);
        }
        out.push(Some(*p));
    }
    out
}

#[component]
pub fn Pagination(
    /// The current page, from 1.
    #[prop(into)]
    page: Signal<u32>,
    /// Rows per page.
    #[prop(into)]
    page_size: Signal<u32>,
    /// Rows in all pages.
    #[prop(into)]
    total: Signal<u64>,
    /// The link of page `n`.
    #[prop(into)]
    href: Callback<u32, String>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let pages = move || (total.get().div_ceil(page_size.get().max(1) as u64)).max(1) as u32;
    let range = move || {
        let (p, size, total) = (page.get() as u64, page_size.get() as u64, total.get());
        let from = if total == 0 {
            0
        } else {
            ((p - 1) * size + 1).min(total)
        };
        let to = (p * size).min(total);
        i18n.fmt(
            T::ShowingRange,
            &[
                ("from", &from.to_string()),
                ("to", &to.to_string()),
                ("total", &total.to_string()),
            ],
        )
    };
    let link = move |n: u32, label: String, rel: &'static str| {
        let disabled = n < 1 || n > pages() || n == page.get();
        if disabled {
            view! { <span class="page-link disabled" aria-disabled="true">{label}</span> }
                .into_any()
        } else {
            view! { <a class="page-link" href=href.run(n) rel=rel>{label}</a> }.into_any()
        }
    };
    view! {
        <nav class="pagination" aria-label=tr(T::Pagination)>
            <span class="pagination-range">{range}</span>
            <div class="pagination-links">
                {move || link(page.get().saturating_sub(1), i18n.t(T::Previous).into(), "prev")}
                {move || {
                    page_window(page.get(), pages())
                        .into_iter()
                        .map(|p| match p {
                            None => view! { <span class="page-gap">"…"</span> }.into_any(),
                            Some(n) if n == page.get() => {
                                view! { <span class="page-link current" aria-current="page">{n}</span> }.into_any()
                            }
                            Some(n) => view! { <a class="page-link" href=href.run(n)>{n}</a> }.into_any(),
                        })
                        .collect_view()
                }}
                {move || link(page.get() + 1, i18n.t(T::Next).into(), "next")}
            </div>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::page_window;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn window_shows_ends_neighbours_and_gaps() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(5, 10),
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(10)]
        );
        assert_eq!(page_window(2, 3), vec![Some(1), Some(2), Some(3)]);
    }
}
