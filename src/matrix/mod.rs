//! Widget sign-in with Matrix MSC1960: user ids, the minting request body, errors in Matrix
//! form and the credentials a widget receives. No HTTP, no SQL.

use serde::Serialize;
use serde_json::Value;

use crate::clock::UnixTime;
use crate::crypto::hash_token;
use crate::domain::records::{UserId, WidgetGrant, WidgetToken};
use crate::domain::ClientId;
use crate::oauth::tokens;

/// An error as the Matrix APIs write it: `{"errcode", "error"}` plus `retry_after_ms` for
/// rate limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixError {
    #[serde(skip)]
    pub status: u16,
    pub errcode: &'static str,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl MatrixError {
    fn new(status: u16, errcode: &'static str, error: impl Into<String>) -> Self {
        Self {
            status,
            errcode,
            error: error.into(),
            retry_after_ms: None,
        }
    }
    /// 401: no access token was sent.
    pub fn missing_token() -> Self {
        Self::new(401, "M_MISSING_TOKEN", "Missing access token")
    }
    /// 401: the token is unknown, expired or revoked.
    pub fn unknown_token() -> Self {
        Self::new(401, "M_UNKNOWN_TOKEN", "Access token unknown or expired")
    }
    /// 403.
    pub fn forbidden(error: impl Into<String>) -> Self {
        Self::new(403, "M_FORBIDDEN", error)
    }
    /// 400: a malformed parameter.
    pub fn invalid_param(error: impl Into<String>) -> Self {
        Self::new(400, "M_INVALID_PARAM", error)
    }
    /// 400: a body of the wrong shape.
    pub fn bad_json(error: impl Into<String>) -> Self {
        Self::new(400, "M_BAD_JSON", error)
    }
    /// 503: the server could not store the credential.
    pub fn new_unavailable() -> Self {
        Self::new(
            503,
            "M_UNKNOWN",
            "The server could not complete the request",
        )
    }
    /// 429, with when to try again.
    pub fn limit_exceeded(retry_after_ms: u64) -> Self {
        Self {
            retry_after_ms: Some(retry_after_ms),
            ..Self::new(429, "M_LIMIT_EXCEEDED", "Too many requests")
        }
    }
}

/// A Matrix user id `@localpart:server_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixUserId {
    pub localpart: String,
    pub server_name: String,
}

impl MatrixUserId {
    /// Parses a user id (already percent-decoded).
    pub fn parse(raw: &str) -> Result<Self, MatrixError> {
        let bad = || {
            MatrixError::invalid_param(format!("'{raw}' is not a user id like @alice:example.org"))
        };
        let rest = raw.strip_prefix('@').ok_or_else(bad)?;
        let (localpart, server_name) = rest.split_once(':').ok_or_else(bad)?;
        let local_ok = !localpart.is_empty()
            && localpart
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._=-/+".contains(&b));
        let server_ok = !server_name.is_empty()
            && server_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        if !local_ok || !server_ok || raw.len() > 255 {
            return Err(bad());
        }
        Ok(Self {
            localpart: localpart.to_string(),
            server_name: server_name.to_string(),
        })
    }

    /// `@localpart:server_name`.
    pub fn to_id(&self) -> String {
        format!("@{}:{}", self.localpart, self.server_name)
    }
}

/// The server name a Matrix id of this server carries: the issuer's `host[:port]`.
pub fn server_name_from_issuer(issuer: &str) -> String {
    url::Url::parse(issuer)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_default()
}

/// The widget a minting request names (`{"widget": {"id", "url"}}`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetInfo {
    pub id: String,
    pub url: Option<String>,
}

