//! `serve --demo` and the quickstart: the real binary, a browser-like walk through the pages,
//! then the curl commands from `docs/quickstart.md`, run as written.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::doc_samples::assert_doc_samples_verify;
use crate::helpers::*;

/// Kills the server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `vzconnect serve --demo` on a port it picks itself and returns it with its issuer
/// and the lines it printed up to the URL.
fn start_demo(dir: &std::path::Path) -> (Server, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env(
            "VZCONNECT_DATABASE",
            format!("sqlite://{}", dir.join("demo.db").display()),
        )
        .env_remove("VZCONNECT_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = Vec::new();
    let mut issuer = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let listening = line.starts_with("vzconnect listening");
        if let Some(rest) = line.split("(issuer ").nth(1) {
            issuer = rest.trim_end_matches(')').to_string();
        }
        lines.push(line);
        if listening {
            break;
        }
    }
    assert!(issuer.starts_with("http://127.0.0.1:"), "{lines:?}");
    (server, issuer, lines)
}

fn printed<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(label))
        .unwrap_or_else(|| panic!("'{label}' not printed: {lines:?}"))
        .trim()
}

/// The ```sh block of the quickstart that contains `needle`, for `issuer`, without the
/// `NAME=paste-…` placeholder lines (the test sets those variables).
fn quickstart_command(needle: &str, issuer: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/quickstart.md"))
        .unwrap();
    let block = doc
        .split("```sh\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|block| block.contains(needle))
        .unwrap_or_else(|| panic!("no sh block with {needle}"));
    block
        .lines()
        .filter(|l| !l.contains("=paste-"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("http://127.0.0.1:8080", issuer)
}

fn run_sh(script: &str, env: &[(&str, &str)]) -> Value {
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[tokio::test]
#[ignore = "needs curl, php, python3 and node: ./scripts/test runs it"]
async fn demo_mode_and_the_quickstart_commands_work_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, issuer, lines) = start_demo(dir.path());
    assert_eq!(printed(&lines, "user:"), "demo / demo-password");
    assert_eq!(printed(&lines, "client_id:"), "demo-client");
    let secret = printed(&lines, "export VZ_DEMO_SECRET=").to_string();
    let start = printed(&lines, "start here:").to_string();

    // The browser part: login, consent, and the demo callback page with the code.
    let browser = browser();
    let to_login = browser.get(&start).send().await.unwrap();
    let login_url = format!("{issuer}{}", location(&to_login));
    let page = browser
        .get(&login_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("username", "demo".to_string()),
        ("password", "demo-password".to_string()),
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("return_to", hidden_field(&page, "return_to")),
    ];
    let back = browser
        .post(format!("{issuer}/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let to_consent = browser
        .get(format!("{issuer}{}", location(&back)))
        .send()
        .await
        .unwrap();
    let page = browser
        .get(format!("{issuer}{}", location(&to_consent)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("vzconnect demo client"));
    let form = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("request", hidden_field(&page, "request")),
        ("decision", "allow".to_string()),
    ];
    let to_callback = browser
        .post(format!("{issuer}/consent"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let callback = location(&to_callback);
    assert!(callback.starts_with(&format!("{issuer}/demo/callback?code=")));
    let code = param(&url_params(&callback, false), "code").unwrap();
    let page = browser.get(&callback).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(&code) && page.contains("VZ_DEMO_SECRET"));

    // The curl commands of the quickstart, as written.
    let exchange = quickstart_command("grant_type=authorization_code", &issuer);
    let tokens = run_sh(&exchange, &[("VZ_DEMO_SECRET", &secret), ("CODE", &code)]);
    assert_doc_samples_verify(&tokens, &secret);
    let access = tokens["access_token"].as_str().unwrap();
    let user_id = tokens["user_id"].as_str().unwrap();
    let record = run_sh(
        &quickstart_command("Authorization: Bearer", &issuer),
        &[("ACCESS_TOKEN", access), ("USER_ID", user_id)],
    );
    assert_eq!(record["entry"]["displayName"], "Demo User");
    assert_eq!(record["entry"]["emails"][0]["value"], "demo@example.org");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let refreshed = run_sh(
        &quickstart_command("grant_type=refresh_token", &issuer),
        &[("VZ_DEMO_SECRET", &secret), ("REFRESH_TOKEN", refresh)],
    );
    assert!(refreshed["access_token"].is_string());
    assert_ne!(refreshed["refresh_token"], tokens["refresh_token"]);
}

#[tokio::test]
async fn demo_data_is_created_once_and_the_secret_survives_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _, first) = start_demo(dir.path());
    drop(server);
    let (_server, _, second) = start_demo(dir.path());
    assert_eq!(
        printed(&first, "export VZ_DEMO_SECRET="),
        printed(&second, "export VZ_DEMO_SECRET=")
    );
}
