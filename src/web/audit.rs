//! Writing the audit trail from the web layer: the event, with the client address it came
//! from. A failure to record is logged and does not fail the request it describes.

use actix_web::HttpRequest;

use super::AppState;
use crate::domain::audit::{AuditEvent, AuditKind};

/// A new event of `kind`, now.
pub fn event(state: &AppState, kind: AuditKind) -> AuditEvent {
    AuditEvent::new(kind, state.clock.now())
}

/// Records `event` as coming from `req`'s client.
pub async fn record(state: &AppState, req: &HttpRequest, mut event: AuditEvent) {
    event.source = Some(state.client_address(req));
    if let Err(e) = state.store.record_audit(event).await {
        tracing::warn!("audit trail: {e}");
    }
}
