//! Building the redirect back to the client: parameters in the query (code flow) or the
//! fragment (user-agent flow), RFC 6749 §4.1.2 / §4.2.2, always with `iss` (RFC 9207).

use url::form_urlencoded::Serializer;

/// Where the response parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
}

/// The validated place to send a response to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub state: Option<String>,
}

impl RedirectTarget {
    /// The full URL carrying `params`, then `state` and `iss`, form-encoded (so a `+` in a
    /// signature arrives as `%2B`).
    pub fn url(&self, params: &[(&str, String)], issuer: &str) -> String {
        let mut encoded = Serializer::new(String::new());
        for (name, value) in params {
            encoded.append_pair(name, value);
        }
        if let Some(state) = &self.state {
            encoded.append_pair("state", state);
        }
        encoded.append_pair("iss", issuer);
        let encoded = encoded.finish();
        match self.mode {
            ResponseMode::Fragment => format!("{}#{encoded}", self.redirect_uri),
            ResponseMode::Query if self.redirect_uri.contains('?') => {
                format!("{}&{encoded}", self.redirect_uri)
            }
            ResponseMode::Query => format!("{}?{encoded}", self.redirect_uri),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_existing_parameters_and_encodes_plus() {
        let target = RedirectTarget {
            redirect_uri: "https://c.example/cb?x=1".into(),
            mode: ResponseMode::Query,
            state: Some("a b".into()),
        };
        assert_eq!(
            target.url(&[("code", "c+d".into())], "https://id.example"),
            "https://c.example/cb?x=1&code=c%2Bd&state=a+b&iss=https%3A%2F%2Fid.example"
        );
    }

    #[test]
    fn fragment_mode_uses_the_fragment() {
        let target = RedirectTarget {
            redirect_uri: "https://c.example/cb".into(),
            mode: ResponseMode::Fragment,
            state: None,
        };
        assert_eq!(
            target.url(&[("access_token", "t".into())], "i"),
            "https://c.example/cb#access_token=t&iss=i"
        );
    }
}
