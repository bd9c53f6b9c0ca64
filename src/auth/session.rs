//! Browser sessions: a random id in an HttpOnly, SameSite=Lax cookie; only its hash is
//! stored, and a new id is issued at every login (no session fixation).

use crate::clock::UnixTime;
use crate::crypto::{hash_token, random_token};
use crate::domain::records::{Session, UserId};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "vz_session";
/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "vz_csrf";
/// How long a login lasts.
pub const SESSION_TTL: i64 = 12 * 3600;

/// The session's id as id_tokens carry it (`sid`): derived from the stored hash, so it
/// reveals nothing about the cookie.
pub fn sid(id_hash: &str) -> String {
    id_hash.chars().take(32).collect()
}

/// A new session: the id for the cookie and the record to store.
pub fn new_session(user_id: UserId, now: UnixTime, user_agent: &str) -> (String, Session) {
    let id = random_token(32);
    let session = Session {
        id_hash: hash_token(&id),
        user_id,
        auth_time: now,
        expires_at: now + SESSION_TTL,
        user_agent: user_agent.chars().take(200).collect(),
    };
    (id, session)
}
