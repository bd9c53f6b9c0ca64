//! vzconnect: an OAuth 2.0 / OpenID Connect identity provider that speaks the VZ Connect
//! draft. The binary's `main` only parses the command line; everything else is here so the
//! tests can start the same server.

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod docs;
pub mod domain;
pub mod log_limit;
pub mod logging;
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
use tracing::Instrument;

use web::router;
use web::AppState;

/// How the HTTP server treats connections.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    /// HTTP worker threads.
    pub workers: usize,
    /// How long an idle keep-alive connection stays open. Relying parties pool connections
    /// and some do not retry a POST that meets a closing connection, so this is longer than
    /// the common proxies' and clients' idle timeouts (60 s).
    pub keep_alive: std::time::Duration,
    /// How long a graceful shutdown waits for requests in flight.
    pub shutdown_grace: std::time::Duration,
}

impl Connections {
    /// The defaults: 75 s keep-alive, 5 s shutdown grace.
    pub fn with_workers(workers: usize) -> Self {
        Self {
            workers,
            keep_alive: std::time::Duration::from_secs(75),
            shutdown_grace: std::time::Duration::from_secs(5),
        }
    }
}

/// Starts the HTTP server on an already bound listener (tests bind port 0).
pub fn start_server(
    listener: TcpListener,
    state: AppState,
    connections: Connections,
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
            .default_service(aweb::to(web::not_found_page))
            .wrap(headers)
            .wrap_fn(|req, srv| {
                let started = std::time::Instant::now();
                let method = req.method().to_string();
                let metrics = req.app_data::<aweb::Data<AppState>>().map(|s| s.metrics.clone());
                let id = logging::request_id(
                    req.headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok()),
                );
                let span = tracing::info_span!(
                    "request",
                    id = %id,
                    client_id = tracing::field::Empty,
                );
                let response = {
                    let _entered = span.enter();
                    srv.call(req)
                };
                async move {
                    let mut response = response.instrument(span.clone()).await?;
                    let status = response.status().as_u16();
                    // Read after routing, from the route that matched (no second match).
                    let route = (response.request().match_pattern())
                        .unwrap_or_else(|| "unmatched".into());
                    // VZ's PHP client finds `Content-Type` only in exactly this case.
                    response.response_mut().head_mut().set_camel_case_headers(true);
                    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&id) {
                        response.headers_mut().insert(
                            actix_web::http::header::HeaderName::from_static("x-request-id"),
                            value,
                        );
                    }
                    if let Some(metrics) = metrics {
                        metrics.request(&method, &route, status);
                    }
                    tracing::info!(
                        parent: &span,
                        method = %method,
                        route = %route,
                        status,
                        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
                        "request"
                    );
                    Ok(response)
                }
            })
    })
    .workers(connections.workers.max(1))
    .keep_alive(connections.keep_alive)
    .shutdown_timeout(connections.shutdown_grace.as_secs())
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
