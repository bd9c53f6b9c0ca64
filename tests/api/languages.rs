//! English and German: chosen by ui_locales, else Accept-Language, else English.

use crate::helpers::*;

#[tokio::test]
async fn pages_speak_german_when_asked() {
    let app = spawn_app().await;
    let english = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains(r#"<html lang="en">"#) && english.contains(">Sign in<"));
    let german = app
        .http
        .get(app.url("/login"))
        .header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        german.contains(r#"<html lang="de">"#)
            && german.contains(">Anmelden<")
            && german.contains("Passwort vergessen?")
    );
    let signup = app
        .http
        .get(app.url("/signup"))
        .header("Accept-Language", "de")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(signup.contains("Konto anlegen"));

    // ui_locales of the authorization request wins over the browser's preference.
    let query = [
        ("response_type", "code"),
        ("client_id", app.web.id.as_str()),
        ("scope", "openid email"),
        ("ui_locales", "de"),
    ];
    let to_login = app.authorize(&query).await;
    let login = app
        .http
        .get(app.url(&location(&to_login)))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains(">Anmelden<"),
        "ui_locales=de travels to the login page"
    );
    app.login("alice", PASSWORD).await;
    let consent = location(&app.authorize(&query).await);
    let page = app
        .http
        .get(app.url(&consent))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("auf dein Konto zugreifen?")
            && page.contains("Deine E-Mail-Adresse sehen")
            && page.contains(">Erlauben<")
    );
}
