//! Storage trouble is temporary: a locked database or a full disk is answered 503 with
//! `Retry-After` (JSON for clients, a "try again shortly" page for people), never 500, and
//! the log says so once instead of once per request.

use std::process::{Command, Stdio};

use reqwest::StatusCode;
use rusqlite::Connection;
use serde_json::Value;

use crate::cli::add_m2m_client;
use crate::helpers::*;

#[tokio::test]
async fn a_locked_database_is_503_with_retry_after() {
    let app = spawn_app().await;
    let page = app.http.get(app.url("/login")).send().await.unwrap();
    let csrf = hidden_field(&page.text().await.unwrap(), "csrf_token");
    let issued: Value = (app
        .token(&app.web, &[("grant_type", "client_credentials")])
        .await)
        .json()
        .await
        .unwrap();
    let issued = issued["access_token"].as_str().unwrap();
    // Another process holds the write lock longer than the writer waits for it.
    let blocker = Connection::open(&app.db_path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();

    // A sealed access token needs no write, so issuing one goes on...
    let token = app
        .token(&app.web, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(token.status(), StatusCode::OK);
    // ...while revoking one has to wait.
    let revoke = |token: &str| {
        app.http
            .post(app.url("/oauth/revoke"))
            .basic_auth(&app.web.id, app.web.secret.as_deref())
            .form(&[("token", token.to_string())])
            .send()
    };
    let refused = revoke(issued).await.unwrap();
    assert_eq!(refused.headers()["retry-after"], "5");
    assert_oauth_error(
        refused,
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
    )
    .await;

    let login = app
        .http
        .post(app.url("/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(login.headers()["retry-after"], "5");
    assert!(login.text().await.unwrap().contains("try again shortly"));

    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(revoke(issued).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_full_disk_is_503_and_logged_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("full.db");
    let db = db.to_str().unwrap().to_string();
    let (id, secret) = add_m2m_client(&db);
    // Files may grow by a little more than they have now: the disk fills up after a few
    // tokens. The shell ignores SIGXFSZ, so writes fail instead of killing the server.
    let wal = std::fs::metadata(format!("{db}-wal")).map_or(0, |m| m.len());
    let db_size = std::fs::metadata(&db).unwrap().len();
    let limit_kib = db_size.max(wal) / 1024 + 96;
    let binary = env!("CARGO_BIN_EXE_vzconnect");
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {limit_kib}; exec '{binary}' serve --bind 127.0.0.1:0"
        ))
        .env("VZCONNECT_DATABASE", format!("sqlite://{db}"))
        .env_remove("VZCONNECT_SECRET_KEY")
        .stderr(Stdio::piped());
    let (mut server, address) = listening(command);
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..400 {
        // Issuing a sealed token writes nothing; revoking it writes a row.
        let issued: Value = http
            .post(format!("http://{address}/oauth/token"))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = issued["access_token"]
            .as_str()
            .expect("issuing needs no disk");
        let response = http
            .post(format!("http://{address}/oauth/revoke"))
            .basic_auth(&id, Some(&secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        let status = response.status();
        statuses.push(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(response.headers().contains_key("retry-after"));
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"], "temporarily_unavailable");
            if statuses.iter().filter(|s| **s == status).count() >= 50 {
                break;
            }
        }
    }
    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    assert!(
        statuses.contains(&StatusCode::OK),
        "revocations before the disk filled"
    );
    assert!(
        statuses.contains(&StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
    assert!(
        !statuses.contains(&StatusCode::INTERNAL_SERVER_ERROR),
        "never 500: {statuses:?}"
    );
    let log = String::from_utf8_lossy(&output.stderr);
    let errors = log.lines().filter(|l| l.contains("sqlite:")).count();
    assert!(
        (1..=3).contains(&errors),
        "50 failures, at most a few lines:\n{log}"
    );
}
