//! The smaller holes of the security review, each shown closed: ending one session, file
//! modes, introspection by public clients, metrics, HSTS, PoCo paging and password length.

use std::os::unix::fs::PermissionsExt;

use reqwest::StatusCode;
use serde_json::Value;
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::domain::RedirectUri;

use vzconnect::store::Store;

use crate::helpers::*;

/// The `id` of the first session on the account page that is not "this browser".
fn other_session_id(account_page: &str) -> String {
    account_page
        .split("<li>")
        .filter(|item| item.contains("/account/sessions/end") && !item.contains("this browser"))
        .map(|item| hidden_field(item, "id"))
        .next()
        .expect("another session on the account page")
}

#[tokio::test]
async fn ending_one_session_signs_it_out_and_tells_its_sites() {
    let app = spawn_app().await;
    let (receiver, received) = post_receiver().await;
    let client = app
        .add_client(|c| c.backchannel_logout_uri = Some(RedirectUri::parse(&receiver).unwrap()))
        .await;
    // Browser A signs in and takes part in a sign-in to the site.
    let id_token = id_token_for(&app, &client).await;
    let sid = jsonwebtoken::dangerous::insecure_decode::<Value>(&id_token)
        .unwrap()
        .claims["sid"]
        .clone();

    // Browser B signs in too and ends A's session from the account page.
    let b = browser();
    app.login_in(&b, "alice", PASSWORD).await;
    let page = b.get(app.url("/account")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let form = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("id", other_session_id(&page)),
    ];
    let ended = b
        .post(app.url("/account/sessions/end"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&ended), "/account?done=sessions");

    let a_again = app.http.get(app.url("/account")).send().await.unwrap();
    assert_eq!(a_again.status(), StatusCode::SEE_OTHER, "A is signed out");
    assert!(location(&a_again).starts_with("/login"));
    let b_again = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(b_again.status(), StatusCode::OK, "B is still signed in");

    let body = first_post(&received)
        .await
        .expect("the site received a logout token");
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .unwrap()
        .1
        .into_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .unwrap()
        .claims;
    assert_eq!(claims["sid"], sid);
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_and_the_outbox_are_readable_by_their_owner_only() {
    let app = spawn_app().await;
    let page = app.http.get(app.url("/password/forgot")).send().await;
    let page = page.unwrap().text().await.unwrap();
    let sent = app
        .http
        .post(app.url("/password/forgot"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("email", "alice@example.org".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);

    let mut files = vec![app.db_path.clone()];
    for suffix in ["-wal", "-shm"] {
        let mut name = app.db_path.clone().into_os_string();
        name.push(suffix);
        files.push(name.into());
    }
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert_eq!(mode(&app.outbox), 0o700);
    let mails: Vec<_> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!mails.is_empty());
    for mail in mails {
        assert_eq!(mode(&mail), 0o600, "{}", mail.display());
    }
}

#[tokio::test]
async fn public_clients_cannot_introspect() {
    let app = spawn_app().await;
    let code = app.code_for(&app.public, "openid").await;
    let body: Value = app.redeem(&app.public, &code).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    let response = app
        .http
        .post(app.url("/oauth/introspect"))
        .form(&[("token", token), ("client_id", &app.public.id)])
        .send()
        .await
        .unwrap();
    let body = assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    assert!(body.get("username").is_none() && body.get("active").is_none());
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_listener() {
    let app = spawn_app().await;
    let public = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    let metrics = vzconnect::web::Metrics::default();
    metrics.request("GET", "/healthz", 200);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(vzconnect::start_metrics_server(listener, metrics).unwrap());
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("vzconnect_http_requests_total"));
}

#[tokio::test]
async fn requests_are_counted_by_the_route_that_matched() {
    let app = spawn_app().await;
    app.http
        .get(app.url("/poco/someone/@self"))
        .send()
        .await
        .unwrap();
    app.http.get(app.url("/no/such/page")).send().await.unwrap();
    let counted = app.metrics.render();
    assert!(
        counted.contains(r#"route="/poco/{sub}/@self""#),
        "{counted}"
    );
    assert!(counted.contains(r#"route="unmatched""#), "{counted}");
    assert!(!counted.contains("someone") && !counted.contains("/no/such"));
}

#[tokio::test]
async fn an_https_issuer_sends_hsts_and_an_http_one_does_not() {
    let https = spawn_app_with(Options {
        issuer: Some("https://id.example".into()),
        ..Options::default()
    })
    .await;
    let response = https.http.get(https.url("/")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let http = spawn_app().await;
    let response = http.http.get(http.url("/")).send().await.unwrap();
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn a_start_index_past_the_end_shows_no_contacts() {
    let app = spawn_app().await;
    let alice = app.store.find_login("alice").unwrap().unwrap().0;
    let bob = app.store.find_login("bob").unwrap().unwrap().0;
    app.store
        .add_contact(alice.id, bob.id, "friend".into(), SystemClock.now())
        .await
        .unwrap();
    let code = app.code_for(&app.web, "openid contacts").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    for start in ["9223372036854775808", "18446744073709551615"] {
        let response = app
            .http
            .get(app.url("/poco/@me/@all"))
            .bearer_auth(token)
            .query(&[("startIndex", start)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["totalResults"], 1);
        assert_eq!(body["entry"], serde_json::json!([]), "startIndex={start}");
    }
}

#[tokio::test]
async fn an_overlong_password_is_refused_before_it_is_estimated() {
    let app = spawn_app().await;
    let page = app.http.get(app.url("/signup")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let password: String = (0..15_000)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let response = app
        .http
        .post(app.url("/signup"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("username", "longpass".into()),
            ("email", "longpass@example.org".into()),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("at most 256"));
    assert!(app.store.find_login("longpass").unwrap().is_none());
}
