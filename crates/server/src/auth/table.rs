//! Who may call which route: the one table the server enforces ([`super::guard`]) and the role
//! matrix test walks. A route missing here is refused to everyone but admins, and the test fails
//! for it (it compares this table with the OpenAPI document).

use axum::http::Method;
use webhook_api::Role;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in console session (not a token): `GET`/`DELETE /session`.
    Session,
    /// Viewers, operators and admins.
    Read,
    /// Operators and admins.
    Operate,
    /// Publisher tokens, operators and admins: posting events.
    Publish,
    /// Admins only.
    Admin,
    /// Admins signed in to the console, not tokens: creating API tokens (a token is a user's).
    AdminSession,
}

impl Access {
    /// Whether a principal of `role` passes.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::Session => true,
            Access::Read => role.can_read(),
            Access::Operate => role.can_operate(),
            Access::Publish => role.can_operate() || role == Role::Publisher,
            Access::Admin | Access::AdminSession => role.is_admin(),
        }
    }

    /// Whether only a console session (not an API token) may pass.
    pub fn needs_session(self) -> bool {
        matches!(self, Access::Session | Access::AdminSession)
    }
}

/// Every API route: method, path as in the OpenAPI document, access.
pub const ROUTES: &[(&str, &str, Access)] = {
    use Access::*;
    &[
        ("GET", "/api/v1/openapi.json", Public),
        ("POST", "/api/v1/session", Public),
        ("GET", "/api/v1/session", Session),
        ("DELETE", "/api/v1/session", Session),
        ("GET", "/api/v1/event-types", Read),
        // Webhooks
        ("GET", "/api/v1/webhooks", Read),
        // Deleted webhooks are for admins: the list's `?deleted=true`.
        ("GET", "/api/v1/webhooks?deleted=true", Admin),
        ("POST", "/api/v1/webhooks", Admin),
        ("GET", "/api/v1/webhooks/stat", Read),
        // Seed 001's search and stat: reading, though POSTed.
        ("POST", "/api/v1/webhooks/search", Read),
        ("POST", "/api/v1/webhooks/stat", Read),
        ("GET", "/api/v1/webhooks/{id}", Read),
        ("PUT", "/api/v1/webhooks/{id}", Admin),
        ("DELETE", "/api/v1/webhooks/{id}", Admin),
        ("POST", "/api/v1/webhooks/{id}/enable", Operate),
        ("POST", "/api/v1/webhooks/{id}/disable", Operate),
        ("POST", "/api/v1/webhooks/{id}/rotate-secret", Admin),
        ("GET", "/api/v1/webhooks/{id}/versions", Read),
        ("POST", "/api/v1/webhooks/{id}/restore", Admin),
        // Sending: Send Test of a form (also while adding), a saved webhook, Send, the preview.
        ("POST", "/api/v1/webhooks/test", Operate),
        ("POST", "/api/v1/webhooks/preview", Read),
        ("POST", "/api/v1/webhooks/{id}/test", Operate),
        ("POST", "/api/v1/webhooks/{id}/send", Operate),
        // Deliveries
        ("GET", "/api/v1/webhooks/{id}/deliveries", Read),
        ("GET", "/api/v1/webhooks/{id}/stats", Read),
        ("POST", "/api/v1/webhooks/{id}/recover", Operate),
        ("POST", "/api/v1/deliveries/{id}/redeliver", Operate),
        ("GET", "/api/v1/retention", Read),
        ("GET", "/api/v1/webhooks/{id}/silence", Read),
        // The live view: viewers may watch (no body, no secret on it).
        ("GET", "/api/v1/stream", Read),
        // Pause and resume: like enable and disable, an operator's.
        ("GET", "/api/v1/pauses", Read),
        ("GET", "/api/v1/webhooks/{id}/pause", Read),
        ("POST", "/api/v1/webhooks/{id}/pause", Operate),
        ("POST", "/api/v1/webhooks/{id}/resume", Operate),
        // Notices (auto-disable): acknowledging one is an operator's.
        ("GET", "/api/v1/notices", Read),
        ("GET", "/api/v1/webhooks/{id}/notices", Read),
        (
            "POST",
            "/api/v1/webhooks/{id}/notices/{notice_id}/acknowledge",
            Operate,
        ),
        // Fire drills: admins set the schedule; running one is a send.
        ("GET", "/api/v1/webhooks/{id}/drill", Read),
        ("PUT", "/api/v1/webhooks/{id}/drill", Admin),
        ("DELETE", "/api/v1/webhooks/{id}/drill", Admin),
        ("POST", "/api/v1/webhooks/{id}/drill/run", Operate),
        ("GET", "/api/v1/webhooks/{id}/drills", Read),
        // Says only which secret matches: viewers may check.
        (
            "GET",
            "/api/v1/deliveries/{id}/attempts/{number}/signature",
            Read,
        ),
        // Events
        ("POST", "/api/v1/events", Publish),
        ("GET", "/api/v1/events", Read),
        ("GET", "/api/v1/events/{id}", Read),
        // Message subscriptions
        ("GET", "/api/v1/subscriptions", Read),
        ("GET", "/api/v1/subscriptions/impact", Read),
        ("GET", "/api/v1/subscriptions/{id}", Read),
        ("PUT", "/api/v1/subscriptions/{id}", Admin),
        ("POST", "/api/v1/subscriptions/{id}/enable", Admin),
        ("POST", "/api/v1/subscriptions/{id}/disable", Admin),
        ("POST", "/api/v1/subscriptions/{id}/receivers", Admin),
        (
            "DELETE",
            "/api/v1/subscriptions/{id}/receivers/{webhook_id}",
            Admin,
        ),
        ("POST", "/api/v1/subscriptions/{id}/test", Operate),
        // Access control and the audit log: admins only, reading included.
        ("GET", "/api/v1/users", Admin),
        ("POST", "/api/v1/users", Admin),
        ("PUT", "/api/v1/users/{id}", Admin),
        ("DELETE", "/api/v1/users/{id}", Admin),
        ("GET", "/api/v1/tokens", Admin),
        ("POST", "/api/v1/tokens", AdminSession),
        ("DELETE", "/api/v1/tokens/{id}", Admin),
        ("GET", "/api/v1/audit", Admin),
        // Inbound webhooks (monitoring systems post alerts in). The access key is an admin's.
        ("GET", "/api/v1/inbound-plugins", Read),
        ("GET", "/api/v1/inbound-webhooks", Read),
        ("POST", "/api/v1/inbound-webhooks", Admin),
        ("POST", "/api/v1/inbound-webhooks/search", Read),
        ("POST", "/api/v1/inbound-webhooks/stat", Read),
        ("GET", "/api/v1/inbound-webhooks/{id}", Read),
        ("PUT", "/api/v1/inbound-webhooks/{id}", Admin),
        ("DELETE", "/api/v1/inbound-webhooks/{id}", Admin),
        ("PUT", "/api/v1/inbound-webhooks/{id}/plugin", Admin),
        (
            "POST",
            "/api/v1/inbound-webhooks/{id}/plugin/verify",
            Operate,
        ),
        ("POST", "/api/v1/inbound-webhooks/{id}/enable", Operate),
        ("POST", "/api/v1/inbound-webhooks/{id}/disable", Operate),
        ("POST", "/api/v1/inbound-webhooks/{id}/access-key", Admin),
        ("GET", "/api/v1/inbound-webhooks/{id}/requests", Read),
        ("POST", "/api/v1/inbound-webhooks/{id}/sample", Operate),
        // The monitoring systems' posts: the access key in the path or the bearer header is
        // the credential, checked by the route.
        (
            "POST",
            "/api/v1/inbound/{webhook_id}/{access_key}/events",
            Public,
        ),
        ("POST", "/api/v1/inbound/{webhook_id}/events", Public),
        // Outside the API: Prometheus scrapes with a viewer token (`authorization` in its
        // scrape config). Not in the OpenAPI document.
        ("GET", "/metrics", Read),
    ]
};

