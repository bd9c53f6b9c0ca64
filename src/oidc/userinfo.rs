//! UserInfo claims (OpenID Connect Core §5.3, §5.4): `sub` always, the rest by scope. Claims
//! without a value are left out, never sent as null.

use serde_json::{json, Map, Value};

use crate::domain::records::User;
use crate::domain::{Scope, ScopeSet, Sub};

/// The claims a token with `scope` may read about `user`, known to the client as `sub`.
pub fn claims(user: &User, sub: &Sub, scope: &ScopeSet) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(sub.as_str()));
    if scope.contains(Scope::Profile) {
        if let Some(name) = user.name.as_deref().filter(|n| !n.is_empty()) {
            claims.insert("name".into(), json!(name));
        }
        claims.insert("preferred_username".into(), json!(user.username));
        claims.insert("updated_at".into(), json!(user.updated_at));
    }
    if scope.contains(Scope::Email) {
        claims.insert("email".into(), json!(user.email));
        // Addresses are not verified yet (no verification mail is sent).
        claims.insert("email_verified".into(), json!(false));
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_decides_the_claims() {
        let user = User {
            id: 1,
            sub: Sub::from_string("s1".into()),
            username: "alice".into(),
            email: "alice@example.org".into(),
            name: None,
            created_at: 1,
            updated_at: 2,
        };
        let openid = claims(&user, &user.sub, &ScopeSet::parse("openid").unwrap());
        assert_eq!(Value::Object(openid), json!({"sub": "s1"}));
        let all = claims(
            &user,
            &user.sub,
            &ScopeSet::parse("openid profile email").unwrap(),
        );
        assert_eq!(all["preferred_username"], "alice");
        assert!(!all.contains_key("name"), "no null claims");
        assert_eq!(all["email_verified"], false);
    }
}
