//! The scopes vzconnect knows (DESIGN "Scopes"); anything else is `invalid_scope`.

use std::collections::BTreeSet;
use std::fmt;

/// One scope the server can grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// VZ Connect fields in the token response; opens the user's own PoCo record.
    OpenId,
    /// Name and profile fields.
    Profile,
    /// Email addresses.
    Email,
    /// Postal address.
    Address,
    /// Phone numbers.
    Phone,
    /// The user's contacts (PoCo `@all`).
    Contacts,
    /// A refresh token.
    OfflineAccess,
    /// Minting widget credentials (Matrix MSC1960) that sign the person in to widgets.
    Widgets,
}

impl Scope {
    /// Every scope, in the order they are shown and written.
    pub const ALL: [Scope; 8] = [
        Scope::OpenId,
        Scope::Profile,
        Scope::Email,
        Scope::Address,
        Scope::Phone,
        Scope::Contacts,
        Scope::OfflineAccess,
        Scope::Widgets,
    ];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenId => "openid",
            Self::Profile => "profile",
            Self::Email => "email",
            Self::Address => "address",
            Self::Phone => "phone",
            Self::Contacts => "contacts",
            Self::OfflineAccess => "offline_access",
            Self::Widgets => "widgets",
        }
    }

    /// What granting this scope lets a site see, in plain words for the consent page.
    pub fn description(self) -> &'static str {
        match self {
            Self::OpenId => "Know who you are: your account ID and display name",
            Self::Profile => "See your name and profile details",
            Self::Email => "See your email address",
            Self::Address => "See your postal address",
            Self::Phone => "See your phone number",
            Self::Contacts => "See your contacts (your friends list)",
            Self::OfflineAccess => "Keep this access when you are not using the site",
            Self::Widgets => {
                "Sign you in to widgets (small apps shown inside the site) as you, and tell them your account ID"
            }
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A set of scopes, written space-separated in canonical order (RFC 6749 §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// Parses a `scope` parameter; the error names the first unknown scope.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut set = BTreeSet::new();
        for name in value.split(' ').filter(|s| !s.is_empty()) {
            match Scope::parse(name) {
                Some(scope) => {
                    set.insert(scope);
                }
                None => return Err(format!("unknown scope '{name}'")),
            }
        }
        Ok(Self(set))
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether every scope of `self` is also in `other`.
    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    /// Both sets together.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.union(&other.0).copied().collect())
    }

    /// Whether no scope was asked for.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Scope::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_in_any_order_and_writes_canonically() {
        let set = ScopeSet::parse("email  openid").unwrap();
        assert_eq!(set.to_string(), "openid email");
        assert!(set.contains(Scope::OpenId));
        assert!(!set.contains(Scope::Contacts));
    }

    #[test]
    fn unknown_scope_is_an_error_naming_it() {
        assert_eq!(
            ScopeSet::parse("openid admin").unwrap_err(),
            "unknown scope 'admin'"
        );
    }

    #[test]
    fn subset_and_union() {
        let small = ScopeSet::parse("openid").unwrap();
        let big = ScopeSet::parse("openid email").unwrap();
        assert!(small.is_subset(&big));
        assert!(!big.is_subset(&small));
        assert_eq!(small.union(&big), big);
    }
}