/// Parses the minting request body: empty, `{}` (the spec's "reserved for future
/// expansion") or `{"widget": {"id": …, "url": …}}`.
pub fn widget_of(body: &[u8]) -> Result<Option<WidgetInfo>, MatrixError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| MatrixError::bad_json("the body is not JSON"))?;
    let Value::Object(members) = value else {
        return Err(MatrixError::bad_json("the body must be a JSON object"));
    };
    let Some(widget) = members.get("widget") else {
        return Ok(None);
    };
    let Value::Object(widget) = widget else {
        return Err(MatrixError::bad_json("widget must be an object"));
    };
    let id = match widget.get("id") {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= 255 => id.clone(),
        _ => {
            return Err(MatrixError::bad_json(
                "widget.id must be a non-empty string",
            ))
        }
    };
    let url = match widget.get("url") {
        None | Some(Value::Null) => None,
        Some(Value::String(url)) if url.len() <= 2048 => Some(url.clone()),
        Some(_) => return Err(MatrixError::bad_json("widget.url must be a string")),
    };
    Ok(Some(WidgetInfo { id, url }))
}

/// The credentials a widget receives (MSC1960 / the OpenID token response of the spec).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credentials {
    pub access_token: String,
    pub token_type: &'static str,
    pub matrix_server_name: String,
    pub expires_in: i64,
}

/// A widget credential to hand out, and what to store: the credential by hash, and the
/// person's grant to the widget when the request named one (remembered per site).
pub struct Minted {
    pub credentials: Credentials,
    pub token: WidgetToken,
    pub grant: Option<WidgetGrant>,
}

/// Mints a credential for `owner`'s widget in `site` (`None`: this server's own demo page),
/// valid for `ttl` seconds.
pub fn mint(
    owner: UserId,
    site: Option<ClientId>,
    widget: Option<WidgetInfo>,
    server_name: &str,
    (now, ttl): (UnixTime, i64),
) -> Minted {
    let access_token = tokens::new_secret_value();
    let token = WidgetToken {
        hash: hash_token(&access_token),
        user_id: owner,
        client_id: site.clone(),
        widget_id: widget.as_ref().map(|w| w.id.clone()),
        issued_at: now,
        expires_at: now + ttl,
        revoked: false,
    };
    let grant = widget.map(|w| WidgetGrant {
        user_id: owner,
        client_id: site,
        widget_id: w.id,
        url: w.url,
        created_at: now,
        last_used_at: now,
    });
    let credentials = Credentials {
        access_token,
        token_type: "Bearer",
        matrix_server_name: server_name.to_string(),
        expires_in: ttl,
    };
    Minted {
        credentials,
        token,
        grant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        let id = MatrixUserId::parse("@alice:id.example:8448").unwrap();
        assert_eq!(
            (id.localpart.as_str(), id.server_name.as_str()),
            ("alice", "id.example:8448")
        );
        assert_eq!(id.to_id(), "@alice:id.example:8448");
        for bad in [
            "alice:x",
            "@alice",
            "@:x",
            "@Alice:x",
            "@al ice:x",
            "@alice:",
        ] {
            assert_eq!(
                MatrixUserId::parse(bad).unwrap_err().errcode,
                "M_INVALID_PARAM",
                "{bad}"
            );
        }
        assert_eq!(
            server_name_from_issuer("http://127.0.0.1:8080"),
            "127.0.0.1:8080"
        );
        assert_eq!(server_name_from_issuer("https://id.example"), "id.example");
    }

    #[test]
    fn widget_bodies() {
        assert_eq!(widget_of(b"").unwrap(), None);
        assert_eq!(widget_of(b"{}").unwrap(), None);
        let w = widget_of(br#"{"widget":{"id":"poll","url":"https://w.example/poll"}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (w.id.as_str(), w.url.as_deref()),
            ("poll", Some("https://w.example/poll"))
        );
        for bad in [
            &b"[]"[..],
            b"nope",
            br#"{"widget":1}"#,
            br#"{"widget":{"url":"x"}}"#,
            br#"{"widget":{"id":""}}"#,
        ] {
            assert_eq!(widget_of(bad).unwrap_err().errcode, "M_BAD_JSON");
        }
    }
}
