//! `vzconnect backup` copies a running server's database with every acknowledged write, and
//! `vzconnect restore` checks a copy before it replaces anything.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::Value;
use vzconnect::crypto::{hash_token, SecretKey};
use vzconnect::store::sqlite::SqliteStore;
use vzconnect::store::Store;

use crate::helpers::*;

/// Runs the command line on `db` with the app's key; its output.
fn cli_on(app: &TestApp, db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args(args)
        .env("VZCONNECT_DATABASE", format!("sqlite://{}", db.display()))
        .env("VZCONNECT_SECRET_KEY", &app.secret_key)
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_backup_under_write_load_restores_with_every_acknowledged_token() {
    let app = spawn_app().await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for _ in 0..4 {
        // Each writer rotates its own refresh token: every answer is a write.
        let code = app.code_for(&app.web, "openid").await;
        let first: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
        let mut refresh = first["refresh_token"].as_str().unwrap().to_string();
        let (http, url) = (reqwest::Client::new(), app.url("/oauth/token"));
        let (id, secret) = (app.web.id.clone(), app.web.secret.clone().unwrap());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let response = http
                    .post(&url)
                    .basic_auth(&id, Some(&secret))
                    .form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let body: Value = response.json().await.unwrap();
                refresh = body["refresh_token"].as_str().unwrap().to_string();
                acknowledged.lock().unwrap().push(refresh.clone());
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // Every token answered before the backup starts must be in it.
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let file = app.db_path.with_file_name("backup.db");
    let output = app.cli(&["backup", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&output).contains("the secret key is not in it"));
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let restored = app.db_path.with_file_name("restored.db");
    let out = cli_on(&app, &restored, &["restore", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = SqliteStore::open(&restored).unwrap();
    for token in &before {
        assert!(
            store
                .find_refresh_token(&hash_token(token))
                .unwrap()
                .is_some(),
            "an acknowledged token is missing from the backup"
        );
    }
}

#[tokio::test]
async fn restore_refuses_a_damaged_foreign_or_newer_copy_and_changes_nothing() {
    let app = spawn_app().await;
    let file = app.db_path.with_file_name("copy.db");
    app.cli(&["backup", file.to_str().unwrap()]);
    let target = app.db_path.with_file_name("target.db");
    let out = cli_on(&app, &target, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success());
    let untouched = std::fs::read(&target).unwrap();
    let refused = |copy: &std::path::Path, why: &str| {
        let out = cli_on(&app, &target, &["restore", copy.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{why}");
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(
            message.contains(why) && message.contains("nothing was changed"),
            "{message}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), untouched, "{why}");
    };

    let damaged = app.db_path.with_file_name("damaged.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    refused(&damaged, "damaged");

    let newer = app.db_path.with_file_name("newer.db");
    std::fs::copy(&file, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999")
        .unwrap();
    refused(&newer, "newer than this vzconnect");

    // A copy from an installation with another key.
    let foreign = app.db_path.with_file_name("foreign.db");
    let other_key = SecretKey::generate().to_base64url();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args([
            "client",
            "add",
            "--name",
            "X",
            "--redirect-uri",
            "https://x.example/cb",
        ])
        .env(
            "VZCONNECT_DATABASE",
            format!("sqlite://{}", foreign.display()),
        )
        .env("VZCONNECT_SECRET_KEY", &other_key)
        .output()
        .unwrap();
    assert!(out.status.success());
    refused(&foreign, "another secret key");
}
