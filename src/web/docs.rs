//! `GET /docs` and `GET /docs/{page}`: the Markdown of `docs/`, rendered once and served with
//! a navigation sidebar. (`/docs/widgets` adds the live demo: see `widgets_demo`.)

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::pages::{DocsPage, NavItem, WidgetDemo};
use super::responses::{error_page, html};
use crate::docs::{page, pages};

/// `GET /docs`.
pub async fn docs_index_get() -> HttpResponse {
    render("index", None)
}

/// `GET /docs/{page}` (also accepts `page.md`).
pub async fn docs_page_get(path: web::Path<String>) -> HttpResponse {
    render(path.as_str(), None)
}

/// Renders one docs page, with the widget demo below it when given.
pub(super) fn render(slug: &str, demo: Option<WidgetDemo<'_>>) -> HttpResponse {
    let Some(current) = page(slug) else {
        return error_page(StatusCode::NOT_FOUND, "There is no such page in the docs.");
    };
    let nav = pages()
        .iter()
        .map(|p| NavItem {
            href: if p.slug == "index" {
                "/docs".into()
            } else {
                format!("/docs/{}", p.slug)
            },
            title: &p.title,
            current: p.slug == current.slug,
        })
        .collect();
    html(
        StatusCode::OK,
        &DocsPage {
            title: &current.title,
            nav,
            html: &current.html,
            demo,
        },
    )
}
