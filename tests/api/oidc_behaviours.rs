//! One test per OpenID Connect conformance behaviour: response types and modes, the hashes,
//! nonce, prompt, max_age, login_hint, id_token_hint and the parameters that must not error.

use reqwest::StatusCode;
use serde_json::Value;
use vzconnect::oidc::id_token::half_hash;

use crate::helpers::*;

/// Verifies an id_token for the `web` client through the published JWKS.
async fn claims(app: &TestApp, token: &str) -> Value {
    verify_with_jwks(app, token, &app.web.id).await
}

fn query<'a>(
    app: &'a TestApp,
    response_type: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut q = vec![
        ("response_type", response_type),
        ("client_id", app.web.id.as_str()),
        ("scope", "openid"),
        ("state", "st"),
    ];
    q.extend_from_slice(extra);
    q
}

#[tokio::test]
async fn hybrid_code_id_token_token_carries_c_hash_and_at_hash() {
    let app = spawn_app().await;
    let back = app
        .authorize_with_consent(&query(
            &app,
            "code id_token token",
            &[("nonce", "hybrid-nonce")],
        ))
        .await;
    assert!(back.starts_with(&format!("{REDIRECT_URI}#")));
    let params = url_params(&back, true);
    let get = |n: &str| param(&params, n).unwrap_or_else(|| panic!("{n} missing from {back}"));
    let id = claims(&app, &get("id_token")).await;
    assert_eq!(id["nonce"], "hybrid-nonce");
    assert_eq!(id["c_hash"], half_hash(&get("code")).as_str());
    assert_eq!(id["at_hash"], half_hash(&get("access_token")).as_str());
    assert!(
        param(&params, "signature").is_some(),
        "the VZ fields ride along with the token"
    );
    // The code from the front channel still works at the token endpoint.
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &get("code")),
        ("redirect_uri", REDIRECT_URI),
    ];
    let tokens: Value = app.token(&app.web, &form).await.json().await.unwrap();
    let from_token_endpoint = claims(&app, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(from_token_endpoint["sub"], id["sub"]);
    assert_eq!(from_token_endpoint["nonce"], "hybrid-nonce");
}

#[tokio::test]
async fn id_token_alone_and_the_nonce_it_requires() {
    let app = spawn_app().await;
    let back = app
        .authorize_with_consent(&query(&app, "id_token", &[("nonce", "n1")]))
        .await;
    let params = url_params(&back, true);
    assert!(param(&params, "access_token").is_none() && param(&params, "code").is_none());
    let id = claims(&app, &param(&params, "id_token").unwrap()).await;
    assert_eq!(id["nonce"], "n1");
    assert!(id.get("at_hash").is_none() && id.get("c_hash").is_none());

    let response = app.authorize(&query(&app, "id_token token", &[])).await;
    let params = url_params(&location(&response), true);
    assert_eq!(param(&params, "error").as_deref(), Some("invalid_request"));
    assert!(param(&params, "error_description")
        .unwrap()
        .contains("nonce"));
}

