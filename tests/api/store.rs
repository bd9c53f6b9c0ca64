//! The SQLite store on its own: purging keeps everything that can still be used.

use vzconnect::domain::records::{AuthCode, NewAccessToken, NewRefreshToken, NewTokens, Session};
use vzconnect::domain::{ClientId, ScopeSet};
use vzconnect::oauth::tokens;
use vzconnect::store::Store;

use crate::helpers::*;

#[tokio::test]
async fn purge_deletes_only_what_expired() {
    let app = spawn_app().await;
    let store = &app.store;
    let alice = store.find_login("alice").unwrap().unwrap().0;
    let client = ClientId::parse(&app.web.id).unwrap();
    let now = 1_000_000;
    for (id, expires_at) in [("old", now - 1), ("live", now + 100)] {
        let session = Session {
            id_hash: id.into(),
            user_id: alice.id,
            auth_time: 0,
            expires_at,
            user_agent: String::new(),
        };
        store.create_session(session, None).await.unwrap();
    }
    for (hash, expires_at) in [("code-old", now - 86_401), ("code-recent", now - 10)] {
        let code = AuthCode {
            code_hash: hash.into(),
            client_id: client.clone(),
            user_id: alice.id,
            redirect_uri: REDIRECT_URI.into(),
            redirect_uri_explicit: true,
            scope: "openid".into(),
            fields: None,
            code_challenge: None,
            nonce: None,
            sid: None,
            claims: None,
            auth_time: 0,
            issued_at: expires_at - 60,
            expires_at,
            redeemed: false,
        };
        store.create_auth_code(code).await.unwrap();
    }
    let scope = ScopeSet::parse("openid").unwrap();
    for (name, expires_at) in [("expired", now - 1), ("valid", now + 1)] {
        let grant = tokens::new_grant(&client, Some(alice.id), &scope, None, 0);
        let new = NewTokens {
            grant_id: grant.id.clone(),
            access: NewAccessToken {
                hash: format!("a-{name}"),
                scope: "openid".into(),
                issued_at: 0,
                expires_at,
            },
            refresh: Some(NewRefreshToken {
                hash: format!("r-{name}"),
                issued_at: 0,
                expires_at,
            }),
        };
        store.issue_grant(grant, new).await.unwrap();
    }
    let purged = store.purge_expired(now).await.unwrap();
    assert_eq!(
        purged, 5,
        "old session, old code, expired access and refresh token, their grant"
    );
    assert!(store.find_session("live", 0).unwrap().is_some());
    assert!(store.find_session("old", 0).unwrap().is_none());
    assert!(
        store.find_auth_code("code-recent").unwrap().is_some(),
        "kept for reuse detection"
    );
    assert!(store.find_auth_code("code-old").unwrap().is_none());
    assert!(store.find_access_token("a-valid").unwrap().is_some());
    assert!(store.find_refresh_token("r-valid").unwrap().is_some());
    assert!(store.find_access_token("a-expired").unwrap().is_none());
}
