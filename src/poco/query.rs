//! The query parameters of Draft C §7 (`filterBy`, `filterOp`, `filterValue`, `updatedSince`,
//! `sortBy`, `sortOrder`, `startIndex`, `count`, `fields`, `format`). A bad value is an error
//! naming the parameter, never an empty success.

use crate::domain::contact_query::{
    ContactField, ContactFilter, ContactQuery, FilterOp, SortOrder,
};
use crate::domain::{Scope, ScopeSet};
use crate::oauth::Params;

/// Entries per page when the request names no `count` (or `count=0`).
pub const DEFAULT_COUNT: usize = 100;
/// The most entries one page carries; larger counts are capped and `itemsPerPage` says so.
pub const MAX_COUNT: usize = 1000;

/// `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// How the response is presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// `fields`: a comma-separated list, or `@all`.
    pub fields: Option<String>,
    pub format: Format,
}

/// A bad parameter: its name and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub parameter: &'static str,
    pub message: String,
}

impl QueryError {
    fn new(parameter: &'static str, message: impl Into<String>) -> Self {
        Self {
            parameter,
            message: message.into(),
        }
    }
}

/// The field behind a Draft C name (dotted for sub-fields; `name` means its primary
/// sub-field `formatted`; `email` is accepted for `emails`, as in the draft's examples).
pub fn field(name: &str) -> Option<ContactField> {
    use ContactField::*;
    Some(match name {
        "id" => Id,
        "displayName" => DisplayName,
        "name" | "name.formatted" => NameFormatted,
        "name.givenName" => GivenName,
        "name.familyName" => FamilyName,
        "name.middleName" => MiddleName,
        "nickname" => Nickname,
        "preferredUsername" => PreferredUsername,
        "birthday" => Birthday,
        "gender" => Gender,
        "note" => Note,
        "utcOffset" => UtcOffset,
        "published" => Published,
        "updated" => Updated,
        "emails" | "email" | "emails.value" => Emails,
        "phoneNumbers" | "phoneNumbers.value" => PhoneNumbers,
        "urls" | "urls.value" => Urls,
        "ims" | "ims.value" => Ims,
        "photos" | "photos.value" => Photos,
        "tags" => Tags,
        "addresses" | "addresses.formatted" => Addresses,
        "organizations" | "organizations.name" => Organizations,
        "relationships" => Relationships,
        _ => return None,
    })
}

/// The scope a field needs: the same rules as the entry itself.
fn scope_of(field: ContactField) -> Option<Scope> {
    use ContactField::*;
    match field {
        Id | DisplayName | NameFormatted | Relationships => None,
        Emails => Some(Scope::Email),
        PhoneNumbers => Some(Scope::Phone),
        Addresses => Some(Scope::Address),
        _ => Some(Scope::Profile),
    }
}

fn visible_field(
    name: &str,
    parameter: &'static str,
    scope: &ScopeSet,
) -> Result<ContactField, QueryError> {
    let found =
        field(name).ok_or_else(|| QueryError::new(parameter, format!("unknown field '{name}'")))?;
    match scope_of(found) {
        Some(needed) if !scope.contains(needed) => Err(QueryError::new(
            parameter,
            format!("'{name}' needs the {} scope", needed.as_str()),
        )),
        _ => Ok(found),
    }
}

fn number(params: &Params, name: &'static str) -> Result<Option<usize>, QueryError> {
    match params
        .get(name)
        .map_err(|e| QueryError::new(name, e.description))?
    {
        None => Ok(None),
        Some(raw) => raw.parse::<usize>().map(Some).map_err(|_| {
            QueryError::new(name, format!("'{raw}' is not a non-negative whole number"))
        }),
    }
}

/// Parses `updatedSince` (xs:dateTime; without an offset it is read as UTC).
fn date_time(raw: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    time::OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .or_else(|| {
            time::PrimitiveDateTime::parse(
                raw,
                &format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            )
            .ok()
            .map(|t| t.assume_utc())
        })
        .map(|t| t.unix_timestamp())
}

