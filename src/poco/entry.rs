//! One Portable Contacts entry (Draft C §9): which fields of a person a token may see, as
//! their own record (`@self`) or as someone's contact (`@all`).

use serde_json::{json, Map, Value};

use crate::domain::records::{Contact, User};
use crate::domain::{Scope, ScopeSet, Sub};

/// Fields every entry carries whatever `fields` asks (Draft C: `id` and `displayName`
/// are required).
const ALWAYS: [&str; 2] = ["id", "displayName"];

/// Profile fields (Draft C names) that the `profile` scope releases.
const PROFILE_FIELDS: [&str; 11] = [
    "nickname",
    "birthday",
    "gender",
    "note",
    "utcOffset",
    "urls",
    "photos",
    "ims",
    "organizations",
    "tags",
    "preferredUsername",
];

/// The user's own record as a token with `scope` may see it, cut down to `fields` lists
/// (the grant's VZ `fields`, the request's `fields`), which never widen it. `id` is the
/// subject the client knows the user by (pairwise clients see their own). `openid` gives
/// `id`, `displayName` and the formatted `name`; `profile`, `email`, `address` and `phone`
/// widen it like the OpenID Connect claims of the same scopes.
pub fn self_entry(
    user: &User,
    id: &Sub,
    scope: &ScopeSet,
    fields: &[Option<&str>],
) -> Map<String, Value> {
    let mut profile = match serde_json::to_value(&user.profile) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    profile.insert("preferredUsername".into(), json!(user.username));
    let mut entry = Map::new();
    entry.insert("id".into(), json!(id.as_str()));
    entry.insert("displayName".into(), json!(user.display_name()));
    let mut name = Map::new();
    if let Some(formatted) = user.name.as_deref().filter(|n| !n.is_empty()) {
        name.insert("formatted".into(), json!(formatted));
    }
    if scope.contains(Scope::Profile) {
        for (part, key) in [
            ("givenName", "givenName"),
            ("familyName", "familyName"),
            ("middleName", "middleName"),
            ("honorificPrefix", "honorificPrefix"),
            ("honorificSuffix", "honorificSuffix"),
        ] {
            if let Some(value) = profile.get(key) {
                name.insert(part.into(), value.clone());
            }
        }
    }
    if !name.is_empty() {
        entry.insert("name".into(), Value::Object(name));
    }
    let mut release = |field: &str| {
        if let Some(value) = profile.get(field) {
            entry.insert(field.into(), value.clone());
        }
    };
    if scope.contains(Scope::Profile) {
        PROFILE_FIELDS.iter().for_each(|f| release(f));
    }
    if scope.contains(Scope::Address) {
        release("addresses");
    }
    if scope.contains(Scope::Phone) {
        release("phoneNumbers");
    }
    if scope.contains(Scope::Profile) {
        entry.insert("published".into(), json!(xs_date_time(user.created_at)));
        entry.insert("updated".into(), json!(xs_date_time(user.updated_at)));
    }
    if scope.contains(Scope::Email) {
        entry.insert(
            "emails".into(),
            json!([{ "value": user.email, "type": "other", "primary": true }]),
        );
    }
    for list in fields.iter().flatten() {
        restrict(&mut entry, list);
    }
    entry
}

/// The entry of one of the owner's contacts: what that person shows their contacts (never
/// the fields they hide, never more than their own `@self` under the same scopes), with the
/// relationship (`relationships`, `connected`).
pub fn contact_entry(
    contact: &Contact,
    id: &Sub,
    scope: &ScopeSet,
    fields: &[Option<&str>],
) -> Map<String, Value> {
    let mut entry = self_entry(&contact.user, id, scope, &[]);
    let hidden = &contact.user.profile.hidden_from_contacts;
    entry.retain(|name, _| ALWAYS.contains(&name.as_str()) || !hidden.iter().any(|h| h == name));
    entry.insert("relationships".into(), json!([contact.relationship]));
    entry.insert("connected".into(), json!(true));
    for list in fields.iter().flatten() {
        restrict(&mut entry, list);
    }
    entry
}

/// Keeps only the fields named in a comma-separated list (`@all` keeps everything).
fn restrict(entry: &mut Map<String, Value>, list: &str) {
    let wanted: Vec<&str> = list.split(',').map(str::trim).collect();
    if wanted.contains(&"@all") {
        return;
    }
    entry.retain(|name, _| ALWAYS.contains(&name.as_str()) || wanted.contains(&name.as_str()));
}

/// Unix seconds as `xs:dateTime` in UTC, e.g. `2008-01-23T04:56:22Z`.
pub fn xs_date_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            id: 1,
            sub: Sub::from_string("s1".into()),
            username: "alice".into(),
            email: "alice@example.org".into(),
            name: Some("Alice Example".into()),
            profile: Default::default(),
            email_verified: true,
            created_at: 1_200_000_000,
            updated_at: 1_200_000_000,
        }
    }

    #[test]
    fn scopes_decide_which_fields_appear() {
        let openid = ScopeSet::parse("openid").unwrap();
        let entry = self_entry(&user(), &user().sub, &openid, &[]);
        assert_eq!(
            entry.keys().collect::<Vec<_>>(),
            ["id", "displayName", "name"]
        );
        let email = ScopeSet::parse("openid email").unwrap();
        let entry = self_entry(&user(), &user().sub, &email, &[]);
        assert_eq!(entry["emails"][0]["value"], "alice@example.org");
    }

    #[test]
    fn fields_only_narrow_and_keep_id_and_display_name() {
        let scope = ScopeSet::parse("openid email").unwrap();
        let entry = self_entry(&user(), &user().sub, &scope, &[Some("emails,gender")]);
        assert_eq!(
            entry.keys().collect::<Vec<_>>(),
            ["id", "displayName", "emails"]
        );
        let narrow = ScopeSet::parse("openid").unwrap();
        let entry = self_entry(&user(), &user().sub, &narrow, &[Some("emails")]);
        assert!(!entry.contains_key("emails"));
    }

    #[test]
    fn dates_are_xs_date_time() {
        assert_eq!(xs_date_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(xs_date_time(1_200_000_000), "2008-01-10T21:20:00Z");
    }
}
