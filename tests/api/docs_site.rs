//! The docs site at /docs: every page of docs/ rendered with navigation, anchors and
//! highlighted code, links between pages working.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn every_page_is_served_with_navigation_and_working_links() {
    let app = spawn_app().await;
    let index = app.http.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    let index = index.text().await.unwrap();
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(
                path.file_stem()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_ascii_lowercase(),
            );
        }
    }
    for slug in &pages {
        let href = if slug == "index" {
            "/docs".to_string()
        } else {
            format!("/docs/{slug}")
        };
        assert!(
            index.contains(&format!("href=\"{href}\"")),
            "nav links {href}"
        );
        let page = app.http.get(app.url(&href)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{href}");
        let page = page.text().await.unwrap();
        assert!(page.contains("aria-current=\"page\""), "{href}");
        // Every link to another page of the docs goes somewhere that exists.
        for link in page.split("href=\"/docs").skip(1) {
            let target = link.split('"').next().unwrap().split('#').next().unwrap();
            let target = format!("/docs{target}");
            let status = app
                .http
                .get(app.url(&target))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, StatusCode::OK, "{href} links to {target}");
        }
    }
    let token_page = app
        .http
        .get(app.url("/docs/token-response"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        token_page.contains("role=\"tablist\""),
        "samples as language tabs"
    );
    assert!(token_page.contains("class=\"copy\""), "copy buttons");
    assert!(
        token_page.contains("id=\"the-signature\""),
        "anchored headings"
    );
    assert!(token_page.contains("hl-"), "highlighted code");
    let missing = app
        .http
        .get(app.url("/docs/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let widgets = app
        .http
        .get(app.url("/docs/widgets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(widgets.contains("Widget sign-in") && widgets.contains("Try it live"));
}
