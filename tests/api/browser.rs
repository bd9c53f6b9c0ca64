//! Browser tests: headless Chromium (Debian's chromium) driven by playwright-core from
//! `tests/browser/`, against the real server. `./scripts/test` installs both.

use std::process::Command;

use serde_json::Value;

use crate::helpers::*;

/// Runs one Node script from tests/browser with the server's address, a token of alice's and
/// the web client's credentials.
async fn run_browser_script(script: &str, app: &TestApp, scope: &str) {
    let code = app.code_for(&app.web, scope).await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser");
    assert!(
        std::path::Path::new(dir)
            .join("node_modules/playwright-core")
            .exists(),
        "run `npm ci --prefix tests/browser` first (./scripts/test does)"
    );
    let server_name = app.address.trim_start_matches("http://").to_string();
    let output = tokio::task::spawn_blocking({
        let script = format!("{dir}/{script}");
        let envs = [
            ("VZ_ISSUER", app.address.clone()),
            (
                "VZ_ACCESS_TOKEN",
                body["access_token"].as_str().unwrap().to_string(),
            ),
            ("VZ_MATRIX_USER", format!("@alice:{server_name}")),
            ("VZ_PASSWORD", PASSWORD.to_string()),
            ("VZ_OUTBOX", app.outbox.display().to_string()),
            ("VZ_CLIENT_ID", app.web.id.clone()),
            (
                "VZ_CLIENT_SECRET",
                app.web.secret.clone().unwrap_or_default(),
            ),
        ];
        move || Command::new("node").arg(script).envs(envs).output()
    })
    .await
    .unwrap()
    .expect("node runs (./scripts/test installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
#[ignore = "needs Node and Chromium: ./scripts/test runs it"]
async fn widget_sign_in_with_matrix_widget_api_in_headless_chromium() {
    let app = spawn_app().await;
    run_browser_script("widgets.mjs", &app, "openid widgets").await;
}

#[tokio::test]
#[ignore = "needs Node and Chromium: ./scripts/test runs it"]
async fn signup_portal_account_and_docs_in_headless_chromium() {
    let app = spawn_app().await;
    let playground = format!("{}/docs/playground", app.address);
    app.add_client(|c| {
        c.client_id = vzconnect::domain::ClientId::parse("playground").unwrap();
        c.redirect_uris = vec![vzconnect::domain::RedirectUri::parse(&playground).unwrap()];
    })
    .await;
    run_browser_script("web.mjs", &app, "openid").await;
}
