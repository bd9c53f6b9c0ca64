//! The user-agent flow (`response_type=token`): token fields arrive in the fragment.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::doc_samples::assert_rust_sample_verifies;
use crate::helpers::*;

#[tokio::test]
async fn token_fields_and_vz_signature_arrive_in_the_fragment() {
    let app = spawn_app().await;
    let back = app
        .authorize_with_consent(&[
            ("response_type", "token"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("state", "ua"),
        ])
        .await;
    assert!(back.starts_with(&format!("{REDIRECT_URI}#")), "{back}");
    assert!(
        !back.contains("signature=")
            || !back
                .split("signature=")
                .nth(1)
                .unwrap()
                .split('&')
                .next()
                .unwrap()
                .contains('+')
    );
    let params = url_params(&back, true);
    let get =
        |name: &str| param(&params, name).unwrap_or_else(|| panic!("{name} missing in {back}"));
    assert_eq!(get("state"), "ua");
    assert_eq!(get("token_type"), "Bearer");
    assert_eq!(get("expires_in"), "3600");
    assert!(param(&params, "refresh_token").is_none());
    assert_eq!(
        get("user_id"),
        format!("{}/poco/{}/@self", app.address, app.alice_sub)
    );
    // Fragment values are strings; the signature verifies over them as they arrived.
    let response: Value = json!({
        "access_token": get("access_token"),
        "issued_at": get("issued_at").parse::<i64>().unwrap(),
        "user_id": get("user_id"),
        "expires_in": 3600,
        "signature": get("signature"),
        "signature_method": get("signature_method"),
    });
    assert_rust_sample_verifies(&response, app.web.secret.as_deref().unwrap());
    let record = app
        .http
        .get(get("user_id"))
        .bearer_auth(get("access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(record.status(), StatusCode::OK);
}
