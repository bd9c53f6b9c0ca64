//! vzconnect: an OAuth 2.0 / OpenID Connect identity provider that speaks the VZ Connect
//! draft. The binary's `main` only parses the command line; everything else is here so the
//! tests can start the same server.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod docs;
pub mod domain;
pub mod mail;
pub mod matrix;
pub mod oauth;
pub mod oidc;
pub mod outbound;
pub mod poco;
pub mod private_files;
pub mod store;
pub mod web;

use std::net::TcpListener;

use actix_web::dev::{Server, Service};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web as aweb, App, HttpServer};

use web::router;
use web::AppState;

/// Starts the HTTP server on an already bound listener (tests bind port 0).
pub fn start_server(
    listener: TcpListener,
    state: AppState,
    workers: usize,
) -> std::io::Result<Server> {
    let hsts = state.secure_cookies;
    let state = aweb::Data::new(state);
    let server = HttpServer::new(move || {
        let mut headers = DefaultHeaders::new()
            .add(("X-Content-Type-Options", "nosniff"))
            .add(("X-Frame-Options", "DENY"))
            .add(("Referrer-Policy", "no-referrer"))
            .add((
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            ));
        if hsts {
            // An https issuer is only ever reached over TLS (RFC 6797).
            headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
        }
        let form_errors = aweb::FormConfig::default().error_handler(|err, _| {
            let page = web::bad_form_page();
            actix_web::error::InternalError::from_response(err, page).into()
        });
        App::new()
            .app_data(state.clone())
            .app_data(form_errors)
            .configure(router::routes)
            .wrap(headers)
            .wrap_fn(|req, srv| {
                let method = req.method().to_string();
                let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
                let metrics = req.app_data::<aweb::Data<AppState>>().map(|s| s.metrics.clone());
                let response = srv.call(req);
                async move {
                    let mut response = response.await?;
                    // VZ's PHP client finds `Content-Type` only in exactly this case.
                    response.response_mut().head_mut().set_camel_case_headers(true);
                    if let Some(metrics) = metrics {
                        metrics.request(&method, &route, response.status().as_u16());
                    }
                    Ok(response)
                }
            })
    })
    .workers(workers.max(1))
    .listen(listener)?
    .run();
    Ok(server)
}

/// Serves `/metrics` alone on its own listener (`serve --metrics-bind`), so the numbers are
/// never public on the issuer's address.
pub fn start_metrics_server(
    listener: TcpListener,
    metrics: web::Metrics,
) -> std::io::Result<Server> {
    let metrics = aweb::Data::new(metrics);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(metrics.clone())
            .route("/metrics", aweb::get().to(web::metrics_get))
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}
