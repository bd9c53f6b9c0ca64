//! Every example in docs/portable-contacts.md, run against a server holding the data the page
//! describes: each `GET` block is requested and its answer compared with the block after it.

use serde_json::Value;
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::domain::records::NewUser;
use vzconnect::domain::Sub;
use vzconnect::store::Store;

use crate::helpers::*;

/// (request line, expected body, is XML) for each example on the page.
fn examples() -> Vec<(String, String, bool)> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/portable-contacts.md"
    ))
    .unwrap();
    let blocks: Vec<(&str, &str)> = doc
        .split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| block.split_once('\n'))
        .collect();
    blocks
        .windows(2)
        .filter(|pair| pair[0].0 == "text" && pair[0].1.starts_with("GET /poco"))
        .map(|pair| {
            (
                pair[0].1.trim().to_string(),
                pair[1].1.trim().to_string(),
                pair[1].0 == "xml",
            )
        })
        .collect()
}

#[tokio::test]
async fn every_documented_example_answers_as_documented() {
    let app = spawn_app().await;
    let (alice, _) = app.store.find_login("alice").unwrap().unwrap();
    let now = SystemClock.now();
    for (sub, username, name, email, hides_email) in [
        (
            "chris-messina",
            "chris",
            "Chris Messina",
            "chris@example.org",
            true,
        ),
        (
            "joseph-smarr",
            "joseph",
            "Joseph Smarr",
            "joseph@plaxo.com",
            false,
        ),
    ] {
        let user = app
            .store
            .create_user(NewUser {
                sub: Sub::from_string(sub.into()),
                username: username.into(),
                email: email.into(),
                name: Some(name.into()),
                password_hash: "unusable".into(),
                email_verified: true,
                created_at: now,
            })
            .await
            .unwrap();
        if hides_email {
            let mut profile = user.profile.clone();
            profile.hidden_from_contacts = vec!["emails".into()];
            app.store
                .update_profile(user.id, user.name.clone(), profile, now)
                .await
                .unwrap();
        }
        app.store
            .add_contact(alice.id, user.id, "friend".into(), now)
            .await
            .unwrap();
    }
    let code = app.code_for(&app.web, "openid email contacts").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();

    let examples = examples();
    assert!(
        examples.len() >= 5,
        "the page has its examples: {examples:?}"
    );
    for (request, expected, xml) in examples {
        let path = request.trim_start_matches("GET ");
        let response = app
            .http
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{request}");
        let text = response.text().await.unwrap();
        if xml {
            assert_eq!(text, expected, "{request}");
        } else {
            let got: Value = serde_json::from_str(&text).unwrap();
            let want: Value = serde_json::from_str(&expected).unwrap();
            assert_eq!(got, want, "{request}");
        }
    }
}
