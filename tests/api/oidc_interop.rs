//! OpenID Connect: an independent relying party (the `openidconnect` crate) discovers the
//! server, runs the code flow with PKCE and nonce, verifies the id_token through the JWKS and
//! reads UserInfo; plus the claims, algorithms and key rotation the library does not cover.

use jsonwebtoken::{decode, decode_header, DecodingKey, Validation};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

fn rp_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn openidconnect_crate_runs_the_code_flow_with_pkce_and_nonce() {
    let app = spawn_app().await;
    let http = rp_http();
    let issuer = IssuerUrl::new(app.address.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(app.web.id.clone()),
        Some(ClientSecret::new(app.web.secret.clone().unwrap())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    // The person's part, in the browser.
    app.login("alice", PASSWORD).await;
    let response = app.http.get(url.as_str()).send().await.unwrap();
    let response = app
        .answer_consent(&location(&response), "allow", false)
        .await;
    let params = url_params(&location(&response), false);
    assert_eq!(
        param(&params, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = param(&params, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().expect("an id_token");
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, &nonce).unwrap();
    assert_eq!(claims.subject().as_str(), app.alice_sub);
    assert_eq!(claims.issuer().as_str(), app.address);
    assert!(claims.auth_time().is_some());
    let at_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));

    let info: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.org"));
    assert_eq!(info.preferred_username().map(|u| u.as_str()), Some("alice"));
}

#[tokio::test]
async fn id_token_claims_nonce_sid_and_refresh() {
    let app = spawn_app().await;
    let challenge = challenge(VERIFIER);
    let back = app
        .authorize_with_consent(&[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let code = param(&url_params(&back, false), "code").unwrap();
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let claims = verify_with_jwks(&app, body["id_token"].as_str().unwrap(), &app.web.id).await;
    assert_eq!(claims["sub"], app.alice_sub.as_str());
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    assert!(claims["auth_time"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap());
    assert_eq!(claims["sid"].as_str().map(str::len), Some(32));
    assert_eq!(claims["azp"], app.web.id.as_str());
    // The VZ fields are unchanged beside the id_token, and user_id names the same sub.
    assert!(body["user_id"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/poco/{}/@self", app.alice_sub)));

    let refreshed: Value = app
        .token(
            &app.web,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", body["refresh_token"].as_str().unwrap()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let again = verify_with_jwks(&app, refreshed["id_token"].as_str().unwrap(), &app.web.id).await;
    assert_eq!(again["sub"], claims["sub"]);
    assert_eq!(
        again["auth_time"], claims["auth_time"],
        "refresh keeps the original auth_time"
    );
    assert!(again.get("nonce").is_none());
}

#[tokio::test]
async fn userinfo_by_get_post_header_and_body_and_scope_rules() {
    let app = spawn_app().await;
    let code = app.code_for(&app.web, "openid email").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    let get: Value = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        get,
        serde_json::json!({"sub": app.alice_sub, "email": "alice@example.org", "email_verified": true})
    );
    let post_header: Value = app
        .http
        .post(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(post_header, get);
    let post_body: Value = app
        .http
        .post(app.url("/userinfo"))
        .form(&[("access_token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(post_body, get);

    let missing = app.http.get(app.url("/userinfo")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let bad = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert!(bad.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let cc: Value = app
        .token(&app.web, &[("grant_type", "client_credentials")])
        .await
        .json()
        .await
        .unwrap();
    let no_user = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(cc["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(no_user.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn discovery_advertises_only_what_works() {
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rfc8414: Value = app
        .http
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc, rfc8414);
    assert_eq!(doc["issuer"], app.address.as_str());
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(doc["request_uri_parameter_supported"], false);
    assert!(doc["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap()
        .contains(&"RS256".into()));
    // Every advertised endpoint is there and answers a bare request the way its spec says.
    let jwks: Value = app
        .http
        .get(doc["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in jwks["keys"].as_array().unwrap() {
        assert!(
            key["kid"].is_string() && key["use"] == "sig" && key["alg"].is_string(),
            "{key}"
        );
        assert!(key.get("d").is_none(), "never a private key");
    }
    let algs: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["alg"].as_str())
        .collect();
    assert!(algs.contains(&"RS256") && algs.contains(&"ES256"));
    let userinfo = app
        .http
        .get(doc["userinfo_endpoint"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
    for endpoint in [
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
    ] {
        let response = app
            .http
            .post(doc[endpoint].as_str().unwrap())
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"],
            "invalid_client"
        );
    }
    let authorize = app
        .http
        .get(doc["authorization_endpoint"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(authorize.status(), StatusCode::BAD_REQUEST);
    for response_type in doc["response_types_supported"].as_array().unwrap() {
        let back = app
            .authorize_with_consent(&[
                ("response_type", response_type.as_str().unwrap()),
                ("client_id", &app.web.id),
                ("scope", "openid"),
                ("nonce", "n"),
            ])
            .await;
        assert!(
            back.starts_with(REDIRECT_URI) && !back.contains("error="),
            "{response_type}: {back}"
        );
    }
    for scope in doc["scopes_supported"].as_array().unwrap() {
        let scope = format!("openid {}", scope.as_str().unwrap());
        let back = app
            .authorize_with_consent(&[
                ("response_type", "code"),
                ("client_id", &app.web.id),
                ("scope", &scope),
            ])
            .await;
        assert!(back.contains("code="), "{scope}: {back}");
    }
    for mode in doc["response_modes_supported"].as_array().unwrap() {
        app.login("alice", PASSWORD).await;
        let query = [
            ("response_type", "code"),
            ("client_id", app.web.id.as_str()),
            ("scope", "openid"),
            ("response_mode", mode.as_str().unwrap()),
        ];
        let consent = location(&app.authorize(&query).await);
        let answer = app.answer_consent(&consent, "allow", false).await;
        let delivered = match answer.headers().get("location") {
            Some(back) => back.to_str().unwrap().contains("code="),
            None => answer.text().await.unwrap().contains(r#"name="code""#),
        };
        assert!(delivered, "response_mode {mode}");
    }
    for unsupported in ["request", "request_uri"] {
        app.login("alice", PASSWORD).await;
        let response = app
            .authorize(&[
                ("response_type", "code"),
                ("client_id", &app.web.id),
                ("scope", "openid"),
                (unsupported, "x"),
            ])
            .await;
        let error = param(&url_params(&location(&response), false), "error").unwrap();
        assert_eq!(error, format!("{unsupported}_not_supported"));
    }
}

#[tokio::test]
async fn rotated_keys_sign_after_the_reload_interval_and_old_tokens_still_verify() {
    use vzconnect::clock::{Clock, SystemClock};
    let clock = FixedClock::at(SystemClock.now());
    let app = spawn_app_with(Options {
        clock: Some(clock.clone()),
        ..Options::default()
    })
    .await;
    let signed_kid = |token: &Value| {
        let token = token["id_token"].as_str().unwrap();
        decode_header(token).unwrap().kid.unwrap()
    };
    let code = app.code_for(&app.web, "openid").await;
    let before: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let old_token = before["id_token"].as_str().unwrap().to_string();
    let old_kid = signed_kid(&before);

    app.cli(&["keys", "rotate"]);

    // The loaded ring signs until the store is looked at again...
    let code = app.code_for(&app.web, "openid").await;
    let cached: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    assert_eq!(signed_kid(&cached), old_kid, "the cached ring still signs");
    // ...which happens once the reload interval has passed.
    clock.advance(vzconnect::web::KEY_RELOAD_SECONDS);
    let code = app.code_for(&app.web, "openid").await;
    let after: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let new_token = after["id_token"].as_str().unwrap();
    assert_ne!(signed_kid(&after), old_kid, "the new key signs");
    verify_with_jwks(&app, new_token, &app.web.id).await;
    verify_with_jwks(&app, &old_token, &app.web.id).await;
    let jwks: Value = app
        .http
        .get(app.url("/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        jwks["keys"].as_array().unwrap().len(),
        4,
        "two active, two retiring"
    );
}

#[tokio::test]
async fn openidconnect_crate_runs_the_hybrid_flow() {
    use openidconnect::core::{CoreIdToken, CoreResponseType};
    use openidconnect::AuthorizationCodeHash;
    let app = spawn_app().await;
    let http = rp_http();
    let issuer = IssuerUrl::new(app.address.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(app.web.id.clone()),
        Some(ClientSecret::new(app.web.secret.clone().unwrap())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let flow =
        CoreAuthenticationFlow::Hybrid(vec![CoreResponseType::Code, CoreResponseType::IdToken]);
    let (url, _, nonce) = client
        .authorize_url(flow, CsrfToken::new_random, Nonce::new_random)
        .url();

    app.login("alice", PASSWORD).await;
    let response = app.http.get(url.as_str()).send().await.unwrap();
    let response = app
        .answer_consent(&location(&response), "allow", false)
        .await;
    let params = url_params(&location(&response), true);
    let code = param(&params, "code").unwrap();
    let front: CoreIdToken = param(&params, "id_token").unwrap().parse().unwrap();
    let verifier = client.id_token_verifier();
    let claims = front.claims(&verifier, &nonce).unwrap();
    let c_hash = AuthorizationCodeHash::from_code(
        &AuthorizationCode::new(code.clone()),
        front.signing_alg().unwrap(),
        front.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.code_hash(), Some(&c_hash));

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    let back = tokens
        .id_token()
        .unwrap()
        .claims(&verifier, &nonce)
        .unwrap();
    assert_eq!(back.subject(), claims.subject());
}

#[tokio::test]
async fn every_advertised_signing_algorithm_signs_verifiable_id_tokens() {
    use vzconnect::domain::IdTokenAlg;
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for alg in doc["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap()
    {
        let alg: IdTokenAlg = alg.as_str().unwrap().parse().unwrap();
        let client = app.add_client(|c| c.id_token_alg = alg).await;
        let code = app.code_for(&client, "openid").await;
        let body: Value = app.redeem(&client, &code).await.json().await.unwrap();
        let token = body["id_token"].as_str().unwrap();
        let header = decode_header(token).unwrap();
        assert_eq!(format!("{:?}", header.alg), alg.as_str());
        let claims = if alg == IdTokenAlg::HS256 {
            let key = DecodingKey::from_secret(client.secret.as_deref().unwrap().as_bytes());
            let mut validation = Validation::new(header.alg);
            validation.set_audience(&[&client.id]);
            decode::<Value>(token, &key, &validation).unwrap().claims
        } else {
            verify_with_jwks(&app, token, &client.id).await
        };
        assert_eq!(claims["sub"], app.alice_sub.as_str(), "{alg:?}");
    }
}
