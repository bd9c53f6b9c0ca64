//! OpenID Connect Back-Channel Logout 1.0: when a login session ends, every client that
//! received a code or tokens in it and registered a `backchannel_logout_uri` gets a signed
//! logout token by POST. Delivery runs in the background and never delays the logout.

use std::time::Duration;

use super::authorize::client_secret;
use super::keys::subject_for;
use super::AppState;
use crate::auth::session::sid;
use crate::crypto::random_token;
use crate::domain::records::{Session, User};
use crate::oidc::id_token::sign_jwt;
use crate::oidc::logout_token;

/// How long a client's back-channel endpoint gets to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// Sends logout tokens for `session` to the clients that took part in it.
pub fn notify(state: &AppState, session: &Session, user: &User) {
    let sid = sid(&session.id_hash);
    let clients = match state.store.clients_of_session(&sid) {
        Ok(clients) => clients,
        Err(e) => return log::warn!("back-channel logout: {e}"),
    };
    let now = state.clock.now();
    let ring = state.keys.ring(state.store.as_ref(), &state.key);
    for client_id in clients {
        let Ok(Some(client)) = state.store.find_client(&client_id) else {
            continue;
        };
        let Some(uri) = client.backchannel_logout_uri.clone() else {
            continue;
        };
        let sub = subject_for(state, &client, user);
        let claims = logout_token::claims(
            &state.issuer,
            client_id.as_str(),
            sub.as_str(),
            &sid,
            random_token(16),
            now,
        );
        let secret = client_secret(state, &client);
        let token = match sign_jwt(
            &claims,
            Some("logout+jwt"),
            client.id_token_alg,
            &ring,
            secret.as_deref(),
        ) {
            Ok(token) => token,
            Err(e) => {
                log::error!("logout token for {client_id}: {e}");
                continue;
            }
        };
        let http = state.http.clone();
        actix_web::rt::spawn(async move {
            let sent = http
                .post(uri.as_str())
                .timeout(DELIVERY_TIMEOUT)
                .form(&[("logout_token", token)])
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => log::warn!("back-channel logout to {uri}: {}", response.status()),
                Err(e) => log::warn!("back-channel logout to {uri}: {e}"),
            }
        });
    }
}
