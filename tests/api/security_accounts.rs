//! Account recovery leaves nobody else in: signup reveals no address, a reset or a password
//! change revokes what the account gave out, and an unconfirmed address connects no site.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::signup_and_recovery::unverified_user;
use vzconnect::store::Store;

use crate::helpers::*;
use crate::widgets::{access_token, mint};

const STRONG: &str = "plum harbour 61 quiet";

/// Every mail in the outbox, oldest first, as raw text.
fn mails(app: &TestApp) -> Vec<String> {
    if !app.outbox.exists() {
        return Vec::new();
    }
    let mut paths: Vec<_> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .replace("=\r\n", "")
                .replace("=3D", "=")
        })
        .collect()
}

fn link(mail: &str, prefix: &str) -> String {
    let start = mail.find(prefix).expect("a link in the mail");
    mail[start..]
        .split(char::is_whitespace)
        .next()
        .unwrap()
        .to_string()
}

async fn form_post(
    app: &TestApp,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = app.http.get(app.url(page_path)).send().await.unwrap();
    let page = page.text().await.unwrap();
    let mut form = vec![("csrf_token".to_string(), hidden_field(&page, "csrf_token"))];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    app.http
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signup_does_not_say_which_addresses_have_an_account() {
    let app = spawn_app().await;
    let fresh = form_post(
        &app,
        "/signup",
        "/signup",
        &[
            ("username", "newbie"),
            ("email", "newbie@example.org"),
            ("password", STRONG),
        ],
    )
    .await;
    let taken = form_post(
        &app,
        "/signup",
        "/signup",
        &[
            ("username", "other"),
            ("email", "alice@example.org"),
            ("password", STRONG),
        ],
    )
    .await;
    assert_eq!(fresh.status(), taken.status());
    assert!(fresh.headers().get("set-cookie").is_none());
    assert!(taken.headers().get("set-cookie").is_none());
    let fresh = fresh.text().await.unwrap();
    let taken = taken.text().await.unwrap();
    assert_eq!(
        fresh.replace("newbie@example.org", "ADDRESS"),
        taken.replace("alice@example.org", "ADDRESS"),
        "the same answer either way"
    );
    assert!(app.store.find_login("other").unwrap().is_none());

    let sent = mails(&app);
    assert_eq!(sent.len(), 2);
    assert!(sent[0].contains("To: newbie@example.org") && sent[0].contains("/verify-email?token="));
    assert!(sent[1].contains("To: alice@example.org"));
    assert!(
        sent[1].contains("Your username is alice"),
        "the owner learns of it"
    );
    assert!(
        !sent[1].contains("token="),
        "and gets no link that creates anything"
    );
}

/// Asks for a reset link for alice; the link.
async fn reset_link(app: &TestApp) -> String {
    let response = form_post(
        app,
        "/password/forgot",
        "/password/forgot",
        &[("email", "alice@example.org")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    link(
        mails(app).last().unwrap(),
        &app.url("/password/reset?token="),
    )
}

async fn reset_with(app: &TestApp, link: &str, password: &str) -> reqwest::Response {
    let token = link.split("token=").nth(1).unwrap().to_string();
    let page = app
        .http
        .get(link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    app.http
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("token", token),
            ("password", password.to_string()),
        ])
        .send()
        .await
        .unwrap()
}

async fn userinfo_status(app: &TestApp, token: &str) -> StatusCode {
    let response = app.http.get(app.url("/userinfo")).bearer_auth(token);
    response.send().await.unwrap().status()
}

#[tokio::test]
async fn a_password_reset_revokes_every_token_credential_and_link() {
    let app = spawn_app().await;
    let code = app
        .code_for(&app.web, "openid widgets offline_access")
        .await;
    let tokens: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let widget: Value = mint(&app, &access, json!({"widget": {"id": "w"}}))
        .await
        .json()
        .await
        .unwrap();
    let widget = widget["access_token"].as_str().unwrap().to_string();
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::OK);

    let earlier = reset_link(&app).await;
    let later = reset_link(&app).await;
    let done = reset_with(&app, &later, STRONG).await;
    assert_eq!(location(&done), "/login?reset=1");

    assert_eq!(
        userinfo_status(&app, &access).await,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = app
        .token(
            &app.web,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_oauth_error(refreshed, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let verified = app
        .http
        .get(app.url("/_matrix/federation/v1/openid/userinfo"))
        .query(&[("access_token", &widget)])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), StatusCode::UNAUTHORIZED);
    let stale = reset_with(&app, &earlier, "another long 88 phrase").await;
    assert_eq!(
        stale.status(),
        StatusCode::BAD_REQUEST,
        "the earlier link is dead"
    );
    assert_eq!(
        app.login("alice", STRONG).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn change_password(app: &TestApp, to: &str, disconnect_all: bool) -> reqwest::Response {
    let mut fields = vec![("current_password", PASSWORD), ("new_password", to)];
    if disconnect_all {
        fields.push(("disconnect_all", "1"));
    }
    form_post(app, "/account", "/account/password", &fields).await
}

#[tokio::test]
async fn a_password_change_disconnects_every_site_when_ticked() {
    let app = spawn_app().await;
    let kept = access_token(&app, "openid").await;
    let page = app.http.get(app.url("/account")).send().await.unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(r#"name="disconnect_all" value="1" checked"#),
        "ticked by default"
    );
    let changed = change_password(&app, STRONG, false).await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        userinfo_status(&app, &kept).await,
        StatusCode::OK,
        "left alone"
    );

    let revoked = access_token(&app, "openid").await;
    let changed = change_password_from(&app, STRONG, "another long 88 phrase").await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        userinfo_status(&app, &revoked).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(userinfo_status(&app, &kept).await, StatusCode::UNAUTHORIZED);
}

async fn change_password_from(app: &TestApp, from: &str, to: &str) -> reqwest::Response {
    form_post(
        app,
        "/account",
        "/account/password",
        &[
            ("current_password", from),
            ("new_password", to),
            ("disconnect_all", "1"),
        ],
    )
    .await
}

#[tokio::test]
async fn an_unconfirmed_address_signs_in_but_connects_no_site() {
    let app = spawn_app().await;
    unverified_user(&app, "uma").await;
    assert_eq!(
        app.login("uma", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let query = [
        ("response_type", "code"),
        ("client_id", app.web.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid"),
    ];
    let response = app.authorize(&query).await;
    let consent = location(&response);
    assert!(consent.starts_with("/consent?"));
    let page = app.http.get(app.url(&consent)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Confirm your email address before you connect sites"));
    assert!(!page.contains(r#"value="allow""#), "no Allow button");

    // A forged answer is refused, and nothing is issued.
    let before = app.db_snapshot();
    let request = consent.trim_start_matches("/consent?").to_string();
    let forged = app
        .http
        .post(app.url("/consent"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("request", request),
            ("decision", "allow".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.db_snapshot(), before);

    // Asking for the link again, then following it, opens the way.
    let sent = app
        .http
        .post(app.url("/verify-email/resend"))
        .form(&[("csrf_token", hidden_field(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let verify = link(
        mails(&app).last().unwrap(),
        &app.url("/verify-email?token="),
    );
    assert_eq!(
        app.http.get(&verify).send().await.unwrap().status(),
        StatusCode::OK
    );
    let page = app.http.get(app.url(&consent)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(r#"value="allow""#));
}

#[tokio::test]
async fn people_added_by_the_operator_count_as_verified_unless_told_otherwise() {
    let app = spawn_app().await;
    for (username, extra) in [("olga", None), ("ursula", Some("--unverified"))] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"));
        command
            .args(["user", "add", "--username", username, "--email"])
            .arg(format!("{username}@example.org"))
            .arg("--password-stdin")
            .args(extra)
            .env(
                "VZCONNECT_DATABASE",
                format!("sqlite://{}", app.db_path.display()),
            )
            .env("VZCONNECT_SECRET_KEY", &app.secret_key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{STRONG}").unwrap();
        assert!(child.wait().unwrap().success());
    }
    let verified = |u: &str| app.store.find_login(u).unwrap().unwrap().0.email_verified;
    assert!(verified("olga"));
    assert!(!verified("ursula"));
}
