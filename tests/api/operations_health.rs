//! Liveness and readiness: `/healthz` answers while the process runs, `/readyz` only while a
//! write goes through and the signing keys are loaded, and a server that cannot write does not
//! start.

use reqwest::StatusCode;
use rusqlite::Connection;
use serde_json::Value;

use crate::cli::vzconnect;
use crate::helpers::*;
use crate::operations_keys::installation;

async fn readyz(app: &TestApp) -> (StatusCode, Value) {
    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn readiness_needs_writes_and_signing_keys() {
    let app = spawn_app().await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");

    Connection::open(&app.db_path)
        .unwrap()
        .execute("DELETE FROM signing_keys", [])
        .unwrap();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["signing_keys"], false);
    assert_eq!(body["writes"], true);
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "liveness is not readiness");
}

#[tokio::test]
async fn readiness_fails_while_the_database_refuses_writes() {
    let app = spawn_app().await;
    // Another process holds the write lock longer than the writer waits for it.
    let blocker = Connection::open(&app.db_path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["writes"], false);
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(readyz(&app).await.0, StatusCode::OK);
}

#[test]
fn a_server_that_cannot_write_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = installation(dir.path());
    let blocker = Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = vzconnect(&db, &["serve", "--bind", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("does not take writes"), "{message}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
}
