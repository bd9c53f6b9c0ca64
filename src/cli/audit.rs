//! `vzconnect audit [--user U] [--since T] [--json]`: the security event trail, newest first;
//! and recording the command line's own events in it.

use clap::Args;
use serde_json::json;

use super::{Access, CliError, Globals};
use crate::clock::{Clock, SystemClock, UnixTime};
use crate::domain::audit::{AuditEvent, AuditKind, AuditQuery};
use crate::store::Store;

/// `vzconnect audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only the events of this username.
    #[arg(long, env = "VZCONNECT_USER")]
    user: Option<String>,
    /// Only events at or after this time: RFC 3339 (2026-12-01T10:00:00Z) or a date
    /// (2026-12-01, UTC).
    #[arg(long, env = "VZCONNECT_SINCE")]
    since: Option<String>,
    /// At most this many events.
    #[arg(long, env = "VZCONNECT_LIMIT", default_value_t = 100)]
    limit: usize,
    /// Print JSON.
    #[arg(long, env = "VZCONNECT_JSON")]
    json: bool,
}

/// Records an event of the command line (no client address).
pub(super) async fn record(store: &dyn Store, event: AuditEvent) -> Result<(), CliError> {
    store
        .record_audit(event.detail("command line"))
        .await
        .map_err(CliError::from)
}

/// A new event of `kind`, now.
pub(super) fn event(kind: AuditKind) -> AuditEvent {
    AuditEvent::new(kind, SystemClock.now())
}

fn parse_since(text: &str) -> Result<UnixTime, CliError> {
    use time::format_description::well_known::Rfc3339;
    let bad = || {
        CliError::Usage(format!(
            "--since: '{text}' is not a time like 2026-12-01T10:00:00Z or a date like 2026-12-01"
        ))
    };
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at.unix_timestamp());
    }
    let date = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| bad())?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}

pub(super) async fn run(globals: &Globals, args: AuditArgs) -> Result<(), CliError> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let (store, _) = globals.open(Access::Existing).await?;
    let user_id = match &args.user {
        None => None,
        Some(name) => Some(
            store
                .find_login(&name.to_lowercase())?
                .ok_or_else(|| CliError::Usage(format!("--user: no user '{name}'")))?
                .0
                .id,
        ),
    };
    let events = store.list_audit(&AuditQuery {
        user_id,
        since,
        limit: args.limit,
    })?;
    if args.json {
        let list: Vec<_> = events
            .iter()
            .map(|e| {
                json!({
                    "at": crate::poco::xs_date_time(e.at),
                    "event": e.kind.as_str(),
                    "user": e.username,
                    "client_id": e.client_id,
                    "source": e.source,
                    "detail": e.detail,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(list));
        return Ok(());
    }
    println!(
        "{:<20} {:<22} {:<16} {:<24} {:<16} DETAIL",
        "TIME", "EVENT", "USER", "CLIENT", "SOURCE"
    );
    for e in events {
        println!(
            "{:<20} {:<22} {:<16} {:<24} {:<16} {}",
            crate::poco::xs_date_time(e.at),
            e.kind.as_str(),
            e.username.as_deref().unwrap_or("-"),
            e.client_id.as_deref().unwrap_or("-"),
            e.source.as_deref().unwrap_or("-"),
            e.detail.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_since;

    #[test]
    fn since_takes_rfc_3339_or_a_date() {
        assert!(matches!(
            parse_since("2026-12-01T10:00:00Z"),
            Ok(1_796_119_200)
        ));
        assert!(matches!(parse_since("2026-12-01"), Ok(1_796_083_200)));
        assert!(parse_since("yesterday").is_err());
    }
}
