//! Redirect URIs: validated at registration, then matched by exact string comparison
//! (RFC 9700 §2.1).

use std::fmt;
use url::Url;

/// A registered (or requested) redirect URI, kept exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Validates a URI for registration: absolute, no fragment, no credentials; `https`,
    /// `http` only on loopback hosts (RFC 8252 §7.3), or a private-use scheme with a dot
    /// (RFC 8252 §7.1) for native apps.
    pub fn parse(value: &str) -> Result<Self, String> {
        let url = Url::parse(value).map_err(|e| format!("redirect URI '{value}': {e}"))?;
        if url.fragment().is_some() {
            return Err(format!(
                "redirect URI '{value}' must not contain a fragment"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "redirect URI '{value}' must not contain credentials"
            ));
        }
        let ok = match url.scheme() {
            "https" => true,
            "http" => matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")),
            scheme => scheme.contains('.'),
        };
        if !ok {
            return Err(format!(
                "redirect URI '{value}' must use https (http only on 127.0.0.1, [::1] or localhost)"
            ));
        }
        Ok(Self(value.to_string()))
    }

    /// Wraps a URI that was validated when it was stored.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The URI as registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn accepts_https_loopback_http_and_native_schemes() {
        for ok in [
            "https://client.example/cb",
            "http://127.0.0.1:9000/cb",
            "http://localhost/cb?x=1",
            "com.example.app:/oauth",
        ] {
            assert!(RedirectUri::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_plain_http_fragments_credentials_and_relative_uris() {
        for bad in [
            "http://client.example/cb",
            "https://client.example/cb#frag",
            "https://user:pw@client.example/cb",
            "/relative",
            "javascript:alert(1)",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad}");
        }
    }
}