/// Parses the query of an `@all` request for a token with `scope`.
pub fn parse(
    params: &Params,
    scope: &ScopeSet,
) -> Result<(ContactQuery, Presentation), QueryError> {
    let get = |name: &'static str| {
        params
            .get(name)
            .map_err(|e| QueryError::new(name, e.description))
    };
    let filter = match (get("filterBy")?, get("filterOp")?, get("filterValue")?) {
        (None, None, None) => None,
        (None, _, _) => {
            return Err(QueryError::new(
                "filterBy",
                "filterOp and filterValue need filterBy",
            ))
        }
        (Some(by), op, value) => {
            let field = visible_field(by, "filterBy", scope)?;
            let op = match op.unwrap_or("contains") {
                "equals" => FilterOp::Equals,
                "contains" => FilterOp::Contains,
                "startswith" | "startsWith" => FilterOp::StartsWith,
                "present" => FilterOp::Present,
                other => {
                    return Err(QueryError::new(
                        "filterOp",
                        format!(
                            "unknown operator '{other}' (equals, contains, startswith, present)"
                        ),
                    ))
                }
            };
            let value = match (op, value) {
                (FilterOp::Present, _) => String::new(),
                (_, Some(value)) => value.to_string(),
                (_, None) => {
                    return Err(QueryError::new("filterValue", "required for this filterOp"))
                }
            };
            Some(ContactFilter { field, op, value })
        }
    };
    let updated_since = match get("updatedSince")? {
        None => None,
        Some(raw) => Some(date_time(raw).ok_or_else(|| {
            QueryError::new(
                "updatedSince",
                format!("'{raw}' is not an xs:dateTime such as 2008-01-23T04:56:22Z"),
            )
        })?),
    };
    let order = match get("sortOrder")? {
        None | Some("ascending") => SortOrder::Ascending,
        Some("descending") => SortOrder::Descending,
        Some(other) => {
            return Err(QueryError::new(
                "sortOrder",
                format!("'{other}' (ascending or descending)"),
            ))
        }
    };
    let sort = get("sortBy")?
        .map(|by| visible_field(by, "sortBy", scope))
        .transpose()?
        .map(|field| (field, order));
    let start_index = number(params, "startIndex")?.unwrap_or(0);
    let count = match number(params, "count")? {
        None | Some(0) => DEFAULT_COUNT,
        Some(n) => n.min(MAX_COUNT),
    };
    let format = format(get("format")?)?;
    let query = ContactQuery {
        filter,
        updated_since,
        sort,
        start_index,
        count,
    };
    let presentation = Presentation {
        fields: get("fields")?.map(str::to_string),
        format,
    };
    Ok((query, presentation))
}

/// The response format a `format` parameter asks for (JSON unless it says `xml`).
pub fn format(value: Option<&str>) -> Result<Format, QueryError> {
    match value {
        None | Some("json") => Ok(Format::Json),
        Some("xml") => Ok(Format::Xml),
        Some(other) => Err(QueryError::new(
            "format",
            format!("'{other}' (json or xml)"),
        )),
    }
}

/// Why a Portable Contacts request gets no record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PocoError {
    /// A parameter the query language does not accept.
    BadParameter(QueryError),
    /// No such record for this access token.
    NotFound,
}

impl From<QueryError> for PocoError {
    fn from(error: QueryError) -> Self {
        Self::BadParameter(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_q(q: &str, scope: &str) -> Result<(ContactQuery, Presentation), QueryError> {
        parse(&Params::parse(q), &ScopeSet::parse(scope).unwrap())
    }

    fn bad(q: &str) -> &'static str {
        parse_q(q, "openid profile contacts").unwrap_err().parameter
    }

    #[test]
    fn the_drafts_examples_parse() {
        let (q, _) = parse_q(
            "filterBy=displayName&filterOp=startswith&filterValue=Chr",
            "openid contacts",
        )
        .unwrap();
        assert_eq!(q.filter.unwrap().op, FilterOp::StartsWith);
        let (q, _) = parse_q("filterBy=email&filterOp=present", "openid email contacts").unwrap();
        assert_eq!(q.filter.unwrap().field, ContactField::Emails);
        let (q, p) = parse_q(
            "startIndex=10&count=10&sortBy=displayName&format=xml",
            "openid contacts",
        )
        .unwrap();
        assert_eq!((q.start_index, q.count, p.format), (10, 10, Format::Xml));
        assert_eq!(
            q.sort,
            Some((ContactField::DisplayName, SortOrder::Ascending))
        );
    }

    #[test]
    fn each_bad_value_names_its_parameter() {
        assert_eq!(
            bad("filterBy=displayName&filterOp=near&filterValue=x"),
            "filterOp"
        );
        assert_eq!(bad("filterBy=shoeSize&filterValue=x"), "filterBy");
        assert_eq!(bad("filterBy=displayName&filterOp=equals"), "filterValue");
        assert_eq!(bad("filterValue=x"), "filterBy");
        assert_eq!(bad("count=-1"), "count");
        assert_eq!(bad("startIndex=ten"), "startIndex");
        assert_eq!(bad("sortBy=displayName&sortOrder=sideways"), "sortOrder");
        assert_eq!(bad("sortBy=nope"), "sortBy");
        assert_eq!(bad("updatedSince=yesterday"), "updatedSince");
        assert_eq!(bad("format=yaml"), "format");
        assert_eq!(
            bad("filterBy=emails&filterOp=present"),
            "filterBy",
            "needs the email scope"
        );
    }

    #[test]
    fn counts_are_defaulted_and_capped_and_dates_parse() {
        assert_eq!(parse_q("count=0", "openid").unwrap().0.count, DEFAULT_COUNT);
        assert_eq!(
            parse_q("count=100000", "openid").unwrap().0.count,
            MAX_COUNT
        );
        let (q, _) = parse_q("updatedSince=2008-01-23T04:56:22Z", "openid").unwrap();
        assert_eq!(q.updated_since, Some(1_201_064_182));
        let (q, _) = parse_q("updatedSince=2008-01-23T04:56:22", "openid").unwrap();
        assert_eq!(q.updated_since, Some(1_201_064_182));
    }
}
