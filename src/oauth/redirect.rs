//! Building the redirect back to the client: parameters in the query (code flow) or the
//! fragment (user-agent flow), RFC 6749 §4.1.2 / §4.2.2, always with `iss` (RFC 9207).

use url::form_urlencoded::Serializer;

/// Where the response parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    /// An auto-submitting HTML form that POSTs them (OAuth 2.0 Form Post Response Mode).
    FormPost,
}

/// How the browser carries the response back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationResponse {
    /// A redirect to this URL.
    Redirect(String),
    /// A page that POSTs these fields to `action`.
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

/// The validated place to send a response to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub state: Option<String>,
}

impl RedirectTarget {
    /// The response carrying `params`, then `state` and `iss`.
    pub fn response(&self, params: &[(&str, String)], issuer: &str) -> AuthorizationResponse {
        match self.mode {
            ResponseMode::FormPost => {
                let mut fields: Vec<(String, String)> = params
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.clone()))
                    .collect();
                if let Some(state) = &self.state {
                    fields.push(("state".into(), state.clone()));
                }
                fields.push(("iss".into(), issuer.to_string()));
                AuthorizationResponse::FormPost {
                    action: self.redirect_uri.clone(),
                    fields,
                }
            }
            _ => AuthorizationResponse::Redirect(self.url(params, issuer)),
        }
    }

    /// The full URL carrying `params`, then `state` and `iss`, form-encoded (so a `+` in a
    /// signature arrives as `%2B`). For the query and fragment modes.
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
            ResponseMode::Fragment | ResponseMode::FormPost => {
                format!("{}#{encoded}", self.redirect_uri)
            }
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
