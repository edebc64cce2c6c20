//! The smallest console that shows the WebHook list: the router, one route, one fetch of the
//! list's first page decoded with serde_json, and its rows in a table. No sign-in, toolbar,
//! filters, counts, row actions, languages, toasts or other pages: what Leptos, its router,
//! gloo-net and serde_json cost by themselves, to compare the console's first load with.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use serde::Deserialize;

#[derive(Clone, Deserialize)]
struct Webhook {
    id: String,
    name: String,
    url: String,
    enabled: bool,
}

#[derive(Clone, Deserialize)]
struct Page {
    results: Vec<Webhook>,
    total_count: u64,
}

#[component]
fn List() -> impl IntoView {
    let page = LocalResource::new(|| async {
        let answer = gloo_net::http::Request::get("/api/v1/webhooks").send().await.ok()?;
        answer.json::<Page>().await.ok()
    });
    view! {
        <table class="table">
            <tbody>
                {move || page.get().flatten().map(|p| p.results.into_iter().map(|w| view! {
                    <tr>
                        <td>{w.name}</td>
                        <td>{w.url}</td>
                        <td>{if w.enabled { "Enabled" } else { "Disabled" }}</td>
                        <td><a href=format!("/webhooks/{}", w.id)>"Details"</a></td>
                    </tr>
                }).collect_view())}
            </tbody>
        </table>
        <p>{move || page.get().flatten().map(|p| p.total_count)}</p>
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/webhooks") view=List />
            </Routes>
        </Router>
    });
}
