//! Who may register a client, what a self-registered client may make the server do, and
//! what the server refuses to send anywhere: registration modes, unverified clients, the
//! outbound-request policy and pairwise sectors.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use vzconnect::domain::RedirectUri;

use vzconnect::store::Store;

use crate::helpers::*;

async fn register(app: &TestApp, metadata: Value) -> reqwest::Response {
    app.http
        .post(app.url("/register"))
        .json(&metadata)
        .send()
        .await
        .unwrap()
}

async fn discovery(app: &TestApp) -> Value {
    let response = app.http.get(app.url("/.well-known/openid-configuration"));
    response.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn registration_is_closed_unless_the_operator_opens_it() {
    let app = spawn_app().await;
    let before = app.db_snapshot();
    let response = register(
        &app,
        json!({"client_name": "Anyone", "redirect_uris": ["https://anyone.example/cb"]}),
    )
    .await;
    let body = assert_oauth_error(response, StatusCode::FORBIDDEN, "access_denied").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("closed"));
    assert_eq!(app.db_snapshot(), before);
    assert!(discovery(&app).await.get("registration_endpoint").is_none());

    let guarded = spawn_app_with(Options {
        registration: RegistrationPolicy::Token("initial-access-token-1".into()),
        ..Options::default()
    })
    .await;
    let metadata =
        json!({"client_name": "Partner", "redirect_uris": ["https://partner.example/cb"]});
    let without = register(&guarded, metadata.clone()).await;
    assert_oauth_error(without, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let with = guarded
        .http
        .post(guarded.url("/register"))
        .bearer_auth("initial-access-token-1")
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::CREATED);
    assert!(discovery(&guarded).await["registration_endpoint"].is_string());
}

#[tokio::test]
async fn registration_refuses_urls_the_server_would_send_requests_to_locally() {
    let app = spawn_app_with(Options {
        registration: RegistrationPolicy::Open,
        outbound: OutboundRules::Strict,
        ..Options::default()
    })
    .await;
    let before = app.db_snapshot();
    for (member, url, why) in [
        (
            "backchannel_logout_uri",
            "http://rp.example/logout",
            "https",
        ),
        (
            "backchannel_logout_uri",
            "https://127.0.0.1:8080/x",
            "loopback",
        ),
        ("backchannel_logout_uri", "https://10.0.0.7/x", "private"),
        (
            "backchannel_logout_uri",
            "https://[::ffff:169.254.169.254]/x",
            "link-local",
        ),
        (
            "backchannel_logout_uri",
            "https://localhost/x",
            "local host",
        ),
        (
            "sector_identifier_uri",
            "https://192.168.0.1/s.json",
            "private",
        ),
    ] {
        let mut metadata = json!({
            "client_name": "Prober",
            "redirect_uris": ["https://prober.example/cb"],
            "subject_type": "pairwise",
        });
        metadata[member] = json!(url);
        let response = register(&app, metadata).await;
        let body =
            assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with(member) && description.contains(why),
            "{url}: {description}"
        );
    }
    assert_eq!(app.db_snapshot(), before);

    // The command line applies the same rules.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args([
            "client",
            "add",
            "--name",
            "Prober",
            "--redirect-uri",
            "https://prober.example/cb",
            "--backchannel-logout-uri",
            "https://127.0.0.1/x",
        ])
        .env(
            "VZCONNECT_DATABASE",
            format!("sqlite://{}", app.db_path.display()),
        )
        .env("VZCONNECT_SECRET_KEY", &app.secret_key)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--backchannel-logout-uri"));
}

/// A TCP listener that counts the connections made to it and answers none.
fn connection_counter() -> (u16, Arc<AtomicU64>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicU64::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (port, count)
}

