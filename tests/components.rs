//! Components of the console mounted in real headless Chromium (wasm-bindgen-test): what a user
//! sees and what happens when they act.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use webhook_api::WebhookStatus;
use webhook_console::components::{
    ConfirmDialog, EventTypePicker, Field, Pagination, StatusBadge, Toasts,
};
use webhook_console::i18n::{I18n, Lang};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the page's body.
fn container() -> web_sys::HtmlElement {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

fn query(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn status_badge_shows_its_word_in_the_current_language() {
    let root = container();
    let lang = RwSignal::new(Lang::En);
    let status = RwSignal::new(WebhookStatus::AwaitingRetry);
    leptos::mount::mount_to(root.clone(), move || {
        let i18n = I18n::provide();
        Effect::new(move || i18n.lang.set(lang.get()));
        view! { <StatusBadge status=status /> }
    })
    .forget();
    leptos::task::tick().await;
    let badge = query(&root, ".badge");
    assert_eq!(badge.text_content().unwrap(), "Awaiting retry");
    assert!(badge.class_name().contains("badge-awaitingRetry"));

    lang.set(Lang::Zh);
    status.set(WebhookStatus::Disabled);
    leptos::task::tick().await;
    let badge = query(&root, ".badge");
    assert_eq!(badge.text_content().unwrap(), "已禁用");
    assert!(badge.class_name().contains("badge-disabled"));
}

#[wasm_bindgen_test]
async fn event_type_picker_adds_and_removes_keys_and_counts_them() {
    let root = container();
    let selected = RwSignal::new(vec!["config.change".to_string()]);
    leptos::mount::mount_to(root.clone(), move || {
        I18n::provide().lang.set(Lang::En);
        view! { <EventTypePicker id="picker" selected=selected invalid=Signal::derive(|| false) /> }
    })
    .forget();
    leptos::task::tick().await;
    assert!(root.text_content().unwrap().contains("1 selected"));
    let host_lost = query(&root, "input[value='host.lost_connection']");
    host_lost.click();
    leptos::task::tick().await;
    assert_eq!(
        selected.get_untracked(),
        vec!["config.change", "host.lost_connection"]
    );
    assert!(root.text_content().unwrap().contains("2 selected"));
    query(&root, "input[value='config.change']").click();
    leptos::task::tick().await;
    assert_eq!(selected.get_untracked(), vec!["host.lost_connection"]);
    // Both categories are offered, each as a labelled group.
    assert_eq!(root.query_selector_all("[role=group]").unwrap().length(), 2);
}

#[wasm_bindgen_test]
async fn confirm_dialog_opens_modal_and_reports_the_choice() {
    let root = container();
    let open = RwSignal::new(false);
    let confirmed = RwSignal::new(0);
    let cancelled = RwSignal::new(0);
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ConfirmDialog
                open=open
                title="Delete this webhook?"
                message="This action cannot be undone.".to_string()
                confirm_label="Delete"
                cancel_label="Cancel"
                danger=true
                on_confirm=move || confirmed.update(|n| *n += 1)
                on_cancel=move || { cancelled.update(|n| *n += 1); open.set(false) }
            />
        }
    })
    .forget();
    leptos::task::tick().await;
    let dialog: web_sys::HtmlDialogElement = query(&root, "dialog").unchecked_into();
    assert!(!dialog.open());
    open.set(true);
    leptos::task::tick().await;
    assert!(dialog.open(), "the dialog is shown");
    // The destructive choice is not the default: focus starts on Cancel.
    let focused = document().active_element().unwrap();
    assert_eq!(focused.text_content().unwrap(), "Cancel");
    query(&root, ".btn-danger").click();
    assert_eq!(confirmed.get_untracked(), 1);
    query(&root, "dialog .btn:not(.btn-danger)").click();
    leptos::task::tick().await;
    assert_eq!(cancelled.get_untracked(), 1);
    assert!(!dialog.open(), "cancel closes it");
}

#[wasm_bindgen_test]
async fn pagination_shows_the_range_and_links_to_pages() {
    let root = container();
    let page = RwSignal::new(2u32);
    leptos::mount::mount_to(root.clone(), move || {
        I18n::provide().lang.set(Lang::En);
        view! {
            <Pagination
                page=page
                page_size=20u32
                total=45u64
                href=Callback::new(|n: u32| format!("/webhooks?page={n}"))
            />
        }
    })
    .forget();
    leptos::task::tick().await;
    assert!(root.text_content().unwrap().contains("Showing 21–40 of 45"));
    assert_eq!(
        query(&root, "[aria-current=page]").text_content().unwrap(),
        "2"
    );
    assert_eq!(
        query(&root, "a[rel=next]").get_attribute("href").unwrap(),
        "/webhooks?page=3"
    );
    page.set(3);
    leptos::task::tick().await;
    assert!(root.text_content().unwrap().contains("Showing 41–45 of 45"));
    assert!(
        root.query_selector("a[rel=next]").unwrap().is_none(),
        "no next page after the last"
    );
}

#[wasm_bindgen_test]
async fn field_links_label_and_error_to_the_control() {
    let root = container();
    let error = RwSignal::new(None::<String>);
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Field id="f-name" label="Name" error=error required=true>
                <input id="f-name" />
            </Field>
        }
    })
    .forget();
    leptos::task::tick().await;
    assert_eq!(
        query(&root, "label").get_attribute("for").unwrap(),
        "f-name"
    );
    assert_eq!(query(&root, "#f-name-error").text_content().unwrap(), "");
    error.set(Some("This field is required.".into()));
    leptos::task::tick().await;
    assert_eq!(
        query(&root, "#f-name-error").text_content().unwrap(),
        "This field is required."
    );
    assert!(
        query(&root, ".field")
            .class_name()
            .contains("field-invalid")
    );
}

