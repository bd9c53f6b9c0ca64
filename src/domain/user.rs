//! Who a user is: the login name, the email, and the stable subject identifier.

use std::fmt;

/// A login name: 2–32 characters of `a-z 0-9 . _ -`, stored lowercase so logins are
/// case-insensitive and the name fits a Matrix user id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Lowercases and validates a username.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim().to_lowercase();
        if !(2..=32).contains(&value.chars().count()) {
            return Err("username must be 2 to 32 characters".into());
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        {
            return Err("username may contain only letters, digits, '.', '_' and '-'".into());
        }
        Ok(Self(value))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, checked for shape only (delivery proves the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain` without spaces, up to 254 characters.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let valid = value.len() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(value.split_once('@'), Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Self(value.to_string()))
        } else {
            Err(format!("'{value}' is not an email address"))
        }
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The stable, never-reassigned subject identifier of a user: `sub` in OpenID Connect,
/// `id` of the PoCo record, the path segment of the VZ `user_id` URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sub(String);

impl Sub {
    /// A new random subject (128 bits, URL-safe).
    pub fn generate() -> Self {
        Self(crate::crypto::random_token(16))
    }

    /// Wraps a subject read from storage or a URL path.
    pub fn from_string(value: String) -> Self {
        Self(value)
    }

    /// The subject as written in URLs and claims.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_restricted() {
        assert_eq!(Username::parse("Alice").unwrap().as_str(), "alice");
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("al ice").is_err());
        assert!(Username::parse("al<ice").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert!(Email::parse("alice@example.org").is_ok());
        for bad in [
            "alice",
            "@example.org",
            "alice@",
            "a b@example.org",
            "a@b@c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