async fn sign_out(app: &TestApp) {
    let page = app.http.get(app.url("/logout")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let response = app
        .http
        .post(app.url("/logout"))
        .form(&[("csrf_token", hidden_field(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn back_channel_logout_never_reaches_a_local_address() {
    let app = spawn_app_with(Options {
        outbound: OutboundRules::Strict,
        ..Options::default()
    })
    .await;
    let (port, connections) = connection_counter();
    // Stored directly, as an older version may have accepted it.
    let uri = format!("https://127.0.0.1:{port}/backchannel");
    let client = app
        .add_client(|c| c.backchannel_logout_uri = Some(RedirectUri::parse(&uri).unwrap()))
        .await;
    id_token_for(&app, &client).await;
    sign_out(&app).await;
    assert!(
        eventually(|| app.metrics.outbound_count("refused"), 1).await,
        "the delivery was refused"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing connected");
}

#[tokio::test]
async fn back_channel_logout_does_not_follow_redirects() {
    let app = spawn_app().await;
    let (elsewhere, received_elsewhere) = post_receiver().await;
    // The client's endpoint answers every POST with a redirect to `elsewhere`.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let redirector = format!("http://{}/backchannel", listener.local_addr().unwrap());
    let target = elsewhere.clone();
    let server = actix_web::HttpServer::new(move || {
        let target = target.clone();
        actix_web::App::new().default_service(actix_web::web::to(move || {
            let target = target.clone();
            async move {
                actix_web::HttpResponse::TemporaryRedirect()
                    .insert_header(("Location", target))
                    .finish()
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    let client = app
        .add_client(|c| c.backchannel_logout_uri = Some(RedirectUri::parse(&redirector).unwrap()))
        .await;
    id_token_for(&app, &client).await;
    sign_out(&app).await;
    assert!(
        eventually(|| app.metrics.outbound_count("rejected"), 1).await,
        "the redirect was the answer"
    );
    assert!(received_elsewhere.lock().unwrap().is_empty());
}

/// A client the operator did not register or review.
async fn unverified_client(app: &TestApp) -> TestClient {
    app.add_client(|c| {
        c.verified = false;
        c.name = "Self Registered".into();
        c.post_logout_redirect_uris = vec![RedirectUri::parse("https://self.example/bye").unwrap()];
    })
    .await
}

#[tokio::test]
async fn errors_for_unverified_clients_ask_before_leaving() {
    let app = spawn_app().await;
    let client = unverified_client(&app).await;
    for query in [
        vec![("response_type", "bogus")],
        vec![
            ("response_type", "code"),
            ("scope", "openid"),
            ("prompt", "none"),
        ],
    ] {
        let mut query = query;
        query.extend([
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ]);
        let response = app.authorize(&query).await;
        assert_eq!(response.status(), StatusCode::OK, "{query:?}");
        let page = html_unescape(&response.text().await.unwrap());
        assert!(page.contains("Leave for another site?"));
        assert!(page.contains("has not been reviewed"));
        assert!(
            page.contains("<code>127.0.0.1</code>"),
            "names the destination"
        );
        assert!(page.contains(&format!("href=\"{REDIRECT_URI}?error=")));
    }
    // A reviewed client keeps RFC 6749's redirect.
    let response = app
        .authorize(&[
            ("response_type", "bogus"),
            ("client_id", app.web.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The operator reviews the client: redirects are automatic from then on.
    app.cli(&["client", "verify", client.id.as_str()]);
    let response = app
        .authorize(&[
            ("response_type", "bogus"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains("error=unsupported_response_type"));
}

#[tokio::test]
async fn the_consent_page_and_the_logout_say_when_a_site_is_unreviewed() {
    let app = spawn_app().await;
    let client = unverified_client(&app).await;
    app.login("alice", PASSWORD).await;
    let response = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("scope", "openid"),
        ])
        .await;
    let consent = location(&response);
    let page = app.http.get(app.url(&consent)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("This site has not been reviewed by the operator of"));
    let reviewed = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", app.web.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("scope", "openid"),
        ])
        .await;
    let page = app.http.get(app.url(&location(&reviewed))).send().await;
    assert!(!page
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("has not been reviewed"));

    let query = [
        ("client_id", client.id.as_str()),
        ("post_logout_redirect_uri", "https://self.example/bye"),
        ("state", "s"),
    ];
    let page = app.http.get(app.url("/logout")).query(&query).send().await;
    let page = page.unwrap().text().await.unwrap();
    let mut form: Vec<(&str, String)> = query.iter().map(|(k, v)| (*k, v.to_string())).collect();
    form.push(("csrf_token", hidden_field(&page, "csrf_token")));
    let response = app
        .http
        .post(app.url("/logout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "no automatic redirect");
    let page = html_unescape(&response.text().await.unwrap());
    assert!(page.contains("href=\"https://self.example/bye?state=s\""));
    assert!(page.contains("<code>self.example</code>"));
}

#[tokio::test]
async fn self_registered_clients_are_unverified_and_operator_clients_verified() {
    let app = spawn_app_open_registration().await;
    let created: Value = register(
        &app,
        json!({"client_name": "Self", "redirect_uris": ["https://self.example/cb"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let listed: Value = serde_json::from_slice(&app.cli(&["client", "list", "--json"])).unwrap();
    let verified = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["client_id"] == id)
            .map(|c| c["verified"].clone())
            .unwrap()
    };
    assert_eq!(
        verified(created["client_id"].as_str().unwrap()),
        json!(false)
    );
    assert_eq!(verified(&app.web.id), json!(true));
    let added: Value = serde_json::from_slice(&app.cli(&[
        "client",
        "add",
        "--name",
        "Operator's",
        "--redirect-uri",
        "https://op.example/cb",
        "--json",
    ]))
    .unwrap();
    assert_eq!(added["verified"], json!(true));
}

/// Serves `document` as JSON at `/sector.json` over http on loopback; its URL.
async fn sector_document(document: Value) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sector.json", listener.local_addr().unwrap());
    let body = document.to_string();
    let server = actix_web::HttpServer::new(move || {
        let body = body.clone();
        actix_web::App::new().route(
            "/sector.json",
            actix_web::web::get().to(move || {
                let body = body.clone();
                async move {
                    actix_web::HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    url
}

#[tokio::test]
async fn a_pairwise_sector_is_the_redirect_host_or_a_document_that_lists_the_uris() {
    // Insecure outbound rules, so the sector documents can be served from loopback.
    let app = spawn_app_open_registration().await;
    let sector_of = |created: &Value| {
        let id = created["client_id"].as_str().unwrap().to_string();
        let id = vzconnect::domain::ClientId::parse(&id).unwrap();
        app.store
            .find_client(&id)
            .unwrap()
            .unwrap()
            .sector_identifier
    };

    // The free field of older versions is ignored: the sector is the redirect URIs' host.
    let shop: Value = register(
        &app,
        json!({"client_name": "Shop", "redirect_uris": ["https://shop.example/cb"],
               "subject_type": "pairwise", "sector_identifier": "bank.example"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(sector_of(&shop).as_deref(), Some("shop.example"));

    let two_hosts = ["https://a.example/cb", "https://b.example/cb"];
    let response = register(
        &app,
        json!({"client_name": "Two", "redirect_uris": two_hosts, "subject_type": "pairwise"}),
    )
    .await;
    let body =
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("sector_identifier_uri"));

    let listing = sector_document(json!(two_hosts)).await;
    let response = register(
        &app,
        json!({"client_name": "Two", "redirect_uris": two_hosts, "subject_type": "pairwise",
               "sector_identifier_uri": listing}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let two: Value = response.json().await.unwrap();
    assert_eq!(sector_of(&two).as_deref(), Some("127.0.0.1"));
    assert_eq!(two["sector_identifier_uri"], json!(listing));

    // Another site cannot join that sector: the document does not list its redirect URI.
    let before = app.db_snapshot();
    let response = register(
        &app,
        json!({"client_name": "Tracker", "redirect_uris": ["https://tracker.example/cb"],
               "subject_type": "pairwise", "sector_identifier_uri": listing}),
    )
    .await;
    let body =
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("https://tracker.example/cb"));
    assert_eq!(app.db_snapshot(), before);
}

#[tokio::test]
async fn a_review_ends_when_the_site_changes_where_it_sends_people() {
    let app = spawn_app_open_registration().await;
    let metadata = json!({"client_name": "Reviewed", "redirect_uris": ["https://ok.example/cb"]});
    let created: Value = register(&app, metadata).await.json().await.unwrap();
    let id = created["client_id"].as_str().unwrap().to_string();
    let token = created["registration_access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.cli(&["client", "verify", &id]);
    let put = |body: Value| {
        let request = app
            .http
            .put(app.url(&format!("/register/{id}")))
            .bearer_auth(&token)
            .json(&body);
        async move { request.send().await.unwrap() }
    };
    let verified = || {
        let id = vzconnect::domain::ClientId::parse(&id).unwrap();
        app.store.find_client(&id).unwrap().unwrap().verified
    };
    let renamed = put(json!({"client_id": id, "client_name": "Renamed",
        "redirect_uris": ["https://ok.example/cb"]}))
    .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert!(verified(), "a new name keeps the review");
    let moved = put(json!({"client_id": id, "client_name": "Renamed",
        "redirect_uris": ["https://elsewhere.example/cb"]}))
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    assert!(!verified(), "a new redirect URI needs a new review");
}
