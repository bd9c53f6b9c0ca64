//! OpenID Connect Back-Channel Logout 1.0: when a login session ends, every client that
//! received a code or tokens in it and registered a `backchannel_logout_uri` gets a signed
//! logout token by POST, under the outbound policy (`crate::outbound`). Delivery runs in the
//! background and never delays the logout.

use super::keys::subject_for;
use super::AppState;
use crate::auth::session::sid;
use crate::crypto::random_token;
use crate::domain::records::{Client, User};
use crate::oidc::id_token::{sign_jwt, SignError};
use crate::oidc::keys::KeyRing;
use crate::oidc::logout_token;
use crate::outbound::OutboundError;

/// Sends logout tokens for the ended session `session_hash` to the clients that took part
/// in it.
pub fn notify(state: &AppState, session_hash: &str, user: &User) {
    let sid = sid(session_hash);
    let clients = match state.store.clients_of_session(&sid) {
        Ok(clients) => clients,
        Err(e) => return log::warn!("back-channel logout: {e}"),
    };
    let ring = state.keys.ring(state.store.as_ref(), &state.key);
    for client_id in clients {
        let Ok(Some(client)) = state.store.find_client(&client_id) else {
            continue;
        };
        let Some(uri) = client.backchannel_logout_uri.clone() else {
            continue;
        };
        match logout_token_for(state, &ring, &client, user, &sid) {
            Ok(token) => deliver(state, uri.as_str().to_string(), token),
            Err(e) => log::error!("logout token for {client_id}: {e}"),
        }
    }
}

/// Tells the sites of each ended session in `sessions` (their id hashes).
pub fn notify_each(state: &AppState, sessions: &[String], user: &User) {
    for session_hash in sessions {
        notify(state, session_hash, user);
    }
}

/// The signed logout token that tells `client` the session `sid` of `user` ended.
fn logout_token_for(
    state: &AppState,
    ring: &KeyRing,
    client: &Client,
    user: &User,
    sid: &str,
) -> Result<String, SignError> {
    let sub = subject_for(state, client, user);
    let claims = logout_token::claims(
        &state.issuer,
        client.client_id.as_str(),
        sub.as_str(),
        sid,
        random_token(16),
        state.clock.now(),
    );
    let secret = client.secret(&state.key);
    sign_jwt(
        &claims,
        Some("logout+jwt"),
        client.id_token_alg,
        ring,
        secret.as_deref(),
    )
}

/// POSTs `token` to `uri` in the background and counts how it went.
fn deliver(state: &AppState, uri: String, token: String) {
    let outbound = state.outbound.clone();
    let metrics = state.metrics.clone();
    actix_web::rt::spawn(async move {
        let sent = outbound.post_form(&uri, &[("logout_token", &token)]).await;
        let result = match sent {
            Ok(status) if status.is_success() => "delivered",
            Ok(status) => {
                log::warn!("back-channel logout to {uri}: {status}");
                "rejected"
            }
            Err(e @ OutboundError::Refused(_)) => {
                log::warn!("back-channel logout to {uri}: {e}");
                "refused"
            }
            Err(e) => {
                log::warn!("back-channel logout to {uri}: {e}");
                "failed"
            }
        };
        metrics.outbound(result);
    });
}