#[tokio::test]
async fn form_post_renders_an_auto_submitting_form() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let response = app
        .authorize(&query(&app, "code", &[("response_mode", "form_post")]))
        .await;
    let response = app
        .answer_consent(&location(&response), "allow", false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(r#"action="{}""#, html_escape(REDIRECT_URI))),
        "{page}"
    );
    assert!(page.contains(r#"name="code""#) && page.contains(r#"name="state" value="st""#));
    assert!(page.contains(r#"name="iss""#));
    assert!(page.contains(r#"<script src="/static/form_post.js">"#));
    let script = app
        .http
        .get(app.url("/static/form_post.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(script.contains("submit()"));
    let query_with_tokens = app
        .authorize(&query(&app, "code token", &[("response_mode", "query")]))
        .await;
    assert_eq!(
        query_with_tokens.status(),
        StatusCode::BAD_REQUEST,
        "tokens never go in the query"
    );
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&#38;").replace('"', "&#34;")
}

#[tokio::test]
async fn prompt_none_answers_without_pages_or_fails_with_the_right_error() {
    let app = spawn_app().await;
    let silent = query(&app, "code", &[("prompt", "none")]);
    let error_of =
        |response: &reqwest::Response| param(&url_params(&location(response), false), "error");
    let response = app.authorize(&silent).await;
    assert_eq!(error_of(&response).as_deref(), Some("login_required"));
    app.login("alice", PASSWORD).await;
    let response = app.authorize(&silent).await;
    assert_eq!(error_of(&response).as_deref(), Some("consent_required"));
    let consent = location(&app.authorize(&query(&app, "code", &[])).await);
    app.answer_consent(&consent, "allow", true).await;
    let response = app.authorize(&silent).await;
    let back = location(&response);
    assert!(
        param(&url_params(&back, false), "code").is_some(),
        "silent success: {back}"
    );
    let bad = app
        .authorize(&query(&app, "code", &[("prompt", "none login")]))
        .await;
    assert_eq!(error_of(&bad).as_deref(), Some("invalid_request"));
}

#[tokio::test]
async fn prompt_login_and_max_age_force_a_fresh_sign_in() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let consent = location(&app.authorize(&query(&app, "code", &[])).await);
    app.answer_consent(&consent, "allow", true).await;
    for extra in [("prompt", "login"), ("max_age", "0")] {
        let response = app
            .authorize(&query(&app, "code", &[extra, ("nonce", "n")]))
            .await;
        let login = location(&response);
        assert!(login.starts_with("/login?"), "{extra:?}: {login}");
        let page = app
            .http
            .get(app.url(&login))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let return_to = hidden_field(&page, "return_to");
        assert!(
            !return_to.contains("prompt=login") && !return_to.contains("max_age"),
            "{return_to}"
        );
        let form = [
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &hidden_field(&page, "csrf_token")),
            ("return_to", &return_to),
        ];
        let after = app
            .http
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        let back = location(
            &app.http
                .get(app.url(&location(&after)))
                .send()
                .await
                .unwrap(),
        );
        assert!(
            param(&url_params(&back, false), "code").is_some(),
            "{extra:?}: {back}"
        );
    }
    let response = app
        .authorize(&query(&app, "code", &[("max_age", "3600")]))
        .await;
    assert!(
        location(&response).starts_with(REDIRECT_URI),
        "a recent sign-in satisfies max_age"
    );
}

#[tokio::test]
async fn prompt_consent_asks_even_when_remembered() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let consent = location(&app.authorize(&query(&app, "code", &[])).await);
    app.answer_consent(&consent, "allow", true).await;
    let response = app
        .authorize(&query(&app, "code", &[("prompt", "consent")]))
        .await;
    assert!(location(&response).starts_with("/consent?"));
}

#[tokio::test]
async fn login_hint_prefills_the_username() {
    let app = spawn_app().await;
    let response = app
        .authorize(&query(&app, "code", &[("login_hint", "bob")]))
        .await;
    let page = app
        .http
        .get(app.url(&location(&response)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"name="username""#) && page.contains(r#"value="bob""#),
        "{page}"
    );
}

#[tokio::test]
async fn id_token_hint_with_prompt_none() {
    let app = spawn_app().await;
    let back = app
        .authorize_with_consent(&query(&app, "id_token", &[("nonce", "n")]))
        .await;
    let hint = param(&url_params(&back, true), "id_token").unwrap();
    let consent = location(&app.authorize(&query(&app, "code", &[])).await);
    app.answer_consent(&consent, "allow", true).await;
    let silent = query(
        &app,
        "code",
        &[("prompt", "none"), ("id_token_hint", &hint)],
    );
    let back = location(&app.authorize(&silent).await);
    assert!(param(&url_params(&back, false), "code").is_some(), "{back}");

    // Bob signs in on the same browser: the hint names alice, so no silent answer for bob.
    app.login("bob", PASSWORD).await;
    let back = location(&app.authorize(&silent).await);
    assert_eq!(
        param(&url_params(&back, false), "error").as_deref(),
        Some("login_required")
    );
    let forged = query(
        &app,
        "code",
        &[("prompt", "none"), ("id_token_hint", "e30.e30.sig")],
    );
    let back = location(&app.authorize(&forged).await);
    assert_eq!(
        param(&url_params(&back, false), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn unknown_and_informational_parameters_are_accepted_and_post_works() {
    let app = spawn_app().await;
    let extra = [
        ("extra", "foobar"),
        ("display", "popup"),
        ("ui_locales", "de en"),
        ("claims_locales", "de"),
        ("acr_values", "urn:mace:incommon:iap:silver"),
    ];
    let back = app
        .authorize_with_consent(&query(&app, "code", &extra))
        .await;
    assert!(param(&url_params(&back, false), "code").is_some(), "{back}");
    let response = app
        .http
        .post(app.url("/oauth/authorize"))
        .form(&query(&app, "code", &[]))
        .send()
        .await
        .unwrap();
    let back = location(&response);
    assert!(
        back.starts_with(REDIRECT_URI) || back.starts_with("/consent"),
        "{back}"
    );
}
