//! Request parameters as RFC 6749 §3.1 reads them: a parameter sent without a value is
//! treated as omitted, and one sent more than once is an error.

use super::OAuthError;

/// Decoded `application/x-www-form-urlencoded` parameters, in the order they were sent.
#[derive(Clone, Default)]
pub struct Params(Vec<(String, String)>);

/// Names only: values include codes, tokens and client secrets.
impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

impl Params {
    /// Parses a query string or form body.
    pub fn parse(encoded: &str) -> Self {
        Self(
            url::form_urlencoded::parse(encoded.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Builds parameters from pairs (tests, merged sources).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The value of `name`: `Ok(None)` if absent or empty, an error if sent twice.
    pub fn get(&self, name: &str) -> Result<Option<&str>, OAuthError> {
        let mut values = self
            .0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(OAuthError::invalid_request(format!(
                "the parameter '{name}' was sent more than once"
            )));
        }
        Ok(first)
    }

    /// Like [`Params::get`], but absence is an `invalid_request` naming the parameter.
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)?.ok_or_else(|| {
            OAuthError::invalid_request(format!("the parameter '{name}' is missing"))
        })
    }

    /// The first parameter (of `names`) sent more than once, if any.
    pub fn first_duplicate(&self, names: &[&str]) -> Option<OAuthError> {
        names.iter().find_map(|name| self.get(name).err())
    }

    /// The raw pairs, for re-encoding.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_absent_and_duplicates_are_errors() {
        let params = Params::parse("a=1&b=&c=2&c=3");
        assert_eq!(params.get("a").unwrap(), Some("1"));
        assert_eq!(params.get("b").unwrap(), None);
        assert_eq!(params.get("missing").unwrap(), None);
        assert!(params.get("c").is_err());
        assert_eq!(
            params.require("b").unwrap_err().description,
            "the parameter 'b' is missing"
        );
    }
}
