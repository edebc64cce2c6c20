//! Sessions and API tokens found live, kept so that a request is authenticated without a read
//! of the database (every API request but sign-in needs one otherwise: a round trip to
//! PostgreSQL, a statement on SQLite's connection thread).
//!
//! Kept entries are forgotten, all at once, whenever something they say may have changed:
//! - on this instance, right after the commit of a change that can end or narrow access
//!   (sign-out, a user changed or deleted, a token revoked: [`Db::auth_changed`]), so the next
//!   request here is judged by the database again;
//! - PostgreSQL: on every instance, when the `webhook_auth` notice arrives that triggers send at
//!   the commit of any such change, whoever made it (migration postgres/0011). Another instance
//!   may so accept a revoked session or token for the moment the notice takes to arrive; in the
//!   tests not one request did (`access_tokens::ending_access_through_one_instance_…`);
//! - SQLite: when the file was changed by another process (`webhook-server reset-password`),
//!   seen within 50 ms ([`super::sqlite::spawn_watcher`]);
//! - whenever those announcements may have been missed (the notification connection lost, the
//!   watcher failing); while they cannot come, nothing is kept.
//!
//! A kept entry is still checked against the clock on every use (a session's absolute end and
//! idle timeout, a token's expiry), and the periodic write of last use goes to the database as
//! before.
//!
//! A lookup that raced a change cannot keep what it read: entries are kept under the
//! generation read before the lookup, and a change moves the generation.
//!
//! [`Db::auth_changed`]: super::Db::auth_changed

use super::users::SessionRow;
use std::collections::HashMap;
use std::sync::Mutex;
use webhook_api::ApiToken;

/// Entries kept at most of each kind; when full, all are forgotten.
const CAPACITY: usize = 4096;

#[derive(Debug, Default)]
pub struct AuthCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Whether changes are announced to this process: set while the PostgreSQL listener listens
    /// or the SQLite watcher watches.
    listening: bool,
    generation: u64,
    sessions: HashMap<String, SessionRow>,
    tokens: HashMap<String, ApiToken>,
}

impl AuthCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The generation to keep a lookup's result under, read before the lookup; None while
    /// nothing may be kept.
    pub fn generation(&self) -> Option<u64> {
        let state = self.state();
        state.listening.then_some(state.generation)
    }

    /// Forgets everything; whatever was being looked up meanwhile is not kept.
    pub fn changed(&self) {
        let mut state = self.state();
        state.generation = state.generation.wrapping_add(1);
        state.sessions.clear();
        state.tokens.clear();
    }

    /// Whether changes are announced from now on (the listener listens) or may go unseen.
    /// Either way what was kept is forgotten: notices may have been missed before.
    pub fn set_listening(&self, listening: bool) {
        self.changed();
        self.state().listening = listening;
    }

    pub fn session(&self, hash: &str) -> Option<SessionRow> {
        self.state().sessions.get(hash).cloned()
    }

    pub fn token(&self, hash: &str) -> Option<ApiToken> {
        self.state().tokens.get(hash).cloned()
    }

    /// Keeps a session found live when the generation was `generation`.
    pub fn keep_session(&self, generation: u64, hash: &str, row: &SessionRow) {
        self.keep(generation, |s| keep_in(&mut s.sessions, hash, row));
    }

    /// Keeps a token found live when the generation was `generation`.
    pub fn keep_token(&self, generation: u64, hash: &str, token: &ApiToken) {
        self.keep(generation, |s| keep_in(&mut s.tokens, hash, token));
    }

    fn keep(&self, generation: u64, put: impl FnOnce(&mut State)) {
        let mut state = self.state();
        if state.listening && state.generation == generation {
            put(&mut state);
        }
    }

    /// A kept session was used at `now` (its last use written to the database).
    pub fn session_seen(&self, hash: &str, now: &str) {
        if let Some(s) = self.state().sessions.get_mut(hash) {
            s.last_seen_at = now.to_string();
        }
    }

    /// A kept token was used at `now` (its last use written to the database).
    pub fn token_used(&self, id: &str, now: &str) {
        for t in self.state().tokens.values_mut().filter(|t| t.id == id) {
            t.last_used_at = Some(now.to_string());
        }
    }
}

fn keep_in<T: Clone>(map: &mut HashMap<String, T>, key: &str, value: &T) {
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key.to_string(), value.clone());
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhook_api::{Role, User};

    fn session(last_seen_at: &str) -> SessionRow {
        SessionRow {
            user: User {
                id: "u1".into(),
                username: "ann".into(),
                display_name: "Ann".into(),
                role: Role::Viewer,
                disabled: false,
                created_at: "2026-12-07T00:00:00.000Z".into(),
                last_sign_in_at: None,
            },
            last_seen_at: last_seen_at.into(),
            expires_at: "2026-12-08T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn nothing_is_kept_until_changes_are_announced() {
        let cache = AuthCache::default();
        assert_eq!(cache.generation(), None);
        cache.keep_session(0, "h", &session("t1"));
        assert!(cache.session("h").is_none());
        cache.set_listening(true);
        let g = cache.generation().unwrap();
        cache.keep_session(g, "h", &session("t1"));
        assert_eq!(cache.session("h").unwrap().user.username, "ann");
        cache.set_listening(false);
        assert!(
            cache.session("h").is_none(),
            "forgotten when the listener stops"
        );
        assert_eq!(cache.generation(), None);
    }

    #[test]
    fn a_lookup_that_raced_a_change_is_not_kept() {
        let cache = AuthCache::default();
        cache.set_listening(true);
        let before = cache.generation().unwrap();
        // The lookup read the session; a sign-out committed before it could keep it.
        cache.changed();
        cache.keep_session(before, "h", &session("t1"));
        assert!(cache.session("h").is_none());
        let now = cache.generation().unwrap();
        cache.keep_session(now, "h", &session("t1"));
        cache.session_seen("h", "t2");
        assert_eq!(cache.session("h").unwrap().last_seen_at, "t2");
        cache.changed();
        assert!(cache.session("h").is_none());
    }
}
