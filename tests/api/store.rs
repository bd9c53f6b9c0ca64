//! The SQLite store on its own: purging keeps everything that can still be used, and one
//! authorization response is written whole or not at all.

use vzconnect::domain::records::{
    AuthCode, IssuedAuthorization, NewRefreshToken, NewTokens, Session,
};
use vzconnect::domain::{ClientId, ScopeSet};
use vzconnect::oauth::tokens;
use vzconnect::store::Store;

use crate::helpers::*;

/// An unredeemed code for `openid`, issued 60 seconds before it expires.
fn auth_code(hash: &str, client: &ClientId, user_id: i64, expires_at: i64) -> AuthCode {
    AuthCode {
        code_hash: hash.into(),
        client_id: client.clone(),
        user_id,
        redirect_uri: REDIRECT_URI.into(),
        redirect_uri_explicit: true,
        scope: "openid".into(),
        fields: None,
        code_challenge: None,
        nonce: None,
        sid: None,
        claims: None,
        auth_time: 0,
        issued_at: expires_at.saturating_sub(60),
        expires_at,
        redeemed: false,
    }
}

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
        let issued = IssuedAuthorization {
            code: Some(auth_code(hash, &client, alice.id, expires_at)),
            grant: None,
        };
        store.issue_authorization(issued).await.unwrap();
    }
    let scope = ScopeSet::parse("openid").unwrap();
    for (name, expires_at) in [("expired", now - 1), ("valid", now + 1)] {
        let grant = tokens::new_grant(&client, Some(alice.id), &scope, None, 0);
        let new = NewTokens {
            grant_id: grant.id.clone(),
            issued_at: 0,
            refresh: Some(NewRefreshToken {
                hash: format!("r-{name}"),
                issued_at: 0,
                expires_at,
            }),
        };
        let issued = IssuedAuthorization {
            code: None,
            grant: Some((grant, new)),
        };
        store.issue_authorization(issued).await.unwrap();
        store
            .revoke_access_token(&format!("t-{name}"), expires_at)
            .await
            .unwrap();
    }
    let purged = store.purge_expired(now).await.unwrap();
    assert_eq!(
        purged, 5,
        "old session, old code, expired refresh token and its grant, expired revocation"
    );
    assert!(store.find_session("live", 0).unwrap().is_some());
    assert!(store.find_session("old", 0).unwrap().is_none());
    assert!(
        store.find_auth_code("code-recent").unwrap().is_some(),
        "kept for reuse detection"
    );
    assert!(store.find_auth_code("code-old").unwrap().is_none());
    assert!(store.find_refresh_token("r-valid").unwrap().is_some());
    assert!(store.find_refresh_token("r-expired").unwrap().is_none());
    let revoked = |id: &str| store.access_standing(None, id).unwrap().revoked;
    assert!(
        revoked("t-valid"),
        "a revocation stays while its token could live"
    );
    assert!(!revoked("t-expired"));
}

/// Seeds `count` grants, each with one refresh token expiring at `expires_at` (directly in
/// SQL: a large store in a second).
fn seed_tokens(app: &TestApp, prefix: &str, count: usize, expires_at: i64) {
    let mut conn = rusqlite::Connection::open(&app.db_path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut grant = tx
            .prepare("INSERT INTO grants (id, client_id, scope, created_at) VALUES (?1, ?2, '', 0)")
            .unwrap();
        let mut token = tx
            .prepare(
                "INSERT INTO refresh_tokens (hash, grant_id, issued_at, expires_at)
                 VALUES (?1, ?1, 0, ?2)",
            )
            .unwrap();
        for i in 0..count {
            let id = format!("{prefix}-{i:06}");
            grant.execute(rusqlite::params![id, app.web.id]).unwrap();
            token.execute(rusqlite::params![id, expires_at]).unwrap();
        }
    }
    tx.commit().unwrap();
}

#[tokio::test]
async fn a_large_purge_runs_in_batches_that_let_other_writes_through() {
    let app = spawn_app().await;
    let now = 2_000_000_000;
    seed_tokens(&app, "expired", 50_000, now - 10);
    seed_tokens(&app, "live", 5_000, now + 3600);
    let alice = app.store.find_login("alice").unwrap().unwrap().0;

    let store = app.store.clone();
    let purge = tokio::spawn(async move { store.purge_expired(now).await });
    tokio::task::yield_now().await;
    let session = Session {
        id_hash: "during-purge".into(),
        user_id: alice.id,
        auth_time: 0,
        expires_at: now + 60,
        user_agent: String::new(),
    };
    app.store.create_session(session, None).await.unwrap();
    assert!(
        !purge.is_finished(),
        "a write queued behind the purge was answered before the purge ended"
    );
    let purged = purge.await.unwrap().unwrap();
    assert_eq!(purged, 100_000, "every expired token and its grant");
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(
        count("SELECT count(*) FROM refresh_tokens WHERE hash LIKE 'live-%'"),
        5_000
    );
    assert_eq!(
        count("SELECT count(*) FROM grants WHERE id LIKE 'live-%'"),
        5_000
    );
    assert_eq!(
        count("SELECT count(*) FROM grants WHERE id LIKE 'expired-%'"),
        0
    );
    assert!(app
        .store
        .find_session("during-purge", now)
        .unwrap()
        .is_some());
}

#[test]
fn every_foreign_key_and_expiry_the_purge_follows_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.db");
    drop(vzconnect::store::sqlite::SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    for (table, column) in [
        ("auth_codes", "grant_id"),
        ("auth_codes", "expires_at"),
        ("revoked_access_tokens", "expires_at"),
        ("refresh_tokens", "expires_at"),
        ("grants", "client_id"),
        ("consents", "client_id"),
        ("contacts", "contact_id"),
        ("widget_grants", "client_id"),
        ("one_time_tokens", "user_id"),
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT 1 FROM {table} WHERE {column} = 1"
            ))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter()
                .any(|step| step.contains("USING") && step.contains("INDEX")),
            "{table}.{column}: {plan:?}"
        );
    }
}

#[tokio::test]
async fn an_authorization_response_is_written_whole_or_not_at_all() {
    let app = spawn_app().await;
    let store = &app.store;
    let alice = store.find_login("alice").unwrap().unwrap().0;
    let client = ClientId::parse(&app.web.id).unwrap();
    let scope = ScopeSet::parse("openid").unwrap();
    let grant = tokens::new_grant(&client, Some(alice.id), &scope, None, 0);
    let key = vzconnect::crypto::SecretKey::parse(&app.secret_key).unwrap();
    let minted = tokens::mint(&key, &grant, &scope, 0, false);
    let hybrid = |hash: &str| IssuedAuthorization {
        code: Some(auth_code(hash, &client, alice.id, i64::MAX)),
        grant: Some((grant.clone(), minted.stored.clone())),
    };
    store.issue_authorization(hybrid("first")).await.unwrap();
    assert!(store.find_auth_code("first").unwrap().is_some());
    let before = app.db_snapshot();
    // The same grant again fails on its second insert: the code before it must not stay.
    assert!(store.issue_authorization(hybrid("second")).await.is_err());
    assert!(store.find_auth_code("second").unwrap().is_none());
    assert_eq!(
        app.db_snapshot(),
        before,
        "a failed response writes nothing"
    );
}