/// The access of `method` on the route template `path` (`/api/v1/webhooks/{id}`) with the
/// request's `query`: an entry naming a query parameter (`path?key=value`) wins over the plain
/// path when the query has that pair. `HEAD` is `GET` without the body. None when the table
/// lists the path but not this method (the router answers 405); a path not in the table at all
/// is for admins.
pub fn access(method: &Method, path: &str, query: Option<&str>) -> Option<Access> {
    let method = if method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    // Decoded and trimmed as the handlers' query parser does, so no spelling slips past.
    let pairs: Vec<String> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| format!("{}={}", k, v.trim()))
        .collect();
    let matches = |entry: &str| match entry.split_once('?') {
        Some((p, pair)) => p == path && pairs.iter().any(|q| q == pair),
        None => entry == path,
    };
    // The query-specific entry is listed after its path's: the last match wins.
    let found = ROUTES
        .iter()
        .rev()
        .find(|(m, p, _)| *m == method.as_str() && matches(p))
        .map(|(_, _, a)| *a);
    match found {
        Some(a) => Some(a),
        None if ROUTES.iter().any(|(_, p, _)| *p == path) => None,
        None => Some(Access::Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (m, p, _) in ROUTES {
            assert!(seen.insert((m, p)), "{m} {p} is listed twice");
        }
    }

    #[test]
    fn roles_by_access() {
        assert!(Access::Read.allows(Role::Viewer));
        assert!(!Access::Read.allows(Role::Publisher));
        assert!(Access::Publish.allows(Role::Publisher));
        assert!(!Access::Publish.allows(Role::Viewer));
        assert!(!Access::Operate.allows(Role::Viewer));
        assert!(!Access::Admin.allows(Role::Operator));
        assert_eq!(
            access(&Method::GET, "/api/v1/nope", None),
            Some(Access::Admin)
        );
        let list = "/api/v1/webhooks";
        assert_eq!(access(&Method::GET, list, None), Some(Access::Read));
        assert_eq!(access(&Method::HEAD, list, None), Some(Access::Read));
        assert_eq!(access(&Method::PATCH, list, None), None);
        assert_eq!(
            access(&Method::GET, list, Some("page=2")),
            Some(Access::Read)
        );
        let deleted = Some(Access::Admin);
        assert_eq!(
            access(&Method::GET, list, Some("page=2&deleted=true")),
            deleted
        );
        assert_eq!(access(&Method::GET, list, Some("deleted=%74rue+")), deleted);
    }
}
