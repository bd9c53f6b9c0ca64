//! The logout token of OpenID Connect Back-Channel Logout 1.0 §2.4: a JWT that tells a
//! client a login session (`sid`) of a user (`sub`) has ended.

use serde::Serialize;
use serde_json::{json, Value};

use crate::clock::UnixTime;

/// The event that marks a JWT as a logout token.
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// Seconds a logout token is accepted: a short window against replay.
pub const LOGOUT_TOKEN_TTL: i64 = 120;

/// The claims of a logout token; it never carries a `nonce` (§2.4).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LogoutClaims {
    pub iss: String,
    pub aud: String,
    pub iat: UnixTime,
    pub exp: UnixTime,
    pub jti: String,
    pub sub: String,
    pub sid: String,
    pub events: Value,
}

/// The claims for `client_id` about the session `sid` of the user it knows as `sub`.
pub fn claims(
    issuer: &str,
    client_id: &str,
    sub: &str,
    sid: &str,
    jti: String,
    now: UnixTime,
) -> LogoutClaims {
    LogoutClaims {
        iss: issuer.to_string(),
        aud: client_id.to_string(),
        iat: now,
        exp: now + LOGOUT_TOKEN_TTL,
        jti,
        sub: sub.to_string(),
        sid: sid.to_string(),
        events: json!({ EVENT: {} }),
    }
}