#[wasm_bindgen_test]
async fn toasts_appear_and_can_be_dismissed() {
    let root = container();
    let toasts = StoredValue::new(None::<Toasts>);
    leptos::mount::mount_to(root.clone(), move || {
        I18n::provide();
        toasts.set_value(Some(Toasts::provide()));
        view! { <webhook_console::components::ToastRegion /> }
    })
    .forget();
    let t = toasts.get_value().unwrap();
    t.error("The server cannot be reached.");
    leptos::task::tick().await;
    let toast = query(&root, ".toast");
    assert_eq!(toast.get_attribute("role").unwrap(), "alert");
    assert!(
        toast
            .text_content()
            .unwrap()
            .contains("The server cannot be reached.")
    );
    query(&root, ".toast button").click();
    leptos::task::tick().await;
    assert!(root.query_selector(".toast").unwrap().is_none());
}

#[wasm_bindgen_test]
fn pretty_keeps_key_order_and_strings_intact() {
    use webhook_console::components::exchange::pretty;
    let body = r#"{"Msg":"a, b: {c}","action":"update","list":[1,{}],"e":"q\"x"}"#;
    assert_eq!(
        pretty(body),
        "{\n  \"Msg\": \"a, b: {c}\",\n  \"action\": \"update\",\n  \"list\": [\n    1,\n    {}\n  ],\n  \"e\": \"q\\\"x\"\n}"
    );
    assert_eq!(pretty("not json, {"), "not json, {");
}

#[wasm_bindgen_test]
fn curl_command_quotes_for_the_shell() {
    use webhook_api::SentRequest;
    use webhook_console::components::exchange::curl_command;
    let req = SentRequest {
        method: "POST".into(),
        url: "http://127.0.0.1:9/h".into(),
        headers: [("x-team".to_string(), "it's ops".to_string())].into(),
        body: r#"{"a":1}"#.into(),
    };
    assert_eq!(
        curl_command(&req),
        "curl -X POST 'http://127.0.0.1:9/h' \\\n  -H 'x-team: it'\\''s ops' \\\n  --data-raw '{\"a\":1}'"
    );
}

fn session(role: webhook_api::Role) -> webhook_api::Session {
    webhook_api::Session {
        user: webhook_api::User {
            id: "u1".into(),
            username: "kim".into(),
            display_name: "Kim".into(),
            role,
            disabled: false,
            created_at: "2026-12-01T00:00:00Z".into(),
            last_sign_in_at: None,
        },
        expires_at: "2026-12-08T00:00:00Z".into(),
    }
}

#[wasm_bindgen_test]
async fn roles_decide_what_is_shown_and_a_refusal_names_the_role() {
    use webhook_api::Role;
    use webhook_console::components::NotAllowed;
    use webhook_console::session::{Auth, SessionState};
    let root = container();
    let auth = StoredValue::new(None::<Auth>);
    leptos::mount::mount_to(root.clone(), move || {
        I18n::provide().lang.set(Lang::En);
        let a = Auth::provide_signed_in(session(Role::Viewer));
        auth.set_value(Some(a));
        view! {
            <NotAllowed message="Only admins add webhooks." />
            <p id="operate">{move || a.can_operate().then_some("operate")}</p>
            <p id="admin">{move || a.is_admin().then_some("admin")}</p>
        }
    })
    .forget();
    leptos::task::tick().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("Only admins add webhooks."), "{text}");
    assert!(text.contains("Your role is Viewer."), "{text}");
    assert_eq!(query(&root, "#operate").text_content().unwrap(), "");
    assert_eq!(query(&root, "#admin").text_content().unwrap(), "");

    let a = auth.get_value().unwrap();
    a.state.set(SessionState::SignedIn(session(Role::Operator)));
    leptos::task::tick().await;
    assert_eq!(query(&root, "#operate").text_content().unwrap(), "operate");
    assert_eq!(query(&root, "#admin").text_content().unwrap(), "");

    a.state.set(SessionState::SignedIn(session(Role::Admin)));
    leptos::task::tick().await;
    assert_eq!(query(&root, "#admin").text_content().unwrap(), "admin");

    // Signed out: nothing is allowed.
    a.state.set(SessionState::SignedOut);
    leptos::task::tick().await;
    assert!(!a.can_operate() && !a.is_admin());
}

#[wasm_bindgen_test]
fn sign_in_returns_only_to_paths_of_this_site() {
    use webhook_console::session::{login_href, safe_next};
    assert_eq!(safe_next(Some("/webhooks/42?tab=x")), "/webhooks/42?tab=x");
    for bad in [None, Some(""), Some("https://evil.example"), Some("//evil.example/x"), Some("/\\evil.example"), Some("/login?next=/x"), Some("/a\nb")] {
        assert_eq!(safe_next(bad), "/webhooks", "{bad:?}");
    }
    assert_eq!(login_href("/webhooks?search=a b"), "/login?next=%2Fwebhooks%3Fsearch%3Da%20b");
    assert_eq!(login_href("/login?next=%2Fx"), "/login");
}

#[wasm_bindgen_test]
fn a_change_reads_old_to_new() {
    use webhook_console::components::changes::change_text;
    let change = |name: &str, old: Option<serde_json::Value>, new: Option<serde_json::Value>| webhook_api::FieldChange {
        name: name.into(),
        old_value: old,
        new_value: new,
    };
    use serde_json::json;
    assert_eq!(change_text(&change("name", Some(json!("a")), Some(json!("b")))), "name: a → b");
    assert_eq!(change_text(&change("batch_size", None, Some(json!(10)))), "batch_size: — → 10");
    assert_eq!(change_text(&change("event_types", Some(json!(["x"])), None)), "event_types: [\"x\"] → —");
}
