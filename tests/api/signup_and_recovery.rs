//! Self-service accounts: signup with email verification, and password reset by mail.
//! Links are single-use and expire; a form with a problem says so and writes nothing.

use reqwest::StatusCode;
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::crypto::hash_token;
use vzconnect::domain::records::{LinkPurpose, OneTimeLink};
use vzconnect::store::Store;

use crate::helpers::*;

const STRONG: &str = "plum harbour 61 quiet";

/// The newest mail in the outbox: (recipient line, body), quoted-printable decoded.
fn last_mail(app: &TestApp) -> (String, String) {
    let mut mails: Vec<_> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    mails.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let raw = std::fs::read_to_string(mails.last().expect("a mail in the outbox")).unwrap();
    let to = raw
        .lines()
        .find(|l| l.starts_with("To:"))
        .unwrap_or("")
        .to_string();
    let body = raw
        .split("\r\n\r\n")
        .skip(1)
        .collect::<Vec<_>>()
        .join("\r\n\r\n");
    (to, decode_quoted_printable(&body))
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn link_in(body: &str, path: &str) -> String {
    let start = body
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {body}"));
    let end = body[start..]
        .find(char::is_whitespace)
        .map_or(body.len(), |e| start + e);
    body[start..end].to_string()
}

/// A person whose address is not confirmed (as `user add --unverified` makes them).
pub async fn unverified_user(app: &TestApp, username: &str) -> vzconnect::domain::records::User {
    app.store
        .create_user(vzconnect::domain::records::NewUser {
            sub: vzconnect::domain::Sub::generate(),
            username: username.into(),
            email: format!("{username}@example.org"),
            name: None,
            password_hash: vzconnect::auth::password::hash_now(PASSWORD).unwrap(),
            email_verified: false,
            created_at: SystemClock.now(),
        })
        .await
        .unwrap()
}

async fn signup(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = app
        .http
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = vec![("csrf_token".to_string(), hidden_field(&page, "csrf_token"))];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    app.http
        .post(app.url("/signup"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signup_verifies_the_email_by_a_single_use_link() {
    let app = spawn_app().await;
    let before = app.db_snapshot();
    let weak = signup(
        &app,
        &[
            ("username", "carol"),
            ("email", "carol@example.org"),
            ("password", "password1"),
        ],
    )
    .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await.unwrap().contains("too easy to guess"));
    let taken = signup(
        &app,
        &[
            ("username", "Alice"),
            ("email", "new@example.org"),
            ("password", STRONG),
        ],
    )
    .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("is taken"));
    assert_eq!(app.db_snapshot(), before, "refused signups write nothing");

    let created = signup(
        &app,
        &[
            ("username", "carol"),
            ("email", "carol@example.org"),
            ("name", "Carol C"),
            ("password", STRONG),
        ],
    )
    .await;
    assert_eq!(created.status(), StatusCode::OK);
    assert!(
        created.headers().get("set-cookie").is_none(),
        "nobody is signed in yet"
    );
    assert!(created.text().await.unwrap().contains("Check your mail"));
    assert!(
        app.store.find_login("carol").unwrap().is_none(),
        "the account exists only once the address is confirmed"
    );
    let (to, body) = last_mail(&app);
    assert!(to.contains("carol@example.org"), "{to}");
    let link = link_in(&body, &format!("{}/verify-email?token=", app.address));
    let verified = app.http.get(&link).send().await.unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    assert!(
        verified.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("vz_session="),
        "signed in"
    );
    let (carol, _) = app.store.find_login("carol").unwrap().unwrap();
    assert!(carol.email_verified);
    assert_eq!(carol.name.as_deref(), Some("Carol C"));
    let again = app.http.get(&link).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "single use");
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("expired or was already used"));
}

#[tokio::test]
async fn password_reset_by_mail_signs_out_everywhere() {
    let app = spawn_app().await;
    let elsewhere = browser();
    let page = elsewhere
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("username", "alice"),
        ("password", PASSWORD),
        ("csrf_token", &hidden_field(&page, "csrf_token")),
    ];
    elsewhere
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();

    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let page = app
                .http
                .get(app.url("/password/forgot"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let form = [
                ("csrf_token", hidden_field(&page, "csrf_token")),
                ("email", email.to_string()),
            ];
            app.http
                .post(app.url("/password/forgot"))
                .form(&form)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let unknown = ask("nobody@example.org").await;
    assert!(
        !app.outbox.exists() || std::fs::read_dir(&app.outbox).unwrap().count() == 0,
        "no mail for strangers"
    );
    let known = ask("alice@example.org").await;
    assert_eq!(unknown, known, "the same answer either way");
    let (_, body) = last_mail(&app);
    let link = link_in(&body, &format!("{}/password/reset?token=", app.address));

    let page = app
        .http
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = hidden_field(&page, "token");
    let csrf = hidden_field(&page, "csrf_token");
    let weak = app
        .http
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "12345678"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .http
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", token.as_str()),
            ("password", STRONG),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&done), "/login?reset=1");
    assert_eq!(
        app.login("alice", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "old password gone"
    );
    assert_eq!(
        app.login("alice", STRONG).await.status(),
        StatusCode::SEE_OTHER
    );
    let home = elsewhere
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !home.contains("You are signed in"),
        "the other session was signed out"
    );
    let reused = app
        .http
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "another long 88 phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_expired_link_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let uma = unverified_user(&app, "uma").await;
    let link = OneTimeLink {
        hash: hash_token("expired-token"),
        user_id: uma.id,
        purpose: LinkPurpose::VerifyEmail,
        expires_at: SystemClock.now() - 1,
    };
    app.store.create_link(link).await.unwrap();
    let response = app
        .http
        .get(app.url("/verify-email?token=expired-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("expired"));
    assert!(
        !app.store
            .find_login("uma")
            .unwrap()
            .unwrap()
            .0
            .email_verified
    );
}
