//! `/api/v1/openapi.json`: the OpenAPI 3 description of the API, generated from the handlers'
//! annotations and the contract types, so it cannot drift from the code.

use super::{
    audit, deliveries, drills, event_log, event_types, events, inbound, inbound_plugin,
    inbound_query, inbound_receive, notices, pauses, send, session, signature, stream,
    subscriptions, tokens, users, webhook_history, webhook_search, webhooks,
};
use crate::AppState;
use crate::extract::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    modifiers(&AccessResponses),
    info(
        title = "Webhook Console API",
        description = "Manage notification webhooks and message subscriptions, post events, and follow their deliveries."
    ),
    paths(
        webhooks::list_webhooks,
        webhooks::create_webhook,
        webhooks::get_webhook_stat,
        webhook_search::search_webhooks,
        webhook_search::stat_webhooks,
        webhooks::get_webhook,
        webhooks::update_webhook,
        webhooks::delete_webhook,
        webhooks::enable_webhook,
        webhooks::disable_webhook,
        webhook_history::list_versions,
        webhook_history::restore_webhook,
        send::test_webhook,
        send::test_saved_webhook,
        send::send_webhook,
        send::preview_webhook,
        send::rotate_secret,
        events::post_events,
        event_log::list_events,
        event_log::get_event,
        subscriptions::list_subscriptions,
        subscriptions::get_impact,
        subscriptions::get_subscription,
        subscriptions::update_subscription,
        subscriptions::enable_subscription,
        subscriptions::disable_subscription,
        subscriptions::add_receiver,
        subscriptions::remove_receiver,
        subscriptions::test_subscription,
        deliveries::list_deliveries,
        deliveries::redeliver,
        deliveries::recover,
        deliveries::get_stats,
        deliveries::get_retention,
        deliveries::get_silence,
        drills::get_drill,
        drills::put_drill,
        drills::delete_drill,
        drills::run_drill,
        drills::list_runs,
        notices::open_notices,
        notices::webhook_notices,
        notices::acknowledge,
        pauses::get_pause,
        pauses::list_pauses,
        pauses::pause,
        pauses::resume,
        stream::get_stream,
        signature::check_signature,
        event_types::list_event_types,
        session::sign_in,
        session::get_session,
        session::sign_out,
        users::list_users,
        users::create_user,
        users::update_user,
        users::delete_user,
        tokens::list_tokens,
        tokens::create_token,
        tokens::revoke_token,
        audit::list_audit,
        inbound_query::list_plugins,
        inbound_query::list,
        inbound_query::search_inbound,
        inbound_query::stat_inbound,
        inbound::create,
        inbound::get_one,
        inbound::update,
        inbound_plugin::update_plugin,
        inbound_plugin::verify_plugin,
        inbound::enable,
        inbound::disable,
        inbound::regenerate_key,
        inbound::delete,
        inbound_plugin::requests,
        inbound_plugin::send_sample,
        inbound_receive::receive_with_key,
        inbound_receive::receive_with_bearer,
        get_openapi,
    )
)]
pub struct ApiDoc;

/// Adds what every route shares, from the access table (`auth::table`): the two ways to
/// authenticate (the console's cookie, a bearer API token), each route's security (none for
/// public routes; the cookie alone for session-only ones), its 401 and 403, and for routes that
/// read a JSON body its 400 (not JSON) and 413 (over 256 KiB), for routes with parameters the 400
/// of one that does not parse.
struct AccessResponses;

impl utoipa::Modify for AccessResponses {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use crate::auth::table::{Access, access};
        use axum::http::Method;
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("whc_…")
                    .description(Some("An API token: Authorization: Bearer whc_…"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE,
                "The console's session (POST /api/v1/session); changes also need X-Requested-With.",
            ))),
        );
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                (Method::GET, &mut item.get),
                (Method::PUT, &mut item.put),
                (Method::POST, &mut item.post),
                (Method::DELETE, &mut item.delete),
                (Method::PATCH, &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let responses = &mut op.responses.responses;
                let mut add = |code: &str, description: &str| {
                    responses
                        .entry(code.to_string())
                        .or_insert_with(|| error(description).into());
                };
                if op.request_body.is_some() {
                    add(
                        "400",
                        "The body is not JSON (or not sent as application/json)",
                    );
                    add("413", "The body is larger than 256 KiB");
                }
                if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add(
                        "400",
                        "A path or query parameter is not of its type (`-1` for a number)",
                    );
                }
                let access = access(&method, path, None).unwrap_or(Access::Admin);
                if access == Access::Public {
                    op.security = Some(vec![SecurityRequirement::default()]);
                    continue;
                }
                add("401", "No credentials, or none that are valid");
                add(
                    "403",
                    "The caller's role may not do this, or a cookie change came from another site",
                );
                let session = SecurityRequirement::new::<_, [&str; 0], &str>("session", []);
                op.security = Some(if access.needs_session() {
                    vec![session]
                } else {
                    vec![
                        session,
                        SecurityRequirement::new::<_, [&str; 0], &str>("token", []),
                    ]
                });
            }
        }
    }
}

/// The document as served: utoipa's, with the validation rules written in
/// (`openapi_rules`). Built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document is JSON");
        super::openapi_rules::apply(&mut doc);
        doc
    });
    &DOC
}

/// Get this API's OpenAPI 3 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn get_openapi() -> Json<&'static serde_json::Value> {
    Json(document())
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(get_openapi))
}
