//! Logs: one line per request with its id, route pattern, status, latency and client, in
//! text or JSON; never a query string, token, code or password.

use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::cli::add_m2m_client;
use crate::helpers::*;

/// A `vzconnect serve` child with `--log-format json` on a new database; its address. The
/// caller kills it and waits for it.
fn serve_json(db: &str) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vzconnect"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .env("VZCONNECT_DATABASE", format!("sqlite://{db}"))
        .env_remove("VZCONNECT_SECRET_KEY")
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped());
    listening(command)
}

#[tokio::test]
async fn every_request_is_one_json_line_with_its_id_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("logs.db");
    let db = db.to_str().unwrap();
    let (id, secret) = add_m2m_client(db);
    let (id, secret) = (id.as_str(), secret.as_str());
    let (mut server, address) = serve_json(db);
    let http = reqwest::Client::new();

    let token = http
        .post(format!("http://{address}/oauth/token"))
        .basic_auth(id, Some(secret))
        .header("X-Request-Id", "req-from-proxy-1")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(token.headers()["x-request-id"], "req-from-proxy-1");
    let access: Value = token.json().await.unwrap();
    let access = access["access_token"].as_str().unwrap().to_string();
    let page = http
        .get(format!(
            "http://{address}/oauth/authorize?client_id={id}&state=very-secret-state&code=abc123"
        ))
        .send()
        .await
        .unwrap();
    let generated = page.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(generated.len() >= 16);
    let login = http
        .post(format!("http://{address}/login"))
        .form(&[("username", "nobody"), ("password", "hunter2-password")])
        .send()
        .await
        .unwrap();
    assert_ne!(login.status(), StatusCode::INTERNAL_SERVER_ERROR);

    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request")
        .collect();
    assert_eq!(requests.len(), 3, "{log}");
    let token_line = requests
        .iter()
        .find(|l| l["span"]["id"] == "req-from-proxy-1")
        .expect("the proxy's request id");
    assert_eq!(token_line["fields"]["route"], "/oauth/token");
    assert_eq!(token_line["fields"]["status"], 200);
    assert_eq!(token_line["fields"]["method"], "POST");
    assert!(token_line["fields"]["latency_ms"].is_number());
    assert_eq!(token_line["span"]["client_id"], id);
    let authorize_line = requests
        .iter()
        .find(|l| l["span"]["id"] == generated.as_str())
        .unwrap();
    assert_eq!(authorize_line["fields"]["route"], "/oauth/authorize");
    for secret in [
        secret,
        access.as_str(),
        "very-secret-state",
        "abc123",
        "hunter2-password",
    ] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}
