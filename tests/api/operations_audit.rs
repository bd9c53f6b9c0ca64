//! The audit trail: security events from the web and the command line, read back with
//! `vzconnect audit` (filtered by person and time) and shown to the person on `/account`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

fn audit(app: &TestApp, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--json"];
    all.extend_from_slice(args);
    let out = app.cli(&all);
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn security_events_are_recorded_and_read_back() {
    let app = spawn_app().await;
    assert_eq!(
        app.login("alice", "wrong password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.code_for(&app.web, "openid").await;
    let page = app.http.get(app.url("/account")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let changed = app
        .http
        .post(app.url("/account/password"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("current_password", PASSWORD.into()),
            ("new_password", "plum harbour 61 quiet".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    app.cli(&[
        "client",
        "add",
        "--name",
        "Operator's",
        "--redirect-uri",
        "https://op.example/cb",
    ]);

    let alice = audit(&app, &["--user", "alice"]);
    assert_eq!(
        kinds(&alice),
        [
            "password_changed",
            "consent_given",
            "sign_in",
            "sign_in_failed"
        ],
        "newest first"
    );
    for event in &alice {
        assert_eq!(event["user"], "alice");
        assert_eq!(event["source"], "127.0.0.1");
    }
    let consent = &alice[1];
    assert_eq!(consent["client_id"], app.web.id.as_str());
    let all = audit(&app, &[]);
    let registered = all
        .iter()
        .find(|e| e["event"] == "client_registered")
        .expect("the command line's event");
    assert_eq!(registered["source"], Value::Null);
    assert_eq!(registered["detail"], "command line");
    assert!(audit(&app, &["--since", "2999-01-01"]).is_empty());

    let page = app.http.get(app.url("/account")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Recent security events"));
    assert!(page.contains("Changed the password") && page.contains("Failed sign-in"));
    let log = String::from_utf8_lossy(&app.cli(&["audit"])).into_owned();
    assert!(!log.contains(PASSWORD) && !log.contains("plum harbour"));
}

#[tokio::test]
async fn a_sign_in_that_earns_a_wait_is_recorded_as_throttled() {
    let app = spawn_app().await;
    for _ in 0..6 {
        app.login("bob", "wrong").await;
    }
    let events = audit(&app, &["--user", "bob"]);
    let throttled: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "throttled")
        .collect();
    assert_eq!(throttled.len(), 1);
    assert_eq!(throttled[0]["detail"], "next try in 2 s");
    let bad = app.cli_failure(&["audit", "--since", "last tuesday"]);
    assert!(bad.contains("--since"));
}
