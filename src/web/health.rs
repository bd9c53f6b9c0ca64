//! `GET /healthz` (liveness: the process answers and the store reads) and `GET /readyz`
//! (readiness: a write goes through the writer and the signing keys are loaded).

use actix_web::{web, HttpResponse};

use super::AppState;

/// `GET /healthz`: 200 while the store answers.
pub async fn healthz_get(state: web::Data<AppState>) -> HttpResponse {
    match state.store.find_user(0) {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(_) => {
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}

/// `GET /readyz`: 200 only when a write goes through the writer and every signing key is
/// loaded; 503 otherwise, so a load balancer sends no traffic to an instance that would fail.
pub async fn readyz_get(state: web::Data<AppState>) -> HttpResponse {
    let writes = state.store.probe_write(state.clock.now()).await.is_ok();
    let keys = state
        .keys
        .reload(state.store.as_ref(), &state.key)
        .missing()
        .is_empty();
    let body = serde_json::json!({
        "status": if writes && keys { "ready" } else { "unavailable" },
        "writes": writes,
        "signing_keys": keys,
    });
    if writes && keys {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .json(body)
    }
}
