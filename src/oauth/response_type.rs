//! `response_type` (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Type Encoding Practices) with
//! VZ's draft-07 `type`, and `response_mode` (`query`, `fragment`, `form_post`).

use super::redirect::ResponseMode;
use super::{ErrorCode, OAuthError, Params};

/// What the authorization endpoint returns: any non-empty combination of the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseType {
    pub code: bool,
    pub token: bool,
    pub id_token: bool,
}

impl ResponseType {
    /// The authorization code flow (`code`, VZ `type=web_server`).
    pub const CODE: Self = Self {
        code: true,
        token: false,
        id_token: false,
    };
    /// The user-agent flow (`token`, VZ `type=user_agent`).
    pub const TOKEN: Self = Self {
        code: false,
        token: true,
        id_token: false,
    };

    /// Parses a space-separated `response_type`; each value at most once, in any order.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parsed = Self {
            code: false,
            token: false,
            id_token: false,
        };
        for part in value.split(' ').filter(|p| !p.is_empty()) {
            let flag = match part {
                "code" => &mut parsed.code,
                "token" => &mut parsed.token,
                "id_token" => &mut parsed.id_token,
                _ => return None,
            };
            if *flag {
                return None;
            }
            *flag = true;
        }
        (parsed.code || parsed.token || parsed.id_token).then_some(parsed)
    }

    /// The canonical spelling (`code id_token token`).
    pub fn as_str(self) -> &'static str {
        match (self.code, self.id_token, self.token) {
            (true, false, false) => "code",
            (false, false, true) => "token",
            (false, true, false) => "id_token",
            (false, true, true) => "id_token token",
            (true, true, false) => "code id_token",
            (true, false, true) => "code token",
            (true, true, true) => "code id_token token",
            (false, false, false) => "",
        }
    }

    /// Whether tokens travel through the browser, so the response must not use the query.
    pub fn has_front_channel_tokens(self) -> bool {
        self.token || self.id_token
    }

    /// The default response mode: the query for `code` alone, else the fragment.
    pub fn default_mode(self) -> ResponseMode {
        if self.has_front_channel_tokens() {
            ResponseMode::Fragment
        } else {
            ResponseMode::Query
        }
    }
}

/// The response types discovery advertises.
pub const SUPPORTED: [&str; 7] = [
    "code",
    "token",
    "id_token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
];

/// The requested response type, reconciling VZ's `type` with `response_type`.
pub fn requested(params: &Params) -> Result<ResponseType, OAuthError> {
    let from_type = match params.get("type")? {
        None => None,
        Some("web_server") => Some(ResponseType::CODE),
        Some("user_agent") => Some(ResponseType::TOKEN),
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "unknown type '{other}' (expected web_server or user_agent)"
            )))
        }
    };
    let from_response_type = match params.get("response_type")? {
        None => None,
        Some(value) => Some(ResponseType::parse(value).ok_or_else(|| {
            OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                format!("response_type '{value}' is not supported"),
            )
        })?),
    };
    match (from_response_type, from_type) {
        (Some(a), Some(b)) if a != b => Err(OAuthError::invalid_request(
            "type and response_type disagree",
        )),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Err(OAuthError::invalid_request(
            "the parameter 'response_type' is missing",
        )),
    }
}

/// The requested response mode; `Err` carries a message for the error page, because a mode
/// that cannot be honoured leaves no safe way to deliver an error to the client.
pub fn mode(params: &Params, response_type: Option<ResponseType>) -> Result<ResponseMode, String> {
    let fallback = response_type.map_or(ResponseMode::Query, ResponseType::default_mode);
    let requested = params.get("response_mode").map_err(|e| e.description)?;
    let mode = match requested {
        None => return Ok(fallback),
        Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some(other) => return Err(format!("The response_mode '{other}' is not supported.")),
    };
    if mode == ResponseMode::Query
        && response_type.is_some_and(ResponseType::has_front_channel_tokens)
    {
        return Err(
            "Tokens are never sent in the query: use response_mode=fragment or form_post.".into(),
        );
    }
    Ok(mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_parses_in_any_order_and_prints_canonically() {
        for value in SUPPORTED {
            assert_eq!(
                ResponseType::parse(value).map(ResponseType::as_str),
                Some(value)
            );
        }
        assert_eq!(
            ResponseType::parse("token id_token code").map(ResponseType::as_str),
            Some("code id_token token")
        );
        for bad in ["", "code code", "none", "code foo"] {
            assert_eq!(ResponseType::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn response_modes() {
        let hybrid = ResponseType::parse("code id_token");
        assert_eq!(mode(&Params::default(), hybrid), Ok(ResponseMode::Fragment));
        assert_eq!(
            mode(&Params::parse("response_mode=form_post"), hybrid),
            Ok(ResponseMode::FormPost)
        );
        assert!(mode(&Params::parse("response_mode=query"), hybrid).is_err());
        assert_eq!(
            mode(
                &Params::parse("response_mode=query"),
                Some(ResponseType::CODE)
            ),
            Ok(ResponseMode::Query)
        );
        assert!(mode(&Params::parse("response_mode=web_message"), None).is_err());
    }
}
