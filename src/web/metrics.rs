//! Prometheus metrics (`GET /metrics` on `--metrics-bind`, never on the issuer's listener):
//! requests by route and status, tokens issued by
//! grant type, token errors by code, logins and authorizations.

use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

/// The server's counters; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    tokens: Family<KindLabels, Counter>,
    token_errors: Family<KindLabels, Counter>,
    logins: Family<KindLabels, Counter>,
    authorizations: Family<KindLabels, Counter>,
    outbound: Family<KindLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vzconnect");
        let requests = Family::default();
        let tokens = Family::default();
        let token_errors = Family::default();
        let logins = Family::default();
        let authorizations = Family::default();
        let outbound = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "tokens_issued",
            "Token responses by grant type",
            tokens.clone(),
        );
        registry.register(
            "token_errors",
            "Token endpoint errors by error code",
            token_errors.clone(),
        );
        registry.register("logins", "Login attempts by result", logins.clone());
        registry.register(
            "authorizations",
            "Successful authorization responses by response type",
            authorizations.clone(),
        );
        registry.register(
            "outbound_requests",
            "Finished requests the server sent on a client's behalf, by result",
            outbound.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            outbound,
            requests,
            tokens,
            token_errors,
            logins,
            authorizations,
        }))
    }
}

fn kind(kind: &str) -> KindLabels {
    KindLabels {
        kind: kind.to_string(),
    }
}

impl Metrics {
    /// Counts one answered request (`route` is the route pattern, never the raw path).
    pub fn request(&self, method: &str, route: &str, status: u16) {
        let labels = RequestLabels {
            method: method.to_string(),
            route: route.to_string(),
            status,
        };
        self.0.requests.get_or_create(&labels).inc();
    }

    /// Counts a token response.
    pub fn token_issued(&self, grant_type: &str) {
        self.0.tokens.get_or_create(&kind(grant_type)).inc();
    }

    /// Counts a token endpoint error.
    pub fn token_error(&self, code: &str) {
        self.0.token_errors.get_or_create(&kind(code)).inc();
    }

    /// Counts a login attempt.
    pub fn login(&self, success: bool) {
        let result = if success { "success" } else { "failure" };
        self.0.logins.get_or_create(&kind(result)).inc();
    }

    /// Counts a finished outbound request: `delivered` (2xx), `rejected` (another status),
    /// `refused` (the outbound policy forbade it) or `failed` (unreachable, timed out).
    pub fn outbound(&self, result: &str) {
        self.0.outbound.get_or_create(&kind(result)).inc();
    }

    /// How many outbound requests finished with `result` (for tests and readiness).
    pub fn outbound_count(&self, result: &str) -> u64 {
        self.0.outbound.get_or_create(&kind(result)).get()
    }

    /// Counts an authorization response sent to a client.
    pub fn authorization(&self, response_type: &str) {
        self.0
            .authorizations
            .get_or_create(&kind(response_type))
            .inc();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.0.registry).is_err() {
            log::error!("metrics: encoding failed");
        }
        out
    }
}

/// `GET /metrics` on the metrics listener: Prometheus text format.
pub async fn metrics_get(metrics: actix_web::web::Data<Metrics>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(metrics.render())
}
