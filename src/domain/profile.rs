//! A person's profile in Portable Contacts 1.0 (Draft C) shape: what `@self` shows and what
//! the OpenID Connect profile, address and phone claims are read from.

use serde::{Deserialize, Serialize};

/// A value of a plural field (`urls`, `phoneNumbers`, `photos`, `ims`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plural {
    pub value: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// A postal address (PoCo `addresses`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// An organization (PoCo `organizations`): a job or a school.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Everything about a person beyond login name, email and display name. Stored as JSON;
/// unknown members are dropped, missing ones default to empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// `YYYY-MM-DD`, the year may be `0000` when unknown (Draft C; OIDC `birthdate` alike).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// `male`, `female` or `undisclosed` (Draft C's canonical values; others are kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `-08:00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<String>,
    /// An IANA time zone (OIDC `zoneinfo`), e.g. `Europe/Berlin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<String>,
    /// A BCP 47 language tag (OIDC `locale`), e.g. `de-DE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<Plural>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<Plural>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ims: Vec<Plural>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Plural>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<Organization>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Field names (Draft C, e.g. `emails`) the person does not show their contacts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_from_contacts: Vec<String>,
}

/// The primary value of a plural field, else its first (Draft C's rule for one value).
pub fn primary_or_first(values: &[Plural]) -> Option<&Plural> {
    values
        .iter()
        .find(|v| v.primary == Some(true))
        .or_else(|| values.first())
}

impl Profile {
    /// The primary (else first) address.
    pub fn main_address(&self) -> Option<&Address> {
        self.addresses
            .iter()
            .find(|a| a.primary == Some(true))
            .or_else(|| self.addresses.first())
    }

    /// Checks the fields whose format is fixed; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(birthday) = &self.birthday {
            let ok = birthday.len() == 10
                && time::Date::parse(
                    &birthday.replacen("0000-", "2000-", 1),
                    &time::macros::format_description!("[year]-[month]-[day]"),
                )
                .is_ok();
            if !ok {
                return Err(format!(
                    "birthday '{birthday}' must be YYYY-MM-DD (year 0000 if unknown)"
                ));
            }
        }
        if let Some(offset) = &self.utc_offset {
            let ok = offset.len() == 6
                && time::UtcOffset::parse(
                    offset,
                    &time::macros::format_description!(
                        "[offset_hour sign:mandatory]:[offset_minute]"
                    ),
                )
                .is_ok();
            if !ok {
                return Err(format!("utcOffset '{offset}' must look like -08:00"));
            }
        }
        for photo in &self.photos {
            if url::Url::parse(&photo.value).is_err() {
                return Err(format!("photo '{}' must be a URL", photo.value));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_uses_poco_names_and_skips_empty_fields() {
        let profile = Profile {
            given_name: Some("Alice".into()),
            phone_numbers: vec![Plural {
                value: "+49 30 1234".into(),
                kind: Some("mobile".into()),
                primary: None,
            }],
            ..Profile::default()
        };
        let json = serde_json::to_value(&profile).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"givenName": "Alice", "phoneNumbers": [{"value": "+49 30 1234", "type": "mobile"}]})
        );
        assert_eq!(serde_json::from_value::<Profile>(json).unwrap(), profile);
        assert_eq!(
            serde_json::from_str::<Profile>("{}").unwrap(),
            Profile::default()
        );
    }

    #[test]
    fn validation_names_the_bad_field() {
        let ok = Profile {
            birthday: Some("0000-02-29".into()),
            utc_offset: Some("-08:00".into()),
            ..Profile::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = Profile {
            birthday: Some("1990-13-01".into()),
            ..Profile::default()
        };
        assert!(bad.validate().unwrap_err().contains("birthday"));
        let bad = Profile {
            utc_offset: Some("8".into()),
            ..Profile::default()
        };
        assert!(bad.validate().unwrap_err().contains("utcOffset"));
    }
}
