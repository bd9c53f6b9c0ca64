//! The `claims` request parameter (OpenID Connect Core §5.5): individual claims asked for
//! UserInfo and the id_token. Claims vzconnect does not know are ignored; `essential` is
//! honoured where it can be, by returning the claim whenever the person has a value.

use serde_json::Value;

use super::discovery::claims_supported;
use crate::oauth::OAuthError;

/// The claims requested for each destination.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimsRequest {
    pub userinfo: Vec<String>,
    pub id_token: Vec<String>,
}

impl ClaimsRequest {
    /// Parses the JSON of the `claims` parameter.
    pub fn parse(json: &str) -> Result<Self, OAuthError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|_| OAuthError::invalid_request("claims must be a JSON object"))?;
        let Value::Object(members) = value else {
            return Err(OAuthError::invalid_request("claims must be a JSON object"));
        };
        let names = |member: &str| -> Result<Vec<String>, OAuthError> {
            match members.get(member) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Object(claims)) => Ok(claims
                    .keys()
                    .filter(|name| claims_supported().contains(&name.as_str()))
                    .cloned()
                    .collect()),
                Some(_) => Err(OAuthError::invalid_request(format!(
                    "claims.{member} must be a JSON object"
                ))),
            }
        };
        Ok(Self {
            userinfo: names("userinfo")?,
            id_token: names("id_token")?,
        })
    }

    /// The claim names a stored request (with a code or grant) asks for in the id_token.
    pub fn id_token_names(stored: Option<&str>) -> Vec<String> {
        stored
            .and_then(|json| Self::parse(json).ok())
            .map(|c| c.id_token)
            .unwrap_or_default()
    }

    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.userinfo.is_empty() && self.id_token.is_empty()
    }

    /// The form kept with codes and grants: the same JSON shape, names only.
    pub fn to_json(&self) -> String {
        let object = |names: &[String]| -> Value {
            Value::Object(names.iter().map(|n| (n.clone(), Value::Null)).collect())
        };
        serde_json::json!({ "userinfo": object(&self.userinfo), "id_token": object(&self.id_token) })
            .to_string()
    }

    /// Every claim named, for the consent page.
    pub fn all_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .userinfo
            .iter()
            .chain(&self.id_token)
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_members_and_ignores_unknown_claims() {
        let request = ClaimsRequest::parse(
            r#"{"userinfo":{"given_name":{"essential":true},"shoe_size":null},"id_token":{"email":null}}"#,
        )
        .unwrap();
        assert_eq!(request.userinfo, vec!["given_name".to_string()]);
        assert_eq!(request.id_token, vec!["email".to_string()]);
        assert_eq!(ClaimsRequest::parse(&request.to_json()).unwrap(), request);
        assert!(ClaimsRequest::parse("[]").is_err());
        assert!(ClaimsRequest::parse(r#"{"userinfo":[]}"#).is_err());
        assert!(ClaimsRequest::parse("not json").is_err());
    }
}
