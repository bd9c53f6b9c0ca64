//! Claims about a person (OpenID Connect Core §5.1, §5.4): which scope releases which claim,
//! read from the user record and profile. Claims without a value are left out, never null.

use serde_json::{json, Map, Value};

use crate::domain::profile::primary_or_first;
use crate::domain::records::User;
use crate::domain::{Scope, ScopeSet, Sub};

/// The claims each scope releases (Core §5.4).
pub fn claims_of_scope(scope: Scope) -> &'static [&'static str] {
    match scope {
        Scope::Profile => &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
        Scope::Email => &["email", "email_verified"],
        Scope::Address => &["address"],
        Scope::Phone => &["phone_number", "phone_number_verified"],
        Scope::OpenId | Scope::Contacts | Scope::OfflineAccess | Scope::Widgets => &[],
    }
}

/// Every claim vzconnect can state about `user`, who is `sub` to the client asking.
fn all_claims(user: &User, sub: &Sub) -> Map<String, Value> {
    let p = &user.profile;
    let url_of = |profile: bool| {
        p.urls
            .iter()
            .find(|u| (u.kind.as_deref() == Some("profile")) == profile)
            .map(|u| u.value.clone())
    };
    let address = p.main_address().map(|a| {
        let mut out = Map::new();
        let parts = [
            ("formatted", &a.formatted),
            ("street_address", &a.street_address),
            ("locality", &a.locality),
            ("region", &a.region),
            ("postal_code", &a.postal_code),
            ("country", &a.country),
        ];
        for (name, value) in parts {
            if let Some(value) = value {
                out.insert(name.into(), json!(value));
            }
        }
        Value::Object(out)
    });
    let phone = primary_or_first(&p.phone_numbers).map(|n| n.value.clone());
    let candidates: [(&str, Option<Value>); 20] = [
        ("sub", Some(json!(sub.as_str()))),
        (
            "name",
            user.name.clone().filter(|n| !n.is_empty()).map(Value::from),
        ),
        ("family_name", p.family_name.clone().map(Value::from)),
        ("given_name", p.given_name.clone().map(Value::from)),
        ("middle_name", p.middle_name.clone().map(Value::from)),
        ("nickname", p.nickname.clone().map(Value::from)),
        ("preferred_username", Some(json!(user.username))),
        ("profile", url_of(true).map(Value::from)),
        (
            "picture",
            primary_or_first(&p.photos).map(|ph| json!(ph.value)),
        ),
        ("website", url_of(false).map(Value::from)),
        ("gender", p.gender.clone().map(Value::from)),
        ("birthdate", p.birthday.clone().map(Value::from)),
        ("zoneinfo", p.zoneinfo.clone().map(Value::from)),
        ("locale", p.locale.clone().map(Value::from)),
        ("updated_at", Some(json!(user.updated_at))),
        ("email", Some(json!(user.email))),
        ("email_verified", Some(json!(user.email_verified))),
        // Phone numbers are never verified (no SMS is sent).
        ("address", address),
        ("phone_number", phone.clone().map(Value::from)),
        ("phone_number_verified", phone.map(|_| json!(false))),
    ];
    candidates
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
        .collect()
}

/// The claims a token with `scope` may read, plus the individually requested `extra`
/// claims (the `claims` request parameter); `sub` always.
pub fn claims(user: &User, sub: &Sub, scope: &ScopeSet, extra: &[String]) -> Map<String, Value> {
    let all = all_claims(user, sub);
    let mut wanted: Vec<&str> = extra.iter().map(String::as_str).collect();
    wanted.push("sub");
    wanted.extend(
        scope
            .iter()
            .flat_map(|s| claims_of_scope(s).iter().copied()),
    );
    all.into_iter()
        .filter(|(name, _)| wanted.contains(&name.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::{Address, Plural, Profile};

    fn user() -> User {
        User {
            id: 1,
            sub: Sub::from_string("s1".into()),
            username: "alice".into(),
            email: "alice@example.org".into(),
            name: None,
            email_verified: false,
            profile: Profile {
                given_name: Some("Alice".into()),
                phone_numbers: vec![
                    Plural {
                        value: "+1 555 0100".into(),
                        kind: None,
                        primary: None,
                    },
                    Plural {
                        value: "+1 555 0199".into(),
                        kind: None,
                        primary: Some(true),
                    },
                ],
                addresses: vec![Address {
                    locality: Some("Berlin".into()),
                    ..Address::default()
                }],
                ..Profile::default()
            },
            created_at: 1,
            updated_at: 2,
        }
    }

    #[test]
    fn scope_decides_the_claims() {
        let u = user();
        let openid = claims(&u, &u.sub, &ScopeSet::parse("openid").unwrap(), &[]);
        assert_eq!(Value::Object(openid), json!({"sub": "s1"}));
        let all = claims(
            &u,
            &u.sub,
            &ScopeSet::parse("openid profile email address phone").unwrap(),
            &[],
        );
        assert_eq!(all["preferred_username"], "alice");
        assert_eq!(all["given_name"], "Alice");
        assert!(!all.contains_key("name"), "no null claims");
        assert_eq!(all["email_verified"], false);
        assert_eq!(all["address"], json!({"locality": "Berlin"}));
        assert_eq!(all["phone_number"], "+1 555 0199", "the primary number");
    }

    #[test]
    fn individually_requested_claims_are_added() {
        let u = user();
        let some = claims(
            &u,
            &u.sub,
            &ScopeSet::parse("openid").unwrap(),
            &["given_name".into(), "nickname".into()],
        );
        assert_eq!(
            Value::Object(some),
            json!({"sub": "s1", "given_name": "Alice"})
        );
    }
}
