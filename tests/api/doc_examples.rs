//! The examples in docs/flows.md, docs/openid-connect.md, docs/widgets.md and docs/errors.md,
//! taken from the pages and run against a real server, so the pages cannot drift from what the
//! server does; also the command lines of docs/client-registration.md. (The quickstart,
//! token-response, portable-contacts and client-registration requests have their own tests.)

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{json, Value};
use vzconnect::domain::RedirectUri;
use vzconnect::store::Store;

use crate::claims::{give_alice_a_profile, tokens, userinfo};
use crate::helpers::*;
use crate::widgets::{access_token, mint};

/// The fenced code blocks of `docs/{page}`: (language, body).
fn code_blocks(page: &str) -> Vec<(String, String)> {
    let path = format!("{}/docs/{page}", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(path).unwrap();
    doc.split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| block.split_once('\n'))
        .map(|(lang, body)| (lang.trim().to_string(), body.to_string()))
        .collect()
}

/// The one block of `page` that contains `needle`.
fn block_with(page: &str, needle: &str) -> String {
    let found: Vec<String> = code_blocks(page)
        .into_iter()
        .map(|(_, body)| body)
        .filter(|body| body.contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "{page}: one block with {needle}");
    found[0].clone()
}

/// Parameter names of a documented URL (query or fragment, wrapped over lines).
fn parameter_names(example: &str) -> BTreeSet<String> {
    let joined: String = example.lines().map(str::trim).collect();
    let (_, parameters) = joined.split_once(['?', '#']).unwrap();
    parameters
        .split('&')
        .map(|pair| pair.split('=').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_user_agent_fragment_carries_what_flows_md_shows() {
    let app = spawn_app().await;
    let example = block_with("flows.md", "#access_token=");
    let back = app
        .authorize_with_consent(&[
            ("response_type", "token"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("state", "flows"),
        ])
        .await;
    let actual: BTreeSet<String> = url_params(&back, true)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(parameter_names(&example), actual, "{back}");
    assert!(back.contains("signature_method=HMAC-SHA256"));
}

#[tokio::test]
async fn both_documented_discovery_paths_answer_the_same_document() {
    let app = spawn_app().await;
    let block = block_with("openid-connect.md", "/.well-known/openid-configuration");
    let mut documents = Vec::new();
    for line in block.lines().filter(|l| l.starts_with("GET {issuer}")) {
        let path = line["GET {issuer}".len()..]
            .split_whitespace()
            .next()
            .unwrap();
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let document: Value = response.json().await.unwrap();
        assert_eq!(document["issuer"], app.address.as_str());
        documents.push(document);
    }
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0], documents[1]);
}

#[tokio::test]
async fn the_documented_claims_parameter_releases_what_it_names() {
    let app = spawn_app().await;
    give_alice_a_profile(&app).await;
    let block = block_with("openid-connect.md", "claims=");
    let claims = block.trim().strip_prefix("claims=").unwrap();
    let body = tokens(&app, "openid", &[("claims", claims)]).await;
    let info = userinfo(&app, &body).await;
    assert_eq!(info["given_name"], "Alice");
    let id = jsonwebtoken::dangerous::insecure_decode::<Value>(body["id_token"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(id["email"], "alice@example.org");
    assert!(
        id.get("given_name").is_none(),
        "given_name was asked for UserInfo only"
    );
}

#[tokio::test]
async fn the_documented_logout_request_shows_its_confirmation() {
    let app = spawn_app().await;
    let block = block_with("openid-connect.md", "/logout?");
    let query = block.trim().split_once('?').unwrap().1;
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let after = param(&params, "post_logout_redirect_uri").unwrap();
    let client = app
        .add_client(|c| c.post_logout_redirect_uris = vec![RedirectUri::parse(&after).unwrap()])
        .await;
    let code = app.code_for(&client, "openid").await;
    let tokens: Value = app.redeem(&client, &code).await.json().await.unwrap();
    let hint = tokens["id_token"].as_str().unwrap();
    let request: Vec<(String, String)> = params
        .into_iter()
        .map(|(k, v)| {
            let v = if k == "id_token_hint" {
                hint.to_string()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    let page = app
        .http
        .get(app.url("/logout"))
        .query(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert_eq!(hidden_field(&page, "post_logout_redirect_uri"), after);
    assert_eq!(hidden_field(&page, "state"), "xyz");
}

/// Splits a documented command line into arguments (double quotes group, `#` starts a comment).
fn arguments(line: &str) -> Vec<String> {
    let line = line.split(" #").next().unwrap();
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

#[tokio::test]
async fn the_documented_commands_run() {
    let app = spawn_app().await;
    let commands: Vec<Vec<String>> = ["openid-connect.md", "client-registration.md"]
        .into_iter()
        .flat_map(code_blocks)
        .flat_map(|(_, body)| {
            body.lines()
                .filter(|l| l.starts_with("vzconnect "))
                .map(arguments)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        commands.len(),
        4,
        "keys list, keys rotate, client add twice"
    );
    for command in &commands {
        app.cli(&command[1..]);
    }
    let shop = app
        .store
        .list_clients()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Shop")
        .expect("the documented client add created Shop");
    assert_eq!(shop.sector_identifier.as_deref(), Some("shop.example"));
}

#[tokio::test]
async fn minting_answers_the_fields_widgets_md_shows() {
    let app = spawn_app().await;
    let example: Value =
        serde_json::from_str(&block_with("widgets.md", "matrix_server_name")).unwrap();
    let token = access_token(&app, "openid widgets").await;
    let response = mint(&app, &token, json!({})).await;
    assert_eq!(response.status(), 200);
    let actual: Value = response.json().await.unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(keys(&example), keys(&actual));
    assert_eq!(actual["token_type"], example["token_type"]);
    assert_eq!(actual["expires_in"], example["expires_in"]);
}

#[test]
fn the_widget_scripts_offer_what_widgets_md_calls() {
    let host = include_str!("../../static/js/widget-host.js");
    let widget = include_str!("../../static/js/widget.js");
    for (_, body) in code_blocks("widgets.md")
        .into_iter()
        .filter(|(lang, _)| lang == "javascript")
    {
        if body.contains("VzWidgetHost.attach") {
            for option in ["widgetId", "getCredentials", "name"] {
                assert!(body.contains(option) && host.contains(&format!("options.{option}")));
            }
        }
        if body.contains("new VzWidget()") {
            assert!(widget.contains("requestIdentity"));
        }
    }
}

/// A documented HTTP answer: status, headers (name lower-cased) and body.
struct DocumentedAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// The `http` block of docs/errors.md whose text contains `needle`.
fn documented_answer(needle: &str) -> DocumentedAnswer {
    let block = block_with("errors.md", needle);
    let (head, body) = block.split_once("\n\n").unwrap_or((block.as_str(), ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (name, value) = l.split_once(": ").unwrap();
            (name.to_ascii_lowercase(), value.to_string())
        })
        .collect();
    DocumentedAnswer {
        status,
        headers,
        body: body.trim().to_string(),
    }
}

/// Compares a real answer with the documented one, header for header and the JSON body.
async fn assert_answers_as_documented(response: reqwest::Response, documented: &DocumentedAnswer) {
    assert_eq!(response.status().as_u16(), documented.status);
    for (name, value) in &documented.headers {
        assert_eq!(
            response
                .headers()
                .get(name.as_str())
                .map(|v| v.to_str().unwrap()),
            Some(value.as_str()),
            "{name}"
        );
    }
    let body = response.text().await.unwrap();
    if !documented.body.is_empty() {
        let actual: Value = serde_json::from_str(&body).unwrap();
        let expected: Value = serde_json::from_str(&documented.body).unwrap();
        assert_eq!(actual, expected);
    }
}

#[tokio::test]
async fn the_token_errors_in_errors_md_are_what_the_server_answers() {
    let app = spawn_app().await;
    // An expired code: a real one, copied with its lifetime already over.
    let code = app.code_for(&app.web, "openid").await;
    let mut stale = app
        .store
        .find_auth_code(&vzconnect::crypto::hash_token(&code))
        .unwrap()
        .unwrap();
    stale.code_hash = vzconnect::crypto::hash_token("an-expired-code");
    stale.expires_at = stale.issued_at - 1;
    app.store
        .issue_authorization(vzconnect::store::IssuedAuthorization {
            code: Some(stale),
            grant: None,
        })
        .await
        .unwrap();
    let expired = app
        .token(
            &app.web,
            &[
                ("grant_type", "authorization_code"),
                ("code", "an-expired-code"),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_answers_as_documented(expired, &documented_answer("invalid_grant")).await;

    let wrong_secret = app
        .http
        .post(app.url("/oauth/token"))
        .header("Authorization", basic(&app.web.id, "not-the-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_answers_as_documented(wrong_secret, &documented_answer("invalid_client")).await;

    let bearer = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth("no-such-token")
        .send()
        .await
        .unwrap();
    assert_answers_as_documented(bearer, &documented_answer("Bearer realm")).await;

    let inactive = app
        .http
        .post(app.url("/oauth/introspect"))
        .header(
            "Authorization",
            basic(&app.web.id, app.web.secret.as_deref().unwrap()),
        )
        .form(&[("token", "no-such-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(inactive.status(), 200);
    let expected: Value = serde_json::from_str(&block_with("errors.md", "\"active\"")).unwrap();
    assert_eq!(inactive.json::<Value>().await.unwrap(), expected);
}

/// The parameters of a documented error redirect, with `iss` set to this server.
fn documented_redirect(needle: &str, app: &TestApp) -> Vec<(String, String)> {
    let example = block_with("errors.md", needle);
    let fragment = example.contains('#');
    url_params(example.trim(), fragment)
        .into_iter()
        .map(|(k, v)| {
            let v = if k == "iss" { app.address.clone() } else { v };
            (k, v)
        })
        .collect()
}

#[tokio::test]
async fn the_authorization_errors_in_errors_md_are_what_the_server_redirects_with() {
    let app = spawn_app().await;
    let expected = documented_redirect("error=access_denied", &app);
    let state = param(&expected, "state").unwrap();
    app.login("alice", PASSWORD).await;
    let to_consent = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("state", &state),
        ])
        .await;
    let denied = app
        .answer_consent(&location(&to_consent), "deny", false)
        .await;
    assert_eq!(url_params(&location(&denied), false), expected);

    let expected = documented_redirect("error=unauthorized_client", &app);
    let no_implicit = app
        .add_client(|c| {
            c.grant_types
                .retain(|g| *g != vzconnect::domain::GrantType::Implicit)
        })
        .await;
    let refused = app
        .authorize(&[
            ("response_type", "token"),
            ("client_id", &no_implicit.id),
            ("scope", "openid"),
            ("state", &state),
        ])
        .await;
    assert_eq!(url_params(&location(&refused), true), expected);
}

#[test]
fn the_command_line_error_in_errors_md_is_what_the_command_prints() {
    let block = block_with("errors.md", "$ echo $?");
    let mut lines = block.lines();
    let command = arguments(lines.next().unwrap().trim_start_matches("$ "));
    let message = lines.next().unwrap();
    let code: i32 = block.lines().last().unwrap().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args(&command[1..])
        .env(
            "VZCONNECT_DATABASE",
            format!("sqlite://{}", dir.path().join("cli.db").display()),
        )
        .env_remove("VZCONNECT_SECRET_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(code));
    assert_eq!(String::from_utf8_lossy(&output.stderr).trim(), message);
}
