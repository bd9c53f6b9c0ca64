//! Logs through `tracing`: text for people or JSON for collectors (`--log-format`), filtered
//! by `RUST_LOG` (default `info`). Crates that log with `log` are bridged in. Every request
//! is one line (method, route pattern, status, latency, client id where known) inside a span
//! that carries its request id, so each line a request causes names it. Query strings,
//! tokens, codes and passwords never reach a log line: only route patterns are logged.

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event, with the request's span fields.
    Json,
}

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// A request id: the caller's `X-Request-Id` when it is a short token of safe characters
/// (a proxy in front may set one), else a new random one.
pub fn request_id(incoming: Option<&str>) -> String {
    match incoming {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) =>
        {
            id.to_string()
        }
        _ => crate::crypto::random_token(12),
    }
}

#[cfg(test)]
mod tests {
    use super::request_id;

    #[test]
    fn request_ids_are_kept_only_when_harmless() {
        assert_eq!(request_id(Some("abc-123_x.y")), "abc-123_x.y");
        for bad in [Some(""), Some("has space"), Some("a\nb"), None] {
            let id = request_id(bad);
            assert!(id.len() >= 16 && id != bad.unwrap_or(""));
        }
        assert_ne!(request_id(Some(&"x".repeat(65))), "x".repeat(65));
    }
}
