//! `GET /docs` and `GET /docs/{page}`: the Markdown of `docs/`, rendered once and served with
//! a navigation sidebar. (`/docs/widgets` adds the live demo: see `widgets_demo`.)

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::pages::{DocsPage, NavItem, WidgetDemo};
use super::responses::{error_page, html};
use super::AppState;
use crate::docs::{page, pages};
use crate::domain::ClientId;

/// The playground's client (created by `serve --demo`).
pub const PLAYGROUND_CLIENT_ID: &str = "playground";

/// `GET /docs`.
pub async fn docs_index_get() -> HttpResponse {
    render("index", None)
}

/// `GET /docs/{page}` (also accepts `page.md`).
pub async fn docs_page_get(path: web::Path<String>) -> HttpResponse {
    render(path.as_str(), None)
}

/// `GET /docs/playground`: the playground page, live in demo mode.
pub async fn playground_get(state: web::Data<AppState>) -> HttpResponse {
    let secret = if state.demo {
        ClientId::parse(PLAYGROUND_CLIENT_ID)
            .ok()
            .and_then(|id| state.store.find_client(&id).ok().flatten())
            .and_then(|c| c.secret(&state.key))
    } else {
        None
    };
    page_with(
        "playground",
        None,
        secret.as_deref().map(|s| (PLAYGROUND_CLIENT_ID, s)),
    )
}

/// Renders one docs page, with the widget demo below it when given.
pub(super) fn render(slug: &str, demo: Option<WidgetDemo<'_>>) -> HttpResponse {
    page_with(slug, demo, None)
}

fn page_with(
    slug: &str,
    demo: Option<WidgetDemo<'_>>,
    playground: Option<(&str, &str)>,
) -> HttpResponse {
    let Some(current) = page(slug) else {
        return error_page(StatusCode::NOT_FOUND, "There is no such page in the docs.");
    };
    html(
        StatusCode::OK,
        &DocsPage {
            title: &current.title,
            nav: nav(&current.slug),
            html: &current.html,
            demo,
            playground,
        },
    )
}

/// The sidebar: every page, `current` marked.
fn nav(current: &str) -> Vec<NavItem<'static>> {
    pages()
        .iter()
        .map(|p| NavItem {
            href: if p.slug == "index" {
                "/docs".into()
            } else {
                format!("/docs/{}", p.slug)
            },
            title: &p.title,
            current: p.slug == current,
        })
        .collect()
}
