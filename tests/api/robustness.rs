//! No input makes the server fail: odd bodies, headers and parameters get a 4xx, never a 5xx.

use crate::helpers::*;

#[tokio::test]
async fn malformed_requests_get_client_errors_not_server_errors() {
    let app = spawn_app().await;
    let long = "a".repeat(100_000);
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        vec![0xff, 0xfe, 0x00],
        b"grant_type=authorization_code&code=%ZZ&code=%00".to_vec(),
        format!("grant_type={long}").into_bytes(),
        b"grant_type=refresh_token&refresh_token=\xc3\x28".to_vec(),
    ];
    for path in [
        "/oauth/token",
        "/OAuth2/AccessToken/",
        "/oauth/revoke",
        "/oauth/introspect",
        "/login",
        "/consent",
        "/logout",
    ] {
        for body in &bodies {
            for auth in ["Basic", "Basic !!!", "Basic Og==", "Bearer x"] {
                let response = app
                    .http
                    .post(app.url(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", auth)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(
                    response.status().is_client_error(),
                    "{path} {auth}: {}",
                    response.status()
                );
            }
        }
    }
    for query in [
        "",
        "client_id=%FF%FE",
        &format!("client_id={}", "a".repeat(4000)),
        "response_type=code&client_id=x&redirect_uri=::",
    ] {
        let response = app
            .http
            .get(format!("{}?{query}", app.url("/oauth/authorize")))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "authorize {query}: {}",
            response.status()
        );
    }
    for path in [
        "/poco/@me/@self?access_token=%FF",
        "/poco/%2e%2e/@self",
        "/consent?client_id=x",
        "/login?return_to=%0d%0a",
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert!(
            !response.status().is_server_error(),
            "{path}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn an_unknown_address_is_a_page_with_a_way_home_in_the_persons_language() {
    let app = spawn_app().await;
    for path in ["/nope", "/docs/", "/oauth/nope"] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND, "{path}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let page = response.text().await.unwrap();
        assert!(page.contains("There is no page at this address."), "{path}");
        assert!(page.contains(r#"href="/""#), "{path}: a way home");
    }
    let german = app
        .http
        .get(app.url("/nope"))
        .header("Accept-Language", "de")
        .send()
        .await
        .unwrap();
    assert!(german
        .text()
        .await
        .unwrap()
        .contains("Unter dieser Adresse gibt es keine Seite."));
}
