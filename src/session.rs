//! Who is signed in, for the whole app: the session fetched once at start, and the one rule of
//! what the console shows to each role (the server refuses the rest anyway).

use crate::api::{self, ClientError};
use crate::i18n::T;
use leptos::prelude::*;
use webhook_api::{Role, Session};

/// What the console knows about the session.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// `GET /session` has not answered yet: show no page.
    Checking,
    SignedIn(Session),
    /// Not signed in, or the session ended: the sign-in page is next.
    SignedOut,
    /// `GET /session` failed for another reason (the server is down, say).
    Failed(ClientError),
}

/// The session, provided at the root; pages read it with `Auth::expect()`.
#[derive(Clone, Copy)]
pub struct Auth {
    pub state: RwSignal<SessionState>,
}

impl Auth {
    /// Provides the session state (still [`SessionState::Checking`]) to the whole app.
    pub fn provide() -> Self {
        let auth = Self {
            state: RwSignal::new(SessionState::Checking),
        };
        provide_context(auth);
        auth
    }

    /// Provides a known session, for tests and previews.
    pub fn provide_signed_in(session: Session) -> Self {
        let auth = Self::provide();
        auth.state.set(SessionState::SignedIn(session));
        auth
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// Asks the server who is signed in (a 401 also runs the app's sign-in hook).
    pub fn check(self) {
        self.state.set(SessionState::Checking);
        leptos::task::spawn_local(async move {
            let state = match api::session().await {
                Ok(s) => SessionState::SignedIn(s),
                Err(e) if e.status() == Some(401) => SessionState::SignedOut,
                Err(e) => SessionState::Failed(e),
            };
            self.state.set(state);
        });
    }

    /// The signed-in user's role (tracked); `None` when nobody is signed in.
    pub fn role(self) -> Option<Role> {
        self.state.with(|s| match s {
            SessionState::SignedIn(s) => Some(s.user.role),
            _ => None,
        })
    }

    /// May enable, disable, send, test, redeliver, recover and publish (operators and admins).
    pub fn can_operate(self) -> bool {
        self.role().is_some_and(Role::can_operate)
    }

    /// May add, modify and delete webhooks, edit subscriptions, and manage users, tokens and the
    /// audit log.
    pub fn is_admin(self) -> bool {
        self.role().is_some_and(Role::is_admin)
    }
}

/// Where to go after signing in: `next` when it is a path of this site (`/…`, not `//…` nor
/// `/\…`, which browsers read as another host), else the WebHook list.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control)
                && n != "/login"
                && !n.starts_with("/login?") =>
        {
            n.to_string()
        }
        _ => "/webhooks".to_string(),
    }
}

/// The sign-in page's link that returns to `here` (a path and query) afterwards.
pub fn login_href(here: &str) -> String {
    if here.is_empty() || here == "/" || here.starts_with("/login") {
        "/login".to_string()
    } else {
        format!("/login?next={}", api::encode(here))
    }
}

/// The word for a role.
pub fn role_text(role: Role) -> T {
    match role {
        Role::Admin => T::RoleAdmin,
        Role::Operator => T::RoleOperator,
        Role::Viewer => T::RoleViewer,
        Role::Publisher => T::RolePublisher,
    }
}
