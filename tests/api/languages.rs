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

/// Fetches `path` as a browser that prefers German, expecting a page.
async fn german_page(app: &TestApp, path: &str) -> String {
    let (status, body) = german_page_status(app, path).await;
    assert_eq!(status, 200, "{path}");
    body
}

#[tokio::test]
async fn account_portal_and_mail_pages_speak_german_too() {
    let app = spawn_app().await;
    for (path, expected) in [
        ("/password/forgot", "Link schicken"),
        ("/password/reset?token=x", "Neues Passwort wählen"),
        ("/logout", "Abmelden?"),
    ] {
        let page = german_page(&app, path).await;
        assert!(
            page.contains(r#"<html lang="de">"#) && page.contains(expected),
            "{path}"
        );
    }
    app.login("alice", PASSWORD).await;
    let home = german_page(&app, "/").await;
    assert!(home.contains("Angemeldet als") && home.contains(">Dein Konto<"));
    let account = german_page(&app, "/account").await;
    for expected in [
        r#"<html lang="de">"#,
        "Verbundene Seiten",
        "Wo du angemeldet bist",
        ">Passwort ändern<",
        ">Überall sonst abmelden<",
    ] {
        assert!(account.contains(expected), "account page lacks {expected}");
    }
    assert!(!account.contains("Connected sites"));
    let portal = german_page(&app, "/developers").await;
    assert!(
        portal.contains("Seite registrieren")
            && portal.contains("Name der Seite")
            && portal.contains("Vertraulich (ein Server, der ein Geheimnis bewahrt)")
    );

    // A failed form answers in German as well, and changes nothing.
    let csrf = hidden_field(&account, "csrf_token");
    let before = app.db_snapshot();
    let response = app
        .http
        .post(app.url("/account/password"))
        .header("Accept-Language", "de")
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("current_password", "not my password"),
            ("new_password", "a brand new horse staple"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("Das aktuelle Passwort ist falsch."));
    assert_eq!(app.db_snapshot(), before);

    // So do the pages for forms without a valid CSRF token and for used-up links.
    let forged = app
        .http
        .post(app.url("/account/password"))
        .header("Accept-Language", "de")
        .form(&[("current_password", PASSWORD), ("new_password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let body = forged.text().await.unwrap();
    assert!(
        body.contains("Dieses Formular ist abgelaufen") && body.contains("Zurück zur Startseite")
    );
    let stale = german_page_status(&app, "/verify-email?token=nothing").await;
    assert_eq!(stale.0, 400);
    assert!(stale
        .1
        .contains("Dieser Link ist abgelaufen oder wurde schon benutzt."));
    assert_eq!(app.db_snapshot(), before);
}

/// Fetches `path` as a browser that prefers German.
async fn german_page_status(app: &TestApp, path: &str) -> (u16, String) {
    let response = app
        .http
        .get(app.url(path))
        .header("Accept-Language", "de-CH, de;q=0.9")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
