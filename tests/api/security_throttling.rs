//! Guessing and flooding are slowed down: growing waits per account and per client address,
//! the same for unknown names, limits on mails and signups, and `X-Forwarded-For` believed
//! only from a trusted proxy. Time moves by the test's clock, never by sleeping.

use reqwest::StatusCode;
use vzconnect::clock::{Clock, SystemClock};

use crate::helpers::*;

async fn spawn_with_clock() -> (TestApp, FixedClock) {
    let clock = FixedClock::at(SystemClock.now());
    let app = spawn_app_with(Options {
        clock: Some(clock.clone()),
        ..Options::default()
    })
    .await;
    (app, clock)
}

/// A sign-in attempt from a fresh browser, optionally through a proxy claiming `forwarded`.
async fn attempt(
    app: &TestApp,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let http = browser();
    let page = http.get(app.url("/login")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let mut request = http.post(app.url("/login")).form(&[
        ("username", username),
        ("password", password),
        ("csrf_token", &hidden_field(&page, "csrf_token")),
    ]);
    if let Some(address) = forwarded {
        request = request.header("X-Forwarded-For", address);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn wrong_passwords_earn_growing_waits_that_hold_even_the_right_one() {
    let (app, clock) = spawn_with_clock().await;
    for _ in 0..6 {
        let response = attempt(&app, "alice", "wrong guess", None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let held = attempt(&app, "alice", PASSWORD, None).await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(held.headers()["retry-after"], "2");
    assert!(held.text().await.unwrap().contains("Try again in a minute"));

    clock.advance(2);
    assert_eq!(
        attempt(&app, "alice", "wrong again", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let longer = attempt(&app, "alice", PASSWORD, None).await;
    assert_eq!(longer.headers()["retry-after"], "4", "the wait doubled");
    clock.advance(4);
    assert_eq!(
        attempt(&app, "alice", PASSWORD, None).await.status(),
        StatusCode::SEE_OTHER
    );
    // A success starts the account over.
    assert_eq!(
        attempt(&app, "alice", "one slip", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn unknown_and_existing_usernames_get_the_same_answers() {
    let (app, _clock) = spawn_with_clock().await;
    for round in 0..8 {
        let known = attempt(&app, "alice", "wrong guess", None).await;
        let unknown = attempt(&app, "nobody", "wrong guess", None).await;
        assert_eq!(known.status(), unknown.status(), "round {round}");
        assert_eq!(
            known.headers().get("retry-after"),
            unknown.headers().get("retry-after")
        );
        let known = known.text().await.unwrap();
        let unknown = unknown.text().await.unwrap();
        let strip = |page: &str, name: &str| {
            page.replace(name, "NAME")
                .split("csrf_token")
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(strip(&known, "alice"), strip(&unknown, "nobody"));
    }
}

#[tokio::test]
async fn a_source_is_throttled_by_its_own_address_and_proxies_only_when_trusted() {
    let clock = FixedClock::at(SystemClock.now());
    let app = spawn_app_with(Options {
        clock: Some(clock),
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    // Twenty free failures from one address, each for another name.
    for i in 0..21 {
        let name = format!("guess{i}");
        let response = attempt(&app, &name, "x", Some("198.51.100.1")).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{i}");
    }
    let held = attempt(&app, "alice", PASSWORD, Some("198.51.100.1")).await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = attempt(&app, "alice", PASSWORD, Some("198.51.100.2")).await;
    assert_eq!(
        other.status(),
        StatusCode::SEE_OTHER,
        "another client is not held"
    );

    // Without a trusted proxy the header is ignored: every attempt is the peer's.
    let direct = spawn_app().await;
    for i in 0..21 {
        let forged = format!("203.0.113.{i}");
        let name = format!("guess{i}");
        attempt(&direct, &name, "x", Some(&forged)).await;
    }
    let held = attempt(&direct, "alice", PASSWORD, Some("203.0.113.99")).await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
}

fn mail_count(app: &TestApp) -> usize {
    std::fs::read_dir(&app.outbox).map_or(0, |d| d.count())
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    let http = browser();
    let page = http.get(app.url("/password/forgot")).send().await.unwrap();
    let page = page.text().await.unwrap();
    http.post(app.url("/password/forgot"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("email", email.into()),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn reset_mails_are_limited_per_address_and_per_source() {
    let (app, clock) = spawn_with_clock().await;
    let mut pages = Vec::new();
    for _ in 0..5 {
        let response = forgot(&app, "alice@example.org").await;
        assert_eq!(response.status(), StatusCode::OK);
        pages.push(
            response
                .text()
                .await
                .unwrap()
                .split("csrf_token")
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(mail_count(&app), 3, "three mails an hour to one address");
    assert!(
        pages.windows(2).all(|w| w[0] == w[1]),
        "the answer never changes"
    );
    for _ in 0..5 {
        assert_eq!(
            forgot(&app, "nobody@example.org").await.status(),
            StatusCode::OK
        );
    }
    let flooded = forgot(&app, "bob@example.org").await;
    assert_eq!(flooded.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(flooded.headers().contains_key("retry-after"));
    assert_eq!(mail_count(&app), 3);

    clock.advance(3600);
    assert_eq!(
        forgot(&app, "alice@example.org").await.status(),
        StatusCode::OK
    );
    assert_eq!(mail_count(&app), 4, "a new hour, a new mail");
}

#[tokio::test]
async fn signups_are_limited_per_source() {
    let (app, _clock) = spawn_with_clock().await;
    for i in 0..6 {
        let http = browser();
        let page = http.get(app.url("/signup")).send().await.unwrap();
        let page = page.text().await.unwrap();
        let response = http
            .post(app.url("/signup"))
            .form(&[
                ("csrf_token", hidden_field(&page, "csrf_token")),
                ("username", format!("new{i}")),
                ("email", format!("new{i}@example.org")),
                ("password", "plum harbour 61 quiet".into()),
            ])
            .send()
            .await
            .unwrap();
        let expected = if i < 5 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "signup {i}");
    }
    assert_eq!(mail_count(&app), 5);
}
